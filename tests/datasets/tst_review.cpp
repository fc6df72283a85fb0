// Chained jobs: a review job accepts or rejects another job's labels and a rejected item goes back to that job's
// queue with the reviewer's reason; Ground Truth's verification and adjustment jobs go out in its chained output
// format (reference §3.7, §3.8) and come back in as the same jobs, labels and comments.

#include "datasets/json.h"
#include "datasets/manifest.h"
#include "datasets/review.h"
#include "datasets/workeranswers.h"
#include "labeling/labeler.h"
#include "testutil.h"

#include <QTest>

#include <algorithm>

using namespace gw::datasets;
namespace json = gw::json;

namespace {

constexpr int64_t kHour = 3'600'000'000;

std::unique_ptr<ProjectStore> boxProject(const QTemporaryDir &dir, int items = 4)
{
    auto store = gw::test::newProject(gw::test::path(dir, "p.gwproj"));
    auto tx = store->begin();
    for (int i = 0; i < items; ++i) {
        Item it;
        it.uri = "s3://bucket/birds_" + std::to_string(i) + ".jpg";
        it.width = 1024;
        it.height = 768;
        (void)(*tx)->addItem(it);
    }
    (void)(*tx)->commit();
    Job j;
    j.name = "boxes";
    j.type = TaskType::BoundingBox;
    j.classes = {{0, "bird", "#1f77b4", "1", {}}, {1, "nest", "#ff7f0e", "2", {}}};
    (void)store->createJob(j);
    return store;
}

Payload boxes(double left, int classId = 0)
{
    Payload p;
    p.boxes.push_back({classId, left, 10, 40, 30, std::nullopt});
    p.imageWidth = 1024;
    p.imageHeight = 768;
    p.imageDepth = 3;
    return p;
}

void label(ProjectStore &store, const std::string &job, int64_t item, const Payload &p, const std::string &worker)
{
    gw::labeling::Labeler labeler(store, worker);
    auto j = store.job(job);
    QVERIFY(j);
    auto it = store.item(item);
    QVERIFY(it);
    GW_VERIFY_OK(labeler.setLabel(*j, *it, p));
}

std::vector<int64_t> take(ProjectStore &store, const std::string &job, const std::string &worker, int n = 10)
{
    std::vector<int64_t> out;
    auto leases = store.takeWork(store.job(job)->id, worker, n, kHour);
    if (!leases)
        return {-1};
    for (const Lease &l : *leases)
        out.push_back(l.itemId);
    std::sort(out.begin(), out.end());
    return out;
}

Job created(ProjectStore &store, JobKind kind, const std::string &parent, const std::string &name)
{
    auto j = review::chainedJob(kind, *store.job(parent), name);
    if (!j)
        return {};
    auto c = store.createJob(*j);
    return c ? *c : Job();
}

Provenance by(const std::string &who)
{
    Provenance p;
    p.author = who;
    return p;
}

std::vector<json::Value> lines(const std::string &path)
{
    std::vector<json::Value> out;
    const std::string text = gw::test::readFile(path);
    size_t start = 0;
    while (start < text.size()) {
        const size_t end = text.find('\n', start);
        json::Value v;
        json::parse(text.substr(start, end - start), v);
        out.push_back(v);
        start = end == std::string::npos ? text.size() : end + 1;
    }
    return out;
}

} // namespace

