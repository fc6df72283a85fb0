#pragma once

// The annotator's loop in the real main window, measured (bench_window on project files, bench_teamserver on a
// file against a team server): open to a usable screen; 100 class keys 30 ms apart with the time each blocks the
// GUI thread and the longest event-loop stall; 100 keys queued at once; every label checked in the store.

#include "labeling/labelingsession.h"
#include "ui/imageloader.h"
#include "ui/labelingpane.h"
#include "ui/mainwindow.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QKeyEvent>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <chrono>
#include <vector>

namespace gw::bench {

using namespace gw::datasets;
using Clock = std::chrono::steady_clock;

inline double msSince(Clock::time_point t)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

inline double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

/// Runs the event loop for about ms milliseconds; the longest single stall seen is kept in stall.
inline void spin(double ms, double &stall)
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

inline bool imageShown(ui::MainWindow &w)
{
    const int64_t id = w.labelingPane()->currentItem();
    return id > 0 && w.labelingPane()->loader()->cached(id);
}

/// The ids of the list's rows from..from+n (fetching pages as needed).
inline std::vector<int64_t> rowIds(QAbstractItemView *list, int from, int n)
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
inline int stored(const ProjectStore &store, int64_t jobId, const std::vector<std::pair<int64_t, int>> &expected,
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

/// The loop on a project (a file or a team server's URL), labelled as `author` (the window's worker name).
inline Figures measureWindow(const QString &path, const std::string &author)
{
    Figures f;
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

} // namespace gw::bench
