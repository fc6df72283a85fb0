// Benchmark: import a generated 1,000,000-line Ground Truth manifest into a new project and export it again.
// Prints lines/s and peak RSS, and a floor measured in the same run: the same rows inserted into the same
// schema with bare sqlite3 prepared statements in one transaction.
//
//   build/tests/bench/bench_manifest [LINES] [--keep DIR]
//
// Targets (2-core machine): import <= 3x the floor's time, export >= 500,000 lines/s, peak RSS <= 500 MB.

#include "benchfigure.h"
#include "datasets/manifest.h"
#include "datasets/schema.h"
#include "datasets/sqlite.h"

#include <QCoreApplication>
#include <QTemporaryDir>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/resource.h>

using namespace gw;
using namespace gw::datasets;

namespace {

double seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

long peakRssMb()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}

const char *const kClasses[] = {"cat", "dog", "bird", "fish", "horse", "cow", "sheep", "goat", "duck", "frog"};

/// Line i of the generated manifest: an image, a kept key, and a single-label classification.
void line(int64_t i, std::string &out)
{
    char buf[512];
    const int cls = int(i % 10);
    const int n = std::snprintf(
        buf, sizeof buf,
        "{\"source-ref\":\"s3://bench-bucket/images/%08lld.jpg\",\"camera\":\"cam-%d\",\"animal\":%d,"
        "\"animal-metadata\":{\"confidence\":0.%02d,\"job-name\":\"labeling-job/animal\",\"class-name\":\"%s\","
        "\"human-annotated\":\"yes\",\"creation-date\":\"2024-01-01T00:00:%02d.%06d\","
        "\"type\":\"groundtruth/image-classification\"}}\n",
        static_cast<long long>(i), int(i % 7), cls, int(50 + i % 50), kClasses[cls], int(i % 60), int(i % 1000000));
    out.append(buf, size_t(n));
}

/// The floor: the rows our import writes (an import batch, then per line an item and an annotation), with
/// values prepared by the generator, through bare prepared statements in one transaction.
double floorSeconds(const std::string &dbPath, int64_t lines)
{
    sqlite3 *db = nullptr;
    sqlite3_open(dbPath.c_str(), &db);
    sql::exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    (void)schema::migrate(db, true);
    sql::exec(db, "INSERT INTO jobs(name, task, created_us) VALUES('animal','image-classification',0);"
                  "INSERT INTO import_batches(description, created_us) VALUES('floor', 0);");
    const auto start = std::chrono::steady_clock::now();
    sql::exec(db, "BEGIN");
    {
        sql::Statement item(db, "INSERT INTO items(kind, uri, text, width, height, flags, split, batch, extra) "
                                "VALUES(0,?,NULL,0,0,0,NULL,1,?)");
        sql::Statement ann(db, "INSERT INTO annotations(job, item, source, human, author, payload, mask, confidence, "
                               "time_spent_ms, created_us, extra) VALUES(1,?,3,1,'import',?,NULL,?,0,?,NULL)");
        char uri[64], extra[32], payload[32];
        for (int64_t i = 0; i < lines; ++i) {
            const int un = std::snprintf(uri, sizeof uri, "s3://bench-bucket/images/%08lld.jpg", static_cast<long long>(i));
            const int en = std::snprintf(extra, sizeof extra, "{\"camera\":\"cam-%d\"}", int(i % 7));
            item.reset().bind(1, std::string_view(uri, size_t(un))).bind(2, std::string_view(extra, size_t(en)));
            (void)item.exec();
            const int pn = std::snprintf(payload, sizeof payload, "{\"c\":[%d]}", int(i % 10));
            ann.reset().bind(1, int64_t(sqlite3_last_insert_rowid(db))).bind(2, std::string_view(payload, size_t(pn)));
            ann.bind(3, 0.5 + double(i % 50) / 100).bind(4, int64_t(1704067200000000 + i));
            (void)ann.exec();
        }
    }
    sql::exec(db, "COMMIT");
    const double s = seconds(start);
    sqlite3_close(db);
    return s;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int64_t lines = 1000000;
    if (argc > 1)
        lines = std::atoll(argv[1]);
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    const std::string manifest = dir + "/input.manifest";

    auto t = std::chrono::steady_clock::now();
    {
        std::FILE *f = std::fopen(manifest.c_str(), "wb");
        std::string buf;
        for (int64_t i = 0; i < lines; ++i) {
            line(i, buf);
            if (buf.size() > (1 << 20)) {
                std::fwrite(buf.data(), 1, buf.size(), f);
                buf.clear();
            }
        }
        std::fwrite(buf.data(), 1, buf.size(), f);
        std::fclose(f);
    }
    std::printf("generated %lld lines in %.2f s\n", static_cast<long long>(lines), seconds(t));

    auto store = ProjectStore::open(dir + "/bench.gwproj", ProjectStore::OpenMode::Create);
    if (!store) {
        std::fprintf(stderr, "%s\n", store.error().message.c_str());
        return 1;
    }
    t = std::chrono::steady_clock::now();
    auto imported = importManifest(**store, manifest, {});
    const double importS = seconds(t);
    if (!imported || imported->labels != lines) {
        std::fprintf(stderr, "import failed: %s\n", imported ? "label count" : imported.error().message.c_str());
        return 1;
    }
    const long rssAfterImport = peakRssMb();

    ExportOptions opt;
    opt.outPath = dir + "/output.manifest";
    t = std::chrono::steady_clock::now();
    auto exported = exportManifest(**store, opt);
    const double exportS = seconds(t);
    if (!exported || exported->lines != lines) {
        std::fprintf(stderr, "export failed\n");
        return 1;
    }
    const long peak = peakRssMb();
    store->reset();

    const double floorS = floorSeconds(dir + "/floor.db", lines);

    const double importRate = double(lines) / importS, exportRate = double(lines) / exportS;
    std::printf("\n%-28s %10s %14s\n", "", "seconds", "lines/s");
    std::printf("%-28s %10.2f %14.0f\n", "import (gw)", importS, importRate);
    std::printf("%-28s %10.2f %14.0f\n", "floor (bare sqlite3 insert)", floorS, double(lines) / floorS);
    std::printf("%-28s %10.2f %14.0f\n", "export (gw)", exportS, exportRate);
    std::printf("\nimport / floor  %.2fx   (target <= 3x)      %s\n", importS / floorS,
                importS <= 3 * floorS ? "ok" : "MISSED");
    std::printf("export rate     %.0f lines/s (target >= 500000) %s\n", exportRate,
                exportRate >= 500000 ? "ok" : "MISSED");
    std::printf("peak RSS        %ld MB after import, %ld MB overall (target <= 500 MB) %s\n", rssAfterImport, peak,
                peak <= 500 ? "ok" : "MISSED");
    using gw::bench::Better;
    bool ok = gw::bench::figure("manifest", "import 1M lines", importS, "s", Better::Lower);
    ok &= gw::bench::figure("manifest", "floor: bare sqlite3 insert", floorS, "s", Better::Lower);
    ok &= gw::bench::figure("manifest", "import / floor", importS / floorS, "x", Better::Lower, 3);
    ok &= gw::bench::figure("manifest", "export rate", exportRate, "lines/s", Better::Higher, 500000);
    ok &= gw::bench::figure("manifest", "peak RSS", double(peak), "MB", Better::Lower, 500);
    return ok ? 0 : 2;
}