class TestReview : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aRejectedItemGoesBackToTheLabelingQueueWithTheReason()
    {
        QTemporaryDir dir;
        auto store = boxProject(dir);
        for (int64_t i = 1; i <= 3; ++i)
            label(*store, "boxes", i, boxes(20.0 * double(i)), "alice");
        QCOMPARE(take(*store, "boxes", "alice"), std::vector<int64_t>{4});
        const Job check = created(*store, JobKind::Review, "boxes", "boxes-check");
        QVERIFY(check.id);
        QCOMPARE(check.kind, JobKind::Review);
        QCOMPARE(check.parentId, store->job("boxes")->id);
        QCOMPARE(store->job("boxes-check")->kind, JobKind::Review); // as stored

        // The reviewer's queue: the items the job has labels for.
        QCOMPARE(take(*store, "boxes-check", "rita"), (std::vector<int64_t>{1, 2, 3}));
        const int accept = check.classByName("accept")->id, reject = review::rejectClass(check);
        // A verdict is about the label the reviewer saw: if it changed meanwhile, nothing is written.
        const int64_t seen = (*store->currentAnnotation(store->job("boxes")->id, 1))->id;
        QCOMPARE(review::recordVerdict(*store, check, 1, accept, "", by("rita"), seen + 1000).error().code,
                 gw::Error::Code::Conflict);
        QVERIFY(!*review::currentVerdict(*store, check, 1));
        GW_VERIFY_OK(review::recordVerdict(*store, check, 1, accept, "", by("rita"), seen));
        // A rejection needs a reason; without one nothing is written.
        QVERIFY(!review::recordVerdict(*store, check, 2, reject, "  ", by("rita")));
        QVERIFY(*store->currentAnnotation(store->job("boxes")->id, 2));
        GW_VERIFY_OK(review::recordVerdict(*store, check, 2, reject, "the box misses the tail", by("rita")));

        // The label is taken back (it stays in the history) and the item goes to alice's queue again, with why.
        const int64_t boxesId = store->job("boxes")->id;
        QVERIFY(!*store->currentAnnotation(boxesId, 2));
        auto why = review::rejectionOf(*store, boxesId, 2);
        QVERIFY(why && *why);
        QCOMPARE((*why)->reviewer, std::string("rita"));
        QCOMPARE((*why)->reason, std::string("the box misses the tail"));
        QCOMPARE((*why)->reviewJob, std::string("boxes-check"));
        QCOMPARE(take(*store, "boxes", "alice"), (std::vector<int64_t>{2, 4}));
        auto history = store->history(boxesId, 2);
        QCOMPARE(history->size(), size_t(2));
        QCOMPARE(history->front().annotation.payload.boxes.size(), size_t(1));
        QVERIFY(history->back().deleted);
        QCOMPARE(history->back().annotation.provenance.author, std::string("alice")); // alice's answer taken back

        // The verdicts: accept on 1 (about the label there now), reject on 2; 3 still to review.
        QVERIFY(*review::currentVerdict(*store, check, 1));
        QCOMPARE((*review::currentVerdict(*store, check, 2))->payload.classes, std::vector<int>{reject});
        QVERIFY(!*review::currentVerdict(*store, check, 3));
        QCOMPARE(take(*store, "boxes-check", "rita"), std::vector<int64_t>{3});

        // Alice labels it again: it is hers to answer, then it is reviewed again.
        label(*store, "boxes", 2, boxes(25.0), "alice");
        QVERIFY(!review::rejectionOf(*store, boxesId, 2)->has_value());
        QVERIFY(!*review::currentVerdict(*store, check, 2)); // the new label has no verdict yet
        QCOMPARE(take(*store, "boxes-check", "rita"), (std::vector<int64_t>{2, 3}));
        auto progress = store->workProgress(check.id);
        QCOMPARE(progress->items, int64_t(3)); // the labels there are to review
    }

    void rejectingALabelOfSeveralWorkersSendsItBackToAllOfThem()
    {
        QTemporaryDir dir;
        auto store = boxProject(dir, 2);
        Job j = *store->job("boxes");
        j.annotatorsPerItem = 2;
        {
            auto tx = store->begin();
            QVERIFY((*tx)->saveJob(j) && (*tx)->commit());
        }
        label(*store, "boxes", 1, boxes(20), "alice");
        label(*store, "boxes", 1, boxes(22), "bob");
        QCOMPARE(take(*store, "boxes", "carol"), std::vector<int64_t>{2}); // item 1 has its two answers
        const Job check = created(*store, JobKind::Review, "boxes", "boxes-check");
        GW_VERIFY_OK(review::recordVerdict(*store, check, 1, review::rejectClass(check), "two birds, one box", by("rita")));
        std::vector<int> answers;
        GW_VERIFY_OK(store->forEachAnswer(j.id, [&](const Annotation &a) {
            answers.push_back(int(a.itemId));
            return true;
        }));
        QVERIFY(answers.empty()); // both answers taken back
        QCOMPARE(take(*store, "boxes", "alice", 1), std::vector<int64_t>{1});
    }

    void takingBackOnesAnswerLeavesAnothersLabel()
    {
        QTemporaryDir dir;
        auto store = boxProject(dir, 1);
        label(*store, "boxes", 1, boxes(20), "alice");
        label(*store, "boxes", 1, boxes(40), "bob");
        const int64_t job = store->job("boxes")->id;
        {
            auto tx = store->begin();
            GW_VERIFY_OK((*tx)->withdrawAnswer(job, 1, by("alice")));
            GW_VERIFY_OK((*tx)->commit());
        }
        QCOMPARE((*store->currentAnnotation(job, 1))->provenance.author, std::string("bob")); // bob's stays
        std::vector<std::string> answered;
        GW_VERIFY_OK(store->forEachAnswer(job, [&](const Annotation &a) {
            answered.push_back(a.provenance.author);
            return true;
        }));
        QCOMPARE(answered, std::vector<std::string>{"bob"});
        // Bob taking his back, his being the label there, removes it.
        {
            auto tx = store->begin();
            GW_VERIFY_OK((*tx)->withdrawAnswer(job, 1, by("bob")));
            GW_VERIFY_OK((*tx)->commit());
        }
        QVERIFY(!*store->currentAnnotation(job, 1));
    }

    void itemsWhoseWorkersAgreeLittleAreTheOnesToReview()
    {
        QTemporaryDir dir;
        auto store = boxProject(dir, 3);
        Job j = *store->job("boxes");
        j.annotatorsPerItem = 3;
        {
            auto tx = store->begin();
            QVERIFY((*tx)->saveJob(j) && (*tx)->commit());
        }
        // Item 1: three workers draw the same box; item 2: three different boxes; item 3: one person's label.
        for (const char *w : {"alice", "bob", "carol"})
            label(*store, "boxes", 1, boxes(20), w);
        label(*store, "boxes", 2, boxes(20), "alice");
        label(*store, "boxes", 2, boxes(300), "bob");
        label(*store, "boxes", 2, boxes(600), "carol");
        label(*store, "boxes", 3, boxes(20), "alice");
        auto consolidated = consolidateJob(*store, j, ConsolidationMethod::DawidSkene, "consolidation");
        GW_VERIFY_OK(consolidated);
        QVERIFY((*store->currentAnnotation(j.id, 1))->provenance.confidence.value_or(0) > 0.9);
        QVERIFY((*store->currentAnnotation(j.id, 2))->provenance.confidence.value_or(1) < 0.5);
        auto check = review::chainedJob(JobKind::Review, j, "boxes-check");
        check->reviewBelow = 0.7;
        QVERIFY(store->createJob(*check));
        QCOMPARE(store->job("boxes-check")->reviewBelow, 0.7);
        QCOMPARE(take(*store, "boxes-check", "rita"), std::vector<int64_t>{2});
        QCOMPARE(store->workProgress(store->job("boxes-check")->id)->items, int64_t(1));
        // Only review jobs take a threshold.
        Job plain = j;
        plain.id = 0;
        plain.name = "other";
        plain.reviewBelow = 0.5;
        QVERIFY(!store->createJob(plain));
    }

    void chainedJobsAreCheckedAgainstTheirParent()
    {
        QTemporaryDir dir;
        auto store = boxProject(dir);
        Job cls;
        cls.name = "species";
        cls.type = TaskType::ImageClassification;
        cls.classes = {{0, "owl", "#1f77b4", "1", {}}, {1, "hawk", "#ff7f0e", "2", {}}};
        QVERIFY(store->createJob(cls));
        // Ground Truth verifies and adjusts boxes and masks only; a review works on any job.
        auto verify = review::chainedJob(JobKind::Verification, *store->job("species"), "verify-species");
        QVERIFY(verify);
        QVERIFY(!store->createJob(*verify));
        auto adjust = review::chainedJob(JobKind::Adjustment, *store->job("species"), "adjust-species");
        QVERIFY(!store->createJob(*adjust));
        QVERIFY(created(*store, JobKind::Review, "species", "species-check").id);
        // A review of a review is not a thing; a labeling job has no parent.
        QVERIFY(!created(*store, JobKind::Review, "species-check", "check-check").id);
        Job orphan = cls;
        orphan.name = "orphan";
        orphan.parentId = store->job("boxes")->id;
        QVERIFY(!store->createJob(orphan));
        // One reviewer per verdict in a review job, and its verdicts stay accept and reject.
        auto twice = review::chainedJob(JobKind::Review, *store->job("boxes"), "boxes-twice");
        twice->annotatorsPerItem = 2;
        QVERIFY(!store->createJob(*twice));
        const Job speciesCheck = *store->job("species-check");
        ProjectStore::ClassEdit rename;
        rename.name = "decline";
        QVERIFY(!store->editClass(speciesCheck.id, review::rejectClass(speciesCheck), rename, "lead"));
        ProjectStore::ClassEdit recolour;
        recolour.color = "#000000";
        GW_VERIFY_OK(store->editClass(speciesCheck.id, review::rejectClass(speciesCheck), recolour, "lead"));
        // Verification verdicts are the ones given.
        auto custom = review::chainedJob(JobKind::Verification, *store->job("boxes"), "verify-boxes", {"good", "bad"});
        auto made = store->createJob(*custom);
        QVERIFY(made);
        QCOMPARE(made->classes.size(), size_t(2));
        QCOMPARE(made->classes[1].name, std::string("bad"));
        // The adjustment of a box job has its classes and task type.
        const Job adjusted = created(*store, JobKind::Adjustment, "boxes", "adjust-boxes");
        QCOMPARE(adjusted.type, TaskType::BoundingBox);
        QCOMPARE(adjusted.classes.size(), size_t(2));
    }

    void verificationAndAdjustmentGoOutInGroundTruthsChainedFormatAndComeBack()
    {
        QTemporaryDir dir;
        auto store = boxProject(dir, 3);
        for (int64_t i = 1; i <= 3; ++i)
            label(*store, "boxes", i, boxes(20.0 * double(i)), "alice");
        auto verifyJob = review::chainedJob(JobKind::Verification, *store->job("boxes"), "verify-boxes", {"good", "bad"});
        const Job verify = *store->createJob(*verifyJob);
        const Job adjust = created(*store, JobKind::Adjustment, "boxes", "adjust-boxes");
        GW_VERIFY_OK(review::recordVerdict(*store, verify, 1, 0, "", by("vera")));
        GW_VERIFY_OK(review::recordVerdict(*store, verify, 2, 1, "Box on the left bird is too wide.", by("vera")));
        // Adjusting: item 1 kept as it was, item 2 moved.
        auto start = review::startingLabel(*store, adjust, 1);
        QVERIFY(start && *start);
        QCOMPARE((*start)->payload.boxes.front().left, 20.0);
        label(*store, "adjust-boxes", 1, (*start)->payload, "adam");
        label(*store, "adjust-boxes", 2, boxes(44), "adam");

        ExportOptions out;
        out.outPath = gw::test::path(dir, "output.manifest");
        GW_VERIFY_OK(exportManifest(*store, out));
        const auto exported = lines(out.outPath);
        QCOMPARE(exported.size(), size_t(3));
        // §3.7: the verdict's index, its metadata with the verification type and the worker's comment.
        const json::Value &second = exported[1];
        QCOMPARE(second.find("verify-boxes")->toInt(), int64_t(1));
        const json::Value *vmd = second.find("verify-boxes-metadata");
        QCOMPARE(vmd->find("type")->toString(), std::string("groundtruth/label-verification"));
        QCOMPARE(vmd->find("class-name")->toString(), std::string("bad"));
        QCOMPARE(vmd->find("job-name")->toString(), std::string("labeling-job/verify-boxes"));
        QCOMPARE(vmd->find("human-annotated")->toString(), std::string("yes"));
        QCOMPARE(vmd->find("worker-feedback")->toArray().size(), size_t(1));
        QCOMPARE(vmd->find("worker-feedback")->toArray()[0].find("comment")->toString(),
                 std::string("Box on the left bird is too wide."));
        QVERIFY(!exported[0].find("verify-boxes-metadata")->find("worker-feedback")); // no comment, no key
        // §3.8: the adjusted label under its own name, the original kept, the status said.
        QVERIFY(second.find("boxes") && second.find("adjust-boxes"));
        const json::Value *amd = second.find("adjust-boxes-metadata");
        QCOMPARE(amd->find("type")->toString(), std::string("groundtruth/object-detection"));
        QCOMPARE(amd->find("adjustment-status")->toString(), std::string("adjusted"));
        QCOMPARE(exported[0].find("adjust-boxes-metadata")->find("adjustment-status")->toString(),
                 std::string("unadjusted"));
        QVERIFY(!exported[2].find("adjust-boxes") && !exported[2].find("verify-boxes")); // not done yet

        // Into a new project: the same chain of jobs, labels and comments; written out again, the same lines.
        QTemporaryDir dir2;
        auto again = gw::test::newProject(gw::test::path(dir2, "q.gwproj"));
        ImportOptions in;
        in.checkMedia = false;
        GW_VERIFY_OK(importManifest(*again, out.outPath, in));
        const Job v2 = *again->job("verify-boxes"), a2 = *again->job("adjust-boxes");
        QCOMPARE(v2.kind, JobKind::Verification);
        QCOMPARE(v2.parentId, again->job("boxes")->id);
        QCOMPARE(a2.kind, JobKind::Adjustment);
        QCOMPARE(a2.parentId, again->job("boxes")->id);
        QCOMPARE(v2.classes[1].name, std::string("bad"));
        ExportOptions out2;
        out2.outPath = gw::test::path(dir2, "output.manifest");
        GW_VERIFY_OK(exportManifest(*again, out2));
        const auto back = lines(out2.outPath);
        QCOMPARE(back.size(), exported.size());
        for (size_t i = 0; i < back.size(); ++i)
            QVERIFY2(json::equalIgnoringOrder(back[i], exported[i]), json::toString(back[i]).c_str());
    }

    void severalVerifiersAreConsolidatedWithTheirComments()
    {
        QTemporaryDir dir;
        auto store = boxProject(dir, 1);
        label(*store, "boxes", 1, boxes(20), "alice");
        auto made = review::chainedJob(JobKind::Verification, *store->job("boxes"), "verify-boxes", {"good", "bad"});
        made->annotatorsPerItem = 3;
        const Job verify = *store->createJob(*made);
        GW_VERIFY_OK(review::recordVerdict(*store, verify, 1, 1, "Box on the left bird is too wide.", by("v1")));
        GW_VERIFY_OK(review::recordVerdict(*store, verify, 1, 1, "", by("v2")));
        GW_VERIFY_OK(review::recordVerdict(*store, verify, 1, 0, "looks fine", by("v3")));
        auto r = consolidateJob(*store, verify, ConsolidationMethod::Majority, "consolidation");
        GW_VERIFY_OK(r);
        QCOMPARE(r->written, int64_t(1));
        auto verdict = review::currentVerdict(*store, verify, 1); // about the label there now
        QVERIFY(verdict && *verdict);
        QCOMPARE((*verdict)->provenance.source, Source::Consolidated);
        QCOMPARE(verify.classById((*verdict)->payload.classes.front())->name, std::string("bad"));
        ExportOptions out;
        out.outPath = gw::test::path(dir, "output.manifest");
        GW_VERIFY_OK(exportManifest(*store, out));
        const json::Value line = lines(out.outPath).front();
        const json::Array &feedback = line.find("verify-boxes-metadata")->find("worker-feedback")->toArray();
        QCOMPARE(feedback.size(), size_t(2)); // the empty comment is left out (§3.7)
        QCOMPARE(feedback[0].find("comment")->toString(), std::string("Box on the left bird is too wide."));
        QCOMPARE(feedback[1].find("comment")->toString(), std::string("looks fine"));
        QCOMPARE(consolidateJob(*store, verify, ConsolidationMethod::Majority, "consolidation")->written, int64_t(0));
    }

    void groundTruthsOwnChainedOutputReadsAsAVerificationJob()
    {
        QTemporaryDir dir;
        auto store = gw::test::newProject(gw::test::path(dir, "p.gwproj"));
        ImportOptions in;
        in.checkMedia = false;
        auto report = importManifest(*store, (gw::test::goldenDir() + QStringLiteral("/groundtruth/chained/output.manifest")).toStdString(), in);
        GW_VERIFY_OK(report);
        const Job verify = *store->job("verify-boxes");
        QCOMPARE(verify.kind, JobKind::Verification);
        QCOMPARE(verify.parentId, store->job("boxes")->id);
        QCOMPARE(store->job("species")->kind, JobKind::Labeling); // a classification is not what was verified
        auto items = store->countItems({});
        QVERIFY(items && *items > 0);
        auto verdict = store->currentAnnotation(verify.id, 1);
        QVERIFY(verdict && *verdict);
        QCOMPARE(verify.classById((*verdict)->payload.classes.front())->name, std::string("bad"));
        QVERIFY((*verdict)->extra.find("Box on the left bird is too wide.") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestReview)
#include "tst_review.moc"
