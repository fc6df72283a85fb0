// The embedding classifier trains a head on a TorchScript feature extractor, and reports unusable model files
// as errors naming them. libtorch is included here only to write the TorchScript files the test loads.

#include "activelearning/models.h"

#include <QTemporaryDir>
#include <QTest>

#include <torch/script.h>

#include <fstream>
#include <random>

using namespace gw::activelearning;

namespace {

/// Saves a TorchScript module whose forward is the given body (one expression of x).
void writeModule(const std::string &path, const std::string &body)
{
    torch::jit::Module module("m");
    module.define("def forward(self, x):\n    return " + body + "\n");
    module.save(path);
}

/// 1×8×8 images of three classes: a bright 3×3 square in one of three places, on noise.
std::shared_ptr<const ImageInputs> squares(int count, std::vector<int> &labels)
{
    auto inputs = std::make_shared<ImageInputs>();
    inputs->channels = 1;
    inputs->height = inputs->width = 8;
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> noise(0.f, 0.4f);
    const int corners[3][2] = {{0, 0}, {4, 0}, {2, 5}};
    for (int i = 0; i < count; ++i) {
        const int c = i % 3;
        for (int y = 0; y < 8; ++y) {
            for (int x = 0; x < 8; ++x) {
                const bool inside = x >= corners[c][0] && x < corners[c][0] + 3 && y >= corners[c][1] &&
                                    y < corners[c][1] + 3;
                inputs->pixels.push_back(inside ? 0.6f + noise(rng) : noise(rng));
            }
        }
        labels.push_back(c);
    }
    return inputs;
}

std::vector<int> range(int begin, int end)
{
    std::vector<int> r;
    for (int i = begin; i < end; ++i)
        r.push_back(i);
    return r;
}

} // namespace

class TestEmbedding : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void trainsAHeadOnTorchScriptEmbeddings()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("features.pt")).toStdString();
        writeModule(path, "torch.relu(x.flatten(1) * 2.0 - 0.5)");
        std::vector<int> labels;
        const auto inputs = squares(300, labels);
        auto model = makeEmbeddingClassifier(inputs, path, 2);
        QVERIFY2(model.has_value(), model ? "" : model.error().message.c_str());
        const std::vector<int> trainRows = range(0, 200), validationRows = range(200, 300);
        const std::vector<int> trainLabels(labels.begin(), labels.begin() + 200),
            validationLabels(labels.begin() + 200, labels.end());
        ModelOptions opt;
        opt.seed = 4;
        const auto report = (*model)->train(trainRows, trainLabels, validationRows, validationLabels, 3, opt);
        QVERIFY2(report.has_value(), report ? "" : report.error().message.c_str());
        qInfo("embedding head: %d epochs (best %d) in %.3f s, validation accuracy %.3f", report->epochs,
              report->bestEpoch, report->seconds, report->validationAccuracy);
        QVERIFY(report->validationAccuracy > 0.95);
        QCOMPARE((*model)->numClasses(), 3);
        const auto logits = (*model)->logits(validationRows);
        QVERIFY(logits.has_value());
        QCOMPARE(logits->size(), size_t(300));

        auto same = makeEmbeddingClassifier(inputs, path, 2);
        QVERIFY(same.has_value());
        QVERIFY((*same)->train(trainRows, trainLabels, validationRows, validationLabels, 3, opt).has_value());
        QCOMPARE(*(*same)->logits(validationRows), *logits);
    }

    void reportsUnusableModelFiles()
    {
        QTemporaryDir dir;
        std::vector<int> labels;
        const auto inputs = squares(10, labels);

        const std::string missing = dir.filePath(QStringLiteral("missing.pt")).toStdString();
        const auto notThere = makeEmbeddingClassifier(inputs, missing);
        QVERIFY(!notThere.has_value());
        QCOMPARE(notThere.error().code, gw::Error::Code::NotFound);
        QVERIFY(notThere.error().message.find("missing.pt") != std::string::npos);

        const std::string garbage = dir.filePath(QStringLiteral("garbage.pt")).toStdString();
        {
            std::ofstream out(garbage);
            out << "not a TorchScript archive";
        }
        const auto notAModel = makeEmbeddingClassifier(inputs, garbage);
        QVERIFY(!notAModel.has_value());
        QVERIFY(notAModel.error().message.find("garbage.pt") != std::string::npos);

        const std::string images = dir.filePath(QStringLiteral("images.pt")).toStdString();
        writeModule(images, "x * 1.0"); // N×C×H×W out: not one embedding per image
        const auto wrongShape = makeEmbeddingClassifier(inputs, images);
        QVERIFY(!wrongShape.has_value());
        QVERIFY(wrongShape.error().message.find("images.pt") != std::string::npos);
        QVERIFY(wrongShape.error().message.find("N×D") != std::string::npos);

        const std::string failing = dir.filePath(QStringLiteral("failing.pt")).toStdString();
        writeModule(failing, "x.view(7, -1, 5)"); // throws inside forward
        const auto throws = makeEmbeddingClassifier(inputs, failing);
        QVERIFY(!throws.has_value());
        QVERIFY(throws.error().message.find("failing.pt") != std::string::npos);

        QVERIFY(!makeEmbeddingClassifier(std::make_shared<ImageInputs>(), images).has_value());
    }
};

QTEST_GUILESS_MAIN(TestEmbedding)
#include "tst_embedding.moc"
