// Benchmark: exporting a large detection dataset, and augmentation throughput.
//
//   build/tests/bench/bench_export [IMAGES] [BOXES_PER_IMAGE] [--dir DIR]
//
// A project of IMAGES (default 100,000) images with BOXES (default 10) boxes each is exported to COCO and to
// YOLO (images linked, then copied); each export runs in a child process so its peak RSS is its own. The
// floor, measured in the same run, is walking the same items and labels through the store's cursors without
// writing anything. Augmentation: 1-megapixel JPEGs through flip, rotation, scale, crop, brightness, blur and
// noise, per second on one thread and on all cores, against decoding and encoding alone.

#include "benchfigure.h"
#include "datasets/augment.h"
#include "datasets/formats/format.h"
#include "datasets/versions.h"

#include <QCoreApplication>
#include <QDir>
#include <QImage>
#include <QTemporaryDir>
#include <QtConcurrent/QtConcurrentMap>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <thread>

using namespace gw;
using namespace gw::datasets;

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

double peakRssMb()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;
}

/// Runs fn in a child process (its own peak RSS) and returns its exit status.
template<typename Fn>
int inChild(Fn fn)
{
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
        const int code = fn();
        std::fflush(stdout);
        _exit(code);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

bool buildProject(const std::string &path, const QString &mediaDir, int images, int boxes)
{
    auto store = ProjectStore::open(path, ProjectStore::OpenMode::Create);
    if (!store) {
        std::fprintf(stderr, "%s\n", store.error().message.c_str());
        return false;
    }
    // One small JPEG, hard-linked under every name: real files for YOLO to link or copy, without writing
    // 100,000 images.
    QDir().mkpath(mediaDir);
    QImage img(64, 48, QImage::Format_RGB888);
    img.fill(Qt::darkCyan);
    // A file system allows some 65,000 links to a file: a new original every 50,000 images.
    auto original = [&](int i) {
        const QString path = mediaDir + QStringLiteral("/original%1.jpg").arg(i / 50000);
        if (i % 50000 == 0)
            img.save(path);
        return path;
    };
    Job j;
    j.name = "objects";
    j.type = TaskType::BoundingBox;
    for (int c = 0; c < 20; ++c)
        j.classes.push_back({c, "class" + std::to_string(c), defaultClassColor(c), {}, {}});
    auto job = (*store)->createJob(j);
    auto tx = (*store)->begin();
    for (int i = 0; i < images; ++i) {
        const std::string file = (mediaDir + QStringLiteral("/%1.jpg").arg(i, 6, 10, QLatin1Char('0'))).toStdString();
        if (::link(original(i).toLocal8Bit().constData(), file.c_str()) != 0) {
            std::fprintf(stderr, "link %s: %s\n", file.c_str(), std::strerror(errno));
            return false;
        }
        Item it;
        it.uri = file;
        it.width = 1280;
        it.height = 720;
        it.split = i % 10 == 0 ? "validation" : "train";
        (void)(*tx)->addItem(it);
        Annotation a;
        a.jobId = job->id;
        a.itemId = it.id;
        for (int b = 0; b < boxes; ++b)
            a.payload.boxes.push_back({(i + b) % 20, double((b * 97 + i) % 1100), double((b * 53 + i) % 600),
                                       100.5, 80.25, std::nullopt});
        a.payload.imageWidth = 1280;
        a.payload.imageHeight = 720;
        (void)(*tx)->putAnnotation(a);
    }
    return bool((*tx)->commit());
}

int exportOnce(const std::string &project, const char *format, const std::string &out, const char *files,
               int64_t images)
{
    auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
    if (!store)
        return 1;
    if (!findFormat(format)) {
        std::printf("  %-26s (format not available in this build)\n", format);
        return 0;
    }
    DatasetExport request;
    request.format = format;
    request.jobs = {"objects"};
    request.options.outPath = out;
    if (files)
        request.options.settings["files"] = files;
    const auto t = Clock::now();
    auto r = exportDataset(**store, request);
    const double s = since(t);
    if (!r) {
        std::fprintf(stderr, "%s: %s\n", format, r.error().message.c_str());
        return 1;
    }
    std::printf("  %-26s %8.2f s  %9.0f images/s  peak RSS %6.0f MB  (%lld labels)\n",
                (std::string(format) + (files ? std::string(", ") + files : std::string())).c_str(), s,
                double(images) / s, peakRssMb(), static_cast<long long>(r->report.labels));
    const std::string name = std::string(format) + (files ? std::string(", ") + files : std::string());
    gw::bench::figure("export", (name + ": 100k images x 10 boxes").c_str(), s, "s", gw::bench::Better::Lower);
    gw::bench::figure("export", (name + ": peak RSS").c_str(), peakRssMb(), "MB", gw::bench::Better::Lower);
    return 0;
}

int floorOnce(const std::string &project, int64_t images)
{
    auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
    auto job = (*store)->job("objects");
    const auto t = Clock::now();
    int64_t boxes = 0;
    auto items = (*store)->itemCursor({});
    auto labels = (*store)->annotationCursor(job->id);
    Item it;
    Annotation a;
    while (*(*items)->next(it)) {
    }
    while (*(*labels)->next(a))
        boxes += int64_t(a.payload.boxes.size());
    const double s = since(t);
    std::printf("  %-26s %8.2f s  %9.0f images/s  peak RSS %6.0f MB  (%lld boxes read)\n", "floor: read items+labels",
                s, double(images) / s, peakRssMb(), static_cast<long long>(boxes));
    gw::bench::figure("export", "floor: read items and labels", s, "s", gw::bench::Better::Lower);
    return 0;
}

void augmentation(const QString &dir)
{
    QImage photo(1000, 1000, QImage::Format_RGB888);
    for (int y = 0; y < photo.height(); ++y)
        for (int x = 0; x < photo.width(); ++x)
            photo.setPixelColor(x, y, QColor((x * 7) % 256, (y * 3) % 256, (x + y) % 256));
    const QString path = dir + QStringLiteral("/photo.jpg");
    photo.save(path, "JPEG", 90);
    Payload boxes;
    boxes.boxes = {{0, 100, 100, 300, 200, std::nullopt}, {1, 500, 600, 250, 300, std::nullopt}};
    const auto full = *AugmentOptions::parse("hflip=0.5,rotate=15,scale=0.8:1.2,crop=0.1,brightness=0.2,blur=1.5,noise=0.03");
    const auto none = *AugmentOptions::parse("hflip=0");
    const int n = 60;
    auto run = [&](const AugmentOptions &o, int threads) {
        std::vector<int> copies(static_cast<size_t>(n));
        std::iota(copies.begin(), copies.end(), 1);
        QThreadPool pool;
        pool.setMaxThreadCount(threads);
        const auto t = Clock::now();
        QtConcurrent::blockingMap(&pool, copies, [&](int copy) {
            (void)augmentImage(path.toStdString(), boxes, TaskType::BoundingBox, {}, o, 1, copy);
        });
        return double(n) / since(t);
    };
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    std::printf("\naugmentation, 1-megapixel JPEG (decode + transform + encode), %d images:\n", n);
    const double floor1 = run(none, 1), floorN = run(none, int(cores));
    const double full1 = run(full, 1), fullN = run(full, int(cores));
    std::printf("  %-26s %8.1f images/s on 1 thread, %6.1f on %u\n", "floor: decode + encode", floor1, floorN, cores);
    std::printf("  %-26s %8.1f images/s on 1 thread, %6.1f on %u\n", "flip/rotate/scale/crop/...", full1, fullN,
                cores);
    using gw::bench::Better;
    gw::bench::figure("export", "augmentation floor (decode + encode), 1 thread", floor1, "images/s", Better::Higher);
    gw::bench::figure("export", "augmentation, 1 thread", full1, "images/s", Better::Higher);
    gw::bench::figure("export", "augmentation, all cores", fullN, "images/s", Better::Higher);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int images = 100000, boxes = 10;
    QString base;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            base = QString::fromLocal8Bit(argv[++i]);
        else
            positional.push_back(argv[i]);
    }
    if (!positional.empty())
        images = std::atoi(positional[0].c_str());
    if (positional.size() > 1)
        boxes = std::atoi(positional[1].c_str());
    QTemporaryDir tmp(base.isEmpty() ? QDir::tempPath() + QStringLiteral("/bench-export-XXXXXX")
                                     : base + QStringLiteral("/bench-export-XXXXXX"));
    const std::string project = (tmp.path() + QStringLiteral("/objects.gwproj")).toStdString();
    auto t = Clock::now();
    if (!buildProject(project, tmp.path() + QStringLiteral("/media"), images, boxes))
        return 1;
    std::printf("project: %d images × %d boxes built in %.1f s\n\nexport:\n", images, boxes, since(t));
    const std::string out = tmp.path().toStdString();
    inChild([&] { return floorOnce(project, images); });
    int bad = 0;
    bad += inChild([&] { return exportOnce(project, "coco", out + "/coco.json", nullptr, images); });
    bad += inChild([&] { return exportOnce(project, "yolo", out + "/yolo-linked", "link", images); });
    bad += inChild([&] { return exportOnce(project, "yolo", out + "/yolo-copied", "copy", images); });
    augmentation(tmp.path());
    return bad ? 1 : 0;
}
