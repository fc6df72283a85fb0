// The built-in trainers on real data: OpenCV's handwritten digits and the descriptions of this machine's Debian
// packages. Training beats chance by a wide margin, the saved TorchScript model reproduces the evaluation
// when loaded by libtorch on its own, a warm start really starts from the saved weights, and the metrics
// (per-class precision / recall / F1, confusion matrix) add up.

#include "activelearning/imagecache.h"
#include "activelearning/runs.h"
#include "activelearning/trainer.h"
#include "datasets/splits.h"
#include "datasets/versions.h"
#include "digits.h"
#include "labeling/labeler.h"

#include <QFile>
#include <QTest>

#include <torch/script.h>

#include <cmath>
#include <set>

using namespace gw;
using namespace gw::datasets;
using namespace gw::activelearning;

namespace {

/// Every item gets its true class from a person, splits are assigned (70/15/15, stratified) and the
/// class-folder export is recorded as dataset version 1.
int64_t labelSplitAndVersion(ProjectStore &store, const Job &job, const std::map<int64_t, int> &truth,
                             const QTemporaryDir &dir)
{
    labeling::Labeler person(store, "annotator");
    for (const auto &[id, cls] : truth) {
        Payload p;
        p.classes = {job.classes[size_t(cls)].id};
        p.classConfidence = {std::nullopt};
        if (!person.setLabel(job, *store.item(id), p))
            return 0;
    }
    SplitOptions split;
    split.ratios = {0.7, 0.15, 0.15};
    split.job = job.name;
    if (!assignSplits(store, split))
        return 0;
    DatasetExport request;
    request.jobs = {job.name};
    request.options.outPath = test::path(dir, "manifest.jsonl");
    auto v = exportDataset(store, request);
    return v ? v->version.id : 0;
}

/// Descriptions of the installed Debian packages in two sections, with their section as the truth.
std::vector<std::pair<std::string, int>> packageDescriptions(const std::array<std::string, 2> &sections, size_t perClass)
{
    QFile status(QStringLiteral("/var/lib/dpkg/status"));
    std::vector<std::pair<std::string, int>> out;
    if (!status.open(QIODevice::ReadOnly))
        return out;
    std::array<size_t, 2> counts{};
    std::set<std::string> seen;
    std::string section, description;
    auto flush = [&] {
        for (int c = 0; c < 2; ++c)
            if (section == sections[size_t(c)] && !description.empty() && counts[size_t(c)] < perClass &&
                seen.insert(description).second) {
                out.emplace_back(description, c);
                ++counts[size_t(c)];
            }
        section.clear();
        description.clear();
    };
    while (!status.atEnd()) {
        const std::string line = status.readLine().trimmed().toStdString();
        if (line.empty())
            flush();
        else if (line.rfind("Section: ", 0) == 0)
            section = line.substr(9);
        else if (line.rfind("Description: ", 0) == 0)
            description = line.substr(13);
    }
    flush();
    return out;
}

} // namespace

