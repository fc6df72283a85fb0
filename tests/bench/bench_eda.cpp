// Benchmark: the EDA statistics of a large detection project.
//
//   build/tests/bench/bench_eda [IMAGES] [BOXES_PER_IMAGE]
//
// The images are real files (hard links to 20 small originals, so that 100,000 of them cost no disk): the
// pixel figures (brightness, contrast, near-duplicates) are timed on the first run, which decodes every file,
// and on the second, which reads the cache.
//
// A project of IMAGES (default 100,000) images with BOXES (default 10) boxes each, labelled by three people
// and the automated-labeling loop; computeEda for the job, against a floor measured in the same run
// (walking the same items and labels through the store's cursors). Target: ≤ 5 s on this 2-core machine.

#include "benchfigure.h"
#include "datasets/eda.h"
#include "datasets/imagestats.h"

#include <QCoreApplication>
#include <QDir>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>

#include <unistd.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>

using namespace gw::datasets;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int images = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int boxes = argc > 2 ? std::atoi(argv[2]) : 10;
    QTemporaryDir dir;
    const std::string path = (dir.path() + QStringLiteral("/eda.gwproj")).toStdString();
    auto store = ProjectStore::open(path, ProjectStore::OpenMode::Create);
    Job j;
    j.name = "objects";
    j.type = TaskType::BoundingBox;
    for (int c = 0; c < 20; ++c)
        j.classes.push_back({c, "class" + std::to_string(c), defaultClassColor(c), {}, {}});
    auto job = (*store)->createJob(j);
    QDir().mkpath(dir.path() + QStringLiteral("/img"));
    for (int k = 0; k < 20; ++k) {
        QImage img(64, 48, QImage::Format_RGB32);
        img.fill(QColor::fromHsv(k * 18, 150, 120 + k * 5));
        QPainter p(&img);
        p.setBrush(Qt::white);
        p.drawEllipse(QPoint(8 + k * 2, 10 + k), 6 + k % 5, 8);
        p.end();
        img.save(dir.path() + QStringLiteral("/img/original%1.png").arg(k));
    }
    {
        auto tx = (*store)->begin();
        const char *people[] = {"ann", "bob", "cy"};
        for (int i = 0; i < images; ++i) {
            Item it;
            it.uri = "img/" + std::to_string(i) + ".png";
            const std::string original = (dir.path() + QStringLiteral("/img/original%1.png").arg(i % 20)).toStdString();
            const std::string link = (dir.path() + QStringLiteral("/img/%1.png").arg(i)).toStdString();
            if (::link(original.c_str(), link.c_str()) != 0) {
                std::perror(link.c_str());
                return 1;
            }
            it.width = 1280 - (i % 7) * 64;
            it.height = 720;
            it.split = i % 10 == 0 ? "validation" : i % 10 == 1 ? "test" : "train";
            (void)(*tx)->addItem(it);
            Annotation a;
            a.jobId = job->id;
            a.itemId = it.id;
            for (int b = 0; b < boxes; ++b)
                a.payload.boxes.push_back({(i + b) % 20, double((b * 97 + i) % 1100), double((b * 53 + i) % 600),
                                           40.0 + (i + b) % 90, 30.0 + (i * b) % 70, std::nullopt});
            const bool automatic = i % 3 == 0;
            a.provenance.source = automatic ? Source::Auto : Source::Human;
            a.provenance.author = automatic ? "autolabel-run-1" : people[(i / 3) % 3];
            if (automatic)
                a.provenance.confidence = 0.9 + (i % 100) / 1000.0;
            a.provenance.createdUs = 1'700'000'000'000'000LL + int64_t(i) * 20'000'000;
            a.provenance.timeSpentMs = automatic ? 0 : 3000 + i % 5000;
            (void)(*tx)->putAnnotation(a);
        }
        (void)(*tx)->commit();
    }
    std::printf("project: %d images × %d boxes\n", images, boxes);
    auto t = std::chrono::steady_clock::now();
    {
        auto items = (*store)->itemCursor({});
        auto labels = (*store)->annotationCursor(job->id);
        Item it;
        Annotation a;
        while (*(*items)->next(it)) {
        }
        while (*(*labels)->next(a)) {
        }
    }
    const double floor = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    EdaOptions o;
    o.job = "objects";
    t = std::chrono::steady_clock::now();
    auto r = computeEda(**store, o);
    const double eda = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    if (!r) {
        std::fprintf(stderr, "%s\n", r.error().message.c_str());
        return 1;
    }
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    std::printf("  floor: read items + labels   %6.2f s\n", floor);
    std::printf("  eda statistics               %6.2f s  (%.1f× the floor; target ≤ 5 s: %s)  peak RSS %.0f MB\n", eda,
                eda / floor, eda <= 5 ? "met" : "MISSED", double(u.ru_maxrss) / 1024);
    std::printf("  %lld boxes, %zu annotators, %lld labeled\n", static_cast<long long>(r->boxWidth.total),
                r->annotators.size(), static_cast<long long>(r->labelled));
    double pixelSeconds[2] = {0, 0};
    for (int run = 0; run < 2; ++run) {
        auto px = computeImageStats(**store, {});
        if (!px) {
            std::fprintf(stderr, "%s\n", px.error().message.c_str());
            return 1;
        }
        pixelSeconds[run] = px->seconds;
        std::printf("  pixel figures, %s  %6.2f s  (%lld decoded, %zu near-duplicate groups)\n",
                    run == 0 ? "first run     " : "from the cache", px->seconds, static_cast<long long>(px->decoded),
                    px->duplicateGroups.size());
    }
    const double all = eda + pixelSeconds[1];
    std::printf("  all statistics (labels + cached pixels): %.2f s (target ≤ 5 s: %s)\n", all, all <= 5 ? "met" : "MISSED");
    using gw::bench::Better;
    gw::bench::figure("eda", "floor: read items and labels", floor, "s", Better::Lower);
    bool ok = gw::bench::figure("eda", "statistics, 100k images x 10 boxes", eda, "s", Better::Lower, 5);
    ok &= gw::bench::figure("eda", "pixel figures, first run", pixelSeconds[0], "s", Better::Lower);
    ok &= gw::bench::figure("eda", "pixel figures, from the cache", pixelSeconds[1], "s", Better::Lower);
    ok &= gw::bench::figure("eda", "all statistics", all, "s", Better::Lower, 5);
    return ok ? 0 : 2;
}
