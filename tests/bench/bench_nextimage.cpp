// Benchmark: next-image latency for 12-megapixel JPEGs, as an annotator steps through a folder.
// Latency = from asking for the next image to the end of the canvas's first paint of it. Measured with
// prefetch (the loader decodes the next images while the annotator works on the current one) and, as the
// baseline in the same run, without it.
//
//   build/tests/bench/bench_nextimage [IMAGES] [DWELL_MS]
//
// Target: p95 <= 30 ms with prefetch, after warm-up.

#include "benchfigure.h"
#include "ui/imagecanvas.h"
#include "ui/imageloader.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QImage>
#include <QPainter>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace gw;
using namespace gw::ui;

namespace {

/// A photo-like 4000 × 3000 JPEG (gradients, shapes and noise, so it does not compress to nothing).
void makeJpeg(const QString &path, int seed)
{
    QImage img(4000, 3000, QImage::Format_RGB32);
    QPainter p(&img);
    QLinearGradient g(0, 0, 4000, 3000);
    g.setColorAt(0, QColor::fromHsv(seed * 37 % 360, 120, 220));
    g.setColorAt(1, QColor::fromHsv(seed * 91 % 360, 200, 60));
    p.fillRect(img.rect(), g);
    QRandomGenerator rng{quint32(seed)};
    for (int i = 0; i < 400; ++i) {
        p.setBrush(QColor::fromRgb(rng.generate()));
        p.setPen(Qt::NoPen);
        p.drawEllipse(QPointF(rng.bounded(4000), rng.bounded(3000)), rng.bounded(20, 300), rng.bounded(20, 300));
    }
    p.end();
    for (int y = 0; y < img.height(); y += 2) {
        auto *line = reinterpret_cast<QRgb *>(img.scanLine(y));
        for (int x = 0; x < img.width(); x += 3)
            line[x] ^= rng.generate() & 0x070707;
    }
    img.save(path, "JPEG", 90);
}

struct Stats
{
    double p50 = 0, p95 = 0, max = 0;
};

Stats stats(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::min(v.size() - 1, size_t(q * double(v.size() - 1) + 0.5))]; };
    return {at(0.5), at(0.95), v.back()};
}

/// Steps through the images; returns the latencies after the first two (warm-up).
std::vector<double> run(const QStringList &files, bool prefetch, int dwellMs)
{
    ImageLoader loader;
    loader.setCapacity(4);
    ImageCanvas canvas;
    canvas.resize(1400, 900);
    canvas.show();
    std::vector<double> latencies;
    for (int i = 0; i < files.size(); ++i) {
        QElapsedTimer t;
        t.start();
        if (!loader.cached(i)) {
            QEventLoop loop;
            QObject::connect(&loader, &ImageLoader::loaded, &loop, [&](int64_t id) {
                if (id == i)
                    loop.quit();
            });
            loader.request(i, files[i]);
            if (!loader.cached(i))
                loop.exec();
        }
        canvas.setImage(loader.cached(i));
        canvas.repaint();
        const double ms = double(t.nsecsElapsed()) / 1e6;
        if (i >= 2)
            latencies.push_back(ms);
        if (prefetch) {
            QList<QPair<int64_t, QString>> ahead;
            for (int k = i + 1; k <= i + 2 && k < files.size(); ++k)
                ahead.append({k, files[k]});
            loader.prefetch(ahead);
        }
        // The annotator looks at the image and labels it.
        QEventLoop dwell;
        QTimer::singleShot(dwellMs, &dwell, &QEventLoop::quit);
        dwell.exec();
    }
    return latencies;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int count = argc > 1 ? std::atoi(argv[1]) : 24;
    const int dwellMs = argc > 2 ? std::atoi(argv[2]) : 600;
    QTemporaryDir dir;
    QStringList files;
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < count; ++i) {
        files << dir.filePath(QStringLiteral("img%1.jpg").arg(i, 3, 10, QLatin1Char('0')));
        makeJpeg(files.last(), i);
    }
    std::printf("made %d 4000x3000 JPEGs in %.1f s; annotator dwell %d ms per image\n", count, t.elapsed() / 1000.0,
                dwellMs);
    const Stats with = stats(run(files, true, dwellMs));
    const Stats without = stats(run(files, false, dwellMs));
    std::printf("\n%-22s %8s %8s %8s\n", "next-image latency", "p50 ms", "p95 ms", "max ms");
    std::printf("%-22s %8.1f %8.1f %8.1f\n", "with prefetch", with.p50, with.p95, with.max);
    std::printf("%-22s %8.1f %8.1f %8.1f\n", "without (baseline)", without.p50, without.p95, without.max);
    std::printf("\np95 with prefetch %.1f ms (target <= 30 ms) %s\n", with.p95, with.p95 <= 30 ? "ok" : "MISSED");

    // A 20000 x 20000 image: the window must stay live while a reduced level is decoded in the background.
    const QString huge = dir.filePath(QStringLiteral("huge.jpg"));
    {
        QImage img(20000, 20000, QImage::Format_RGB32);
        img.fill(Qt::darkGreen);
        QPainter p(&img);
        p.setBrush(Qt::red);
        p.drawEllipse(5000, 5000, 10000, 10000);
        p.end();
        img.save(huge, "JPEG", 85);
    }
    ImageLoader loader;
    ImageCanvas canvas;
    canvas.resize(1400, 900);
    canvas.show();
    QElapsedTimer total, gap;
    double longestStallMs = 0;
    QTimer tick;
    tick.setInterval(5);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        longestStallMs = std::max(longestStallMs, double(gap.nsecsElapsed()) / 1e6);
        gap.restart();
    });
    QEventLoop loop;
    QObject::connect(&loader, &ImageLoader::loaded, &loop, &QEventLoop::quit);
    total.start();
    gap.start();
    tick.start();
    loader.request(1, huge);
    loop.exec();
    canvas.setImage(loader.cached(1));
    canvas.repaint();
    tick.stop();
    const auto shown = loader.cached(1);
    std::printf("\n20000x20000 JPEG: shown at %dx%d after %.0f ms; longest event-loop stall meanwhile %.1f ms (%s)\n",
                shown->levelFor(canvas.viewScale()).width(), shown->levelFor(canvas.viewScale()).height(),
                double(total.nsecsElapsed()) / 1e6, longestStallMs, longestStallMs < 100 ? "ok" : "MISSED");
    using gw::bench::Better;
    bool ok = gw::bench::figure("nextimage", "next image p95, prefetch", with.p95, "ms", Better::Lower, 30);
    ok &= gw::bench::figure("nextimage", "next image p95, no prefetch (baseline)", without.p95, "ms", Better::Lower);
    ok &= gw::bench::figure("nextimage", "20000x20000 JPEG: longest stall", longestStallMs, "ms", Better::Lower, 100);
    return ok ? 0 : 2;
}
