// Benchmark: "a folder -> its first image on screen" in the real main window, at 65,000 and 1,000,000 image
// files, against the way it was done before (the whole folder imported in one transaction, then the project
// opened), measured in the same run. For each folder, on the offscreen platform:
//   (a) MainWindow::openFolder until the first image is decoded and current (the project is made afresh);
//   (b) the same window until the whole folder is indexed, with the longest stall of the event loop meanwhile;
//   (c) before: datasets::importPath of the folder into a new project (what openFolder ran, behind a modal
//       progress dialog), then MainWindow::openProject until the first image is decoded and current.
// Folders: "65k" (one folder), "1M" (1,000 subfolders of 1,000) and "1M-flat" (one folder of a million).
// Their files are hard links to 32 small real images (PNG and JPEG), named without leading zeros.
//
//   build/tests/bench/bench_openfolder [--dir DIR] [65k|1M|1M-flat|NUMBER...]
//
// DIR keeps the folders between runs (default: $GW_BENCH_DATA, else a temporary folder); a NUMBER is a flat
// folder of that many files. Targets (2-core machine): the first image <= 500 ms; no stall over 50 ms while
// indexing.

#include "benchfigure.h"
#include "datasets/importers.h"
#include "datasets/projectstore.h"
#include "ui/imageloader.h"
#include "ui/labelingpane.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QColor>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

using namespace gw;
using namespace gw::datasets;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

constexpr int kOriginals = 32; // a file may have 65,000 links at most

double msSince(Clock::time_point t)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

/// Times every event the GUI thread handles, so that a long pass of the event loop can say what it was.
class TimedApplication : public QApplication
{
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        const char *what = receiver->metaObject()->className(); // the receiver may be gone afterwards
        const int type = int(event->type());
        const auto t = Clock::now();
        const bool r = QApplication::notify(receiver, event);
        if (const double ms = msSince(t); ms > slowestMs) {
            slowestMs = ms;
            slowest = std::string(what) + " event " + std::to_string(type);
        }
        return r;
    }
    double slowestMs = 0;  ///< since the last reset
    std::string slowest;
};

struct Case
{
    std::string name;  ///< as in the figures: "65k", "1M", "1M-flat"
    int64_t files = 0;
    int64_t perFolder = 0; ///< files in each subfolder; 0: all in the folder itself
};

bool parseCase(const char *arg, Case &c)
{
    if (!std::strcmp(arg, "65k"))
        c = {"65k", 65000, 0};
    else if (!std::strcmp(arg, "1M"))
        c = {"1M", 1000000, 1000};
    else if (!std::strcmp(arg, "1M-flat"))
        c = {"1M-flat", 1000000, 0};
    else if (const long long n = std::atoll(arg); n > 0)
        c = {std::to_string(n), n, 0};
    else
        return false;
    return true;
}

