// Issue 14, as a hostile-but-ordinary user meets it with the gw program: every case here lost or damaged
// something before the one output policy (datasets/output.h) and the other guards existed.

#include "app/cliutil.h"
#include "datasets/projectstore.h"
#include "datasets/json.h"
#include "datasets/schema.h"
#include "datasets/text/utf8.h"
#include "testutil.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QImage>

#include <QRegularExpression>

#include <sys/stat.h>

#include <csignal>

using namespace gw;
using namespace gw::datasets;
using gw::test::CliRun;
using gw::test::runGw;

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

/// Every file below a folder with its content hash: what a user would notice missing or changed.
QMap<QString, QByteArray> snapshot(const QString &dir)
{
    QMap<QString, QByteArray> out;
    QDir root(dir);
    const QFileInfoList entries = root.entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot | QDir::System);
    for (const QFileInfo &e : entries) {
        if (e.isSymLink()) {
            out[e.fileName()] = "-> " + e.symLinkTarget().toUtf8();
        } else if (e.isDir()) {
            const auto sub = snapshot(e.filePath());
            for (auto it = sub.begin(); it != sub.end(); ++it)
                out[e.fileName() + QLatin1Char('/') + it.key()] = it.value();
        } else if (!e.fileName().endsWith(QLatin1String("-wal")) && !e.fileName().endsWith(QLatin1String("-shm"))) {
            QFile f(e.filePath());
            f.open(QIODevice::ReadOnly);
            out[e.fileName()] = QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
        }
    }
    return out;
}

/// A folder `w` with a project, two images labelled with boxes and the user's notes.
struct Workspace
{
    QTemporaryDir tmp;
    QString dir, project, images;

    Workspace()
    {
        dir = tmp.path() + QStringLiteral("/w");
        images = dir + QStringLiteral("/photos");
        project = dir + QStringLiteral("/w.gwproj");
        QDir().mkpath(images);
        for (int i = 0; i < 2; ++i) {
            QImage img(40, 30, QImage::Format_RGB32);
            img.fill(QColor::fromHsv(i * 100, 200, 200));
            img.save(images + QStringLiteral("/p%1.png").arg(i));
        }
        test::writeFile((dir + QStringLiteral("/notes.txt")).toStdString(), "my notes\n");
        const QString p = project;
        QVERIFY(runGw({QStringLiteral("init"), p}).code == 0);
        QVERIFY(runGw({QStringLiteral("import"), p, images}).code == 0);
        QVERIFY(runGw({QStringLiteral("job"), QStringLiteral("create"), p, QStringLiteral("--name"), QStringLiteral("boxes"),
                       QStringLiteral("--type"), QStringLiteral("bounding-box"), QStringLiteral("--classes"),
                       QStringLiteral("car,person")})
                    .code
                == 0);
        for (int item : {1, 2})
            QVERIFY(runGw({QStringLiteral("label"), p, QStringLiteral("--job"), QStringLiteral("boxes"),
                           QStringLiteral("--item"), QString::number(item), QStringLiteral("--box"),
                           QStringLiteral("car,2,3,10,8")})
                        .code
                    == 0);
    }

    CliRun exportTo(const QString &out, const QStringList &extra = {}, const QString &cwd = {}) const
    {
        return runGw(QStringList{QStringLiteral("export"), project, QStringLiteral("--format"), QStringLiteral("yolo"),
                                 QStringLiteral("--job"), QStringLiteral("boxes"), QStringLiteral("--out"), out}
                         + extra,
                     cwd);
    }
};

int versionCount(const QString &project)
{
    const CliRun r = runGw({QStringLiteral("versions"), project});
    return int(r.out.count(QRegularExpression(QStringLiteral("^version "), QRegularExpression::MultilineOption)));
}

} // namespace

