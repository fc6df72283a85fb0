// Model insights: principal components of known matrices, and on real training, labels people got wrong are
// the ones the out-of-fold model contradicts first.

#include "activelearning/insights.h"
#include "testutil.h"

#include <QTest>

#include <cmath>
#include <set>

using namespace gw;
using namespace gw::datasets;
using namespace gw::activelearning;

class TestInsights : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void principalComponentsOfKnownMatrices()
    {
        // Points on the line y = 2x: one axis explains everything; positions are distances along the line.
        auto [line, explained] = principalComponents({0, 0, 1, 2, 2, 4}, 2);
        QVERIFY(std::abs(explained[0] - 1.0) < 1e-9);
        QVERIFY(std::abs(explained[1]) < 1e-9);
        QVERIFY(std::abs(std::abs(line[0][0]) - std::sqrt(5.0)) < 1e-5);
        QVERIFY(std::abs(line[1][0]) < 1e-5);
        QVERIFY(std::abs(line[0][0] + line[2][0]) < 1e-5);
        // An axis-aligned cloud: variance 9 along x, 1 along y → shares 0.9 and 0.1.
        auto [cloud, shares] = principalComponents({-3, 0, 3, 0, 0, -1, 0, 1}, 2);
        QVERIFY(std::abs(shares[0] - 0.9) < 1e-9);
        QVERIFY(std::abs(shares[1] - 0.1) < 1e-9);
        QVERIFY(std::abs(std::abs(cloud[0][0]) - 3) < 1e-5 && std::abs(cloud[0][1]) < 1e-5);
        QCOMPARE(principalComponents({1, 2}, 2).first.size(), size_t(1)); // one row: nothing to project
    }

    void wrongLabelsAreSuspectedFirst()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        Job j;
        j.name = "topic";
        j.type = TaskType::TextClassification;
        j.classes = {{0, "sport", "#1f77b4", "1", {}}, {1, "music", "#ff7f0e", "2", {}}, {2, "computing", "#2ca02c", "3", {}}};
        const Job job = *s->createJob(j);
        const char *topics[3][4] = {{"goal", "match", "league", "striker"},
                                    {"guitar", "chord", "melody", "drummer"},
                                    {"compiler", "kernel", "bytes", "debugger"}};
        const char *shared[] = {"the", "new", "today", "people", "great", "about", "with", "their"};
        uint32_t seed = 3;
        auto next = [&seed] { return (seed = seed * 1103515245u + 12345u) >> 16; };
        std::set<int64_t> wrong;
        {
            auto tx = s->begin();
            for (int i = 0; i < 300; ++i) {
                Item it;
                it.kind = MediaKind::Text;
                it.text = std::to_string(i);
                for (int w = 0; w < 6; ++w)
                    it.text += std::string(" ") + (next() % 2 ? shared[next() % 8] : topics[i % 3][next() % 4]);
                it.text += std::string(" ") + topics[i % 3][next() % 4];
                (void)(*tx)->addItem(it);
                Annotation a;
                a.jobId = job.id;
                a.itemId = it.id;
                int cls = i % 3;
                if (i % 30 == 7) { // ten labels people got wrong
                    cls = (cls + 1) % 3;
                    wrong.insert(it.id);
                }
                a.payload.classes = {cls};
                a.payload.classConfidence = {std::nullopt};
                a.provenance.author = "ann";
                (void)(*tx)->putAnnotation(a);
            }
            QVERIFY((*tx)->commit());
        }
        InsightOptions o;
        o.maxSuspects = 15;
        auto r = modelInsights(*s, job, o);
        GW_VERIFY_OK(r);
        qInfo("out-of-fold accuracy %.3f, %zu suspects, %.2f s", r->outOfFoldAccuracy, r->suspects.size(), r->seconds);
        QVERIFY(r->outOfFoldAccuracy > 0.85);
        int found = 0;
        for (const SuspectedError &e : r->suspects)
            found += wrong.count(e.itemId) ? 1 : 0;
        QVERIFY2(found >= 8, qPrintable(QString::number(found)));
        QCOMPARE(r->map.size(), size_t(300));
        QCOMPARE(r->classes.size(), size_t(300));
        QCOMPARE(r->featureDimension, 64); // the text model's averaged n-gram vectors
        QVERIFY(r->explained[0] + r->explained[1] > 0.8); // three classes: two axes hold nearly all of it

        Job boxes;
        boxes.name = "boxes";
        boxes.type = TaskType::BoundingBox;
        boxes.classes = {{0, "a", "#000000", "", {}}};
        QVERIFY(!modelInsights(*s, *s->createJob(boxes), o));
    }
};

QTEST_GUILESS_MAIN(TestInsights)
#include "tst_insights.moc"