/// DIR/folder-NAME with the case's files, made once: a marker file says it is complete.
bool makeFolder(const QString &dir, const Case &c, QString &folder)
{
    folder = dir + QStringLiteral("/folder-%1").arg(QString::fromStdString(c.name));
    const std::string marker = (folder + QStringLiteral("/COMPLETE")).toStdString();
    {
        std::ifstream in(marker);
        int64_t n = 0;
        if (in >> n && n == c.files)
            return true;
    }
    std::error_code ec;
    fs::remove_all(folder.toStdString(), ec); // an unfinished one
    const QString originals = folder + QStringLiteral("-originals"); // each its own: 65,000 links at most a file
    QDir().mkpath(originals);
    std::vector<std::string> from;
    for (int k = 0; k < kOriginals; ++k) {
        const QString path = originals + QStringLiteral("/%1.%2").arg(k).arg(k % 2 ? QStringLiteral("jpg") : QStringLiteral("png"));
        if (!QFile::exists(path)) {
            QImage img(k % 3 ? 64 : 48, k % 3 ? 48 : 64, QImage::Format_RGB32);
            img.fill(QColor::fromHsv(k * 360 / kOriginals, 170, 210));
            for (int y = 0; y < img.height(); y += 8)
                for (int x = 0; x < img.width(); ++x)
                    img.setPixel(x, y, qRgb(x * 4, y * 4, k * 8));
            if (!img.save(path))
                return false;
        }
        from.push_back(path.toStdString());
    }
    const auto t = Clock::now();
    QDir().mkpath(folder);
    for (int64_t i = 1; i <= c.files; ++i) {
        const std::string &original = from[size_t(i % kOriginals)];
        std::string sub = folder.toStdString() + "/";
        if (c.perFolder) {
            sub += "part-" + std::to_string((i - 1) / c.perFolder + 1) + "/";
            if ((i - 1) % c.perFolder == 0)
                fs::create_directories(sub, ec);
        }
        const std::string to = sub + "frame-" + std::to_string(i) + original.substr(original.size() - 4);
        if (::link(original.c_str(), to.c_str()) != 0) {
            std::fprintf(stderr, "cannot link %s: %s\n", to.c_str(), std::strerror(errno));
            return false;
        }
    }
    std::ofstream(marker) << c.files << "\n";
    std::printf("made %s: %lld files in %.1f s\n", qPrintable(folder), static_cast<long long>(c.files),
                msSince(t) / 1000);
    return true;
}

void removeProject(const QString &project)
{
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(project + QString::fromLatin1(suffix));
}

bool firstImageShown(ui::MainWindow &w)
{
    const int64_t id = w.labelingPane()->currentItem();
    return id == 1 && w.labelingPane()->loader()->cached(id);
}

/// Runs the event loop (as the application does: asleep while there is nothing to do) until done() or the
/// timeout, checking every 2 ms; the longest time the GUI thread was busy between two checks is kept in
/// stall, and the ones over 30 ms are listed in stalls ("at 1.2 s: 45 ms").
bool waitFor(const std::function<bool()> &done, double timeoutMs, double &stall, std::string *stalls = nullptr)
{
    const auto start = Clock::now();
    auto last = start;
    QEventLoop loop;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(2);
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        const auto now = Clock::now();
        const double busy = std::chrono::duration<double, std::milli>(now - last).count() - 2;
        last = now;
        stall = std::max(stall, busy);
        auto *app = static_cast<TimedApplication *>(QCoreApplication::instance());
        if (stalls && busy > 30) {
            char line[200];
            std::snprintf(line, sizeof line, " at %.1f s: %.0f ms (%s, %.0f ms);", msSince(start) / 1000, busy,
                          app->slowest.c_str(), app->slowestMs);
            *stalls += line;
        }
        app->slowestMs = 0;
        if (done() || msSince(start) > timeoutMs)
            loop.quit();
    });
    tick.start();
    if (!done())
        loop.exec();
    return done();
}

struct Figures
{
    double firstImageMs = 1e9, indexedS = 1e9, stallMs = 1e9;
    double oldImportS = 1e9, oldFirstImageMs = 1e9;
    int64_t items = 0, oldItems = 0;
};

