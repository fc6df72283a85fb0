// Consolidating several workers' answers: Ground Truth's modified Dawid-Skene against majority vote on
// constructed jobs whose true labels are known (reliable workers, spammers, a worker who swaps two classes),
// Ground Truth's confidence rules (unanimous 0.95, one answer 0), and on a real Ground Truth job: the raw
// worker responses of AWS's 302-image, 10-class job with 5 workers per image, consolidated here and compared
// with the labels and confidences Ground Truth wrote (tests/golden/groundtruth/birds-consolidation/README.md).

#include "datasets/consolidation.h"
#include "datasets/json.h"
#include "testutil.h"

#include <QDirIterator>
#include <QTest>

#include <cmath>
#include <map>

#include <random>

using namespace gw::datasets::consolidation;

namespace {

struct Job
{
    std::vector<int> truth;
    std::vector<Answer> answers;
};

/// items items of k classes; each worker answers every item: right with its accuracy, else a random other
/// class; a worker with accuracy < 0 answers any class at random (a spammer).
Job simulate(int items, int k, const std::vector<double> &accuracy, unsigned seed)
{
    std::mt19937 rng(seed);
    Job job;
    std::uniform_int_distribution<int> cls(0, k - 1);
    std::uniform_real_distribution<double> u(0, 1);
    for (int i = 0; i < items; ++i) {
        const int truth = cls(rng);
        job.truth.push_back(truth);
        for (int w = 0; w < int(accuracy.size()); ++w) {
            int label = truth;
            if (accuracy[size_t(w)] < 0)
                label = cls(rng);
            else if (u(rng) > accuracy[size_t(w)])
                label = (truth + 1 + std::uniform_int_distribution<int>(0, k - 2)(rng)) % k;
            job.answers.push_back({int64_t(i + 1), w, label});
        }
    }
    return job;
}

double correct(const Outcome &o, const std::vector<int> &truth)
{
    int right = 0;
    for (const Consolidated &c : o.items)
        right += c.label == truth[size_t(c.item - 1)];
    return double(right) / double(truth.size());
}

} // namespace