class TestTrainer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void reportArithmetic()
    {
        // truth:     0 0 0 1 1 2     predicted: 0 0 1 1 2 2
        const auto r = classificationReport({0, 0, 0, 1, 1, 2}, {0, 0, 1, 1, 2, 2}, {"a", "b", "c"});
        QCOMPARE(r.items, int64_t(6));
        QCOMPARE(r.accuracy, 4.0 / 6.0);
        QCOMPARE(r.confusion, (std::vector<std::vector<int64_t>>{{2, 1, 0}, {0, 1, 1}, {0, 0, 1}}));
        QCOMPARE(r.classes[0].precision, 1.0);
        QCOMPARE(r.classes[0].recall, 2.0 / 3.0);
        QCOMPARE(r.classes[1].precision, 0.5);
        QCOMPARE(r.classes[1].recall, 0.5);
        QCOMPARE(r.classes[2].precision, 0.5);
        QCOMPARE(r.classes[2].recall, 1.0);
        QCOMPARE(r.classes[0].support, int64_t(3));
        QVERIFY(std::abs(r.classes[0].f1 - 0.8) < 1e-12);
        QVERIFY(std::abs(r.macroF1 - (0.8 + 0.5 + 2.0 / 3.0) / 3.0) < 1e-12);
        const auto back = classificationReportFromJson(toJson(r));
        QVERIFY(back.has_value());
        QCOMPARE(back->confusion, r.confusion);
        QCOMPARE(back->classes[2].name, std::string("c"));
    }

    void medianStoppingRule_data()
    {
        QTest::addColumn<std::vector<double>>("trial");
        QTest::addColumn<bool>("stop");
        // Completed trials' running averages at step 2: 0.7, 0.8, 0.9 → median 0.8.
        QTest::newRow("below the median") << std::vector<double>{0.5, 0.6} << true;
        QTest::newRow("at the median") << std::vector<double>{0.5, 0.8} << false;
        QTest::newRow("best so far counts") << std::vector<double>{0.85, 0.6} << false;
        QTest::newRow("grace step") << std::vector<double>{0.1} << false;
    }
    void medianStoppingRule()
    {
        QFETCH(std::vector<double>, trial);
        QFETCH(bool, stop);
        const std::vector<std::vector<double>> completed = {{0.6, 0.8, 0.9}, {0.7, 0.9}, {0.9, 0.9, 0.95}};
        QCOMPARE(activelearning::medianStoppingRule(trial, completed), stop);
        QVERIFY(!activelearning::medianStoppingRule({0.1, 0.1}, {{0.9, 0.9}})); // one completed trial: too few
    }

    void searchTrials()
    {
        RunRequest grid;
        grid.kind = "search";
        grid.method = "grid";
        grid.trials = 100;
        grid.ranges = {{"learning_rate", "log:0.0001:0.01"}, {"batch_size", "choice:32,64"}};
        auto g = activelearning::searchTrials(grid, 1);
        QVERIFY(g.has_value());
        QCOMPARE(g->size(), size_t(6)); // 2 batch sizes × 3 learning rates
        std::set<std::pair<std::string, std::string>> distinct;
        for (const auto &t : *g)
            distinct.emplace(t.at("batch_size"), t.at("learning_rate"));
        QCOMPARE(distinct.size(), size_t(6));
        QVERIFY(distinct.count({"32", "0.001"})); // the geometric middle of the log range

        RunRequest random = grid;
        random.method = "random";
        random.trials = 20;
        auto a = activelearning::searchTrials(random, 7), b = activelearning::searchTrials(random, 7);
        QVERIFY(a && b);
        QCOMPARE(*a, *b); // reproducible for a seed
        for (const auto &t : *a) {
            const double lr = std::stod(t.at("learning_rate"));
            QVERIFY(lr >= 0.0001 * 0.999 && lr <= 0.01 * 1.001);
            QVERIFY(t.at("batch_size") == "32" || t.at("batch_size") == "64");
        }

        // Whole-number hyperparameters stay whole whatever the range's type.
        RunRequest epochs = random;
        epochs.ranges = {{"epochs", "linear:5:30"}, {"batch_size", "log:16:256"}};
        auto whole = activelearning::searchTrials(epochs, 3);
        QVERIFY(whole.has_value());
        for (const auto &t : *whole)
            QVERIFY(t.at("epochs").find_first_not_of("0123456789") == std::string::npos &&
                    t.at("batch_size").find_first_not_of("0123456789") == std::string::npos);

        RunRequest bad = random;
        bad.ranges = {{"learning_rate", "log:0:1"}};
        QVERIFY(!activelearning::searchTrials(bad, 1));
        bad.ranges = {{"momentum", "linear:0:1"}};
        const auto unknown = activelearning::searchTrials(bad, 1);
        QVERIFY(!unknown && unknown.error().message.find("momentum") != std::string::npos);
    }

    void imageClassifierBeatsChanceAndSavesTorchScript()
    {
        QTemporaryDir dir;
        test::Digits d;
        test::makeDigits(dir, 60, d);
        if (QTest::currentTestFailed() || !d.store)
            return;
        const int64_t version = labelSplitAndVersion(*d.store, d.job, d.truth, dir);
        QVERIFY(version > 0);

        TrainingSpec spec;
        spec.versionId = version;
        spec.model.maxEpochs = 15;
        spec.model.patience = 4;
        spec.model.seed = 3;
        spec.outDir = test::path(dir, "model");
        std::vector<std::string> log;
        TrainingEvents events;
        events.log = [&](const std::string &line) { log.push_back(line); };
        auto r = trainClassifier(*d.store, spec, events);
        GW_VERIFY_OK(r);
        QCOMPARE(r->task, std::string("image"));
        QCOMPARE(r->trainItems + r->validationItems + r->testItems, int64_t(600));
        QVERIFY(r->testItems >= 80);
        QVERIFY(r->test.has_value());
        // Ten classes: chance is 10%.
        QVERIFY2(r->test->accuracy > 0.8, qPrintable(QString::number(r->test->accuracy)));
        // The validation curve, and the kept model is the best epoch's.
        QCOMPARE(int(r->curve.size()), r->train.epochs);
        double bestLoss = INFINITY;
        int bestEpoch = 0;
        for (const EpochReport &e : r->curve)
            if (e.validationLoss < bestLoss) {
                bestLoss = e.validationLoss;
                bestEpoch = e.epoch;
            }
        QCOMPARE(r->train.bestEpoch, bestEpoch);
        QVERIFY(r->epochsPerSecond > 0);
        // The confusion matrix holds every test item once; supports add up.
        int64_t cells = 0, support = 0;
        for (const auto &row : r->test->confusion)
            for (int64_t c : row)
                cells += c;
        for (const ClassScore &c : r->test->classes)
            support += c.support;
        QCOMPARE(cells, r->testItems);
        QCOMPARE(support, r->testItems);
        QVERIFY(std::any_of(log.begin(), log.end(), [](const std::string &l) { return l.rfind("epoch 1/15", 0) == 0; }));

        // metrics.json is what the result says.
        json::Value metrics;
        QVERIFY(json::parse(test::readFile(r->metricsPath), metrics));
        QCOMPARE(metrics.find("best_epoch")->toInt(), int64_t(r->train.bestEpoch));
        QCOMPARE(metrics.find("test")->find("accuracy")->toDouble(), r->test->accuracy);

        // model.pt is TorchScript that libtorch runs on its own and that classifies the test split as reported.
        auto entries = d.store->datasetVersionEntries(version);
        QVERIFY(entries.has_value());
        std::vector<std::string> paths;
        std::vector<int> truth;
        for (const VersionEntry &e : *entries)
            if (e.split == "test") {
                paths.push_back(media::resolve(d.store->projectDir(), d.store->item(e.itemId)->uri));
                truth.push_back(d.truth.at(e.itemId));
            }
        ImageFeatureCache cache;
        auto inputs = cache.load(paths, 1, 28, 28, "");
        QVERIFY(inputs.has_value());
        torch::jit::ExtraFilesMap extra{{"groundwork.json", ""}, {"model.json", ""}};
        torch::jit::Module module = torch::jit::load(r->modelPath, c10::nullopt, extra);
        module.eval();
        QVERIFY(extra["groundwork.json"].find("\"classes\":[\"0\",\"1\"") != std::string::npos);
        QVERIFY(extra["model.json"].find("\"kind\": \"cnn\"") != std::string::npos);
        {
            torch::NoGradGuard noGrad;
            const auto x = torch::from_blob(const_cast<float *>((*inputs)->pixels.data()),
                                            {int64_t(paths.size()), 1, 28, 28});
            const auto predicted = module.forward({x}).toTensor().argmax(1);
            int right = 0;
            for (size_t i = 0; i < truth.size(); ++i)
                right += predicted[int64_t(i)].item<int64_t>() == truth[i];
            QVERIFY2(std::abs(double(right) / double(truth.size()) - r->test->accuracy) <= 1.0 / double(truth.size()),
                     qPrintable(QStringLiteral("TorchScript %1/%2, reported %3").arg(right).arg(truth.size()).arg(r->test->accuracy)));
            const auto features = module.get_method("features")({x}).toTensor();
            QCOMPARE(features.size(1), int64_t(128));
        }

        // A warm start begins from those weights: one epoch at a negligible learning rate keeps the accuracy,
        // while a cold start under the same budget stays near chance.
        TrainingSpec warm = spec;
        warm.outDir.clear();
        warm.model.maxEpochs = 1;
        warm.model.learningRate = 1e-7;
        warm.model.augment = false;
        warm.model.initialModel = r->modelPath;
        auto w = trainClassifier(*d.store, warm, {});
        GW_VERIFY_OK(w);
        QVERIFY2(w->test->accuracy >= r->test->accuracy - 0.03, qPrintable(QString::number(w->test->accuracy)));
        warm.model.initialModel.clear();
        auto cold = trainClassifier(*d.store, warm, {});
        GW_VERIFY_OK(cold);
        QVERIFY2(cold->test->accuracy < 0.5, qPrintable(QString::number(cold->test->accuracy)));

        // Stopped after its second epoch: the best of those two epochs is evaluated and saved.
        TrainingSpec stopping = spec;
        stopping.outDir = test::path(dir, "stopped");
        TrainingEvents stopAtTwo;
        stopAtTwo.epoch = [](const EpochReport &e) { return e.epoch < 2; };
        auto stopped = trainClassifier(*d.store, stopping, stopAtTwo);
        GW_VERIFY_OK(stopped);
        QVERIFY(stopped->stopped);
        QCOMPARE(stopped->curve.size(), size_t(2));
        QVERIFY(stopped->test.has_value());
        QVERIFY(QFile::exists(QString::fromStdString(stopped->modelPath)));

        // An image that became unreadable is left out (named in the log), not trained or scored as a black one.
        test::writeFile(paths.front(), "not an image any more");
        TrainingSpec quick = spec;
        quick.outDir.clear();
        quick.model.maxEpochs = 1;
        std::vector<std::string> quickLog;
        TrainingEvents logOnly;
        logOnly.log = [&](const std::string &line) { quickLog.push_back(line); };
        auto withBadImage = trainClassifier(*d.store, quick, logOnly);
        GW_VERIFY_OK(withBadImage);
        QCOMPARE(withBadImage->testItems, r->testItems - 1);
        QCOMPARE(withBadImage->test->items, r->testItems - 1);
        QVERIFY(std::any_of(quickLog.begin(), quickLog.end(), [&](const std::string &l) {
            return l.find(paths.front()) != std::string::npos;
        }));

        // A model of other images (another size) is refused with a message naming the file.
        warm.model.initialModel = r->modelPath;
        warm.imageSize = 20;
        auto mismatch = trainClassifier(*d.store, warm, {});
        QVERIFY(!mismatch);
        QVERIFY2(mismatch.error().message.find("model.pt") != std::string::npos, mismatch.error().message.c_str());
    }

    void textClassifierOnPackageDescriptions()
    {
        const auto texts = packageDescriptions({"libs", "libdevel"}, 120);
        const size_t docs = std::count_if(texts.begin(), texts.end(), [](const auto &t) { return t.second == 1; });
        if (docs < 40 || texts.size() - docs < 40)
            QSKIP("too few installed packages in the libs and libdevel sections");
        QTemporaryDir dir;
        std::string lines;
        for (const auto &[text, cls] : texts)
            lines += text + "\n";
        test::writeFile(test::path(dir, "descriptions.txt"), lines);
        auto store = test::newProject(test::path(dir, "packages.gwproj"));
        GW_VERIFY_OK(importTextFile(*store, test::path(dir, "descriptions.txt"), {}));
        Job j;
        j.name = "section";
        j.type = TaskType::TextClassification;
        j.classes = {{0, "libs", "#1f77b4", "1", {}}, {1, "libdevel", "#ff7f0e", "2", {}}};
        auto job = store->createJob(j);
        GW_VERIFY_OK(job);
        std::map<std::string, int> classOf(texts.begin(), texts.end());
        std::map<int64_t, int> truth;
        GW_VERIFY_OK(store->forEachItem({}, [&](const Item &it) {
            truth[it.id] = classOf.at(it.text);
            return true;
        }));
        const int64_t version = labelSplitAndVersion(*store, *job, truth, dir);
        QVERIFY(version > 0);
        TrainingSpec spec;
        spec.versionId = version;
        spec.model.maxEpochs = 20;
        spec.outDir = test::path(dir, "model");
        auto r = trainClassifier(*store, spec, {});
        GW_VERIFY_OK(r);
        QCOMPARE(r->task, std::string("text"));
        QVERIFY(r->test.has_value());
        QVERIFY2(r->test->accuracy > 0.75, qPrintable(QString::number(r->test->accuracy)));
        // The TorchScript text model runs on hashed features: a bag of its known buckets gives two logits.
        torch::jit::Module module = torch::jit::load(r->modelPath);
        const auto buckets = module.attr("buckets").toTensor().slice(0, 0, 5);
        const auto logits = module.forward({buckets, torch::tensor({int64_t(0)})}).toTensor();
        QCOMPARE(logits.size(0), int64_t(1));
        QCOMPARE(logits.size(1), int64_t(2));
    }

    void refusesWhatItCannotTrain()
    {
        QTemporaryDir dir;
        auto store = test::newProject(test::path(dir, "p.gwproj"));
        TrainingSpec spec;
        spec.versionId = 42;
        const auto missing = trainClassifier(*store, spec, {});
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, Error::Code::NotFound);
        QVERIFY(missing.error().message.find("42") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