Figures measure(const QString &folder)
{
    Figures f;
    const QDir dir(folder);
    const QString project = dir.absoluteFilePath(dir.dirName() + QStringLiteral(".gwproj"));
    // The directory entries in the page cache for both ways alike.
    (void)listFolder(folder.toStdString(), true, false);

    // (a), (b): open the folder.
    removeProject(project);
    {
        ui::MainWindow window;
        window.show();
        (void)QTest::qWaitForWindowExposed(&window);
        double ignored = 0;
        const auto t = Clock::now();
        if (!window.openFolder(folder))
            return f;
        if (!waitFor([&] { return firstImageShown(window); }, 60000, ignored))
            return f;
        f.firstImageMs = msSince(t);
        double stall = 0;
        std::string stalls;
        if (!waitFor([&] { return !window.folderIndexer(); }, 3600 * 1000, stall, &stalls))
            return f;
        if (!stalls.empty())
            std::printf("event-loop passes over 30 ms while indexing:%s\n", stalls.c_str());
        f.indexedS = msSince(t) / 1000;
        f.stallMs = stall;
        f.items = *window.store()->countItems({});
    }

    // (c): before: import it all, then open.
    removeProject(project);
    {
        const auto t = Clock::now();
        {
            auto store = ProjectStore::open(project.toStdString(), ProjectStore::OpenMode::Create);
            if (!store)
                return f;
            auto r = importPath(**store, folder.toStdString(), SourceOptions());
            if (!r)
                return f;
            f.oldItems = r->itemsAdded;
        }
        f.oldImportS = msSince(t) / 1000;
        ui::MainWindow window;
        window.show();
        (void)QTest::qWaitForWindowExposed(&window);
        double ignored = 0;
        if (window.openProject(project) && waitFor([&] { return firstImageShown(window); }, 60000, ignored))
            f.oldFirstImageMs = msSince(t); // import and open
    }
    removeProject(project);
    return f;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true); // recent projects and settings go to a test location
    TimedApplication app(argc, argv);
    QString dirArg = qEnvironmentVariable("GW_BENCH_DATA");
    std::vector<Case> cases;
    for (int i = 1; i < argc; ++i) {
        Case c;
        if (!std::strcmp(argv[i], "--dir") && i + 1 < argc)
            dirArg = QString::fromLocal8Bit(argv[++i]);
        else if (parseCase(argv[i], c))
            cases.push_back(c);
        else {
            std::fprintf(stderr, "usage: bench_openfolder [--dir DIR] [65k|1M|1M-flat|NUMBER...]\n");
            return 1;
        }
    }
    if (cases.empty())
        for (const char *name : {"65k", "1M", "1M-flat"}) {
            Case c;
            parseCase(name, c);
            cases.push_back(c);
        }
    QTemporaryDir tmp;
    const QString dir = dirArg.isEmpty() ? tmp.path() : QDir(dirArg).absolutePath();
    QDir().mkpath(dir);

    bool ok = true;
    std::printf("%-8s %10s %16s %12s %12s %16s %14s\n", "folder", "files", "first image ms", "indexed s",
                "stall ms", "before: import s", "first image ms");
    for (const Case &c : cases) {
        QString folder;
        if (!makeFolder(dir, c, folder)) {
            std::fprintf(stderr, "cannot make the folder of %s\n", c.name.c_str());
            return 1;
        }
        const Figures f = measure(folder);
        std::printf("%-8s %10lld %16.0f %12.1f %12.1f %16.1f %14.0f\n", c.name.c_str(),
                    static_cast<long long>(c.files), f.firstImageMs, f.indexedS, f.stallMs, f.oldImportS,
                    f.oldFirstImageMs);
        if (f.items != c.files || f.oldItems != c.files) {
            std::fprintf(stderr, "%s: %lld items indexed, %lld imported, of %lld files\n", c.name.c_str(),
                         static_cast<long long>(f.items), static_cast<long long>(f.oldItems),
                         static_cast<long long>(c.files));
            ok = false;
        }
        using bench::Better;
        std::string n;
        n = "open folder -> first image, " + c.name;
        ok &= bench::figure("openfolder", n.c_str(), f.firstImageMs, "ms", Better::Lower, 500);
        n = "before: import all, open -> first image, " + c.name;
        bench::figure("openfolder", n.c_str(), f.oldFirstImageMs, "ms", Better::Lower);
        n = "folder indexed to the end, " + c.name;
        bench::figure("openfolder", n.c_str(), f.indexedS, "s", Better::Lower);
        n = "before: import all, " + c.name;
        bench::figure("openfolder", n.c_str(), f.oldImportS, "s", Better::Lower);
        n = "longest stall while indexing, " + c.name;
        ok &= bench::figure("openfolder", n.c_str(), f.stallMs, "ms", Better::Lower, 50);
    }
    return ok ? 0 : 2;
}
