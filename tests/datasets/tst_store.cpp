// The project store: schema and migrations, supersede-not-overwrite, class changes, refusal of foreign files.

#include "datasets/mask.h"
#include "datasets/projectstore.h"
#include "datasets/schema.h"
#include "datasets/sqlite.h"
#include "testutil.h"

#include <QTest>

using namespace gw;
using namespace gw::datasets;

namespace {

Job classificationJob(const std::string &name, std::initializer_list<const char *> classes,
                      TaskType type = TaskType::ImageClassification)
{
    Job j;
    j.name = name;
    j.type = type;
    int i = 0;
    for (const char *c : classes) {
        j.classes.push_back({i, c, defaultClassColor(i), std::to_string(i + 1), {}});
        ++i;
    }
    return j;
}

int64_t addImage(ProjectStore &s, const std::string &uri)
{
    auto tx = s.begin();
    Item it;
    it.uri = uri;
    it.width = 100;
    it.height = 80;
    (void)(*tx)->addItem(it);
    (void)(*tx)->commit();
    return it.id;
}

Annotation put(ProjectStore &s, const Job &j, int64_t item, Payload p, const char *author = "ann")
{
    Annotation a;
    a.jobId = j.id;
    a.itemId = item;
    a.payload = std::move(p);
    a.provenance.author = author;
    auto tx = s.begin();
    auto r = (*tx)->putAnnotation(a);
    if (!r)
        qFatal("%s", r.error().message.c_str());
    (void)(*tx)->commit();
    return a;
}

Payload classes(std::initializer_list<int> ids)
{
    Payload p;
    for (int id : ids) {
        p.classes.push_back(id);
        p.classConfidence.push_back(std::nullopt);
    }
    return p;
}

/// A 2 × 2 mask in stored values (class id + 1, 0 = background), as the brush and the importers store it.
Payload maskOf(const Job &j, std::vector<uint8_t> stored)
{
    Payload p;
    p.mask = *mask::encodeStored(mask::IndexedMask{2, 2, std::move(stored)}, j.classes);
    return p;
}

/// The items the class filter lists, and what countItems says of the same filter.
std::pair<std::vector<int64_t>, int64_t> itemsOfClass(const ProjectStore &s, const Job &j, int classId)
{
    ItemFilter f;
    f.jobId = j.id;
    f.labeled = true;
    f.classId = classId;
    std::vector<int64_t> seen;
    if (auto r = s.forEachItem(f, [&](const Item &it) {
            seen.push_back(it.id);
            return true;
        });
        !r)
        qFatal("%s", r.error().message.c_str());
    auto n = s.countItems(f);
    if (!n)
        qFatal("%s", n.error().message.c_str());
    return {seen, *n};
}

using Listed = std::pair<std::vector<int64_t>, int64_t>;

} // namespace

class TestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void createsWalDatabaseAtLatestSchema()
    {
        if (test::onServer())
            QSKIP("the project file's own behaviour (tst_teamserver covers the server's)");
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        QCOMPARE(s->schemaVersion(), schema::latestVersion());
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(test::path(dir, "p.gwproj").c_str(), &db), SQLITE_OK);
        sql::Statement st(db, "PRAGMA journal_mode");
        QVERIFY(st.step());
        QCOMPARE(std::string(st.columnText(0)), std::string("wal"));
        st = sql::Statement();
        sqlite3_close(db);
    }

    void createRefusesExistingFileAndOpenRefusesMissing()
    {
        if (test::onServer())
            QSKIP("the project file's own behaviour (tst_teamserver covers the server's)");
        QTemporaryDir dir;
        test::newProject(test::path(dir, "p.gwproj"));
        auto again = ProjectStore::open(test::path(dir, "p.gwproj"), ProjectStore::OpenMode::Create);
        QVERIFY(!again);
        QCOMPARE(again.error().code, Error::Code::Conflict);
        auto missing = ProjectStore::open(test::path(dir, "nope.gwproj"), ProjectStore::OpenMode::OpenExisting);
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, Error::Code::NotFound);
    }

    void refusesFilesThatAreNotProjects()
    {
        if (test::onServer())
            QSKIP("the project file's own behaviour (tst_teamserver covers the server's)");
        QTemporaryDir dir;
        test::writeFile(test::path(dir, "text.gwproj"), "hello, this is not a database at all................");
        auto r = ProjectStore::open(test::path(dir, "text.gwproj"), ProjectStore::OpenMode::OpenExisting);
        QVERIFY(!r);
        QVERIFY(r.error().message.find("text.gwproj") != std::string::npos);
        // Another application's SQLite file is left alone.
        sqlite3 *db = nullptr;
        sqlite3_open(test::path(dir, "other.db").c_str(), &db);
        sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(1);", nullptr, nullptr, nullptr);
        sqlite3_close(db);
        auto other = ProjectStore::open(test::path(dir, "other.db"), ProjectStore::OpenMode::OpenExisting);
        QVERIFY(!other);
        QVERIFY(other.error().message.find("not a Groundwork project") != std::string::npos);
    }

    void migratesFromEveryEarlierVersion()
    {
        if (test::onServer())
            QSKIP("the project file's own behaviour (tst_teamserver covers the server's)");
        for (int from = 1; from < schema::latestVersion(); ++from) {
            QTemporaryDir dir;
            const std::string file = test::path(dir, "old.gwproj");
            sqlite3 *db = nullptr;
            sqlite3_open(file.c_str(), &db);
            GW_VERIFY_OK(schema::migrate(db, true, from));
            QCOMPARE(schema::version(db), from);
            // Data written by the old version survives the migration.
            sqlite3_exec(db, "INSERT INTO items(kind, uri) VALUES(0, 'a.png')", nullptr, nullptr, nullptr);
            sqlite3_close(db);
            auto s = ProjectStore::open(file, ProjectStore::OpenMode::OpenExisting);
            GW_VERIFY_OK(s);
            QCOMPARE((*s)->schemaVersion(), schema::latestVersion());
            auto item = (*s)->itemByUri("a.png");
            GW_VERIFY_OK(item);
            QVERIFY(item->has_value());
            GW_VERIFY_OK((*s)->logChange("me", "test", "the v2 change log works after migration"));
        }
    }

    void refusesNewerSchema()
    {
        if (test::onServer())
            QSKIP("the project file's own behaviour (tst_teamserver covers the server's)");
        QTemporaryDir dir;
        const std::string file = test::path(dir, "new.gwproj");
        test::newProject(file);
        sqlite3 *db = nullptr;
        sqlite3_open(file.c_str(), &db);
        sqlite3_exec(db, "UPDATE meta SET value='99' WHERE key='schema_version'", nullptr, nullptr, nullptr);
        sqlite3_close(db);
        auto s = ProjectStore::open(file, ProjectStore::OpenMode::OpenExisting);
        QVERIFY(!s);
        QVERIFY(s.error().message.find("newer Groundwork") != std::string::npos);
    }

    void annotationsAreSupersededNotOverwritten()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto job = s->createJob(classificationJob("animal", {"cat", "dog"}));
        GW_VERIFY_OK(job);
        const int64_t item = addImage(*s, "a.png");
        put(*s, *job, item, classes({0}), "alice");
        put(*s, *job, item, classes({1}), "bob");
        auto current = s->currentAnnotation(job->id, item);
        GW_VERIFY_OK(current);
        QCOMPARE((*current)->payload.classes, std::vector<int>{1});
        QCOMPARE((*current)->provenance.author, std::string("bob"));
        auto tx = s->begin();
        Provenance who;
        who.author = "carol";
        GW_VERIFY_OK((*tx)->clearAnnotation(job->id, item, who));
        GW_VERIFY_OK((*tx)->commit());
        auto h = s->history(job->id, item);
        GW_VERIFY_OK(h);
        QCOMPARE(h->size(), size_t(3));
        QCOMPARE((*h)[0].annotation.provenance.author, std::string("alice"));
        QVERIFY((*h)[0].supersededUs > 0);
        QVERIFY((*h)[2].deleted);
        QCOMPARE((*h)[2].annotation.provenance.author, std::string("carol"));
        QVERIFY(!s->currentAnnotation(job->id, item)->has_value());
    }

    void queuesKeepTheirOrderAndRunsTheirFigures()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto job = s->createJob(classificationJob("animal", {"cat", "dog"}));
        GW_VERIFY_OK(job);
        std::vector<int64_t> items;
        for (int i = 0; i < 5; ++i)
            items.push_back(addImage(*s, "i" + std::to_string(i) + ".png"));
        // Queued most useful first, which is not id order; a second round re-queues one item at the end.
        GW_VERIFY_OK(s->putAssignments(job->id, "loop", {{items[3], "uncertain"}, {items[0], "uncertain"},
                                                        {items[4], "audit"}}));
        GW_VERIFY_OK(s->putAssignments(job->id, "loop", {{items[3], "audit"}, {items[1], "uncertain"}}));
        GW_VERIFY_OK(s->putAssignments(job->id, "someone", {{items[2], "annotator"}}));
        auto queue = s->assignments(job->id, "loop");
        GW_VERIFY_OK(queue);
        std::vector<std::pair<int64_t, std::string>> got;
        for (const Assignment &a : *queue)
            got.emplace_back(a.itemId, a.role);
        const std::vector<std::pair<int64_t, std::string>> expected = {
            {items[0], "uncertain"}, {items[4], "audit"}, {items[3], "audit"}, {items[1], "uncertain"}};
        QCOMPARE(got, expected);

        Run run;
        run.kind = "autolabel";
        run.jobId = job->id;
        run.status = "running";
        auto id = s->addRun(run);
        GW_VERIFY_OK(id);
        run.id = *id;
        run.status = "done";
        run.metrics = R"({"iteration":1})";
        GW_VERIFY_OK(s->updateRun(run));
        auto runs = s->runs(job->id);
        GW_VERIFY_OK(runs);
        QCOMPARE(runs->size(), size_t(1));
        QCOMPARE(runs->front().status, std::string("done"));
        QCOMPARE(runs->front().metrics, run.metrics);
    }

    void uncommittedTransactionLeavesNothing()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        {
            auto tx = s->begin();
            Item it;
            it.uri = "x.png";
            GW_VERIFY_OK((*tx)->addItem(it));
        } // destroyed without commit
        QCOMPARE(*s->countItems({}), int64_t(0));
    }

    void renameKeepsAnnotations()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto job = s->createJob(classificationJob("animal", {"cat", "dog"}));
        const int64_t item = addImage(*s, "a.png");
        put(*s, *job, item, classes({1}));
        GW_VERIFY_OK(s->renameClass(job->id, 1, "hound", "lead"));
        auto j = s->job("animal");
        QCOMPARE(j->classById(1)->name, std::string("hound"));
        QCOMPARE((*s->currentAnnotation(job->id, item))->payload.classes, std::vector<int>{1});
        auto dup = s->renameClass(job->id, 1, "cat", "lead");
        QVERIFY(!dup);
        QCOMPARE(dup.error().code, Error::Code::Conflict);
        auto changes = s->changes();
        QCOMPARE(changes->size(), size_t(1));
        QCOMPARE(changes->front().what, std::string("rename-class"));
    }

    void editClassMovesRecoloursAndRekeysAndIsRecorded()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto job = s->createJob(classificationJob("animal", {"cat", "dog", "bird"}));
        const int64_t item = addImage(*s, "a.png");
        put(*s, *job, item, classes({2}));
        ProjectStore::ClassEdit edit;
        edit.position = 0;
        edit.color = "#123456";
        edit.shortcut = "B";
        GW_VERIFY_OK(s->editClass(job->id, 2, edit, "lead"));
        auto j = s->job("animal");
        QCOMPARE(j->positionOf(2), 0); // "bird" is now Ground Truth class 0
        QCOMPARE(j->positionOf(0), 1);
        QCOMPARE(j->classById(2)->color, std::string("#123456"));
        QCOMPARE(j->classById(2)->shortcut, std::string("B"));
        QCOMPARE((*s->currentAnnotation(job->id, item))->payload.classes, std::vector<int>{2}); // by id: unchanged
        auto log = s->changes();
        QCOMPARE(log->size(), size_t(1));
        QCOMPARE(log->back().author, std::string("lead"));
        QVERIFY2(log->back().detail.find("'bird'") != std::string::npos && log->back().detail.find("#123456") != std::string::npos,
                 log->back().detail.c_str());
        // Refusals leave the job as it was.
        ProjectStore::ClassEdit taken;
        taken.shortcut = "B";
        auto dupKey = s->editClass(job->id, 0, taken, "lead");
        QVERIFY(!dupKey);
        QVERIFY2(dupKey.error().message.find("'bird'") != std::string::npos, dupKey.error().message.c_str());
        ProjectStore::ClassEdit bad;
        bad.color = "red";
        QVERIFY(!s->editClass(job->id, 0, bad, "lead"));
        ProjectStore::ClassEdit far;
        far.position = 3;
        QVERIFY(!s->editClass(job->id, 0, far, "lead"));
        ProjectStore::ClassEdit both;
        both.name = "kitten";
        both.position = 3; // the rename must not land when the move is refused
        QVERIFY(!s->editClass(job->id, 0, both, "lead"));
        QCOMPARE(s->job("animal")->classById(0)->name, std::string("cat"));
        QCOMPARE(s->changes()->size(), size_t(1));
        // Adding is logged too, with its author, and a taken key is refused.
        QVERIFY(!s->addClass(job->id, LabelClass{0, "fish", "", "B", {}}, "lead"));
        auto fish = s->addClass(job->id, LabelClass{0, "fish", "", "F", {}}, "lead");
        GW_VERIFY_OK(fish);
        QCOMPARE(fish->id, 3);
        QCOMPARE(s->changes()->back().what, std::string("add-class"));
        QCOMPARE(s->changes()->back().author, std::string("lead"));
    }

    void removeClassReassignsOrDropsAndIsRecorded()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto job = s->createJob(classificationJob("tags", {"a", "b", "c"}, TaskType::ImageClassificationMultiLabel));
        const int64_t i1 = addImage(*s, "1.png"), i2 = addImage(*s, "2.png"), i3 = addImage(*s, "3.png");
        put(*s, *job, i1, classes({0, 1}));
        put(*s, *job, i2, classes({1}));
        put(*s, *job, i3, classes({2}));
        auto n = s->removeClass(job->id, 1, 0, "lead");
        GW_VERIFY_OK(n);
        QCOMPARE(*n, int64_t(2));
        QCOMPARE((*s->currentAnnotation(job->id, i1))->payload.classes, std::vector<int>{0}); // merged, not doubled
        QCOMPARE((*s->currentAnnotation(job->id, i2))->payload.classes, std::vector<int>{0});
        auto j = s->job("tags");
        QCOMPARE(j->classes.size(), size_t(2));
        QCOMPARE(j->positionOf(2), 1); // "c" moved up to index 1; its id is stable
        // Dropping the last class of an item removes its label, keeping the history.
        GW_VERIFY_OK(s->removeClass(job->id, 2, std::nullopt, "lead"));
        QVERIFY(!s->currentAnnotation(job->id, i3)->has_value());
        QCOMPARE(s->history(job->id, i3)->size(), size_t(2));
        auto changes = s->changes();
        QCOMPARE(changes->size(), size_t(2));
        QVERIFY(changes->at(0).detail.find("reassigned to 'a'") != std::string::npos);
        QCOMPARE(changes->at(1).author, std::string("lead"));
    }

    void removeClassRewritesMasks()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto job = s->createJob(classificationJob("seg-ref", {"road", "car"}, TaskType::SemanticSegmentation));
        const int64_t item = addImage(*s, "1.png");
        mask::IndexedMask m{2, 1, {1, 2}}; // road, car (stored as id + 1)
        Payload p;
        p.mask = *mask::encode(m, {0xffffff, 0x2ca02c, 0x1f77b4});
        put(*s, *job, item, p);
        GW_VERIFY_OK(s->removeClass(job->id, 1, 0, "lead")); // car -> road
        auto a = s->currentAnnotation(job->id, item);
        auto decoded = mask::decode((*a)->payload.mask);
        QCOMPARE(decoded->pixels, (std::vector<uint8_t>{1, 1}));
    }

    void classFilterFindsMasks()
    {
        // A mask holds its classes in its pixels. The class filter (the gallery's, gw items --class), its count
        // and the class panel's figures all have to see them.
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        const Job job =
            *s->createJob(classificationJob("scene-ref", {"road", "car", "sky"}, TaskType::SemanticSegmentation));
        std::vector<int64_t> ids;
        for (int i = 0; i < 4; ++i)
            ids.push_back(addImage(*s, std::to_string(i) + ".png"));
        put(*s, job, ids[0], maskOf(job, {1, 2, 2, 0})); // road, car
        put(*s, job, ids[1], maskOf(job, {1, 1, 0, 0})); // road
        put(*s, job, ids[2], maskOf(job, {0, 0, 0, 0})); // background only; ids[3] is not labelled
        QCOMPARE(itemsOfClass(*s, job, 1), (Listed{{ids[0]}, 1}));
        QCOMPARE(itemsOfClass(*s, job, 0), (Listed{{ids[0], ids[1]}, 2}));
        QCOMPARE(itemsOfClass(*s, job, 2), (Listed{{}, 0}));
        auto sum = s->summary();
        GW_VERIFY_OK(sum);
        using Count = std::pair<std::string, int64_t>;
        QCOMPARE(sum->jobs.at(0).byClass, (std::vector<Count>{{"road", 2}, {"car", 1}, {"sky", 0}}));
        // Only the current label counts: the car painted over with road leaves "car" empty.
        put(*s, job, ids[0], maskOf(job, {1, 1, 1, 0}));
        QCOMPARE(itemsOfClass(*s, job, 1), (Listed{{}, 0}));
        QCOMPARE(itemsOfClass(*s, job, 0), (Listed{{ids[0], ids[1]}, 2}));
        QCOMPARE(s->summary()->jobs.at(0).byClass.at(1), (Count{"car", 0}));
    }

    void classFilterFindsMasksLabelledBeforeSchema7()
    {
        if (test::onServer())
            QSKIP("the project file's own behaviour (tst_teamserver covers the server's)");
        // Schema 7 keeps each mask's classes beside it; masks stored before it get theirs when the project is
        // opened.
        QTemporaryDir dir;
        const std::string file = test::path(dir, "old.gwproj");
        Job job = classificationJob("scene-ref", {"road", "car"}, TaskType::SemanticSegmentation);
        {
            sqlite3 *db = nullptr;
            sqlite3_open(file.c_str(), &db);
            GW_VERIFY_OK(schema::migrate(db, true, 6));
            GW_VERIFY_OK(sql::exec(db, "INSERT INTO jobs(name, task, created_us) VALUES('scene-ref', "
                                       "'semantic-segmentation', 1);"
                                       "INSERT INTO classes(job, id, position, name, color) VALUES"
                                       " (1, 0, 0, 'road', '#1f77b4'), (1, 1, 1, 'car', '#ff7f0e');"
                                       "INSERT INTO items(kind, uri) VALUES(0, 'a.png'), (0, 'b.png');"));
            for (auto [item, pixels] : {std::pair<int, std::vector<uint8_t>>{1, {1, 2, 0, 0}}, {2, {1, 1, 1, 0}}}) {
                sql::Statement ins(db, "INSERT INTO annotations(job, item, source, human, author, payload, mask, "
                                       "created_us) VALUES(1, ?, 0, 1, 'ann', '{}', ?, 1)");
                ins.bind(1, item).bindBlob(2, maskOf(job, pixels).mask);
                GW_VERIFY_OK(ins.exec());
            }
            sqlite3_close(db);
        }
        auto s = ProjectStore::open(file, ProjectStore::OpenMode::OpenExisting);
        GW_VERIFY_OK(s);
        job = *(*s)->job("scene-ref");
        QCOMPARE(itemsOfClass(**s, job, 1), (Listed{{1}, 1}));
        QCOMPARE(itemsOfClass(**s, job, 0), (Listed{{1, 2}, 2}));
    }

    void segmentationJobsRefuseABackgroundClass()
    {
        // Mask value 0 is the background already: a class of that name would be a second one (mask-pngs'
        // classes.csv listed both as "background").
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        for (const char *name : {"Background", "BACKGROUND", "background"}) {
            auto r = s->createJob(classificationJob("scene-ref", {"road", name}, TaskType::SemanticSegmentation));
            QVERIFY(!r);
            QCOMPARE(r.error().code, Error::Code::Invalid);
            QVERIFY2(r.error().message.find("class name '" + std::string(name) + "'") != std::string::npos,
                     r.error().message.c_str());
            QVERIFY2(r.error().message.find("background of segmentation masks") != std::string::npos,
                     r.error().message.c_str());
        }
        QVERIFY(s->jobs()->empty());
        auto job = s->createJob(classificationJob("scene-ref", {"road", "car"}, TaskType::SemanticSegmentation));
        GW_VERIFY_OK(job);
        auto renamed = s->renameClass(job->id, 1, "Background", "lead");
        QVERIFY(!renamed);
        QVERIFY2(renamed.error().message.find("'Background'") != std::string::npos, renamed.error().message.c_str());
        auto added = s->addClass(job->id, LabelClass{0, "background", "#000000", "", {}}, "lead");
        QVERIFY(!added);
        QCOMPARE(s->job("scene-ref")->classes.size(), size_t(2));
        QCOMPARE(s->job("scene-ref")->classes[1].name, std::string("car"));
        // Elsewhere "background" is a class like any other (a photo's scenery, say).
        GW_VERIFY_OK(s->createJob(classificationJob("shot", {"portrait", "background"})));
    }

    void filtersAndSummary()
    {
        QTemporaryDir dir;
        auto s = test::newProject(test::path(dir, "p.gwproj"));
        auto job = s->createJob(classificationJob("animal", {"cat", "dog"}));
        std::vector<int64_t> ids;
        for (int i = 0; i < 5; ++i)
            ids.push_back(addImage(*s, std::to_string(i) + ".png"));
        put(*s, *job, ids[0], classes({0}));
        put(*s, *job, ids[1], classes({1}));
        put(*s, *job, ids[2], classes({1}));
        GW_VERIFY_OK(s->setItemFlags(ids[4], ItemMissing));
        ItemFilter f;
        f.jobId = job->id;
        f.labeled = false;
        QCOMPARE(*s->countItems(f), int64_t(2));
        f.labeled = true;
        f.classId = 1;
        QCOMPARE(*s->countItems(f), int64_t(2));
        ItemFilter flagged;
        flagged.flaggedOnly = true;
        QCOMPARE(*s->countItems(flagged), int64_t(1));
        ItemFilter page;
        page.afterId = ids[1];
        page.limit = 2;
        std::vector<int64_t> seen;
        GW_VERIFY_OK(s->forEachItem(page, [&](const Item &it) {
            seen.push_back(it.id);
            return true;
        }));
        QCOMPARE(seen, (std::vector<int64_t>{ids[2], ids[3]}));
        auto sum = s->summary();
        GW_VERIFY_OK(sum);
        QCOMPARE(sum->items, int64_t(5));
        QCOMPARE(sum->flagged, int64_t(1));
        QCOMPARE(sum->jobs.at(0).labeled, int64_t(3));
        QCOMPARE(sum->jobs.at(0).byClass.at(1), (std::pair<std::string, int64_t>("dog", 2)));
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
