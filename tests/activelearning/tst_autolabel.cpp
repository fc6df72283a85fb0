// The automated-labeling loop on a small real set (OpenCV's handwritten digits) with a simulated annotator:
// it auto-labels with accuracy above the target, audits, queues, records runs — and never auto-labels a
// task whose labels are noise.

#include "activelearning/autolabeler.h"
#include "datasets/importers.h"
#include "datasets/media.h"
#include "labeling/labeler.h"
#include "digits.h"
#include "testutil.h"

#include <QDir>
#include <QImage>
#include <QTest>

#include <random>
#include <set>

using namespace gw;
using namespace gw::datasets;
using namespace gw::activelearning;
using gw::test::Digits;
using gw::test::makeDigits;

namespace {

/// Plays the human: labels every queued item with its true class.
void answerQueue(ProjectStore &store, AutoLabeler &loop, const Job &job, const std::map<int64_t, int> &truth)
{
    labeling::Labeler oracle(store, "oracle");
    auto queue = loop.humanQueue();
    QVERIFY(queue.has_value());
    for (int64_t id : *queue) {
        Payload p;
        p.classes = {truth.at(id)};
        p.classConfidence = {std::nullopt};
        QVERIFY(oracle.setLabel(job, *store.item(id), p).has_value());
    }
}

LoopOptions digitOptions()
{
    LoopOptions opt;
    opt.probeMin = 60;
    opt.validationMin = 150;
    opt.batchSize = 120;
    opt.seed = 5;
    opt.model.maxEpochs = 12;
    opt.imageSize = 20;
    return opt;
}

} // namespace

