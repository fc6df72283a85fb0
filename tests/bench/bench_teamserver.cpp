// Benchmark: a 1,000,000-image project on a team server (PostgreSQL 15, started here on loopback) against the same
// project in a file, in one run (issue 17). The project is bench_gallery's (built once in DIR), published to the
// server with gw publish's code. For each of the two:
//   (a) the main window: open to a usable screen, label -> next (GUI thread p95, longest stall), every key stored
//       (windowloop.h, as bench_window);
//   (b) gallery filters: the slowest first page of a filter change on the GUI thread (unlabeled, class 9, author,
//       auto + class, newest first);
//   (c) export: a Ground Truth manifest of job "animal" (1,000,000 lines), lines/s;
//   (d) import: a generated 50,000-line labelled manifest into a new project, lines/s;
// and the publish itself (rows/s).
//
//   build/tests/bench/bench_teamserver [--dir DIR] [IMAGES]
//   build/tests/bench/bench_teamserver --filters-of PROJECT      (only the filters, each case's time)
//
// Targets (2-core machine, the server on the same two cores): on the server, a usable window <= 1 s, a key
// <= 16 ms on the GUI thread (p95), every key stored, a filter's first page <= 100 ms.

#include "benchfigure.h"
#include "datasets/manifest.h"
#include "datasets/pg.h"
#include "datasets/teamserver.h"
#include "galleryproject.h"
#include "pgserver.h"
#include "ui/gallerymodel.h"
#include "windowloop.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <cstdio>
#include <cstring>

using namespace gw;
using namespace gw::datasets;
using bench::Clock;
using bench::msSince;

