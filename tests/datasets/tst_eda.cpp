// Exploratory statistics on constructed projects whose answers are known: class balance by source and split,
// histograms, box centres, mask shares, characteristic words, auto-label confidence, annotators and their
// agreement, and the JSON the CLI prints.

#include "datasets/eda.h"
#include "datasets/mask.h"
#include "testutil.h"

#include <QTest>

#include <cmath>

using namespace gw;
using namespace gw::datasets;

namespace {

constexpr int64_t kHour = 3'600'000'000LL; ///< microseconds

Job makeJob(ProjectStore &s, const std::string &name, TaskType type, const std::vector<std::string> &classes)
{
    Job j;
    j.name = name;
    j.type = type;
    for (size_t i = 0; i < classes.size(); ++i)
        j.classes.push_back({int(i), classes[i], defaultClassColor(int(i)), {}, {}});
    return *s.createJob(j);
}

int64_t addItem(WriteTransaction &tx, MediaKind kind, const std::string &content, const std::string &split, int w = 0,
                int h = 0)
{
    Item it;
    it.kind = kind;
    (kind == MediaKind::Text ? it.text : it.uri) = content;
    it.split = split;
    it.width = w;
    it.height = h;
    (void)tx.addItem(it);
    return it.id;
}

void label(WriteTransaction &tx, const Job &job, int64_t item, Payload p, Source source = Source::Human,
           const std::string &author = "ann", int64_t createdUs = 0, std::optional<double> confidence = {})
{
    Annotation a;
    a.jobId = job.id;
    a.itemId = item;
    a.payload = std::move(p);
    a.provenance.source = source;
    a.provenance.humanAnnotated = source != Source::Auto;
    a.provenance.author = author;
    a.provenance.createdUs = createdUs;
    a.provenance.confidence = confidence;
    a.provenance.timeSpentMs = source == Source::Auto ? 0 : 4000;
    (void)tx.putAnnotation(a);
}

Payload classes(std::vector<int> ids)
{
    Payload p;
    p.classes = std::move(ids);
    p.classConfidence.assign(p.classes.size(), std::nullopt);
    return p;
}

} // namespace

