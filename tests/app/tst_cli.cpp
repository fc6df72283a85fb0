// The gw program as a user runs it: real processes, real files, exit codes and messages.

#include "datasets/groundtruth.h"
#include "datasets/json.h"
#include "datasets/projectstore.h"
#include "app/cliutil.h"
#include "labeling/labelingsession.h"
#include "testutil.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <tuple>
#include <set>
#include <QDirIterator>

using namespace gw;
using namespace gw::datasets;
using gw::test::CliRun;
using gw::test::runGw;

namespace {

void makeImages(const QString &dir, int n)
{
    QDir().mkpath(dir);
    for (int i = 0; i < n; ++i) {
        QImage img(16 + i, 12, QImage::Format_RGB32);
        img.fill(QColor::fromHsv(i * 30 % 360, 200, 200));
        img.save(dir + QStringLiteral("/img%1.png").arg(i, 3, 10, QLatin1Char('0')));
    }
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helpForEveryCommand_data()
    {
        QTest::addColumn<QStringList>("args");
        for (const char *c : {"init", "import", "info", "items", "label", "history", "changes", "export", "import-labels",
                              "train", "run-script", "runs", "stop", "use-model", "run-exec", "import-responses",
                              "consolidate", "workers"})
            QTest::newRow(c) << QStringList{QString::fromLatin1(c), QStringLiteral("--help")};
        for (const char *c : {"create", "list", "add-class", "rename-class", "edit-class", "remove-class", "convert"})
            QTest::newRow(c) << QStringList{QStringLiteral("job"), QString::fromLatin1(c), QStringLiteral("--help")};
        QTest::newRow("top") << QStringList{QStringLiteral("--help")};
    }
    void helpForEveryCommand()
    {
        QFETCH(QStringList, args);
        const CliRun r = runGw(args);
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.size() > 100);
    }

    void usageErrors()
    {
        QCOMPARE(runGw({QStringLiteral("frobnicate")}).code, 2);
        QCOMPARE(runGw({}).code, 2);
        QCOMPARE(runGw({QStringLiteral("export"), QStringLiteral("x.gwproj")}).code, 2); // --out missing
        const CliRun missing = runGw({QStringLiteral("info"), QStringLiteral("/nonexistent/p.gwproj")});
        QCOMPARE(missing.code, 4);
        QVERIFY(missing.err.contains(QStringLiteral("no such project file")));
    }