namespace {

/// The slowest first page of a few filter changes (the GUI thread's time; counts run in the background).
double slowestFilter(ProjectStore &store)
{
    auto job = store.job("animal");
    if (!job)
        return 1e9;
    ui::GalleryModel model;
    model.setStore(&store, &*job);
    struct Case
    {
        const char *name;
        ui::GalleryModel::Filter filter;
        std::optional<int> cls;
        std::optional<std::string> author;
        bool descending;
    };
    const Case cases[] = {
        {"unlabeled", ui::GalleryModel::Filter::Unlabeled, {}, {}, false},
        {"class 9 (1 in 100k)", ui::GalleryModel::Filter::All, 9, {}, false},
        {"author alice, human", ui::GalleryModel::Filter::Human, {}, std::string("alice"), false},
        {"author dave, newest first", ui::GalleryModel::Filter::All, {}, std::string("dave"), true},
        {"auto, class 3, newest first", ui::GalleryModel::Filter::Auto, 3, {}, true},
    };
    double worst = 0;
    for (const Case &c : cases) {
        double slowest = 0;
        model.setFilter(ui::GalleryModel::Filter::All);
        model.setClassFilter(std::nullopt);
        model.setAuthorFilter(std::nullopt);
        model.setSortDescending(false);
        for (int step = 0; step < 4; ++step) {
            const auto t = Clock::now();
            if (step == 0)
                model.setFilter(c.filter);
            else if (step == 1)
                model.setClassFilter(c.cls);
            else if (step == 2)
                model.setAuthorFilter(c.author);
            else
                model.setSortDescending(c.descending);
            slowest = std::max(slowest, msSince(t));
        }
        std::printf("  %-30s %7.1f ms\n", c.name, slowest);
        worst = std::max(worst, slowest);
    }
    model.setStore(nullptr, nullptr);
    return worst;
}

double exportRate(ProjectStore &store, const std::string &out)
{
    ExportOptions opt;
    opt.outPath = out;
    opt.jobs = {"animal"};
    const auto t = Clock::now();
    auto r = exportManifest(store, opt);
    if (!r) {
        std::fprintf(stderr, "export: %s\n", r.error().message.c_str());
        return 0;
    }
    return double(r->lines) / (msSince(t) / 1000);
}

/// A labelled image manifest of n lines (bench_manifest's kind of line).
void writeManifest(const std::string &path, int64_t n)
{
    std::FILE *f = std::fopen(path.c_str(), "wb");
    for (int64_t i = 0; i < n; ++i)
        std::fprintf(f,
                     "{\"source-ref\":\"s3://bench/images/%08lld.jpg\",\"animal\":%d,\"animal-metadata\":{\"confidence\":"
                     "0.9,\"class-name\":\"c%d\",\"human-annotated\":\"yes\",\"creation-date\":\"2024-01-01T00:00:00\","
                     "\"type\":\"groundtruth/image-classification\",\"job-name\":\"labeling-job/animal\"}}\n",
                     static_cast<long long>(i), int(i % 10), int(i % 10));
    std::fclose(f);
}

double importRate(const std::string &location, const std::string &manifest, int64_t n)
{
    auto store = ProjectStore::open(location, ProjectStore::OpenMode::Create);
    if (!store) {
        std::fprintf(stderr, "import: %s\n", store.error().message.c_str());
        return 0;
    }
    const auto t = Clock::now();
    auto r = importManifest(**store, manifest, {});
    if (!r || r->labels != n) {
        std::fprintf(stderr, "import: %s\n", r ? "label count" : r.error().message.c_str());
        return 0;
    }
    return double(n) / (msSince(t) / 1000);
}

struct Side
{
    bench::Figures window;
    double filterMs = 0, exportRate = 0, importRate = 0;
};

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    QString dirArg;
    int64_t images = 1000000;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--filters-of") && i + 1 < argc) { // just the filters of a project (file or URL)
            auto store = ProjectStore::open(argv[++i], ProjectStore::OpenMode::OpenExisting);
            if (!store)
                return 1;
            std::printf("slowest %.1f ms\n", slowestFilter(**store));
            return 0;
        }
        if (!std::strcmp(argv[i], "--dir") && i + 1 < argc)
            dirArg = QString::fromLocal8Bit(argv[++i]);
        else
            images = std::atoll(argv[i]);
    }
    if (dirArg.isEmpty())
        dirArg = qEnvironmentVariable("GW_BENCH_DATA");
    QTemporaryDir tmp;
    const QString dir = dirArg.isEmpty() ? tmp.path() : QDir(dirArg).absolutePath();
    QDir().mkpath(dir);
    const std::string original = bench::galleryProjectPath(dir, images);
    if (!QFileInfo::exists(QString::fromStdString(original))) {
        const auto t = Clock::now();
        if (!bench::buildGalleryProject(original, dir, images)) {
            std::fprintf(stderr, "cannot build %s\n", original.c_str());
            return 1;
        }
        std::printf("built %lld images in %.1f s\n", static_cast<long long>(images), msSince(t) / 1000);
    }
    QTemporaryDir work;
    const QString file = work.path() + QStringLiteral("/labeling.gwproj");
    if (!QFile::copy(QString::fromStdString(original), file)) {
        std::fprintf(stderr, "cannot copy the project\n");
        return 1;
    }

    test::PgServer server;
    if (!server.running()) {
        std::fprintf(stderr, "%s\n", qPrintable(server.error()));
        return 1;
    }
    {
        pg::Connection admin;
        if (!admin.open(server.adminUrl("postgres")) || !admin.exec("CREATE DATABASE labeling")
            || !admin.exec("CREATE DATABASE imported")) {
            std::fprintf(stderr, "cannot create the databases\n");
            return 1;
        }
    }
    const std::string url = server.adminUrl("labeling");
    auto t = Clock::now();
    auto published = teamserver::publish(file.toStdString(), url);
    if (!published) {
        std::fprintf(stderr, "publish: %s\n", published.error().message.c_str());
        return 1;
    }
    const double publishS = msSince(t) / 1000;
    {
        // Planner statistics, as autovacuum would gather them on a server that has been up a while.
        pg::Connection admin;
        (void)admin.open(url);
        (void)admin.exec("ANALYZE");
    }
    std::printf("published %lld items, %lld labels in %.1f s\n", static_cast<long long>(published->items),
                static_cast<long long>(published->labels), publishS);

    const std::string author = labeling::LabelingSession::defaultAuthor();
    Side sides[2];
    const QString locations[2] = {file, QString::fromStdString(url)};
    const char *names[2] = {"file", "server"};
    const std::string manifest = work.path().toStdString() + "/input.manifest";
    constexpr int64_t kImportLines = 50000;
    writeManifest(manifest, kImportLines);
    for (int s = 0; s < 2; ++s) {
        // On the server labels are recorded under the login (the administrator here).
        sides[s].window = bench::measureWindow(locations[s], s == 0 ? author : "gwadmin");
        auto store = ProjectStore::open(locations[s].toStdString(), ProjectStore::OpenMode::OpenExisting);
        if (!store) {
            std::fprintf(stderr, "%s\n", store.error().message.c_str());
            return 1;
        }
        sides[s].filterMs = slowestFilter(**store);
        sides[s].exportRate = exportRate(**store, work.path().toStdString() + "/" + names[s] + ".manifest");
        sides[s].importRate = importRate(s == 0 ? work.path().toStdString() + "/imported.gwproj"
                                                : server.adminUrl("imported"),
                                         manifest, kImportLines);
    }

    std::printf("\n%-8s %9s %10s %10s %10s %10s %12s %14s %14s\n", "", "open ms", "press p95", "stall ms", "stored",
                "filter ms", "export l/s", "import l/s", "");
    for (int s = 0; s < 2; ++s)
        std::printf("%-8s %9.0f %10.1f %10.1f %6d/200 %10.1f %12.0f %14.0f\n", names[s], sides[s].window.openMs,
                    sides[s].window.pressP95, sides[s].window.stall,
                    sides[s].window.pacedStored + sides[s].window.burstStored, sides[s].filterMs, sides[s].exportRate,
                    sides[s].importRate);
    std::printf("publish: %.0f rows/s\n", double(published->items + published->labels) / publishS);

    using bench::Better;
    bool ok = true;
    for (int s = 0; s < 2; ++s) {
        const std::string n = names[s];
        const bool srv = s == 1;
        auto name = [&](const char *what) { return std::string(what) + ", " + n; };
        ok &= bench::figure("teamserver", name("open to a usable screen").c_str(), sides[s].window.openMs, "ms",
                            Better::Lower, srv ? std::optional<double>(1000) : std::nullopt);
        ok &= bench::figure("teamserver", name("label -> next, GUI thread p95").c_str(), sides[s].window.pressP95, "ms",
                            Better::Lower, srv ? std::optional<double>(16) : std::nullopt);
        ok &= bench::figure("teamserver", name("label -> next, longest stall").c_str(), sides[s].window.stall, "ms",
                            Better::Lower);
        ok &= bench::figure("teamserver", name("keys stored of 200").c_str(),
                            sides[s].window.pacedStored + sides[s].window.burstStored, "labels", Better::Higher, 200);
        ok &= bench::figure("teamserver", name("filter change: slowest first page").c_str(), sides[s].filterMs, "ms",
                            Better::Lower, srv ? std::optional<double>(100) : std::nullopt);
        ok &= bench::figure("teamserver", name("export rate").c_str(), sides[s].exportRate, "lines/s", Better::Higher);
        ok &= bench::figure("teamserver", name("import rate (50k lines)").c_str(), sides[s].importRate, "lines/s",
                            Better::Higher);
    }
    ok &= bench::figure("teamserver", "publish rate", double(published->items + published->labels) / publishS,
                        "rows/s", Better::Higher);
    return ok ? 0 : 2;
}