class TestNothingLost : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // 2. `cd w && gw export w.gwproj --format yolo --job boxes --out ../w` deleted the project, images, notes.
    void aFolderExportNeverReplacesTheProjectsFolder()
    {
        Workspace w;
        const auto before = snapshot(w.dir);
        const CliRun r = w.exportTo(QStringLiteral("../w"), {}, w.dir);
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains(QLatin1String("holds the project")), qPrintable(r.err));
        QCOMPARE(snapshot(w.dir), before);
        // Even when asked to overwrite.
        QCOMPARE(w.exportTo(QStringLiteral("../w"), {QStringLiteral("--overwrite")}, w.dir).code, 3);
        QCOMPARE(snapshot(w.dir), before);
        QCOMPARE(versionCount(w.project), 0);
    }

    // 2. `--option files=link --out <the images' folder>` left the source images as dangling links.
    void anExportNeverWritesOverImportedImages()
    {
        Workspace w;
        const auto before = snapshot(w.dir);
        for (const QStringList &extra : {QStringList{QStringLiteral("--option"), QStringLiteral("files=link")},
                                         QStringList{QStringLiteral("--option"), QStringLiteral("files=link"),
                                                     QStringLiteral("--overwrite")}}) {
            const CliRun r = w.exportTo(w.images, extra);
            QCOMPARE(r.code, 3);
            QVERIFY2(r.err.contains(QLatin1String("images of the project")), qPrintable(r.err));
        }
        QCOMPARE(snapshot(w.dir), before);
        // A folder above the images (but not holding the project) is refused for the same reason.
        QTemporaryDir other;
        const QString media = other.path() + QStringLiteral("/media");
        QDir().mkpath(media);
        QImage(8, 8, QImage::Format_RGB32).save(media + QStringLiteral("/x.png"));
        GW_RUN_OK(runGw({QStringLiteral("import"), w.project, media}));
        const CliRun r = w.exportTo(other.path(), {QStringLiteral("--overwrite")});
        QCOMPARE(r.code, 3);
        QVERIFY(QFileInfo::exists(media + QStringLiteral("/x.png")));
    }

    // 3. `gw export P --out P` replaced the project with a manifest.
    void theProjectIsNeverATarget()
    {
        Workspace w;
        const auto before = snapshot(w.dir);
        for (const QString &target : {w.project, w.project + QStringLiteral("-wal"), w.project + QStringLiteral(".runs")}) {
            for (const QStringList &extra : {QStringList{}, QStringList{QStringLiteral("--overwrite")}}) {
                const CliRun r = runGw(QStringList{QStringLiteral("export"), w.project, QStringLiteral("--out"), target}
                                       + extra);
                QCOMPARE(r.code, 3);
                QVERIFY2(r.err.contains(QLatin1String("the project or one of its files")), qPrintable(r.err));
            }
        }
        QCOMPARE(snapshot(w.dir), before);
        GW_RUN_OK(runGw({QStringLiteral("info"), w.project}));
    }

    // 4. `--out yolo/` and `--out .` failed with "cannot replace: Invalid argument".
    void trailingSlashesAndDotNameTheFolder()
    {
        Workspace w;
        GW_RUN_OK(w.exportTo(QStringLiteral("yolo/"), {}, w.tmp.path()));
        QVERIFY(QFileInfo::exists(w.tmp.path() + QStringLiteral("/yolo/data.yaml")));
        // "." in an empty folder: written into it, the folder itself (the shell's working directory) kept.
        const QString empty = w.tmp.path() + QStringLiteral("/empty");
        QDir().mkpath(empty);
        struct stat before{}, after{};
        ::stat(empty.toLocal8Bit().constData(), &before);
        GW_RUN_OK(w.exportTo(QStringLiteral("."), {}, empty));
        ::stat(empty.toLocal8Bit().constData(), &after);
        QCOMPARE(after.st_ino, before.st_ino);
        QVERIFY(QFileInfo::exists(empty + QStringLiteral("/data.yaml")));
        QVERIFY(QFileInfo::exists(empty + QStringLiteral("/.groundwork-output")));
        // "." where the user's files are: refused, nothing touched.
        const auto mine = snapshot(w.dir);
        const CliRun r = w.exportTo(QStringLiteral("."), {}, w.dir);
        QCOMPARE(r.code, 3);
        QCOMPARE(snapshot(w.dir), mine);
        QCOMPARE(versionCount(w.project), 2);
    }

    // The one policy: a non-empty folder only when an earlier export wrote everything in it, and only with
    // --overwrite; a file only with --overwrite; never an SQLite database.
    void earlierOutputsAreReplacedOnlyWhenAsked()
    {
        Workspace w;
        const QString out = w.tmp.path() + QStringLiteral("/yolo");
        GW_RUN_OK(w.exportTo(out));
        CliRun again = w.exportTo(out);
        QCOMPARE(again.code, 5);
        QVERIFY2(again.err.contains(QLatin1String("--overwrite")), qPrintable(again.err));
        GW_RUN_OK(w.exportTo(out, {QStringLiteral("--overwrite")}));
        // A file the user put into the export folder is never deleted with it.
        test::writeFile((out + QStringLiteral("/README.md")).toStdString(), "what this dataset is\n");
        again = w.exportTo(out, {QStringLiteral("--overwrite")});
        QCOMPARE(again.code, 3);
        QVERIFY2(again.err.contains(QLatin1String("README.md")), qPrintable(again.err));
        QCOMPARE(test::readFile((out + QStringLiteral("/README.md")).toStdString()), std::string("what this dataset is\n"));
        // A folder of someone else's files.
        const QString theirs = w.tmp.path() + QStringLiteral("/theirs");
        QDir().mkpath(theirs);
        test::writeFile((theirs + QStringLiteral("/keep.txt")).toStdString(), "keep");
        QCOMPARE(w.exportTo(theirs, {QStringLiteral("--overwrite")}).code, 3);
        QCOMPARE(test::readFile((theirs + QStringLiteral("/keep.txt")).toStdString()), std::string("keep"));
        // Files: an existing manifest is replaced only with --overwrite; a database never.
        const QString manifest = w.tmp.path() + QStringLiteral("/out.manifest");
        GW_RUN_OK(runGw({QStringLiteral("export"), w.project, QStringLiteral("--out"), manifest}));
        QCOMPARE(runGw({QStringLiteral("export"), w.project, QStringLiteral("--out"), manifest}).code, 5);
        GW_RUN_OK(runGw({QStringLiteral("export"), w.project, QStringLiteral("--out"), manifest, QStringLiteral("--overwrite")}));
        const QString other = w.tmp.path() + QStringLiteral("/other.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("init"), other}));
        const CliRun db = runGw({QStringLiteral("export"), w.project, QStringLiteral("--out"), other, QStringLiteral("--overwrite")});
        QCOMPARE(db.code, 3);
        QVERIFY2(db.err.contains(QLatin1String("SQLite database")), qPrintable(db.err));
        GW_RUN_OK(runGw({QStringLiteral("info"), other}));
        // Reports and requests follow the same policy.
        const QString report = w.tmp.path() + QStringLiteral("/notes.html");
        test::writeFile(report.toStdString(), "<p>mine</p>");
        QCOMPARE(runGw({QStringLiteral("eda"), w.project, QStringLiteral("--out"), report}).code, 5);
        QCOMPARE(test::readFile(report.toStdString()), std::string("<p>mine</p>"));
    }

    // 10. A kill -9 left .OUT.partial-N folders forever: stale staging folders are removed by the next output
    // beside them; a live export's are not.
    void staleStagingFoldersAreRemoved()
    {
        Workspace w;
        const QString stale = w.tmp.path() + QStringLiteral("/.gw-staging-999999-1-1");
        const QString live = w.tmp.path() + QStringLiteral("/.gw-staging-1-1-1"); // pid 1 with another start time
        const QString lookalike = w.tmp.path() + QStringLiteral("/.gw-staging-999998-1-1"); // not tagged: not ours
        for (const QString &d : {stale, live, lookalike}) {
            QDir().mkpath(d + QStringLiteral("/half"));
            test::writeFile((d + QStringLiteral("/half/x.txt")).toStdString(), "x");
        }
        test::writeFile((stale + QStringLiteral("/.gw-staging")).toStdString(), "");
        test::writeFile((live + QStringLiteral("/.gw-staging")).toStdString(), "");
        GW_RUN_OK(w.exportTo(w.tmp.path() + QStringLiteral("/yolo")));
        QVERIFY(!QFileInfo::exists(stale));
        QVERIFY(!QFileInfo::exists(live)); // pid 1 started at boot, not at tick 1: gone as well
        QVERIFY(QFileInfo::exists(lookalike + QStringLiteral("/half/x.txt")));
        QCOMPARE(QDir(w.tmp.path()).entryList({QStringLiteral(".gw-staging*")}, QDir::Dirs | QDir::Hidden).size(), 1);
    }

    // 10. An export killed at any moment: its output and its version record appear together or not at all.
    void aKilledExportLeavesOutputAndVersionTogether()
    {
        Workspace w;
        // More images, so that the export takes long enough to be killed in every phase.
        {
            QImage img(64, 48, QImage::Format_RGB32);
            img.fill(Qt::darkGreen);
            for (int i = 0; i < 400; ++i)
                img.save(w.images + QStringLiteral("/more%1.png").arg(i));
            GW_RUN_OK(runGw({QStringLiteral("import"), w.project, w.images}));
        }
        // How long a whole export takes here: the kills below are spread over it and a little beyond, so that
        // some land before the output moves into place, some around it and some after the export ended.
        QElapsedTimer timer;
        timer.start();
        GW_RUN_OK(runGw({QStringLiteral("export"), w.project, QStringLiteral("--format"), QStringLiteral("yolo"),
                         QStringLiteral("--job"), QStringLiteral("boxes"), QStringLiteral("--out"),
                         w.tmp.path() + QStringLiteral("/whole"), QStringLiteral("--include-unlabeled")}));
        const qint64 whole = std::max<qint64>(timer.elapsed(), 100);
        int complete = 0, absent = 0;
        // Twelve kills at the least; more, later ones while one kind is still missing (a loaded machine exports
        // slower than the measured run), up to three times the measured export.
        for (int attempt = 0; attempt < 24 && (attempt < 12 || !complete || !absent); ++attempt) {
            const QString out = w.tmp.path() + QStringLiteral("/k%1").arg(attempt);
            QProcess p;
            p.start(QStringLiteral(GW_BINARY_DIR "/app/gw"),
                    {QStringLiteral("export"), w.project, QStringLiteral("--format"), QStringLiteral("yolo"),
                     QStringLiteral("--job"), QStringLiteral("boxes"), QStringLiteral("--out"), out,
                     QStringLiteral("--include-unlabeled")});
            QVERIFY(p.waitForStarted());
            QTest::qWait(int(whole * (attempt + 1) / 8));
            if (p.state() == QProcess::Running && p.processId() > 0) // never kill(0, ...): that is our group
                ::kill(pid_t(p.processId()), SIGKILL);
            p.waitForFinished();
            // The next command settles what the killed one left.
            const CliRun versions = runGw({QStringLiteral("versions"), w.project});
            QCOMPARE(versions.code, 0);
            const bool recorded = versions.out.contains(out);
            const bool written = QFileInfo::exists(out);
            QVERIFY2(recorded == written, qPrintable(QStringLiteral("attempt %1: output %2, version %3")
                                                         .arg(attempt).arg(written).arg(recorded)));
            if (written)
                QVERIFY(QFileInfo::exists(out + QStringLiteral("/.groundwork-output"))); // whole
            (written ? complete : absent) += 1;
        }
        qInfo("killed exports: %d complete, %d absent (a whole export: %lld ms)", complete, absent, whole);
        QVERIFY(absent > 0);
        QVERIFY(complete > 0);
    }

    // 10. Another program's SQLite file, or an empty file, opened as a project: refused with nothing written.
    void aFileThatIsNoProjectIsNotTouched()
    {
        QTemporaryDir dir;
        const std::string other = test::path(dir, "other.db");
        {
            sqlite3 *db = nullptr;
            sqlite3_open(other.c_str(), &db);
            sqlite3_exec(db, "PRAGMA journal_mode=DELETE; CREATE TABLE t(x); INSERT INTO t VALUES(1);", nullptr, nullptr,
                         nullptr);
            sqlite3_close(db);
        }
        const std::string empty = test::path(dir, "empty.gwproj");
        test::writeFile(empty, "");
        const std::string text = test::path(dir, "text.gwproj");
        test::writeFile(text, "not a database at all, just some text that is long enough\n");
        const auto before = snapshot(dir.path());
        for (const std::string &f : {other, empty, text}) {
            const CliRun r = runGw({QStringLiteral("info"), qs(f)});
            QCOMPARE(r.code, 3);
            QVERIFY2(r.err.contains(QLatin1String("not a Groundwork project")), qPrintable(r.err));
            QVERIFY2(r.code != 134, "crashed");
        }
        QCOMPARE(snapshot(dir.path()), before);
        QVERIFY(!QFileInfo::exists(qs(other) + QStringLiteral("-wal")));
        // A new project says what it is in SQLite's header.
        const std::string mine = test::path(dir, "mine.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("init"), qs(mine)}));
        sqlite3 *db = nullptr;
        sqlite3_open_v2(mine.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
        sqlite3_stmt *s = nullptr;
        sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &s, nullptr);
        QCOMPARE(sqlite3_step(s), SQLITE_ROW);
        QCOMPARE(sqlite3_column_int(s, 0), schema::kApplicationId);
        sqlite3_finalize(s);
        sqlite3_close(db);
    }

    // 6. Invalid UTF-8 was stored as it was and exported as invalid JSON.
    void invalidUtf8IsRefusedWithFileAndLine()
    {
        QTemporaryDir dir;
        const QString p = dir.path() + QStringLiteral("/p.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("init"), p}));
        const std::string bad = "caf\xC3 au lait"; // a lone lead byte
        struct Case
        {
            const char *file;
            std::string content;
            QStringList extra;
            int line;
            int byte;
        };
        const Case cases[] = {
            {"t.txt", "fine\nalso fine\n" + bad + "\n", {}, 3, 4},
            {"t.csv", "text,label\nok,a\n\"" + bad + "\",b\n", {}, 3, 5},
            {"t.jsonl", "{\"text\":\"ok\"}\n{\"text\":\"" + bad + "\"}\n", {QStringLiteral("--field"), QStringLiteral("text")}, 2, 13},
            {"t.manifest", "{\"source\":\"ok\"}\n{\"source\":\"" + bad + "\"}\n", {}, 2, 15},
            {"f.txt", "one\n" + bad, {QStringLiteral("--text-mode"), QStringLiteral("file")}, 2, 4},
        };
        for (const Case &c : cases) {
            const QString file = dir.path() + QLatin1Char('/') + QLatin1String(c.file);
            test::writeFile(file.toStdString(), c.content);
            const CliRun r = runGw(QStringList{QStringLiteral("import"), p, file} + c.extra);
            QCOMPARE(r.code, 3);
            const QString want = QStringLiteral("%1:%2: invalid UTF-8 at byte %3").arg(file).arg(c.line).arg(c.byte);
            QVERIFY2(r.err.contains(want), qPrintable(QStringLiteral("want '%1' in: %2").arg(want, r.err)));
        }
        const CliRun info = runGw({QStringLiteral("info"), p, QStringLiteral("--json")});
        QVERIFY2(info.out.contains(QLatin1String("\"items\":0")), qPrintable(info.out));
        // Whatever a project holds (written before this check existed), an export is valid JSON and UTF-8.
        {
            sqlite3 *db = nullptr;
            sqlite3_open(p.toLocal8Bit().constData(), &db);
            sqlite3_exec(db, "INSERT INTO items(kind, text) VALUES(1, CAST(x'636166c32061' AS TEXT))", nullptr,
                         nullptr, nullptr);
            sqlite3_close(db);
        }
        const QString out = dir.path() + QStringLiteral("/out.manifest");
        GW_RUN_OK(runGw({QStringLiteral("export"), p, QStringLiteral("--out"), out}));
        const std::string written = test::readFile(out.toStdString());
        QVERIFY(!written.empty());
        QCOMPARE(utf8::firstInvalid(written), std::string::npos);
        json::Value v;
        QVERIFY(json::parse(std::string_view(written).substr(0, written.find('\n')), v));
        QCOMPARE(v.find("source")->toString(), std::string("caf\xEF\xBF\xBD a"));
    }

    // 7. A CSV with an unbalanced quote merged rows silently.
    void anUnbalancedQuoteIsNamedNotMerged()
    {
        QTemporaryDir dir;
        const QString p = dir.path() + QStringLiteral("/p.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("init"), p}));
        const QString csv = dir.path() + QStringLiteral("/reviews.csv");
        // Row 2 opens a quote it never closes; row 4's quote closes it, and the rows between would be one text.
        test::writeFile(csv.toStdString(), "text,stars\n\"great,5\nbad,1\n\"ok\",3\n");
        CliRun r = runGw({QStringLiteral("import"), p, csv});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains(csv + QStringLiteral(":4: text after the closing quote")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("starts on line 2")), qPrintable(r.err));
        test::writeFile(csv.toStdString(), "text,stars\nok,3\n\"never closed,1\nmore,2\n");
        r = runGw({QStringLiteral("import"), p, csv});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains(csv + QStringLiteral(":3: a quoted field opened on this line is not closed")), qPrintable(r.err));
        test::writeFile(csv.toStdString(), "text,stars\nthe 5\" screen,3\n");
        r = runGw({QStringLiteral("import"), p, csv});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains(csv + QStringLiteral(":2: a quote inside a field")), qPrintable(r.err));
        QVERIFY(runGw({QStringLiteral("info"), p, QStringLiteral("--json")}).out.contains(QLatin1String("\"items\":0")));
        // The same rows written correctly import.
        test::writeFile(csv.toStdString(), "text,stars\n\"great,\nreally\",5\n\"the 5\"\" screen\",3\n");
        GW_RUN_OK(runGw({QStringLiteral("import"), p, csv}));
        QVERIFY(runGw({QStringLiteral("info"), p, QStringLiteral("--json")}).out.contains(QLatin1String("\"items\":2")));
    }

    // 8. An older automatic label re-imported became current over a newer human one; every re-import added an
    // identical version; a text file imported twice duplicated its texts.
    void importsNeverDemoteSilently()
    {
        QTemporaryDir dir;
        const QString p = dir.path() + QStringLiteral("/p.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("init"), p}));
        QImage(20, 20, QImage::Format_RGB32).save(dir.path() + QStringLiteral("/a.png"));
        const QString old = dir.path() + QStringLiteral("/old.manifest");
        test::writeFile(old.toStdString(),
                        R"({"source-ref":"a.png","animal":1,"animal-metadata":{"confidence":0.61,"job-name":"labeling-job/animal","class-name":"dog","human-annotated":"no","creation-date":"2020-03-01T10:00:00.000000","type":"groundtruth/image-classification"}})"
                        "\n");
        GW_RUN_OK(runGw({QStringLiteral("import"), p, old}));
        // A person corrects it today.
        GW_RUN_OK(runGw({QStringLiteral("job"), QStringLiteral("add-class"), p, QStringLiteral("--job"),
                         QStringLiteral("animal"), QStringLiteral("--class"), QStringLiteral("cat")}));
        GW_RUN_OK(runGw({QStringLiteral("label"), p, QStringLiteral("--job"), QStringLiteral("animal"),
                         QStringLiteral("--item"), QStringLiteral("1"), QStringLiteral("--class"), QStringLiteral("cat")}));
        auto history = [&] {
            return runGw({QStringLiteral("history"), p, QStringLiteral("--job"), QStringLiteral("animal"),
                          QStringLiteral("--item"), QStringLiteral("1")})
                .out.count(QLatin1Char('\n'));
        };
        const int versions = history();
        // The old automatic label comes back: kept out, and said so.
        CliRun again = runGw({QStringLiteral("import-labels"), p, old});
        GW_RUN_OK(again);
        QVERIFY2(again.out.contains(QLatin1String("1 kept as they were")), qPrintable(again.out));
        QVERIFY(runGw({QStringLiteral("items"), p, QStringLiteral("--job"), QStringLiteral("animal"), QStringLiteral("--class"),
                       QStringLiteral("cat")})
                    .out.contains(QLatin1String("a.png")));
        QCOMPARE(history(), versions);
        // The same through `gw import` (the item is found by its path).
        GW_RUN_OK(runGw({QStringLiteral("import"), p, old}));
        QCOMPARE(history(), versions);
        // --replace takes the file's label.
        again = runGw({QStringLiteral("import-labels"), p, old, QStringLiteral("--replace")});
        GW_RUN_OK(again);
        QVERIFY2(again.out.contains(QLatin1String("1 replacing the project's")), qPrintable(again.out));
        QCOMPARE(history(), versions + 1);
        // The identical label again: no new version.
        again = runGw({QStringLiteral("import-labels"), p, old, QStringLiteral("--replace")});
        QVERIFY2(again.out.contains(QLatin1String("1 unchanged")), qPrintable(again.out));
        QCOMPARE(history(), versions + 1);
        // Texts: a file imported twice adds nothing the second time; --keep-duplicates adds them.
        const QString texts = dir.path() + QStringLiteral("/t.txt");
        test::writeFile(texts.toStdString(), "first\nsecond\nfirst\n");
        CliRun t = runGw({QStringLiteral("import"), p, texts});
        QVERIFY2(t.out.contains(QLatin1String("2 items added, 1 already in the project")), qPrintable(t.out));
        t = runGw({QStringLiteral("import"), p, texts});
        QVERIFY2(t.out.contains(QLatin1String("0 items added, 3 already in the project")), qPrintable(t.out));
        t = runGw({QStringLiteral("import"), p, texts, QStringLiteral("--keep-duplicates")});
        QVERIFY2(t.out.contains(QLatin1String("3 items added")), qPrintable(t.out));
    }

    // 9. A manifest's image_size was trusted over the file (a box at 500,500 on a 20x20 image imported, and the
    // YOLO export dropped it without a word).
    void declaredSizesAreCheckedAgainstTheImage()
    {
        QTemporaryDir dir;
        const QString p = dir.path() + QStringLiteral("/p.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("init"), p}));
        QImage(20, 20, QImage::Format_RGB32).save(dir.path() + QStringLiteral("/small.png"));
        const QString m = dir.path() + QStringLiteral("/boxes.manifest");
        auto manifest = [&](int size, int at) {
            test::writeFile(m.toStdString(),
                            "{\"source-ref\":\"small.png\",\"boxes\":{\"image_size\":[{\"width\":" + std::to_string(size) +
                                ",\"height\":" + std::to_string(size) + ",\"depth\":3}],\"annotations\":[{\"class_id\":0,"
                                "\"top\":" + std::to_string(at) + ",\"left\":" + std::to_string(at) +
                                ",\"height\":10,\"width\":10}]},\"boxes-metadata\":{\"objects\":[{\"confidence\":0}],"
                                "\"class-map\":{\"0\":\"car\"},\"type\":\"groundtruth/object-detection\",\"human-annotated\":"
                                "\"yes\",\"creation-date\":\"2024-01-01T00:00:00.000000\",\"job-name\":\"labeling-job/boxes\"}}\n");
        };
        manifest(1000, 500);
        CliRun r = runGw({QStringLiteral("import"), p, m});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains(m + QStringLiteral(":1: ")) && r.err.contains(QLatin1String("image_size says 1000x1000, but the image is 20x20")),
                 qPrintable(r.err));
        manifest(20, 15); // the right size, a box that leaves the image
        r = runGw({QStringLiteral("import"), p, m});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains(QLatin1String("outside the 20x20 image")), qPrintable(r.err));
        QVERIFY(runGw({QStringLiteral("info"), p, QStringLiteral("--json")}).out.contains(QLatin1String("\"items\":0")));
        manifest(20, 5);
        GW_RUN_OK(runGw({QStringLiteral("import"), p, m}));
    }

    // 11. `gw job rename-class --to "x,y"` and `--to ""` were accepted.
    void classNamesAreChecked()
    {
        QTemporaryDir dir;
        const QString p = dir.path() + QStringLiteral("/p.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("init"), p}));
        GW_RUN_OK(runGw({QStringLiteral("job"), QStringLiteral("create"), p, QStringLiteral("--name"), QStringLiteral("animal"),
                         QStringLiteral("--type"), QStringLiteral("image-classification"), QStringLiteral("--classes"),
                         QStringLiteral(" cat , dog")}));
        auto rename = [&](const QString &to) {
            return runGw({QStringLiteral("job"), QStringLiteral("rename-class"), p, QStringLiteral("--job"),
                          QStringLiteral("animal"), QStringLiteral("--class"), QStringLiteral("cat"), QStringLiteral("--to"), to});
        };
        for (const QString &bad : {QStringLiteral("x,y"), QString(), QStringLiteral("   "), QStringLiteral("a\tb")}) {
            const CliRun r = rename(bad);
            QVERIFY2(r.code == 3, qPrintable(bad + QStringLiteral(": ") + r.err));
        }
        QCOMPARE(rename(QStringLiteral("dog")).code, 5); // taken
        const CliRun trimmed = rename(QStringLiteral("  kitten "));
        GW_RUN_OK(trimmed);
        QVERIFY(trimmed.out.contains(QLatin1String("to 'kitten'")));
        QCOMPARE(runGw({QStringLiteral("job"), QStringLiteral("add-class"), p, QStringLiteral("--job"), QStringLiteral("animal"),
                        QStringLiteral("--class"), QStringLiteral("a,b")})
                     .code,
                 3);
        QCOMPARE(runGw({QStringLiteral("job"), QStringLiteral("create"), p, QStringLiteral("--name"), QStringLiteral("twice"),
                        QStringLiteral("--type"), QStringLiteral("image-classification"), QStringLiteral("--classes"),
                        QStringLiteral("a,a")})
                     .code,
                 3);
        const CliRun list = runGw({QStringLiteral("info"), p, QStringLiteral("--json")});
        QVERIFY2(list.out.contains(QLatin1String("\"by_class\":{\"kitten\":0,\"dog\":0}")), qPrintable(list.out));
    }

    // 1. The project's own files are never read as input: closing a descriptor of them drops SQLite's locks.
    void aProjectIsNeverImportedIntoItself()
    {
        Workspace w;
        for (const QString &f : {w.project, w.project + QStringLiteral("-wal"), w.project + QStringLiteral("-shm")}) {
            for (const QStringList &extra : {QStringList{}, QStringList{QStringLiteral("--format"), QStringLiteral("coco")}}) {
                const CliRun r = runGw(QStringList{QStringLiteral("import"), w.project, f} + extra);
                QCOMPARE(r.code, 3);
                QVERIFY2(r.err.contains(QLatin1String("is the project itself")), qPrintable(r.err));
            }
            QCOMPARE(runGw({QStringLiteral("import-labels"), w.project, f}).code, 3);
        }
    }

    // 5. A non-numeric schema_version aborted gw (uncaught std::stoi, exit 134).
    void aDamagedSchemaVersionIsAnError()
    {
        QTemporaryDir dir;
        const std::string p = test::path(dir, "p.gwproj");
        GW_RUN_OK(runGw({QStringLiteral("init"), qs(p)}));
        for (const char *value : {"x", "", "6abc", "99999999999999999999"}) {
            sqlite3 *db = nullptr;
            sqlite3_open(p.c_str(), &db);
            const std::string sql = std::string("UPDATE meta SET value='") + value + "' WHERE key='schema_version'";
            sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
            sqlite3_close(db);
            const CliRun r = runGw({QStringLiteral("info"), qs(p)});
            QCOMPARE(r.code, 3);
            QVERIFY2(r.err.contains(QLatin1String("schema version")), qPrintable(r.err));
        }
    }
};

QTEST_GUILESS_MAIN(TestNothingLost)
#include "tst_nothinglost.moc"
