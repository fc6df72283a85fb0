// The libtorch backend learns, predicts probabilities and is deterministic for a seed.

#include "activelearning/classifier.h"

#include <QTest>

#include <random>

using namespace gw::activelearning;

namespace {

/// Three Gaussian blobs in 4-D, well apart.
TrainingData blobs(int perClass, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.f, 0.6f);
    TrainingData d;
    d.featureDim = 4;
    d.numClasses = 3;
    const float centres[3][4] = {{0, 0, 3, 0}, {3, 3, 0, 0}, {-3, 2, 0, 3}};
    for (int i = 0; i < perClass * 3; ++i) {
        const int c = i % 3;
        for (int k = 0; k < 4; ++k)
            d.features.push_back(centres[c][k] + noise(rng));
        d.labels.push_back(c);
    }
    return d;
}

double accuracy(const Classifier &model, const TrainingData &test)
{
    const auto p = model.predictProbabilities(test.features);
    if (!p)
        return 0;
    int right = 0;
    for (int i = 0; i < test.rows(); ++i) {
        const float *row = p->data() + size_t(i) * 3;
        const int best = int(std::max_element(row, row + 3) - row);
        right += best == test.labels[size_t(i)];
    }
    return double(right) / test.rows();
}

} // namespace

class TestClassifier : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void learnsSeparableClasses()
    {
        auto model = makeTorchMlpClassifier(16);
        TrainOptions opt;
        opt.epochs = 150;
        opt.seed = 7;
        QVERIFY(model->train(blobs(60, 1), opt).has_value());
        QVERIFY(accuracy(*model, blobs(100, 2)) > 0.95);
        const auto p = model->predictProbabilities(blobs(1, 3).features);
        QVERIFY(p.has_value());
        for (int r = 0; r < 3; ++r) {
            const float sum = (*p)[size_t(r) * 3] + (*p)[size_t(r) * 3 + 1] + (*p)[size_t(r) * 3 + 2];
            QVERIFY(std::abs(sum - 1.f) < 1e-4f);
        }
    }

    void deterministicForASeed()
    {
        TrainOptions opt;
        opt.epochs = 30;
        opt.seed = 42;
        auto a = makeTorchMlpClassifier(8), b = makeTorchMlpClassifier(8);
        QVERIFY(a->train(blobs(20, 5), opt).has_value());
        QVERIFY(b->train(blobs(20, 5), opt).has_value());
        const auto test = blobs(10, 6).features;
        QCOMPARE(*a->predictProbabilities(test), *b->predictProbabilities(test));
    }

    void refusesUnusableInput()
    {
        auto model = makeTorchMlpClassifier();
        TrainingData empty;
        empty.featureDim = 2;
        empty.numClasses = 2;
        QVERIFY(!model->train(empty, {}).has_value());
        QVERIFY(!model->predictProbabilities({1.f, 2.f}).has_value());
    }
};

QTEST_GUILESS_MAIN(TestClassifier)
#include "tst_classifier.moc"
