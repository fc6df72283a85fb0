// Consolidating boxes, entity spans, masks and label sets (consolidateshapes.h) on constructed answers whose
// right result is known, then a whole job in a real project file: three workers' boxes become one consolidated
// label per item, each answer stays in the history, and each worker's agreement is measured.

#include "datasets/consolidateshapes.h"
#include "datasets/workeranswers.h"
#include "datasets/json.h"
#include "datasets/mask.h"
#include "datasets/payload.h"
#include "testutil.h"

#include <QDir>

#include <QTemporaryDir>
#include <QTest>

using namespace gw::datasets;
using namespace gw::datasets::consolidation;
namespace json = gw::json;

namespace {

Box box(int cls, double l, double t, double w, double h)
{
    Box b;
    b.classId = cls;
    b.left = l;
    b.top = t;
    b.width = w;
    b.height = h;
    return b;
}

Span span(int cls, int64_t s, int64_t e)
{
    Span x;
    x.classId = cls;
    x.start = s;
    x.end = e;
    return x;
}

mask::IndexedMask filled(int w, int h, uint8_t v)
{
    mask::IndexedMask m;
    m.width = w;
    m.height = h;
    m.pixels.assign(size_t(w) * size_t(h), v);
    return m;
}

} // namespace

class TestConsolidateShapes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boxesAreClusteredByOverlapAndAveraged()
    {
        // Three workers; the car drawn by all, the person by two, a stray box by one.
        const std::vector<std::vector<Box>> answers = {
            {box(0, 10, 10, 100, 50), box(1, 200, 200, 40, 40)},
            {box(0, 12, 8, 98, 54), box(1, 202, 198, 40, 42)},
            {box(0, 9, 11, 101, 49), box(0, 400, 400, 10, 10)},
        };
        const std::vector<Box> out = boxes(answers);
        QCOMPARE(out.size(), size_t(2));
        QCOMPARE(out[0].classId, 0);
        QCOMPARE(out[0].left, (10.0 + 12 + 9) / 3); // the unrounded mean, as Ground Truth writes it
        QCOMPARE(out[0].height, (50.0 + 54 + 49) / 3);
        QCOMPARE(out[1].classId, 1);
        QCOMPARE(out[1].left, 201.0);
        QVERIFY(*out[0].confidence > 0.85 && *out[0].confidence <= 1.0);
        QVERIFY(*out[1].confidence < *out[0].confidence); // two of three workers
        // Boxes of different classes never merge; boxes that barely overlap stay apart (each kept when half the
        // workers drew it, dropped when fewer did).
        QVERIFY(boxes({{box(0, 0, 0, 10, 10)}, {box(1, 0, 0, 10, 10)}}).size() == 2);
        QVERIFY(boxes({{box(0, 0, 0, 10, 10)}, {box(0, 8, 8, 10, 10)}}).size() == 2);
        QCOMPARE(boxes({{box(0, 0, 0, 10, 10)}, {box(0, 8, 8, 10, 10)}, {box(0, 1, 1, 10, 10)}}).size(), size_t(1));
    }

    void spansTakeTheModeOfTheirBoundariesAndTheMostGivenClass()
    {
        const std::vector<Span> out = spans({{span(0, 0, 5), span(1, 10, 14)},
                                             {span(0, 0, 5), span(1, 10, 15)},
                                             {span(2, 0, 6)}});
        QCOMPARE(out.size(), size_t(2));
        QCOMPARE(out[0].start, 0);
        QCOMPARE(out[0].end, 5);
        QCOMPARE(out[0].classId, 0);
        QCOMPARE(*out[0].confidence, 0.67);
        // No clear mode: the median; 2 of 3 support the second.
        QCOMPARE(out[1].start, 10);
        QCOMPARE(out[1].end, 14);
        QCOMPARE(*out[1].confidence, 0.67);
        QVERIFY(spans({{span(0, 0, 5)}, {span(0, 20, 25)}, {span(0, 40, 45)}}).empty()); // nobody agrees
    }

    void masksVotePerPixelAndSmoothingRemovesSpecks()
    {
        mask::IndexedMask a = filled(8, 8, 1), b = filled(8, 8, 1), c = filled(8, 8, 2);
        b.pixels[3 * 8 + 3] = 2; // a speck that, with c, wins one pixel by raw votes
        auto raw = masks({a, b, c}, false);
        QVERIFY(raw);
        QCOMPARE(raw->mask.pixels[3 * 8 + 3], uint8_t(2));
        QCOMPARE(raw->mask.pixels[0], uint8_t(1));
        auto smooth = masks({a, b, c}, true);
        QCOMPARE(smooth->mask.pixels[3 * 8 + 3], uint8_t(1));
        QVERIFY(smooth->confidence > 0.6 && smooth->confidence < 0.7); // about two votes of three everywhere
        QVERIFY(!masks({a, filled(4, 4, 1)}));                       // sizes differ: nothing to vote on
    }

    void labelSetsKeepWhatWorkersChose()
    {
        std::vector<LabelSetAnswer> answers;
        for (int64_t item = 1; item <= 20; ++item) {
            answers.push_back({item, 0, {0, 1}});
            answers.push_back({item, 1, {0}});
            answers.push_back({item, 2, item % 2 ? std::vector<int>{0, 2} : std::vector<int>{0}});
        }
        const auto majority = multiLabel(answers, 3, true);
        QCOMPARE(majority.front().labels, std::vector<int>{0});
        QCOMPARE(majority.front().confidence, std::vector<double>{1.0});
        // Dawid-Skene keeps every label someone chose, with how likely it applies.
        const auto ds = multiLabel(answers, 3, false);
        const LabelSet &odd = ds.front(); // item 1: worker 2 added class 2
        QCOMPARE(odd.labels, (std::vector<int>{0, 1, 2}));
        QVERIFY(odd.confidence[0] > odd.confidence[1] && odd.confidence[0] > odd.confidence[2]);
        QCOMPARE(odd.confidence[0], 0.95); // capped, as Ground Truth's outputs are
        QCOMPARE(ds[1].labels, (std::vector<int>{0, 1}));
    }

    void aBoxJobIsConsolidatedInTheProject()
    {
        QTemporaryDir dir;
        auto store = gw::test::newProject(gw::test::path(dir, "p.gwproj"));
        auto tx = store->begin();
        for (int i = 0; i < 2; ++i) {
            Item it;
            it.uri = "img" + std::to_string(i) + ".png";
            it.width = 640;
            it.height = 480;
            QVERIFY((*tx)->addItem(it));
        }
        QVERIFY((*tx)->commit());
        Job j;
        j.name = "objects";
        j.type = TaskType::BoundingBox;
        j.classes = {{0, "car", "#aa0000", "1", {}}, {1, "person", "#00aa00", "2", {}}};
        j.annotatorsPerItem = 3;
        const Job job = *store->createJob(j);
        const std::vector<std::pair<std::string, std::vector<Box>>> given = {
            {"ann", {box(0, 10, 10, 100, 50)}},
            {"bob", {box(0, 12, 8, 98, 54)}},
            {"cy", {box(0, 300, 300, 20, 20)}}, // cy drew something else
        };
        auto put = store->begin();
        for (const auto &[who, boxesGiven] : given) {
            Annotation a;
            a.jobId = job.id;
            a.itemId = 1;
            a.payload.boxes = boxesGiven;
            a.payload.imageWidth = 640;
            a.payload.imageHeight = 480;
            a.provenance.author = who;
            QVERIFY((*put)->putAnnotation(a));
        }
        QVERIFY((*put)->commit());
        auto r = consolidateJob(*store, job, ConsolidationMethod::DawidSkene, "lead");
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        QCOMPARE(r->items, 1);
        QCOMPARE(r->written, 1);
        const Annotation c = **store->currentAnnotation(job.id, 1);
        QCOMPARE(c.provenance.source, Source::Consolidated);
        QCOMPARE(c.payload.boxes.size(), size_t(1));
        QCOMPARE(c.payload.boxes[0].left, 11.0);
        QCOMPARE(c.payload.imageWidth, 640);
        QCOMPARE(store->history(job.id, 1)->size(), size_t(4)); // three answers and the consolidated label
        for (const auto &w : r->workers)
            QCOMPARE(w.agreement, w.id == "cy" ? 0.0 : 1.0);
        // Again: nothing new to write.
        QCOMPARE(consolidateJob(*store, job, ConsolidationMethod::DawidSkene, "lead")->written, 0);
        // Out in Ground Truth's worker-response layout, as its bounding-box form writes answers.
        const std::string out = gw::test::path(dir, "responses");
        auto exported = exportWorkerResponses(*store, job, out);
        QVERIFY2(exported, exported ? "" : exported.error().message.c_str());
        QCOMPARE(exported->answers, 3);
        const QStringList files = QDir(QString::fromStdString(out) + QStringLiteral("/worker-response/iteration-1/0"))
                                      .entryList({QStringLiteral("*.json")});
        QCOMPARE(files.size(), 1);
        json::Value v;
        QVERIFY(json::parse(gw::test::readFile(out + "/worker-response/iteration-1/0/" + files[0].toStdString()), v));
        const json::Array &answers = v.find("answers")->toArray();
        QCOMPARE(answers.size(), size_t(3));
        const json::Value *form = answers[0].find("answerContent")->find("boundingBox");
        QCOMPARE(form->find("boundingBoxes")->toArray()[0].find("label")->toString(), std::string("car"));
        QCOMPARE(form->find("boundingBoxes")->toArray()[0].find("left")->toDouble(), 10.0);
        QCOMPARE(form->find("inputImageProperties")->find("width")->toInt(), int64_t(640));
        QCOMPARE(answers[0].find("workerId")->toString(), std::string("ann"));
    }

    void workerResponsesOfEveryTypeGoOutAndComeBackAsTheSameAnswers_data()
    {
        QTest::addColumn<int>("type");
        for (TaskType t : {TaskType::ImageClassification, TaskType::ImageClassificationMultiLabel, TaskType::BoundingBox,
                           TaskType::SemanticSegmentation, TaskType::TextClassification,
                           TaskType::TextClassificationMultiLabel, TaskType::NamedEntityRecognition})
            QTest::newRow(std::string(taskInfo(t).id).c_str()) << int(t);
    }
    void workerResponsesOfEveryTypeGoOutAndComeBackAsTheSameAnswers()
    {
        QFETCH(int, type);
        const TaskType t = TaskType(type);
        QTemporaryDir dir;
        auto project = [&](const char *name) {
            auto store = gw::test::newProject(gw::test::path(dir, name));
            auto tx = store->begin();
            for (int i = 0; i < 2; ++i) {
                Item it;
                if (taskInfo(t).image) {
                    it.uri = "img" + std::to_string(i) + ".png";
                    it.width = 64;
                    it.height = 48;
                } else {
                    it.kind = MediaKind::Text;
                    it.text = "Ada Lovelace met Charles Babbage in London " + std::to_string(i);
                }
                (void)(*tx)->addItem(it);
            }
            (void)(*tx)->commit();
            Job j;
            j.name = t == TaskType::SemanticSegmentation ? "things-ref" : "things";
            j.type = t;
            j.classes = {{0, "cat", "#aa0000", "1", {}}, {1, "dog", "#00aa00", "2", {}}, {2, "cow", "#0000aa", "3", {}}};
            j.annotatorsPerItem = 2;
            (void)store->createJob(j);
            return store;
        };
        auto payload = [&](int variant) {
            Payload p;
            switch (t) {
            case TaskType::ImageClassification:
            case TaskType::TextClassification: p.classes = {variant % 3}; p.classConfidence = {std::nullopt}; break;
            case TaskType::ImageClassificationMultiLabel:
            case TaskType::TextClassificationMultiLabel:
                p.classes = {0, 1 + variant % 2};
                p.classConfidence = {std::nullopt, std::nullopt};
                break;
            case TaskType::BoundingBox:
                p.boxes = {box(0, 2 + variant, 3, 20, 10), box(2, 30, 20, 12.5, 8)};
                p.imageWidth = 64;
                p.imageHeight = 48;
                p.imageDepth = 3;
                break;
            case TaskType::NamedEntityRecognition:
                p.spans = {{0, 0, 12 - variant, std::nullopt}, {2, 36, 42, std::nullopt}};
                break;
            case TaskType::SemanticSegmentation: break; // the mask is made below, with the job's classes
            }
            return p;
        };
        auto source = project("a.gwproj");
        const Job job = *source->job(t == TaskType::SemanticSegmentation ? "things-ref" : "things");
        auto put = source->begin();
        int variant = 0;
        for (const auto &[item, who] : std::vector<std::pair<int64_t, std::string>>{{1, "ann"}, {1, "bob"}, {2, "ann"}}) {
            Annotation a;
            a.jobId = job.id;
            a.itemId = item;
            a.payload = payload(variant++);
            if (t == TaskType::SemanticSegmentation) {
                gw::datasets::mask::IndexedMask m;
                m.width = 64;
                m.height = 48;
                m.pixels.assign(64 * 48, 0);
                for (int i = 0; i < 300 + variant * 64; ++i)
                    m.pixels[size_t(i)] = uint8_t(1 + (i / 100) % 3); // stored: class id + 1
                a.payload.mask = *gw::datasets::mask::encodeStored(m, job.classes);
            }
            a.provenance.author = who;
            a.provenance.createdUs = 1'700'000'000'000'000 + variant * 1'000'000;
            QVERIFY((*put)->putAnnotation(a));
        }
        QVERIFY((*put)->commit());
        const std::string out = gw::test::path(dir, "responses");
        auto exported = exportWorkerResponses(*source, job, out);
        QVERIFY2(exported, exported ? "" : exported.error().message.c_str());
        QCOMPARE(exported->answers, 3);

        auto target = project("b.gwproj");
        const Job job2 = *target->job(job.name);
        auto imported = importWorkerResponses(*target, job2, out);
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        QCOMPARE(imported->added, int64_t(3));
        QCOMPARE(imported->workers, int64_t(2));
        std::vector<Annotation> before, after;
        QVERIFY(source->forEachAnswer(job.id, [&](const Annotation &a) { before.push_back(a); return true; }));
        QVERIFY(target->forEachAnswer(job2.id, [&](const Annotation &a) { after.push_back(a); return true; }));
        QCOMPARE(after.size(), before.size());
        for (size_t i = 0; i < before.size(); ++i) {
            QCOMPARE(after[i].itemId, before[i].itemId);
            QCOMPARE(after[i].provenance.author, before[i].provenance.author);
            QVERIFY2(sameLabel(after[i].payload, before[i].payload), encodePayload(after[i].payload).c_str());
        }
        // Read twice, nothing is added.
        QCOMPARE(importWorkerResponses(*target, job2, out)->added, int64_t(0));
        // Item 1's two answers consolidate (masks are worked out outside the write and written after a check).
        auto consolidated = consolidateJob(*target, job2, ConsolidationMethod::Majority, "lead");
        QVERIFY2(consolidated, consolidated ? "" : consolidated.error().message.c_str());
        QCOMPARE(consolidated->written, int64_t(1));
        QCOMPARE((*target->currentAnnotation(job2.id, 1))->provenance.source, Source::Consolidated);
        QCOMPARE(consolidateJob(*target, job2, ConsolidationMethod::Majority, "lead")->written, int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestConsolidateShapes)
#include "tst_consolidateshapes.moc"
