// Setting human labels from requests by class name: validation per task type and immediate commit.

#include "datasets/mask.h"
#include "labeling/labeler.h"
#include "testutil.h"

#include <QImage>
#include <QTest>

using namespace gw;
using namespace gw::datasets;
using namespace gw::labeling;

namespace {

Job makeJob(ProjectStore &s, const char *name, TaskType type, std::vector<std::string> names, bool overlap = false)
{
    Job j;
    j.name = name;
    j.type = type;
    j.allowOverlap = overlap;
    for (size_t i = 0; i < names.size(); ++i)
        j.classes.push_back({int(i), names[i], defaultClassColor(int(i)), {}, {}});
    auto r = s.createJob(j);
    if (!r)
        qFatal("%s", r.error().message.c_str());
    return *r;
}

Item addItem(ProjectStore &s, MediaKind kind, const std::string &uriOrText, int w = 0, int h = 0)
{
    Item it;
    it.kind = kind;
    (kind == MediaKind::Text ? it.text : it.uri) = uriOrText;
    it.width = w;
    it.height = h;
    auto tx = s.begin();
    (void)(*tx)->addItem(it);
    (void)(*tx)->commit();
    return it;
}

} // namespace

class TestLabeler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classificationByName()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job job = makeJob(*s, "animal", TaskType::ImageClassification, {"cat", "dog"});
        const Item item = addItem(*s, MediaKind::Image, "a.png", 10, 10);
        Labeler labeler(*s, "alice");
        LabelRequest req;
        req.classes = {"dog"};
        auto p = buildPayload(job, item, req, s->projectDir());
        GW_VERIFY_OK(p);
        auto a = labeler.setLabel(job, item, *p, 1500);
        GW_VERIFY_OK(a);
        auto stored = s->currentAnnotation(job.id, item.id);
        QCOMPARE((*stored)->payload.classes, std::vector<int>{1});
        QCOMPARE((*stored)->provenance.author, std::string("alice"));
        QCOMPARE((*stored)->provenance.timeSpentMs, int64_t(1500));
        QCOMPARE((*stored)->provenance.source, Source::Human);

        req.classes = {"dog", "cat"};
        auto two = buildPayload(job, item, req, s->projectDir());
        GW_VERIFY_OK(two);
        auto refused = labeler.setLabel(job, item, *two);
        QVERIFY(!refused);
        QVERIFY(refused.error().message.find("exactly one class") != std::string::npos);
        req.classes = {"cow"};
        auto unknown = buildPayload(job, item, req, s->projectDir());
        QVERIFY(!unknown);
        QVERIFY(unknown.error().message.find("unknown class 'cow' (job 'animal' has: cat, dog)") != std::string::npos);
    }

    void boxesAreCheckedAgainstTheImage_data()
    {
        QTest::addColumn<QString>("box");
        QTest::addColumn<bool>("ok");
        QTest::newRow("inside") << QStringLiteral("car,0,0,100,50") << true;
        QTest::newRow("fractional inside") << QStringLiteral("car,10.5,2.25,20,10") << true;
        QTest::newRow("too wide") << QStringLiteral("car,50,0,60,10") << false;
        QTest::newRow("negative") << QStringLiteral("car,-3,0,10,10") << false;
        QTest::newRow("no area") << QStringLiteral("car,1,1,0,10") << false;
        QTest::newRow("malformed") << QStringLiteral("car,1,1,10") << false;
        QTest::newRow("unknown class") << QStringLiteral("bus,1,1,10,10") << false;
    }
    void boxesAreCheckedAgainstTheImage()
    {
        QFETCH(QString, box);
        QFETCH(bool, ok);
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job job = makeJob(*s, "boxes", TaskType::BoundingBox, {"car", "person"});
        const Item item = addItem(*s, MediaKind::Image, "a.png", 100, 50);
        LabelRequest req;
        req.boxes = {box.toStdString()};
        auto p = buildPayload(job, item, req, s->projectDir());
        Result<Annotation> a = p ? Labeler(*s, "t").setLabel(job, item, *p) : Result<Annotation>(fail(p.error()));
        QCOMPARE(a.has_value(), ok);
        QCOMPARE(s->currentAnnotation(job.id, item.id)->has_value(), ok);
    }

    void spansAndOverlap()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job strict = makeJob(*s, "ner", TaskType::NamedEntityRecognition, {"PER", "LOC"});
        const Job loose = makeJob(*s, "ner2", TaskType::NamedEntityRecognition, {"PER", "LOC"}, true);
        const Item item = addItem(*s, MediaKind::Text, "Zoë lives in 東京.");
        LabelRequest req;
        req.spans = {"PER,0,3", "LOC,13,15"};
        auto ok = buildPayload(strict, item, req, {});
        GW_VERIFY_OK(Labeler(*s, "t").setLabel(strict, item, *ok));
        req.spans = {"PER,0,3", "LOC,2,5"};
        auto overlapping = buildPayload(strict, item, req, {});
        auto refused = Labeler(*s, "t").setLabel(strict, item, *overlapping);
        QVERIFY(!refused);
        QVERIFY(refused.error().message.find("overlap") != std::string::npos);
        GW_VERIFY_OK(Labeler(*s, "t").setLabel(loose, item, *buildPayload(loose, item, req, {})));
        req.spans = {"LOC,13,17"}; // the text has 16 code points
        auto outside = Labeler(*s, "t").setLabel(strict, item, *buildPayload(strict, item, req, {}));
        QVERIFY(!outside);
        QVERIFY(outside.error().message.find("outside the text of 16 characters") != std::string::npos);
    }

    void maskFileInGroundTruthIndices()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job job = makeJob(*s, "seg-ref", TaskType::SemanticSegmentation, {"road", "car"});
        const Item item = addItem(*s, MediaKind::Image, "a.png", 3, 1);
        QImage grey(3, 1, QImage::Format_Grayscale8);
        grey.scanLine(0)[0] = 0;
        grey.scanLine(0)[1] = 1;
        grey.scanLine(0)[2] = 2;
        QVERIFY(grey.save(QString::fromStdString(test::path(dir, "m.png"))));
        LabelRequest req;
        req.maskFile = test::path(dir, "m.png");
        auto p = buildPayload(job, item, req, {});
        GW_VERIFY_OK(p);
        auto m = mask::decode(p->mask);
        QCOMPARE(m->pixels, (std::vector<uint8_t>{0, 1, 2}));
        grey.scanLine(0)[2] = 7; // no such class
        QVERIFY(grey.save(QString::fromStdString(test::path(dir, "bad.png"))));
        req.maskFile = test::path(dir, "bad.png");
        auto bad = buildPayload(job, item, req, {});
        QVERIFY(!bad);
        QVERIFY(bad.error().message.find("has value 7") != std::string::npos);
    }

    void clearKeepsHistory()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job job = makeJob(*s, "animal", TaskType::ImageClassification, {"cat", "dog"});
        const Item item = addItem(*s, MediaKind::Image, "a.png", 10, 10);
        Labeler labeler(*s, "alice");
        LabelRequest req;
        req.classes = {"cat"};
        GW_VERIFY_OK(labeler.setLabel(job, item, *buildPayload(job, item, req, {})));
        GW_VERIFY_OK(labeler.clearLabel(job, item));
        QVERIFY(!s->currentAnnotation(job.id, item.id)->has_value());
        QCOMPARE(s->history(job.id, item.id)->size(), size_t(2));
    }
};

QTEST_GUILESS_MAIN(TestLabeler)
#include "tst_labeler.moc"
