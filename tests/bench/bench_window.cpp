// Benchmark: the annotator's daily loop in the real main window, at 1,000 and at 1,000,000 images in one run
// (the same project as bench_gallery: job "animal", ten classes on the keys 0-9, 70 % already labelled).
// For each size, on the offscreen platform:
//   (a) open: MainWindow::openProject to a usable screen (the first item current, its image decoded);
//   (b) label -> next, paced: 100 class keys 30 ms apart, each sent as the window system delivers a key
//       (shortcut override, then the press, through the application's event filters); the time each press
//       blocks the GUI thread (the label stored and the next item current), and the longest stall of the event
//       loop in the whole sequence (work a label sets off later: counts, repaints, the image arriving);
//   (c) label -> next, all at once: 100 presses queued before any is handled, as keys typed faster than the
//       window answers arrive (the repeats flagged as auto-repeat, as X11 flags presses of one key that share a
//       timestamp); every one must land, each on the next item in the list;
// and checks every label in the store: the item, the class and the author.
//
//   build/tests/bench/bench_window [--dir DIR] [SIZE...]
//
// DIR keeps the built projects between runs (default: a temporary folder); each run labels a copy.
// Targets (2-core machine): usable window <= 1 s; a press <= 16 ms on the GUI thread (95th percentile); no
// stall over 50 ms; every key stored.

#include "benchfigure.h"
#include "galleryproject.h"
#include "windowloop.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QKeyEvent>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace gw;
using namespace gw::datasets;
using bench::Clock;
using bench::msSince;

namespace {

/// The loop on a copy of the project, so that every run starts from the same labels.
bench::Figures measure(const std::string &original, const QString &work)
{
    const QString path = work + QStringLiteral("/labeling.gwproj");
    QFile::remove(path);
    if (!QFile::copy(QString::fromStdString(original), path)) {
        std::fprintf(stderr, "cannot copy %s\n", original.c_str());
        return {};
    }
    return bench::measureWindow(path, labeling::LabelingSession::defaultAuthor());
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true); // recent projects and settings go to a test location
    QApplication app(argc, argv);
    QString dirArg;
    std::vector<int64_t> sizes;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--dir") && i + 1 < argc)
            dirArg = QString::fromLocal8Bit(argv[++i]);
        else
            sizes.push_back(std::atoll(argv[i]));
    }
    if (sizes.empty())
        sizes = {1000, 1000000};
    QTemporaryDir tmp;
    const QString dir = dirArg.isEmpty() ? tmp.path() : QDir(dirArg).absolutePath();
    QDir().mkpath(dir);
    QTemporaryDir work;

    bool ok = true;
    std::printf("%-10s %10s %10s %10s %10s %10s %14s %14s\n", "images", "open ms", "press p50", "press p95",
                "press max", "stall ms", "paced stored", "burst stored");
    for (int64_t images : sizes) {
        const std::string path = bench::galleryProjectPath(dir, images);
        if (!QFileInfo::exists(QString::fromStdString(path))) {
            const auto t = Clock::now();
            if (!bench::buildGalleryProject(path, dir, images)) {
                std::fprintf(stderr, "cannot build %s\n", path.c_str());
                return 1;
            }
            std::printf("built %lld images in %.1f s\n", static_cast<long long>(images), msSince(t) / 1000);
        }
        const bench::Figures f = measure(path, work.path());
        std::printf("%-10lld %10.0f %10.1f %10.1f %10.1f %10.1f %10d/100 %10d/100 (%.0f ms)\n",
                    static_cast<long long>(images), f.openMs, f.pressP50, f.pressP95, f.pressMax, f.stall,
                    f.pacedStored, f.burstStored, f.burstMs);
        const std::string size = images >= 1000000 ? std::to_string(images / 1000000) + "M"
                                                   : std::to_string(images / 1000) + "k";
        using bench::Better;
        std::string n;
        n = "open to a usable screen, " + size;
        ok &= bench::figure("window", n.c_str(), f.openMs, "ms", Better::Lower, 1000);
        n = "label -> next, GUI thread p95, " + size;
        ok &= bench::figure("window", n.c_str(), f.pressP95, "ms", Better::Lower, 16);
        n = "label -> next, longest stall, " + size;
        ok &= bench::figure("window", n.c_str(), f.stall, "ms", Better::Lower, 50);
        n = "keys 30 ms apart: labels stored of 100, " + size;
        ok &= bench::figure("window", n.c_str(), f.pacedStored, "labels", Better::Higher, 100);
        n = "keys all at once: labels stored of 100, " + size;
        ok &= bench::figure("window", n.c_str(), f.burstStored, "labels", Better::Higher, 100);
    }
    return ok ? 0 : 2;
}