    void imageWorkflowAndRoundTrip()
    {
        QTemporaryDir dir;
        const QString root = dir.path();
        makeImages(root + QStringLiteral("/media/sub"), 6);
        const QString proj = root + QStringLiteral("/p.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("init"), proj}));
        QCOMPARE(runGw({QStringLiteral("init"), proj}).code, 5); // exists
        const CliRun imp = runGw({QStringLiteral("import"), proj, root + QStringLiteral("/media"), QStringLiteral("--json")});
        GW_RUN_OK(imp);
        QVERIFY(imp.out.contains(QStringLiteral("\"items_added\":6")));

        const CliRun badName = runGw({QStringLiteral("job"), QStringLiteral("create"), proj, QStringLiteral("--name"),
                                QStringLiteral("bad_name"), QStringLiteral("--type"),
                                QStringLiteral("image-classification"), QStringLiteral("--classes"),
                                QStringLiteral("a,b")});
        QCOMPARE(badName.code, 3);
        QVERIFY(badName.err.contains(QStringLiteral("not a valid label attribute name")));
        GW_RUN_OK(runGw({QStringLiteral("job"), QStringLiteral("create"), proj, QStringLiteral("--name"),
                      QStringLiteral("color"), QStringLiteral("--type"), QStringLiteral("image-classification"),
                      QStringLiteral("--classes"), QStringLiteral("warm,cool,grey")}));
        GW_RUN_OK(runGw({QStringLiteral("job"), QStringLiteral("create"), proj, QStringLiteral("--name"),
                      QStringLiteral("things"), QStringLiteral("--type"), QStringLiteral("bounding-box"),
                      QStringLiteral("--classes"), QStringLiteral("blob,edge")}));

        // Label by path relative to the working directory, and by id.
        GW_RUN_OK(runGw({QStringLiteral("label"), proj, QStringLiteral("--job"), QStringLiteral("color"),
                      QStringLiteral("--uri"), QStringLiteral("media/sub/img000.png"), QStringLiteral("--class"),
                      QStringLiteral("warm")},
                     root));
        GW_RUN_OK(runGw({QStringLiteral("label"), proj, QStringLiteral("--job"), QStringLiteral("color"),
                      QStringLiteral("--item"), QStringLiteral("2"), QStringLiteral("--class"), QStringLiteral("cool")}));
        GW_RUN_OK(runGw({QStringLiteral("label"), proj, QStringLiteral("--job"), QStringLiteral("things"),
                      QStringLiteral("--item"), QStringLiteral("3"), QStringLiteral("--box"),
                      QStringLiteral("blob,1,2,5.5,4"), QStringLiteral("--box"), QStringLiteral("edge,0,0,18,12")}));
        const CliRun outside = runGw({QStringLiteral("label"), proj, QStringLiteral("--job"), QStringLiteral("things"),
                                QStringLiteral("--item"), QStringLiteral("3"), QStringLiteral("--box"),
                                QStringLiteral("blob,10,2,50,4")});
        QCOMPARE(outside.code, 3);
        QVERIFY(outside.err.contains(QStringLiteral("outside the 18x12 image")));
        const CliRun unknown = runGw({QStringLiteral("label"), proj, QStringLiteral("--job"), QStringLiteral("color"),
                                QStringLiteral("--item"), QStringLiteral("4"), QStringLiteral("--class"),
                                QStringLiteral("purple")});
        QCOMPARE(unknown.code, 3);
        QVERIFY(unknown.err.contains(QStringLiteral("unknown class 'purple'")));

        const CliRun info = runGw({QStringLiteral("info"), proj, QStringLiteral("--json")});
        GW_RUN_OK(info);
        QVERIFY(info.out.contains(QStringLiteral("\"name\":\"color\",\"type\":\"image-classification\",\"labeled\":2")));
        QVERIFY(info.out.contains(QStringLiteral("\"by_class\":{\"warm\":1,\"cool\":1,\"grey\":0}")));

        const CliRun unlabeled = runGw({QStringLiteral("items"), proj, QStringLiteral("--job"), QStringLiteral("color"),
                                  QStringLiteral("--unlabeled")});
        GW_RUN_OK(unlabeled);
        QCOMPARE(unlabeled.out.count(QLatin1Char('\n')), 4);
        const CliRun cool = runGw({QStringLiteral("items"), proj, QStringLiteral("--job"), QStringLiteral("color"),
                             QStringLiteral("--class"), QStringLiteral("cool"), QStringLiteral("--json")});
        QVERIFY(cool.out.startsWith(QStringLiteral("{\"id\":2,")));

        // Export, then import the manifest into a fresh project: the same labels come back.
        const QString manifest = root + QStringLiteral("/out.manifest");
        GW_RUN_OK(runGw({QStringLiteral("export"), proj, QStringLiteral("--out"), manifest}));
        const std::string text = test::readFile(manifest.toStdString());
        QVERIFY(text.find("\"source-ref\":\"media/sub/img000.png\",\"color\":0,\"color-metadata\":{") != std::string::npos);
        QVERIFY(text.find("{\"class_id\":0,\"top\":2,\"left\":1,\"height\":4,\"width\":5.5}") != std::string::npos);
        const QString proj2 = root + QStringLiteral("/q.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("init"), proj2}));
        GW_RUN_OK(runGw({QStringLiteral("import"), proj2, manifest}));
        const QString manifest2 = root + QStringLiteral("/out2.manifest");
        GW_RUN_OK(runGw({QStringLiteral("export"), proj2, QStringLiteral("--out"), manifest2}));
        QCOMPARE(test::readFile(manifest2.toStdString()), text);

        // import-labels onto the first project's items: matched, not duplicated; the same labels add no version.
        const CliRun il = runGw({QStringLiteral("import-labels"), proj, manifest, QStringLiteral("--json")});
        GW_RUN_OK(il);
        QVERIFY2(il.out.contains(QStringLiteral("\"items_added\":0,\"items_matched\":6,\"labels\":0,\"labels_replaced\":0,"
                                                "\"labels_kept\":0,\"labels_unchanged\":3")),
                 qPrintable(il.out));
    }

    void instanceSegmentationThroughGw()
    {
        // LabelMe's instance examples in, objects out as COCO, and the objects as class masks and as boxes.
        const QString examples =
            QStringLiteral("/usr/share/doc/labelme-examples/examples/instance_segmentation/data_annotated");
        if (!QFileInfo::exists(examples))
            QFAIL("labelme-examples is not installed (scripts/setup.sh installs it)");
        QTemporaryDir dir;
        const QString proj = dir.path() + QStringLiteral("/p.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("init"), proj}));
        GW_RUN_OK(runGw({QStringLiteral("import"), proj, examples, QStringLiteral("--format"), QStringLiteral("labelme"),
                         QStringLiteral("--job"), QStringLiteral("objects-ref")}));
        const CliRun jobs = runGw({QStringLiteral("job"), QStringLiteral("list"), proj});
        GW_RUN_OK(jobs);
        QVERIFY2(jobs.out.contains(QStringLiteral("objects-ref\tinstance-segmentation")), qPrintable(jobs.out));
        GW_RUN_OK(runGw({QStringLiteral("export"), proj, QStringLiteral("--format"), QStringLiteral("coco"),
                         QStringLiteral("--job"), QStringLiteral("objects-ref"), QStringLiteral("--out"),
                         dir.path() + QStringLiteral("/coco.json")}));
        json::Value coco;
        QVERIFY(json::parse(test::readFile(test::path(dir, "coco.json")), coco));
        QCOMPARE(coco.find("annotations")->toArray().size(), size_t(12));
        for (const char *type : {"semantic-segmentation", "bounding-box"}) {
            const QString name = QString::fromUtf8(type) == QStringLiteral("bounding-box") ? QStringLiteral("boxes")
                                                                                          : QStringLiteral("classes-ref");
            const CliRun converted = runGw({QStringLiteral("job"), QStringLiteral("convert"), proj, QStringLiteral("--from"),
                                            QStringLiteral("objects-ref"), QStringLiteral("--to"), name,
                                            QStringLiteral("--type"), QString::fromUtf8(type)});
            GW_RUN_OK(converted);
            QVERIFY2(converted.out.contains(QStringLiteral("3 labels")), qPrintable(converted.out));
        }
        auto store = datasets::ProjectStore::open(test::path(dir, "p.gwproj"), datasets::ProjectStore::OpenMode::OpenExisting);
        GW_VERIFY_OK(store);
        int64_t boxes = 0;
        (void)(*store)->forEachAnnotation((*store)->job("boxes")->id, [&](const datasets::Annotation &a) {
            boxes += int64_t(a.payload.boxes.size());
            return true;
        });
        QCOMPARE(boxes, int64_t(12));
        // A conversion that makes no sense, and a name that is taken, are refused without a trace.
        QCOMPARE(runGw({QStringLiteral("job"), QStringLiteral("convert"), proj, QStringLiteral("--from"),
                        QStringLiteral("boxes"), QStringLiteral("--to"), QStringLiteral("x-ref"), QStringLiteral("--type"),
                        QStringLiteral("semantic-segmentation")})
                     .code,
                 3);
        QCOMPARE(runGw({QStringLiteral("job"), QStringLiteral("convert"), proj, QStringLiteral("--from"),
                        QStringLiteral("objects-ref"), QStringLiteral("--to"), QStringLiteral("boxes"),
                        QStringLiteral("--type"), QStringLiteral("bounding-box")})
                     .code,
                 5);
        QCOMPARE((*store)->jobs()->size(), size_t(3));
    }

    void removingAClassInUseNeedsAChoice()
    {
        QTemporaryDir dir;
        const QString proj = dir.path() + QStringLiteral("/p.gwproj");
        test::writeFile((dir.path() + QStringLiteral("/t.txt")).toStdString(), "good\nbad\nugly\n");
        GW_RUN_OK(runGw({QStringLiteral("init"), proj}));
        GW_RUN_OK(runGw({QStringLiteral("import"), proj, dir.path() + QStringLiteral("/t.txt")}));
        GW_RUN_OK(runGw({QStringLiteral("job"), QStringLiteral("create"), proj, QStringLiteral("--name"),
                      QStringLiteral("tone"), QStringLiteral("--type"), QStringLiteral("text-classification"),
                      QStringLiteral("--classes"), QStringLiteral("pos,neg,meh")}));
        GW_RUN_OK(runGw({QStringLiteral("label"), proj, QStringLiteral("--job"), QStringLiteral("tone"),
                      QStringLiteral("--item"), QStringLiteral("3"), QStringLiteral("--class"), QStringLiteral("meh")}));
        const CliRun refused = runGw({QStringLiteral("job"), QStringLiteral("remove-class"), proj, QStringLiteral("--job"),
                                QStringLiteral("tone"), QStringLiteral("--class"), QStringLiteral("meh")});
        QCOMPARE(refused.code, 5);
        QVERIFY(refused.err.contains(QStringLiteral("choose --reassign-to CLASS or --drop")));
        GW_RUN_OK(runGw({QStringLiteral("job"), QStringLiteral("rename-class"), proj, QStringLiteral("--job"),
                      QStringLiteral("tone"), QStringLiteral("--class"), QStringLiteral("meh"), QStringLiteral("--to"),
                      QStringLiteral("neutral")}));
        GW_RUN_OK(runGw({QStringLiteral("job"), QStringLiteral("remove-class"), proj, QStringLiteral("--job"),
                      QStringLiteral("tone"), QStringLiteral("--class"), QStringLiteral("neutral"),
                      QStringLiteral("--reassign-to"), QStringLiteral("neg")}));
        // Colour, key and place in the list, as the GUI's class editor changes them.
        GW_RUN_OK(runGw({QStringLiteral("job"), QStringLiteral("edit-class"), proj, QStringLiteral("--job"),
                      QStringLiteral("tone"), QStringLiteral("--class"), QStringLiteral("neg"), QStringLiteral("--position"),
                      QStringLiteral("1"), QStringLiteral("--color"), QStringLiteral("#00ff00"), QStringLiteral("--key"),
                      QStringLiteral("G")}));
        const CliRun list = runGw({QStringLiteral("job"), QStringLiteral("list"), proj, QStringLiteral("--json")});
        QVERIFY2(list.out.contains(QStringLiteral("\"name\":\"neg\"")) && list.out.indexOf(QStringLiteral("neg"))
                                                                                < list.out.indexOf(QStringLiteral("pos")),
                 qPrintable(list.out));
        QVERIFY2(list.out.contains(QStringLiteral("#00ff00")), qPrintable(list.out));
        const CliRun nothing = runGw({QStringLiteral("job"), QStringLiteral("edit-class"), proj, QStringLiteral("--job"),
                                      QStringLiteral("tone"), QStringLiteral("--class"), QStringLiteral("neg")});
        QCOMPARE(nothing.code, 2);
        const CliRun changes = runGw({QStringLiteral("changes"), proj});
        QVERIFY(changes.out.contains(QStringLiteral("'meh' -> 'neutral'")));
        QVERIFY2(changes.out.contains(QStringLiteral("class 'neg' colour")) && changes.out.contains(QStringLiteral("moved from index 1 to 0")),
                 qPrintable(changes.out));
        QVERIFY(changes.out.contains(QStringLiteral("removed class 'neutral', 1 annotations reassigned to 'neg'")));
        const CliRun history = runGw({QStringLiteral("history"), proj, QStringLiteral("--job"), QStringLiteral("tone"),
                                QStringLiteral("--item"), QStringLiteral("3")});
        QCOMPARE(history.out.count(QLatin1Char('\n')), 2);
        QVERIFY(history.out.contains(QStringLiteral("neg  (current)")));
    }

    void workerResponsesGoOutInGroundTruthsLayoutAndComeBack()
    {
        // AWS's real responses in, ours out: the same answers (item index, worker, label, submission time), and
        // read back into a fresh project they are the same 1,510 answers again.
        QTemporaryDir dir;
        const QString data = test::goldenDir() + QStringLiteral("/groundtruth/birds-consolidation");
        const QString job = QStringLiteral("birds-open-images-clone");
        auto answers = [](const QString &root) {
            std::set<std::tuple<std::string, std::string, std::string, int64_t>> out;
            QDirIterator it(root + QStringLiteral("/worker-response"), {QStringLiteral("*.json")}, QDir::Files,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString file = it.next();
                json::Value v;
                if (!json::parse(test::readFile(file.toStdString()), v))
                    qFatal("unreadable %s", qPrintable(file));
                for (const json::Value &a : v.find("answers")->toArray())
                    out.emplace(QFileInfo(file).dir().dirName().toStdString(), a.find("workerId")->toString(),
                                a.find("answerContent")->find("crowd-image-classifier")->find("label")->toString(),
                                *gt::parseCreationDate(a.find("submissionTime")->toString()));
            }
            return out;
        };
        const QString first = dir.path() + QStringLiteral("/first.gwproj"), second = dir.path() + QStringLiteral("/second.gwproj");
        for (const QString &proj : {first, second}) {
            GW_RUN_OK(runGw({QStringLiteral("init"), proj}));
            GW_RUN_OK(runGw({QStringLiteral("import"), proj, data + QStringLiteral("/output.manifest")}));
        }
        GW_RUN_OK(runGw({QStringLiteral("import-responses"), first, data, QStringLiteral("--job"), job,
                         QStringLiteral("--no-consolidate")}));
        const QString out = dir.path() + QStringLiteral("/responses");
        const CliRun exported = runGw({QStringLiteral("export-responses"), first, QStringLiteral("--job"), job,
                                       QStringLiteral("--out"), out});
        GW_RUN_OK(exported);
        QVERIFY2(exported.out.contains(QStringLiteral("1510 answers to 302 items")), qPrintable(exported.out));
        const auto theirs = answers(data), ours = answers(out);
        QCOMPARE(theirs.size(), size_t(1510));
        QVERIFY(ours == theirs);
        const CliRun back = runGw({QStringLiteral("import-responses"), second, out, QStringLiteral("--job"), job});
        GW_RUN_OK(back);
        QVERIFY2(back.out.contains(QStringLiteral("302 files, 1510 answers from 97 workers, 1510 added")), qPrintable(back.out));
        // An output is never written over something else.
        const QString someone = dir.path() + QStringLiteral("/someones");
        QDir().mkpath(someone);
        test::writeFile((someone + QStringLiteral("/notes.txt")).toStdString(), "keep");
        const CliRun again = runGw({QStringLiteral("export-responses"), first, QStringLiteral("--job"), job,
                                    QStringLiteral("--out"), someone, QStringLiteral("--overwrite")});
        QVERIFY(again.code != 0);
        QCOMPARE(test::readFile((someone + QStringLiteral("/notes.txt")).toStdString()), std::string("keep"));
        QVERIFY(!QFileInfo::exists(someone + QStringLiteral("/worker-response")));
    }

    void workerResponsesOfARealJobConsolidateAsGroundTruthDid()
    {
        // AWS's 302-image job, 5 workers per image: its output manifest (for the items, in their order) and the
        // raw worker responses; consolidated here, exported, and compared with what Ground Truth wrote.
        QTemporaryDir dir;
        const QString proj = dir.path() + QStringLiteral("/birds.gwproj");
        const QString data = test::goldenDir() + QStringLiteral("/groundtruth/birds-consolidation");
        const QString job = QStringLiteral("birds-open-images-clone");
        GW_RUN_OK(runGw({QStringLiteral("init"), proj}));
        GW_RUN_OK(runGw({QStringLiteral("import"), proj, data + QStringLiteral("/output.manifest")}));
        const CliRun imported = runGw({QStringLiteral("import-responses"), proj, data, QStringLiteral("--job"), job});
        GW_RUN_OK(imported);
        QVERIFY2(imported.out.contains(QStringLiteral("302 files, 1510 answers from 97 workers, 1510 added")), qPrintable(imported.out));
        QVERIFY2(imported.out.contains(QStringLiteral("consolidated 302 items")), qPrintable(imported.out));
        const QString out = dir.path() + QStringLiteral("/ours.manifest");
        GW_RUN_OK(runGw({QStringLiteral("export"), proj, QStringLiteral("--out"), out}));
        const QStringList theirs = QString::fromStdString(test::readFile((data + QStringLiteral("/output.manifest")).toStdString()))
                                       .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        const QStringList ours = QString::fromStdString(test::readFile(out.toStdString())).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(ours.size(), theirs.size());
        int labels = 0, confidences = 0;
        for (int i = 0; i < ours.size(); ++i) {
            json::Value a, b;
            QVERIFY(json::parse(theirs[i].toStdString(), a) && json::parse(ours[i].toStdString(), b));
            QCOMPARE(b.find("source-ref")->toString(), a.find("source-ref")->toString());
            labels += a.find("birds-open-images-clone")->toInt() == b.find("birds-open-images-clone")->toInt();
            const auto *ma = a.find("birds-open-images-clone-metadata"), *mb = b.find("birds-open-images-clone-metadata");
            confidences += std::abs(ma->find("confidence")->toDouble() - mb->find("confidence")->toDouble()) < 1e-9;
            QCOMPARE(mb->find("human-annotated")->toString(), std::string("yes"));
        }
        QVERIFY2(labels >= 301 && confidences >= 295, qPrintable(QStringLiteral("%1 labels, %2 confidences").arg(labels).arg(confidences)));
        // Every answer stays in the item's history under its worker; the consolidated label is current.
        const CliRun history = runGw({QStringLiteral("history"), proj, QStringLiteral("--job"), job, QStringLiteral("--item"),
                                      QStringLiteral("166")});
        QCOMPARE(history.out.count(QStringLiteral("public.us-east-1.")), 5);
        QVERIFY2(history.out.contains(QRegularExpression(QStringLiteral("consolidated .* Goose  \\(current\\)"))), qPrintable(history.out));
        // Reading the folder again adds nothing and changes nothing.
        const CliRun again = runGw({QStringLiteral("import-responses"), proj, data, QStringLiteral("--job"), job});
        QVERIFY2(again.out.contains(QStringLiteral("1510 answers from 97 workers, 0 added")) && again.out.contains(QStringLiteral("(0 labels written")),
                 qPrintable(again.out));
        // A sixth answer given here, under a worker name, joins the others.
        GW_RUN_OK(runGw({QStringLiteral("label"), proj, QStringLiteral("--job"), job, QStringLiteral("--item"),
                         QStringLiteral("166"), QStringLiteral("--class"), QStringLiteral("Goose"), QStringLiteral("--worker"),
                         QStringLiteral("carol")}));
        const CliRun six = runGw({QStringLiteral("consolidate"), proj, QStringLiteral("--job"), job});
        GW_RUN_OK(six);
        QVERIFY2(six.out.contains(QStringLiteral("carol ")), qPrintable(six.out));
        QVERIFY(runGw({QStringLiteral("history"), proj, QStringLiteral("--job"), job, QStringLiteral("--item"),
                       QStringLiteral("166")}).out.contains(QStringLiteral("carol")));
        // The workers: the busiest first, with figures between 0 and 1; nothing written.
        const CliRun who = runGw({QStringLiteral("workers"), proj, QStringLiteral("--job"), job});
        GW_RUN_OK(who);
        QVERIFY2(who.out.contains(QStringLiteral("302 items, 302 with all their answers, 0 partly answered")),
                 qPrintable(who.out));
        const QStringList rows = who.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 2 + 98); // heading, columns, 97 workers and carol
        QVERIFY2(rows[2].startsWith(QStringLiteral("public.us-east-1.ZZ5SPF4ZTJ75ILQ64JAHMY6K4Y")) && rows[2].contains(QStringLiteral(" 80 ")),
                 qPrintable(rows[2]));
        // Majority vote differs only where the workers tied.
        const CliRun majority = runGw({QStringLiteral("consolidate"), proj, QStringLiteral("--job"), job,
                                       QStringLiteral("--method"), QStringLiteral("majority")});
        GW_RUN_OK(majority);
        QVERIFY2(majority.out.contains(QStringLiteral("consolidated 302 items")), qPrintable(majority.out));
        // Bad input is named: a class the job lacks, a folder that is not there.
        const QString bad = dir.path() + QStringLiteral("/bad/worker-response/iteration-1/3");
        QVERIFY(QDir().mkpath(bad));
        test::writeFile((bad + QStringLiteral("/a.json")).toStdString(),
                        R"({"answers":[{"answerContent":{"crowd-image-classifier":{"label":"Penguin"}},"workerId":"w1"}]})");
        const CliRun unknown = runGw({QStringLiteral("import-responses"), proj, dir.path() + QStringLiteral("/bad"),
                                      QStringLiteral("--job"), job});
        QCOMPARE(unknown.code, 3);
        QVERIFY2(unknown.err.contains(QStringLiteral("3/a.json: 'Penguin' is not a class")), qPrintable(unknown.err));
        QCOMPARE(runGw({QStringLiteral("import-responses"), proj, dir.path() + QStringLiteral("/none"), QStringLiteral("--job"), job}).code, 4);
    }

    void historySaysWhatAnUndoBroughtBack()
    {
        QTemporaryDir dir;
        const QString proj = dir.path() + QStringLiteral("/p.gwproj");
        {
            auto store = test::newProject(proj.toStdString());
            auto tx = store->begin();
            Item it;
            it.kind = MediaKind::Text;
            it.text = "fine";
            GW_VERIFY_OK((*tx)->addItem(it));
            GW_VERIFY_OK((*tx)->commit());
            Job j;
            j.name = "tone";
            j.type = TaskType::TextClassification;
            j.classes = {{0, "pos", defaultClassColor(0), "1", {}}, {1, "neg", defaultClassColor(1), "2", {}}};
            auto job = store->createJob(j);
            GW_VERIFY_OK(job);
            labeling::LabelingSession s(*store, "ann");
            s.setJob(*job);
            GW_VERIFY_OK(s.openItem(1));
            GW_VERIFY_OK(s.pressClass(0));
            GW_VERIFY_OK(s.pressClass(1));
            s.undoStack()->undo();
        }
        const CliRun history = runGw({QStringLiteral("history"), proj, QStringLiteral("--job"), QStringLiteral("tone"),
                                      QStringLiteral("--item"), QStringLiteral("1")});
        GW_RUN_OK(history);
        const QStringList lines = history.out.trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 3);
        const QString first = lines[0].left(lines[0].indexOf(QLatin1Char(' ')));
        QVERIFY2(lines[2].contains(QStringLiteral("pos  (undo by ann: the label of %1 again)  (current)").arg(first)),
                 qPrintable(history.out));
        QVERIFY(lines[2] > lines[1]); // dated after what it undid: history reads forward
    }

    void itemsByClassFindMasks()
    {
        // gw items --class lists the images whose mask holds the class, the ones gw info counts for it.
        QTemporaryDir dir;
        const QString root = dir.path();
        makeImages(root + QStringLiteral("/media"), 3); // 16x12, 17x12, 18x12
        const QString proj = root + QStringLiteral("/p.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("init"), proj}));
        GW_RUN_OK(runGw({QStringLiteral("import"), proj, root + QStringLiteral("/media")}));
        GW_RUN_OK(runGw({QStringLiteral("job"), QStringLiteral("create"), proj, QStringLiteral("--name"),
                         QStringLiteral("scene-ref"), QStringLiteral("--type"), QStringLiteral("semantic-segmentation"),
                         QStringLiteral("--classes"), QStringLiteral("road,car")}));
        // Grey masks: 0 background, k the job's k-th class.
        const auto label = [&](const char *image, int width, std::vector<int> values) {
            QImage m(width, 12, QImage::Format_Grayscale8);
            m.fill(0);
            for (size_t x = 0; x < values.size(); ++x)
                m.scanLine(0)[x] = uchar(values[x]);
            const QString file = root + QStringLiteral("/mask-") + QLatin1String(image);
            m.save(file);
            return runGw({QStringLiteral("label"), proj, QStringLiteral("--job"), QStringLiteral("scene-ref"),
                          QStringLiteral("--uri"), QStringLiteral("media/") + QLatin1String(image),
                          QStringLiteral("--mask"), file},
                         root);
        };
        GW_RUN_OK(label("img000.png", 16, {1, 2, 2})); // road and car
        GW_RUN_OK(label("img001.png", 17, {1, 1}));    // road
        const CliRun cars = runGw({QStringLiteral("items"), proj, QStringLiteral("--job"), QStringLiteral("scene-ref"),
                                   QStringLiteral("--class"), QStringLiteral("car")});
        GW_RUN_OK(cars);
        QCOMPARE(cars.out.count(QLatin1Char('\n')), 1);
        QVERIFY2(cars.out.contains(QStringLiteral("img000.png")), qPrintable(cars.out));
        const CliRun roads = runGw({QStringLiteral("items"), proj, QStringLiteral("--job"), QStringLiteral("scene-ref"),
                                    QStringLiteral("--class"), QStringLiteral("road")});
        QCOMPARE(roads.out.count(QLatin1Char('\n')), 2);
        QVERIFY(!roads.out.contains(QStringLiteral("img002.png")));
        const CliRun info = runGw({QStringLiteral("info"), proj, QStringLiteral("--json")});
        QVERIFY2(info.out.contains(QStringLiteral("\"by_class\":{\"road\":2,\"car\":1}")), qPrintable(info.out));
    }

    void segmentationJobsRefuseABackgroundClass()
    {
        // Mask value 0 is the background: a class named so would be a second one, whatever its case or spaces.
        QTemporaryDir dir;
        const QString proj = dir.path() + QStringLiteral("/p.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("init"), proj}));
        const std::pair<const char *, const char *> refused[] = {
            {"road, Background ", "Background"}, {"BACKGROUND,road", "BACKGROUND"}, {"road,background", "background"}};
        for (const auto &[classes, name] : refused) {
            const CliRun r = runGw({QStringLiteral("job"), QStringLiteral("create"), proj, QStringLiteral("--name"),
                                    QStringLiteral("scene-ref"), QStringLiteral("--type"),
                                    QStringLiteral("semantic-segmentation"), QStringLiteral("--classes"),
                                    QLatin1String(classes)});
            QCOMPARE(r.code, 3);
            QVERIFY2(r.err.contains(QStringLiteral("class name '%1' is taken by the background").arg(QLatin1String(name))),
                     qPrintable(r.err));
        }
        GW_RUN_OK(runGw({QStringLiteral("job"), QStringLiteral("create"), proj, QStringLiteral("--name"),
                         QStringLiteral("scene-ref"), QStringLiteral("--type"), QStringLiteral("semantic-segmentation"),
                         QStringLiteral("--classes"), QStringLiteral("road,car")}));
        const CliRun renamed = runGw({QStringLiteral("job"), QStringLiteral("rename-class"), proj,
                                      QStringLiteral("--job"), QStringLiteral("scene-ref"), QStringLiteral("--class"),
                                      QStringLiteral("car"), QStringLiteral("--to"), QStringLiteral("Background")});
        QCOMPARE(renamed.code, 3);
        QVERIFY2(renamed.err.contains(QStringLiteral("'Background'")), qPrintable(renamed.err));
    }

    void badManifestLinesAreNamed()
    {
        QTemporaryDir dir;
        const QString proj = dir.path() + QStringLiteral("/p.gwproj");
        const QString m = dir.path() + QStringLiteral("/in.manifest");
        test::writeFile(m.toStdString(), "{\"source\":\"a\"}\n{\"source\":\"b\",}\n{\"source\":\"c\"}\n");
        GW_RUN_OK(runGw({QStringLiteral("init"), proj}));
        const CliRun r = runGw({QStringLiteral("import"), proj, m});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains(m + QStringLiteral(":2: invalid JSON at column 15")), qPrintable(r.err));
        QVERIFY(runGw({QStringLiteral("info"), proj}).out.contains(QStringLiteral("items    0")));
        const CliRun skip = runGw({QStringLiteral("import"), proj, m, QStringLiteral("--skip-bad")});
        GW_RUN_OK(skip);
        QVERIFY(skip.err.contains(QStringLiteral("skipped ") + m + QStringLiteral(":2:")));
        QVERIFY(skip.out.contains(QStringLiteral("2 items added")));
    }

    void simulateRunsTheLoopToTheEnd()
    {
        // 600 short texts in three topics, each with words of its own and words they share; the oracle is a
        // JSON Lines file like the README's.
        QTemporaryDir dir;
        const char *topics[3][4] = {{"goal", "match", "league", "striker"},
                                    {"guitar", "chord", "melody", "drummer"},
                                    {"compiler", "kernel", "bytes", "debugger"}};
        const char *shared[] = {"the", "new", "today", "people", "great", "about", "with", "their"};
        QFile texts(dir.filePath(QStringLiteral("texts.jsonl"))), truth(dir.filePath(QStringLiteral("truth.jsonl")));
        QVERIFY(texts.open(QIODevice::WriteOnly) && truth.open(QIODevice::WriteOnly));
        uint32_t seed = 7;
        auto next = [&seed] { return (seed = seed * 1103515245u + 12345u) >> 16; };
        for (int i = 0; i < 600; ++i) {
            const int topic = i % 3;
            QString text = QString::number(i);
            for (int w = 0; w < 8; ++w)
                text += QLatin1Char(' ') + QLatin1String(next() % 3 ? shared[next() % 8] : topics[topic][next() % 4]);
            text += QLatin1Char(' ') + QLatin1String(topics[topic][next() % 4]);
            texts.write(QStringLiteral("{\"source\":\"%1\"}\n").arg(text).toUtf8());
            truth.write(QStringLiteral("{\"source\":\"%1\",\"topic\":\"%2\"}\n")
                            .arg(text, QLatin1String(std::array{"sport", "music", "computing"}[size_t(topic)]))
                            .toUtf8());
        }
        texts.close();
        truth.close();
        auto makeProject = [&](const QString &proj) {
            GW_RUN_OK(runGw({QStringLiteral("init"), proj}));
            GW_RUN_OK(runGw({QStringLiteral("import"), proj, texts.fileName()}));
            GW_RUN_OK(runGw({QStringLiteral("job"), QStringLiteral("create"), proj, QStringLiteral("--name"),
                             QStringLiteral("topic"), QStringLiteral("--type"), QStringLiteral("text-classification"),
                             QStringLiteral("--classes"), QStringLiteral("sport,music,computing")}));
        };
        const QString proj = dir.filePath(QStringLiteral("t.gwproj"));
        makeProject(proj);
        const QStringList simulate = {QStringLiteral("simulate"), proj, QStringLiteral("--job"), QStringLiteral("topic"),
                                      QStringLiteral("--oracle"), truth.fileName(), QStringLiteral("--field"),
                                      QStringLiteral("topic"), QStringLiteral("--batch"), QStringLiteral("60")};

        // Without the model module the loop says what is missing and where it looked; nothing is auto-labelled.
        QProcessEnvironment noModule = QProcessEnvironment::systemEnvironment();
        noModule.insert(QStringLiteral("GW_MODEL_BACKEND"), dir.filePath(QStringLiteral("nowhere/libgw_torch.so")));
        const CliRun missing = runGw(simulate, {}, noModule);
        QCOMPARE(missing.code, 4);
        QVERIFY2(missing.err.contains(QStringLiteral("nowhere/libgw_torch.so")), qPrintable(missing.err));
        const CliRun failedRun = runGw({QStringLiteral("runs"), proj});
        QVERIFY2(failedRun.out.contains(QStringLiteral("autolabel  failed")), qPrintable(failedRun.out));

        const CliRun run = runGw(simulate);
        QVERIFY2(run.code == 0, qPrintable(run.err));
        // "total: 600 items; people labelled H (x%); auto-labelled A (y%) with accuracy P against the truth; ..."
        const QRegularExpression total(QStringLiteral(
            "total: 600 items; people labeled (\\d+) .*auto-labeled (\\d+) .* with accuracy ([0-9.]+) against"));
        const auto m = total.match(run.out);
        QVERIFY2(m.hasMatch(), qPrintable(run.out));
        const int human = m.captured(1).toInt(), autoLabelled = m.captured(2).toInt();
        QVERIFY2(autoLabelled > 0 && m.captured(3).toDouble() >= 0.95, qPrintable(run.out));
        QCOMPARE(human + autoLabelled, 600);
        QVERIFY2(run.out.contains(QStringLiteral("; stopped: ")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("\n   1 ")), qPrintable(run.out)); // the failed round is not counted
        // Each round is a run, and the export marks auto-labels as not human-annotated.
        const CliRun runs = runGw({QStringLiteral("runs"), proj, QStringLiteral("--json")});
        GW_RUN_OK(runs);
        QVERIFY(runs.out.count(QStringLiteral("\"estimated_accuracy\"")) >= 1);
        const QString manifest = dir.filePath(QStringLiteral("out.manifest"));
        GW_RUN_OK(runGw({QStringLiteral("export"), proj, QStringLiteral("--out"), manifest}));
        QFile out(manifest);
        QVERIFY(out.open(QIODevice::ReadOnly));
        const QString exported = QString::fromUtf8(out.readAll());
        QCOMPARE(exported.count(QStringLiteral("\"human-annotated\":\"no\"")), autoLabelled);

        // The EDA figures of the job, as JSON and as a self-contained HTML report.
        const CliRun eda = runGw({QStringLiteral("eda"), proj, QStringLiteral("--job"), QStringLiteral("topic"),
                                  QStringLiteral("--json")});
        GW_RUN_OK(eda);
        QVERIFY2(eda.out.contains(QStringLiteral("\"labelled\":600")), qPrintable(eda.out.left(400)));
        QVERIFY(eda.out.contains(QStringLiteral("\"characteristic_words\"")));
        const QString html = dir.filePath(QStringLiteral("report.html"));
        QProcessEnvironment headless = QProcessEnvironment::systemEnvironment();
        headless.remove(QStringLiteral("DISPLAY"));
        headless.remove(QStringLiteral("QT_QPA_PLATFORM"));
        GW_RUN_OK(runGw({QStringLiteral("eda"), proj, QStringLiteral("--job"), QStringLiteral("topic"),
                         QStringLiteral("--out"), html},
                        {}, headless));
        QFile report(html);
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QString page = QString::fromUtf8(report.readAll());
        QVERIFY(page.startsWith(QStringLiteral("<!DOCTYPE html>")));
        QVERIFY(page.contains(QStringLiteral("<h2>Classes</h2>")) && page.contains(QStringLiteral("computing")));
        QVERIFY2(!page.contains(QStringLiteral("http://")) && !page.contains(QStringLiteral("https://")),
                 "the report must open with no network");
        const QRegularExpression png(QStringLiteral("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\""));
        int charts = 0;
        for (auto it = png.globalMatch(page); it.hasNext();) {
            QImage img;
            QVERIFY(img.loadFromData(QByteArray::fromBase64(it.next().captured(1).toLatin1()), "PNG"));
            QVERIFY(img.width() > 100);
            ++charts;
        }
        QVERIFY2(charts >= 5, qPrintable(QString::number(charts)));

        // The SageMaker request for the manifest just exported, and its Pipe-mode stream for a local test.
        const CliRun request = runGw({QStringLiteral("sagemaker"), QStringLiteral("request"), QStringLiteral("--name"),
                                      QStringLiteral("topics-1"), QStringLiteral("--role"),
                                      QStringLiteral("arn:aws:iam::123456789012:role/R"), QStringLiteral("--image"),
                                      QStringLiteral("example/trainer:1"), QStringLiteral("--output"),
                                      QStringLiteral("s3://bucket/out/"), QStringLiteral("--channel"),
                                      QStringLiteral("train=s3://bucket/train.manifest"), QStringLiteral("--attributes"),
                                      QStringLiteral("source,topic")});
        GW_RUN_OK(request);
        QVERIFY(request.out.contains(QStringLiteral("\"AttributeNames\":[\"source\",\"topic\"]")));
        QCOMPARE(runGw({QStringLiteral("sagemaker"), QStringLiteral("request"), QStringLiteral("--name"),
                        QStringLiteral("bad name"), QStringLiteral("--role"), QStringLiteral("arn:aws:iam::1:role/R"),
                        QStringLiteral("--image"), QStringLiteral("x"), QStringLiteral("--output"), QStringLiteral("s3://b/"),
                        QStringLiteral("--channel"), QStringLiteral("train=s3://b/t"), QStringLiteral("--attributes"),
                        QStringLiteral("source")})
                     .code,
                 3);
        const QString rec = dir.filePath(QStringLiteral("train_0"));
        GW_RUN_OK(runGw({QStringLiteral("sagemaker"), QStringLiteral("pipe"), manifest, QStringLiteral("--attributes"),
                         QStringLiteral("source,topic"), QStringLiteral("--out"), rec}));
        QVERIFY(QFileInfo(rec).size() > 600 * 2 * 8); // two records a line, each with its 8-byte header

        // A training program run SageMaker's way on the exported version, recorded as a run; a failing one's reason.
        GW_RUN_OK(runGw({QStringLiteral("run-script"), proj, QStringLiteral("--version"), QStringLiteral("1"),
                         QStringLiteral("--metric"), QStringLiteral("acc=acc=([0-9.]+)"), QStringLiteral("--command"),
                         QStringLiteral("test -s \"$SM_CHANNEL_TRAIN/train.manifest\" && echo acc=0.5")}));
        const CliRun failing = runGw({QStringLiteral("run-script"), proj, QStringLiteral("--command"),
                                      QStringLiteral("echo 'no labels' > output/failure; exit 2")});
        QCOMPARE(failing.code, 1);
        QVERIFY2(failing.err.contains(QStringLiteral("no labels")), qPrintable(failing.err));
        const CliRun scriptRuns = runGw({QStringLiteral("runs"), proj, QStringLiteral("--json")});
        QVERIFY2(scriptRuns.out.contains(QStringLiteral("\"acc\":[0.5]")), qPrintable(scriptRuns.out));
        QVERIFY(scriptRuns.out.contains(QStringLiteral("\"status\":\"failed\"")));

        // --stop-at: the loop stops once that share of the items has a label.
        const QString half = dir.filePath(QStringLiteral("half.gwproj"));
        makeProject(half);
        QStringList stopEarly = simulate;
        stopEarly[1] = half;
        stopEarly << QStringLiteral("--stop-at") << QStringLiteral("0.5");
        const CliRun early = runGw(stopEarly);
        QVERIFY2(early.code == 0, qPrintable(early.err));
        QVERIFY2(early.out.contains(QStringLiteral("stopped: the labeled share reached 50%")), qPrintable(early.out));
        const auto e = total.match(early.out);
        QVERIFY2(e.hasMatch(), qPrintable(early.out));
        const int labelledEarly = e.captured(1).toInt() + e.captured(2).toInt();
        QVERIFY2(labelledEarly >= 300 && labelledEarly < 600, qPrintable(early.out));
        QCOMPARE(runGw({QStringLiteral("simulate"), half, QStringLiteral("--job"), QStringLiteral("topic"),
                        QStringLiteral("--oracle"), truth.fileName(), QStringLiteral("--stop-at"), QStringLiteral("2")})
                     .code,
                 3);
    }

    void twoProcessesLabelingAtOnceLoseNothing()
    {
        QTemporaryDir dir;
        const QString proj = dir.path() + QStringLiteral("/p.gwproj");
        QStringList lines;
        for (int i = 0; i < 120; ++i)
            lines << QStringLiteral("text %1").arg(i);
        test::writeFile((dir.path() + QStringLiteral("/t.txt")).toStdString(), lines.join(QLatin1Char('\n')).toStdString());
        GW_RUN_OK(runGw({QStringLiteral("init"), proj}));
        GW_RUN_OK(runGw({QStringLiteral("import"), proj, dir.path() + QStringLiteral("/t.txt")}));
        GW_RUN_OK(runGw({QStringLiteral("job"), QStringLiteral("create"), proj, QStringLiteral("--name"),
                      QStringLiteral("t"), QStringLiteral("--type"), QStringLiteral("text-classification"),
                      QStringLiteral("--classes"), QStringLiteral("a,b")}));
        // Writer A labels items 1-80 "a", writer B items 41-120 "b", at the same time.
        auto loop = [&](int from, int to, const char *cls) {
            auto *p = new QProcess(this);
            const QString script = QStringLiteral("for i in $(seq %1 %2); do \"%3\" label \"%4\" --job t --item $i "
                                                  "--class %5 --author %5 >/dev/null || exit 1; done")
                                       .arg(from)
                                       .arg(to)
                                       .arg(QStringLiteral(GW_BINARY_DIR "/app/gw"), proj, QString::fromLatin1(cls));
            p->start(QStringLiteral("bash"), {QStringLiteral("-c"), script});
            return p;
        };
        QProcess *a = loop(1, 80, "a"), *b = loop(41, 120, "b");
        QVERIFY(a->waitForFinished(300000));
        QVERIFY(b->waitForFinished(300000));
        QCOMPARE(a->exitCode(), 0);
        QCOMPARE(b->exitCode(), 0);

        auto store = ProjectStore::open(proj.toStdString(), ProjectStore::OpenMode::OpenExisting);
        GW_VERIFY_OK(store);
        auto job = (*store)->job("t");
        int64_t versions = 0;
        for (int64_t item = 1; item <= 120; ++item) {
            auto current = (*store)->currentAnnotation(job->id, item);
            QVERIFY2(current->has_value(), qPrintable(QStringLiteral("item %1 lost its label").arg(item)));
            auto h = (*store)->history(job->id, item);
            versions += int64_t(h->size());
            const int64_t expected = item >= 41 && item <= 80 ? 2 : 1;
            QCOMPARE(int64_t(h->size()), expected);
            // The last write wins, and the current row is the newest one.
            QCOMPARE((*current)->id, h->back().annotation.id);
        }
        QCOMPARE(versions, int64_t(160));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