class TestConsolidation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void randomAnswerersAreDiscounted()
    {
        // Two careful workers and three who answer at random: majority vote counts the three as much as the two.
        const Job job = simulate(800, 4, {0.9, 0.85, -1, -1, -1}, 7);
        const double majority = correct(majorityVote(job.answers, 4), job.truth);
        Options full;
        full.groundTruthStopping = false;
        for (const Outcome &ds : {dawidSkene(job.answers, 4), dawidSkene(job.answers, 4, full)}) {
            QVERIFY2(correct(ds, job.truth) > majority + 0.04,
                     qPrintable(QStringLiteral("%1 vs majority %2").arg(correct(ds, job.truth)).arg(majority)));
            // The careful workers are found out as the accurate ones.
            QCOMPARE(ds.workers.size(), size_t(5));
            for (const WorkerQuality &w : ds.workers)
                QVERIFY2((w.worker < 2) == (w.accuracy > 0.6),
                         qPrintable(QStringLiteral("worker %1: %2").arg(w.worker).arg(w.accuracy)));
        }
        QVERIFY2(correct(dawidSkene(job.answers, 4, full), job.truth) > 0.85, qPrintable(QString::number(correct(dawidSkene(job.answers, 4, full), job.truth))));
    }

    void reliableWorkersAgreeWithTheTruthAndConfidenceIsCalibrated()
    {
        const Job job = simulate(2000, 5, {0.85, 0.8, 0.75, 0.7, 0.65}, 11);
        Options full;
        full.groundTruthStopping = false; // to convergence
        for (const Outcome &ds : {dawidSkene(job.answers, 5), dawidSkene(job.answers, 5, full)}) {
            QVERIFY2(correct(ds, job.truth) >= correct(majorityVote(job.answers, 5), job.truth),
                     qPrintable(QString::number(correct(ds, job.truth))));
            QVERIFY(correct(ds, job.truth) > 0.95);
            // Items given 0.95 are right at least about as often as that says.
            int high = 0, highRight = 0;
            for (const Consolidated &c : ds.items)
                if (c.confidence >= 0.95) {
                    ++high;
                    highRight += c.label == job.truth[size_t(c.item - 1)];
                }
            QVERIFY(high > 1000);
            QVERIFY2(double(highRight) / high >= 0.95, qPrintable(QString::number(double(highRight) / high)));
        }
        QCOMPARE(dawidSkene(job.answers, 5).epochs, 2); // Ground Truth's code stops after its second epoch
        QVERIFY(dawidSkene(job.answers, 5, full).epochs > 2);
    }

    void aWorkerWhoSwapsTwoClassesStillHelps()
    {
        // Worker 2 always says "1" for 0 and "0" for 1: Dawid-Skene learns the swap from the others.
        Job job = simulate(900, 3, {0.75, 0.7, 1.0}, 5);
        for (Answer &a : job.answers)
            if (a.worker == 2 && a.label < 2)
                a.label = 1 - a.label;
        Options full;
        full.groundTruthStopping = false;
        const Outcome ds = dawidSkene(job.answers, 3, full);
        QVERIFY2(correct(ds, job.truth) > correct(majorityVote(job.answers, 3), job.truth) + 0.05,
                 qPrintable(QStringLiteral("%1 vs %2").arg(correct(ds, job.truth)).arg(correct(majorityVote(job.answers, 3), job.truth))));
    }

    void groundTruthsConfidenceRules()
    {
        std::vector<Answer> answers{{1, 0, 2}, {1, 1, 2}, {1, 2, 2}, // unanimous
                                    {2, 0, 1},                       // one answer
                                    {3, 0, 0}, {3, 1, 1}, {3, 2, 0}};
        const Outcome ds = dawidSkene(answers, 3);
        QCOMPARE(ds.items.size(), size_t(3));
        QCOMPARE(ds.items[0].label, 2);
        QCOMPARE(ds.items[0].confidence, 0.95); // capped, as Ground Truth writes unanimous items
        QCOMPARE(ds.items[1].label, 1);
        QCOMPARE(ds.items[1].confidence, 0.0);
        QCOMPARE(ds.items[2].label, 0);
        QVERIFY(ds.items[2].confidence > 0.5 && ds.items[2].confidence <= 0.95);
        QCOMPARE(ds.items[2].confidence, std::round(ds.items[2].confidence * 100) / 100); // two places
        double sum = 0;
        for (double p : ds.items[2].posterior)
            sum += p;
        QVERIFY(std::abs(sum - 1) < 1e-9);
        const Outcome mv = majorityVote(answers, 3);
        QCOMPARE(mv.items[2].confidence, 0.67);
        // Ties go to the lowest class index, every time.
        const Outcome tie = majorityVote({{9, 0, 2}, {9, 1, 1}}, 3);
        QCOMPARE(tie.items[0].label, 1);
        // Answers outside the classes are left out; no answers, no items.
        QCOMPARE(dawidSkene({{1, 0, 7}, {1, 1, -1}}, 3).items.size(), size_t(0));
        QCOMPARE(dawidSkene({}, 3).items.size(), size_t(0));
    }

    void reproducesARealGroundTruthJob()
    {
        const QString dir = gw::test::goldenDir() + QStringLiteral("/groundtruth/birds-consolidation");
        // Ground Truth's output: per line (the item's 0-based index) its label index, class name, confidence.
        struct Line
        {
            int label = -1;
            double confidence = 0;
        };
        std::vector<Line> output;
        std::map<std::string, int> classes;
        const QStringList lines = QString::fromStdString(gw::test::readFile((dir + QStringLiteral("/output.manifest")).toStdString()))
                                      .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        for (const QString &text : lines) {
            gw::json::Value v;
            QVERIFY(gw::json::parse(text.toStdString(), v));
            const auto *md = v.find("birds-open-images-clone-metadata");
            QVERIFY(md && v.find("birds-open-images-clone"));
            Line line;
            line.label = int(v.find("birds-open-images-clone")->toInt());
            line.confidence = md->find("confidence")->toDouble();
            classes[md->find("class-name")->toString()] = line.label;
            output.push_back(line);
        }
        QCOMPARE(output.size(), size_t(302));
        QCOMPARE(classes.size(), size_t(10));
        // The raw responses: worker-response/iteration-N/INDEX/*.json, INDEX = the item's line.
        Workers workers;
        std::map<QString, std::vector<Answer>> byIteration;
        QDirIterator it(dir + QStringLiteral("/worker-response"), {QStringLiteral("*.json")}, QDir::Files,
                        QDirIterator::Subdirectories);
        int files = 0;
        while (it.hasNext()) {
            const QString path = it.next();
            const QStringList parts = path.split(QLatin1Char('/'));
            const int index = parts[parts.size() - 2].toInt();
            gw::json::Value v;
            QVERIFY(gw::json::parse(gw::test::readFile(path.toStdString()), v));
            for (const auto &a : v.find("answers")->toArray()) {
                const std::string name = a.find("answerContent")->find("crowd-image-classifier")->find("label")->toString();
                QVERIFY2(classes.count(name), name.c_str());
                byIteration[parts[parts.size() - 3]].push_back({index, workers.index(a.find("workerId")->toString()), classes[name]});
            }
            ++files;
        }
        QCOMPARE(files, 302);
        QCOMPARE(workers.count(), 97);
        // Consolidated once per iteration, as Ground Truth ran it.
        int labels = 0, confidences = 0, majorityLabels = 0;
        for (const auto &[iteration, answers] : byIteration) {
            for (const Consolidated &c : dawidSkene(answers, 10).items) {
                const Line &gt = output[size_t(c.item)];
                labels += c.label == gt.label;
                confidences += std::abs(c.confidence - gt.confidence) < 1e-9;
            }
            for (const Consolidated &c : majorityVote(answers, 10).items)
                majorityLabels += c.label == output[size_t(c.item)].label;
        }
        qInfo("Ground Truth's labels reproduced: %d/302 (majority vote: %d/302); confidences exactly: %d/302", labels,
              majorityLabels, confidences);
        QVERIFY2(labels >= 301, qPrintable(QString::number(labels)));
        QVERIFY2(confidences >= 295, qPrintable(QString::number(confidences)));
    }

    void chanceCorrectedAgreementMatchesPublishedValues()
    {
        // Krippendorff's worked example ("Computing Krippendorff's Alpha-Reliability", 2011): 4 observers,
        // 12 units, values 1-5 with missing ones; nominal alpha = 0.743. Unit 12 has one value and drops out.
        const std::vector<std::vector<int>> units = {
            {1, 1, 0, 1}, {2, 2, 3, 2}, {3, 3, 3, 3}, {3, 3, 3, 3}, {2, 2, 2, 2}, {1, 2, 3, 4},
            {4, 4, 4, 4}, {1, 1, 2, 1}, {2, 2, 2, 2}, {0, 5, 5, 5}, {0, 0, 1, 1}, {0, 3, 0, 0},
        };
        std::vector<Answer> answers;
        for (size_t u = 0; u < units.size(); ++u)
            for (int observer = 0; observer < 4; ++observer)
                if (const int v = units[u][size_t(observer)]; v > 0)
                    answers.push_back({int64_t(u + 1), observer, v - 1});
        const ChanceCorrected cc = chanceCorrectedAgreement(answers, 5);
        QCOMPARE(cc.items, 11);
        QVERIFY2(std::abs(*cc.alpha - 0.743) < 0.0005, qPrintable(QString::number(*cc.alpha)));
        // Fleiss' worked example (Wikipedia's, from Fleiss 1971 style data): 10 subjects, 14 raters, 5 categories,
        // kappa = 0.210.
        const std::vector<std::vector<int>> fleiss = {
            {0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
            {7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7},
        };
        answers.clear();
        for (size_t i = 0; i < fleiss.size(); ++i) {
            int rater = 0;
            for (int k = 0; k < 5; ++k)
                for (int n = 0; n < fleiss[i][size_t(k)]; ++n)
                    answers.push_back({int64_t(i + 1), rater++, k});
        }
        const ChanceCorrected f = chanceCorrectedAgreement(answers, 5);
        QVERIFY2(std::abs(*f.kappa - 0.210) < 0.0005, qPrintable(QString::number(*f.kappa)));
        // Full agreement is 1; nothing to measure against gives nothing.
        QCOMPARE(*chanceCorrectedAgreement({{1, 0, 0}, {1, 1, 0}, {2, 0, 1}, {2, 1, 1}}, 2).alpha, 1.0);
        QVERIFY(!chanceCorrectedAgreement({{1, 0, 0}, {1, 1, 0}}, 2).alpha); // one value only: no variation
        QVERIFY(!chanceCorrectedAgreement({{1, 0, 0}}, 2).alpha);            // no item with two answers
    }

    void workerIdsMapToStableIndexes()
    {
        Workers w;
        QCOMPARE(w.index("public.us-east-1.A"), 0);
        QCOMPARE(w.index("private.us-east-1.b"), 1);
        QCOMPARE(w.index("public.us-east-1.A"), 0);
        QCOMPARE(w.count(), 2);
        QCOMPARE(w.id(1), std::string("private.us-east-1.b"));
    }
};

QTEST_GUILESS_MAIN(TestConsolidation)
#include "tst_consolidation.moc"
