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
#include "labeling/labelingsession.h"
#include "ui/imageloader.h"
#include "ui/labelingpane.h"
#include "ui/mainwindow.h"

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
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

/// Runs the event loop for about ms milliseconds; the longest single stall seen is kept in stall.
void spin(double ms, double &stall)
{
    const auto start = Clock::now();
    auto step = start;
    while (msSince(start) < ms) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
        const auto now = Clock::now();
        stall = std::max(stall, std::chrono::duration<double, std::milli>(now - step).count());
        step = now;
        if (msSince(step) < 0.5)
            QThread::usleep(200);
    }
}

bool imageShown(ui::MainWindow &w)
{
    const int64_t id = w.labelingPane()->currentItem();
    return id > 0 && w.labelingPane()->loader()->cached(id);
}

/// The ids of the list's rows from..from+n (fetching pages as needed).
std::vector<int64_t> rowIds(QAbstractItemView *list, int from, int n)
{
    QAbstractItemModel *m = list->model();
    while (m->rowCount() < from + n && m->canFetchMore({}))
        m->fetchMore({});
    std::vector<int64_t> ids;
    for (int r = from; r < std::min(from + n, m->rowCount()); ++r)
        ids.push_back(m->index(r, 0).data(Qt::UserRole).toLongLong());
    return ids;
}

/// How many of the expected labels (item -> class) are the current label of their item, by this author.
int stored(const ProjectStore &store, int64_t jobId, const std::vector<std::pair<int64_t, int>> &expected,
           const std::string &author)
{
    int ok = 0;
    for (const auto &[item, cls] : expected)
        if (auto a = store.currentAnnotation(jobId, item); a && *a && (*a)->provenance.author == author
            && (*a)->payload.classes == std::vector<int>{cls})
            ++ok;
    return ok;
}

struct Figures
{
    double openMs = 1e9;
    double pressP50 = 0, pressP95 = 0, pressMax = 0, stall = 0;
    int pacedStored = 0, burstStored = 0;
    double burstMs = 0;
};

Figures measure(const std::string &original, const QString &work)
{
    Figures f;
    // A copy, so that every run starts from the same labels.
    const QString path = work + QStringLiteral("/labeling.gwproj");
    QFile::remove(path);
    if (!QFile::copy(QString::fromStdString(original), path)) {
        std::fprintf(stderr, "cannot copy %s\n", original.c_str());
        return f;
    }
    const std::string author = labeling::LabelingSession::defaultAuthor();
    ui::MainWindow window;
    window.show();
    (void)QTest::qWaitForWindowExposed(&window);

    // (a) open
    auto t = Clock::now();
    if (!window.openProject(path))
        return f;
    while (!imageShown(window) && msSince(t) < 60000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    f.openMs = msSince(t);
    double ignored = 0;
    spin(3000, ignored); // what opening set off in the background settles
    QAbstractItemView *list = window.itemList();
    const int64_t jobId = window.labelingPane()->job().id;

    // (b) paced: 100 presses, 30 ms apart
    std::vector<std::pair<int64_t, int>> expected;
    std::vector<double> press;
    QWindow *handle = window.windowHandle();
    for (int i = 0; i < 100; ++i) {
        const auto slot = Clock::now();
        const int cls = 1 + i % 9;
        const int64_t item = window.labelingPane()->currentItem();
        expected.emplace_back(item, cls);
        const auto before = Clock::now();
        QTest::keyClick(handle, Qt::Key(Qt::Key_0 + cls), Qt::NoModifier);
        press.push_back(msSince(before));
        f.stall = std::max(f.stall, press.back());
        spin(std::max(0.0, 30 - msSince(slot)), f.stall);
    }
    spin(2000, f.stall); // what the last labels set off
    f.pressP50 = percentile(press, 0.5);
    f.pressP95 = percentile(press, 0.95);
    f.pressMax = percentile(press, 1);
    f.pacedStored = stored(*window.store(), jobId, expected, author);

    // (c) all at once: every press queued before the first is handled
    const int firstRow = list->currentIndex().row();
    const std::vector<int64_t> ids = rowIds(list, firstRow, 100);
    expected.clear();
    QWidget *target = QApplication::focusWidget() ? QApplication::focusWidget() : &window;
    for (int i = 0; i < 100 && i < int(ids.size()); ++i) {
        const int cls = 9 - i % 9;
        expected.emplace_back(ids[size_t(i)], cls);
        const auto key = Qt::Key(Qt::Key_0 + cls);
        const bool sameTime = i > 0; // X11 flags presses that share a timestamp as auto-repeat
        QCoreApplication::postEvent(target, new QKeyEvent(QEvent::KeyPress, key, Qt::NoModifier,
                                                          QString::number(cls), sameTime));
        QCoreApplication::postEvent(target, new QKeyEvent(QEvent::KeyRelease, key, Qt::NoModifier,
                                                          QString::number(cls), sameTime));
    }
    t = Clock::now();
    while (msSince(t) < 30000 && stored(*window.store(), jobId, expected, author) < int(expected.size())) {
        double s = 0;
        spin(20, s);
    }
    f.burstMs = msSince(t);
    f.burstStored = stored(*window.store(), jobId, expected, author);
    return f;
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
        const Figures f = measure(path, work.path());
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