class TestAutoLabel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void digitsAutoLabelAboveTarget()
    {
        QTemporaryDir dir;
        Digits d;
        makeDigits(dir, 80, d);
        if (QTest::currentTestFailed() || !d.store)
            return;
        auto &store = d.store;
        const Job job = d.job;
        const std::map<int64_t, int> truth = d.truth;
        // 40 of the files stop being images after the import: they must never be trained on or auto-labelled
        // (as rows of zeros they would all get the same confident guess).
        std::set<int64_t> broken;
        for (const auto &[id, cls] : truth)
            if (cls == 7 && broken.size() < 40) {
                broken.insert(id);
                test::writeFile(media::resolve(store->projectDir(), store->item(id)->uri), "no longer a PNG");
            }

        AutoLabeler loop(*store, job, digitOptions());
        GW_VERIFY_OK(loop.start());
        QCOMPARE(loop.humanQueue()->size(), size_t(210)); // probe + validation
        int rounds = 0;
        IterationReport last;
        for (; rounds < 6; ++rounds) {
            answerQueue(*store, loop, job, truth);
            auto r = loop.iterate();
            GW_VERIFY_OK(r);
            last = *r;
            qInfo("round %d: people %lld, auto %lld (+%lld), threshold %s, val.acc %.3f, estimated %.3f, train %.1f s",
                  r->iteration, static_cast<long long>(r->humanLabels), static_cast<long long>(r->autoLabeledTotal),
                  static_cast<long long>(r->autoLabeledNow), r->threshold ? qPrintable(QString::number(*r->threshold)) : "-",
                  r->validationAccuracy, r->estimatedAccuracy, r->trainSeconds);
            if (r->stop)
                break;
        }
        QVERIFY(last.autoLabeledTotal > 0);
        QCOMPARE(last.unreadable, int64_t(40));
        for (int64_t id : broken) {
            const auto label = store->currentAnnotation(job.id, id);
            QVERIFY(label.has_value());
            QVERIFY(!*label || (*label)->provenance.source != Source::Auto);
        }
        // Auto-labels against the truth: at or above the target.
        int64_t right = 0, total = 0;
        bool marked = true; // every auto-label carries its confidence and says it is not human
        GW_VERIFY_OK(store->forEachAnnotation(job.id, [&](const Annotation &a) {
            if (a.provenance.source == Source::Auto) {
                ++total;
                right += a.payload.classes.front() == truth.at(a.itemId);
                marked = marked && a.provenance.confidence.has_value() && !a.provenance.humanAnnotated;
            }
            return true;
        }));
        QVERIFY(marked);
        QVERIFY(total > 0);
        QVERIFY2(double(right) / double(total) >= 0.95, qPrintable(QStringLiteral("%1 of %2").arg(right).arg(total)));
        // Audits were queued, and every round is a run with its figures.
        auto roles = store->assignments(job.id, kLoopWorker);
        QVERIFY(std::any_of(roles->begin(), roles->end(), [](const Assignment &a) { return a.role == roles::audit; }));
        auto runs = store->runs(job.id);
        QCOMPARE(int(runs->size()), last.iteration);
        QVERIFY(runs->back().metrics.find("\"estimated_accuracy\"") != std::string::npos);
    }

    void keepsLabelsPeopleGaveWhileTheModelTrained()
    {
        // The GUI runs rounds in the background while annotators go on labelling: a label someone gives while
        // the model trains must not be superseded by an auto-label from the round that started before it.
        QTemporaryDir dir;
        Digits d;
        makeDigits(dir, 80, d);
        if (QTest::currentTestFailed() || !d.store)
            return;
        LoopOptions opt = digitOptions();
        opt.target = 0.9;
        AutoLabeler loop(*d.store, d.job, opt);
        GW_VERIFY_OK(loop.start());
        answerQueue(*d.store, loop, d.job, d.truth);
        GW_VERIFY_OK(loop.iterate());
        answerQueue(*d.store, loop, d.job, d.truth);
        auto queued = loop.humanQueue();
        QVERIFY(queued && queued->empty());
        // Another annotator (another connection) labels every other unlabeled item during the first epoch,
        // each as class 9 whatever it shows.
        auto other = ProjectStore::open(d.store->path(), ProjectStore::OpenMode::OpenExisting);
        GW_VERIFY_OK(other);
        labeling::Labeler annotator(**other, "ann");
        std::vector<int64_t> labelledDuring;
        bool once = false;
        auto r = loop.iterate([&](const EpochReport &) {
            if (std::exchange(once, true))
                return true;
            for (const auto &[id, cls] : d.truth) {
                auto now = (*other)->currentAnnotation(d.job.id, id);
                if (id % 2 || !now || *now)
                    continue;
                Payload p;
                p.classes = {9};
                p.classConfidence = {std::nullopt};
                if (annotator.setLabel(d.job, *(*other)->item(id), p))
                    labelledDuring.push_back(id);
            }
            return true;
        });
        GW_VERIFY_OK(r);
        QVERIFY(!labelledDuring.empty());
        QVERIFY2(r->autoLabeledNow > 0, "the round should auto-label the items nobody touched");
        for (int64_t id : labelledDuring) {
            auto a = d.store->currentAnnotation(d.job.id, id);
            QVERIFY(a && *a);
            QCOMPARE(int((*a)->provenance.source), int(Source::Human));
            QCOMPARE((*a)->payload.classes, std::vector<int>{9});
        }
    }

    void neverAutoLabelsNoise()
    {
        QTemporaryDir dir;
        auto store = test::newProject(test::path(dir, "noise.gwproj"));
        std::mt19937 rng(9);
        const char *words[] = {"alpha", "beta", "gamma", "delta", "omega", "kappa", "sigma", "theta"};
        {
            auto tx = store->begin();
            for (int i = 0; i < 600; ++i) {
                Item it;
                it.kind = MediaKind::Text;
                for (int w = 0; w < 6; ++w)
                    it.text += std::string(words[rng() % 8]) + " ";
                (void)(*tx)->addItem(it);
            }
            (void)(*tx)->commit();
        }
        Job j;
        j.name = "noise";
        j.type = TaskType::TextClassification;
        j.classes = {{0, "a", "#1f77b4", "1", {}}, {1, "b", "#ff7f0e", "2", {}}};
        const Job job = *store->createJob(j);
        std::map<int64_t, int> truth; // coin flips: nothing to learn
        for (int64_t id = 1; id <= 600; ++id)
            truth[id] = int(rng() % 2);
        LoopOptions opt;
        opt.validationMin = 150;
        opt.probeMin = 50;
        opt.batchSize = 100;
        opt.model.maxEpochs = 10;
        AutoLabeler loop(*store, job, opt);
        GW_VERIFY_OK(loop.start());
        for (int round = 0; round < 3; ++round) {
            answerQueue(*store, loop, job, truth);
            auto r = loop.iterate();
            GW_VERIFY_OK(r);
            QVERIFY(!r->threshold);
            QCOMPARE(r->autoLabeledNow, int64_t(0));
        }
    }

    void refusesOtherTaskTypes()
    {
        Job boxes;
        boxes.name = "boxes";
        boxes.type = TaskType::BoundingBox;
        boxes.classes = {{0, "a", "#000000", "", {}}, {1, "b", "#000000", "", {}}};
        QVERIFY(!AutoLabeler::supports(boxes));
    }
};

QTEST_GUILESS_MAIN(TestAutoLabel)
#include "tst_autolabel.moc"