class TestEda : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void histogramsHaveKnownBins()
    {
        const Histogram whole = Histogram::of({0, 1, 1, 2, 2, 2, 5}, 20);
        QCOMPARE(whole.counts, (std::vector<int64_t>{1, 2, 3, 0, 0, 1})); // one bin per whole number
        QCOMPARE(whole.mean, 13.0 / 7);
        QCOMPARE(whole.lowest, 0.0);
        QCOMPARE(whole.highest, 5.0);
        const Histogram real = Histogram::of({0.0, 0.1, 0.5, 0.95, 1.0}, 4);
        QCOMPARE(real.counts, (std::vector<int64_t>{2, 0, 1, 2})); // max in the last bin
        QCOMPARE(real.binOf(0.26), 1);
        QCOMPARE(Histogram::of({}, 5).total, int64_t(0));
        QCOMPARE(Histogram::of({3.5, 3.5}, 5).counts, std::vector<int64_t>{2});
    }

    void classificationBalanceConfidenceAndAnnotators()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job job = makeJob(*s, "animal", TaskType::ImageClassification, {"cat", "dog", "bird"});
        {
            auto tx = s->begin();
            // 6 cats (4 human in train by ann in two clock hours, 2 auto in test), 3 dogs (human, validation),
            // no birds; one unlabelled item; one missing file.
            for (int i = 0; i < 4; ++i)
                label(**tx, job, addItem(**tx, MediaKind::Image, "c" + std::to_string(i), "train", 64, 48), classes({0}),
                      Source::Human, "ann", kHour * (i < 2 ? 480000 : 480001) + i);
            for (int i = 0; i < 2; ++i)
                label(**tx, job, addItem(**tx, MediaKind::Image, "a" + std::to_string(i), "test", 64, 32), classes({0}),
                      Source::Auto, "autolabel-run-1", 0, i == 0 ? 0.91 : 0.99);
            for (int i = 0; i < 3; ++i)
                label(**tx, job, addItem(**tx, MediaKind::Image, "d" + std::to_string(i), "validation", 32, 32),
                      classes({1}), Source::Human, "bob", kHour * 480000 + i);
            addItem(**tx, MediaKind::Image, "unlabeled", "");
            Item missing;
            missing.uri = "gone.png";
            missing.flags = ItemMissing;
            (void)(*tx)->addItem(missing);
            QVERIFY((*tx)->commit());
        }
        EdaOptions o;
        o.job = "animal";
        o.bins = 10;
        auto r = computeEda(*s, o);
        GW_VERIFY_OK(r);
        QCOMPARE(r->items, int64_t(11));
        QCOMPARE(r->labelled, int64_t(9));
        QCOMPARE(r->flagged, int64_t(1));
        QCOMPARE(r->flaggedSamples, std::vector<std::string>{"gone.png"});
        QCOMPARE(r->classes.size(), size_t(3));
        const ClassBalance &cat = r->classes[0];
        QCOMPARE(cat.items, int64_t(6));
        QCOMPARE(cat.bySource.at("human"), int64_t(4));
        QCOMPARE(cat.bySource.at("auto"), int64_t(2));
        QCOMPARE(cat.bySplit.at("train"), int64_t(4));
        QCOMPARE(cat.bySplit.at("test"), int64_t(2));
        QCOMPARE(r->classes[1].bySplit.at("validation"), int64_t(3));
        QCOMPARE(r->classes[2].items, int64_t(0));
        QCOMPARE(r->labelsPerItem.counts, std::vector<int64_t>{9});
        // Image sizes: widths 64 ×6, 32 ×3 (the unlabelled and missing ones have no size).
        QCOMPARE(r->imageWidth.total, int64_t(9));
        QCOMPARE(r->imageWidth.lowest, 32.0);
        QCOMPARE(r->imageAspect.highest, 2.0);
        // Auto-label confidence: 0.91 and 0.99.
        QCOMPARE(r->autoConfidence.total, int64_t(2));
        QCOMPARE(r->autoConfidence.mean, 0.95);
        // Annotators: ann labelled 4 in two clock hours; bob 3 in one; 4 s per item each.
        QCOMPARE(r->annotators.size(), size_t(2));
        QCOMPARE(r->annotators[0].name, std::string("ann"));
        QCOMPARE(r->annotators[0].activeHours, int64_t(2));
        QCOMPARE(r->annotators[0].itemsPerHour, 2.0);
        QCOMPARE(r->annotators[1].medianSecondsPerItem, 4.0);
        // The JSON the CLI prints carries the same figures.
        const std::string json = json::toString(toJson(*r));
        QVERIFY(json.find("\"by_source\":{\"auto\":2,\"human\":4}") != std::string::npos);
        QVERIFY(json.find("\"flagged\":1") != std::string::npos);
    }

    void boxesMasksAndCentres()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job boxes = makeJob(*s, "objects", TaskType::BoundingBox, {"car", "person"});
        const Job masks = makeJob(*s, "scene-ref", TaskType::SemanticSegmentation, {"road", "sky"});
        {
            auto tx = s->begin();
            const int64_t a = addItem(**tx, MediaKind::Image, "a.png", "", 100, 50);
            const int64_t b = addItem(**tx, MediaKind::Image, "b.png", "", 100, 50);
            Payload p;
            p.boxes = {{0, 0, 0, 10, 5, std::nullopt}, {1, 80, 40, 20, 10, std::nullopt}};
            label(**tx, boxes, a, p);
            Payload none; // an image with no objects
            label(**tx, boxes, b, none);
            mask::IndexedMask m{4, 2, {0, 1, 1, 1, 2, 2, 0, 0}}; // background 3, road 3, sky 2 (stored = id + 1)
            Payload mp;
            mp.mask = *mask::encodeStored(m, masks.classes);
            label(**tx, masks, a, mp);
            QVERIFY((*tx)->commit());
        }
        EdaOptions o;
        o.job = "objects";
        o.heatmapCells = 4;
        auto r = computeEda(*s, o);
        GW_VERIFY_OK(r);
        QCOMPARE(r->labelsPerItem.counts, (std::vector<int64_t>{1, 0, 1})); // 0 and 2 boxes
        QCOMPARE(r->boxWidth.lowest, 10.0);
        QCOMPARE(r->boxWidth.highest, 20.0);
        QCOMPARE(r->boxAspect.mean, 2.0);
        QCOMPARE(r->boxArea.lowest, 0.01);  // 50 / 5000
        QCOMPARE(r->boxArea.highest, 0.04); // 200 / 5000
        // Centres (5, 2.5) → cell (0, 0); (90, 45) → cell (3, 3) of 4 × 4.
        QCOMPARE(r->boxCentres[0][0], int64_t(1));
        QCOMPARE(r->boxCentres[3][3], int64_t(1));
        QCOMPARE(r->classes[1].items, int64_t(1));

        // The items behind a bar or a cell.
        QCOMPARE(*itemsWhere(*s, "objects", EdaMeasure::BoxArea, 0.005, 0.015, false), std::vector<int64_t>{1});
        QCOMPARE(*itemsWhere(*s, "objects", EdaMeasure::LabelsPerItem, 0, 1, false), std::vector<int64_t>{2});
        QCOMPARE(*itemsWhere(*s, "objects", EdaMeasure::LabelsPerItem, 1, 2, true), std::vector<int64_t>{1});
        QCOMPARE(*itemsWhere(*s, "objects", EdaMeasure::BoxCentre, 0, 0, false, 3, 3, 4), std::vector<int64_t>{1});
        QVERIFY(itemsWhere(*s, "objects", EdaMeasure::BoxCentre, 0, 0, false, 2, 2, 4)->empty());
        QCOMPARE(itemsWhere(*s, "objects", EdaMeasure::ImageWidth, 100, 100, true)->size(), size_t(2));
        QCOMPARE(*itemsWhere(*s, "objects", EdaMeasure::BoxWidth, 15, 25, false), std::vector<int64_t>{1});
        QVERIFY(itemsWhere(*s, "objects", EdaMeasure::BoxHeight, 11, 20, false)->empty());
        QCOMPARE(itemsWhere(*s, "objects", EdaMeasure::ImageAspect, 2, 2, true)->size(), size_t(2));

        o.job = "scene-ref";
        r = computeEda(*s, o);
        GW_VERIFY_OK(r);
        QCOMPARE(r->maskShares.at("background"), 3.0 / 8);
        QCOMPARE(r->maskShares.at("road"), 3.0 / 8);
        QCOMPARE(r->maskShares.at("sky"), 2.0 / 8);
        QCOMPARE(r->classes[1].items, int64_t(1));
    }

    void textsWordsAndAgreement()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job job = makeJob(*s, "topic", TaskType::TextClassification, {"sport", "music"});
        std::vector<int64_t> ids;
        {
            auto tx = s->begin();
            const char *sport[] = {"the goal was late", "a goal and a match", "match report goal", "the league match"};
            const char *music[] = {"the guitar solo", "a new album", "the album and the guitar", "live album tour"};
            for (const char *t : sport) {
                ids.push_back(addItem(**tx, MediaKind::Text, t, ""));
                label(**tx, job, ids.back(), classes({0}), Source::Human, "ann");
            }
            for (const char *t : music) {
                ids.push_back(addItem(**tx, MediaKind::Text, t, ""));
                label(**tx, job, ids.back(), classes({1}), Source::Human, "ann");
            }
            // Two items labelled again by bob: the same class on one, another class on the other.
            label(**tx, job, ids[0], classes({0}), Source::Human, "bob");
            label(**tx, job, ids[4], classes({0}), Source::Human, "bob");
            QVERIFY((*tx)->commit());
        }
        EdaOptions o;
        o.job = "topic";
        o.topWords = 2;
        auto r = computeEda(*s, o);
        GW_VERIFY_OK(r);
        QCOMPARE(r->textLength.lowest, 11.0); // "a new album"
        QCOMPARE(r->textLength.highest, 24.0); // "the album and the guitar"
        // sport's words: goal (3 texts) and match (3 texts) ahead of anything shared.
        const auto &sport = r->characteristicWords.at("sport");
        QCOMPARE(sport.size(), size_t(2));
        QCOMPARE(sport[0].first, std::string("goal"));
        QCOMPARE(sport[1].first, std::string("match"));
        QCOMPARE(r->characteristicWords.at("music").front().first, std::string("album"));
        QCOMPARE(r->itemsLabelledTwice, int64_t(2));
        QCOMPARE(r->agreement, 0.5);
        // Chance-corrected: with three "sport" answers of four, one agreement of two is what chance gives.
        QVERIFY(std::abs(*r->alpha) < 1e-12);
        QVERIFY(std::abs(*r->kappa + 1.0 / 3) < 1e-12);
        QCOMPARE(*r->pairwise, 0.5);
        QCOMPARE(r->agreementMeasure, std::string("same class"));
        QCOMPARE(r->lowAgreement, int64_t(1));
        // The project alone: items and lengths, no label figures.
        r = computeEda(*s, {});
        GW_VERIFY_OK(r);
        QCOMPARE(r->items, int64_t(8));
        QCOMPARE(r->labelled, int64_t(0));
        QVERIFY(r->classes.empty());
    }
};

QTEST_GUILESS_MAIN(TestEda)
#include "tst_eda.moc"
