// Benchmark: the assisted-segmentation algorithms (labeling/assist) on real photos with hand-drawn masks
// (Debian's labelme-examples: three VOC photos with one mask per instance, the tutorial's shelf photo and
// two video frames with one mask per class), every photo brought to about one megapixel (the 500-px VOC
// photos upscaled; the shelf photo is a real 1.1 MP).
//
//   build/tests/bench/bench_assist
//
// For each object it prints the IoU of each assist against the hand mask, the clicks a simulated annotator
// needs to reach IoU 0.9 with GrabCut, the magic wand and superpixels, and beside them the vertices of the
// hand-drawn polygon (LabelMe JSON) and of the fewest-vertex polygon (Douglas-Peucker) that reaches 0.9.
// Then the time of each assist (p50 and max): target ≤ 300 ms per click on this 2-core machine; the
// per-image precomputations (superpixels, the scissors' edge features) are reported separately.
//
// The simulated annotator: each correction goes at the deepest point (farthest from its border) of the
// largest error region, missed or spurious. GrabCut: a stroke (a disc of half that depth, 3-10 px) marking
// object or background. Wand: a click there with the default tolerance, adding a missed region or
// subtracting a spurious one. Superpixels: each click toggles the superpixel that reduces the error most
// (a mostly-inside one added, a mostly-outside one removed).

#include "benchfigure.h"
#include "labeling/assist/assist.h"
#include "tests/labeling/assistdata.h"

#include <QCoreApplication>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <string>

using namespace gw::labeling::assist;
using namespace gw::test::assist;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kGoal = 0.9;
constexpr int kMaxClicks = 20;
/// "Not reached within kMaxClicks" is counted as this many clicks in medians.
constexpr int kNotReached = kMaxClicks + 1;

double msSince(Clock::time_point t)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

cv::Mat view(const QImage &mask)
{
    return cv::Mat(mask.height(), mask.width(), CV_8UC1, const_cast<uchar *>(mask.constBits()),
                   size_t(mask.bytesPerLine()));
}

QImage toQImage(const cv::Mat &m)
{
    QImage q(m.cols, m.rows, QImage::Format_Grayscale8);
    for (int y = 0; y < m.rows; ++y)
        std::memcpy(q.scanLine(y), m.ptr<uchar>(y), size_t(m.cols));
    return q;
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double maximum(const std::vector<double> &v)
{
    return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

double mean(const std::vector<double> &v)
{
    double s = 0;
    for (double x : v)
        s += x;
    return v.empty() ? 0 : s / double(v.size());
}

struct Correction
{
    bool missed = true; ///< a missed region (else spurious)
    QPoint at;
    int depthPx = 0;
};

/// Where the simulated annotator clicks next: the deepest point of the largest error region.
std::optional<Correction> nextCorrection(const QImage &truth, const QImage &current)
{
    const cv::Mat t = view(truth) != 0, c = view(current) != 0;
    std::optional<Correction> best;
    int bestArea = 0;
    for (const bool missed : {true, false}) {
        const cv::Mat error = missed ? (t & ~c) : (c & ~t);
        cv::Mat labels, stats, centroids;
        const int n = cv::connectedComponentsWithStats(error, labels, stats, centroids, 8, CV_32S);
        for (int i = 1; i < n; ++i) {
            const int area = stats.at<int>(i, cv::CC_STAT_AREA);
            if (area <= bestArea)
                continue;
            cv::Mat dist;
            cv::Mat region = labels == i;
            cv::copyMakeBorder(region, region, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
            cv::distanceTransform(region, dist, cv::DIST_L2, 3);
            double maxDist = 0;
            cv::Point at;
            cv::minMaxLoc(dist, nullptr, &maxDist, nullptr, &at);
            bestArea = area;
            best = Correction{missed, QPoint(at.x - 1, at.y - 1), int(maxDist)};
        }
    }
    return best;
}

/// The fewest vertices of a Douglas-Peucker simplification of the mask's outlines that reaches kGoal.
int polygonVerticesFor(const QImage &truth)
{
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(view(truth).clone(), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
    const double area = double(countSet(truth));
    std::vector<std::vector<cv::Point>> kept;
    for (const auto &c : contours)
        if (cv::contourArea(c) >= 0.005 * area || c.size() > 50)
            kept.push_back(c);
    const double diagonal = std::hypot(truth.width(), truth.height());
    for (double eps = 0.1 * diagonal; eps >= 0.25; eps *= 0.85) {
        std::vector<std::vector<cv::Point>> simplified;
        int vertices = 0;
        for (const auto &c : kept) {
            std::vector<cv::Point> s;
            cv::approxPolyDP(c, s, eps, true);
            if (s.size() >= 3) {
                vertices += int(s.size());
                simplified.push_back(std::move(s));
            }
        }
        cv::Mat drawn = cv::Mat::zeros(truth.height(), truth.width(), CV_8UC1);
        cv::fillPoly(drawn, simplified, cv::Scalar(255));
        cv::polylines(drawn, simplified, true, cv::Scalar(255));
        if (iou(toQImage(drawn), truth) >= kGoal)
            return vertices;
    }
    return -1;
}

struct Timings
{
    std::map<std::string, std::vector<double>> ms;
    void add(const std::string &kind, double v) { ms[kind].push_back(v); }
};

struct ObjectResult
{
    std::string name;
    double share = 0; ///< of the image
    double box = 0, extreme = 0, wandDefault = 0, wandBest = 0, superpixelOracle = 0, superpixel1 = 0,
           watershed = 0, scissors4 = 0;
    int wandBestTolerance = 0;
    int grabCutClicks = kNotReached, wandClicks = kNotReached, superpixelClicks = kNotReached;
    int superpixelsNeeded = -1; ///< uncapped greedy; -1 = never reaches the goal
    int jsonVertices = 0, dpVertices = -1;
};

int grabCutClicksToGoal(const QImage &image, const QImage &truth, const GrabCutResult &start, Timings &t)
{
    GrabCutResult current = start;
    for (int clicks = 0; clicks <= kMaxClicks; ++clicks) {
        if (iou(current.mask, truth) >= kGoal)
            return clicks;
        if (clicks == kMaxClicks)
            break;
        const auto fix = nextCorrection(truth, current.mask);
        if (!fix)
            break;
        const Stroke s{{fix->at}, std::clamp(fix->depthPx / 2, 3, 10)};
        const auto t0 = Clock::now();
        auto r = fix->missed ? grabCutRefine(image, *current.state, {s}, {}) : grabCutRefine(image, *current.state, {}, {s});
        t.add("GrabCut: corrective stroke", msSince(t0));
        if (!r)
            break;
        current = std::move(*r);
    }
    return kNotReached;
}

int wandClicksToGoal(const QImage &image, const QImage &truth, Timings &t)
{
    QImage current(truth.size(), QImage::Format_Grayscale8);
    current.fill(0);
    for (int clicks = 0; clicks <= kMaxClicks; ++clicks) {
        if (iou(current, truth) >= kGoal)
            return clicks;
        if (clicks == kMaxClicks)
            break;
        const auto fix = nextCorrection(truth, current);
        if (!fix)
            break;
        const auto t0 = Clock::now();
        auto r = magicWand(image, fix->at);
        t.add("wand: click", msSince(t0));
        if (!r)
            break;
        cv::Mat c = view(current);
        if (fix->missed)
            c |= view(*r);
        else
            c &= ~view(*r);
    }
    return kNotReached;
}

/// Greedy superpixel selection from the object's coverage; clicks until kGoal (capped at limit).
int superpixelClicksToGoal(const Superpixels &sp, const QImage &truth, int limit, double *afterOne = nullptr)
{
    const std::vector<double> cover = sp.coverage(truth);
    const std::vector<int64_t> areas = sp.areas();
    const double truthArea = double(countSet(truth));
    std::vector<char> chosen(cover.size(), 0);
    double inter = 0, extra = 0; // object pixels chosen, background pixels chosen
    for (int clicks = 0; clicks <= limit; ++clicks) {
        const double q = inter / (truthArea + extra);
        if (clicks == 1 && afterOne)
            *afterOne = q;
        if (q >= kGoal)
            return clicks;
        double bestGain = 0;
        int best = -1;
        for (size_t l = 0; l < cover.size(); ++l) {
            const double in = cover[l] * double(areas[l]), out = double(areas[l]) - in;
            const double gain = chosen[l] ? out - in : in - out;
            if (gain > bestGain) {
                bestGain = gain;
                best = int(l);
            }
        }
        if (best < 0)
            break;
        const double in = cover[size_t(best)] * double(areas[size_t(best)]), out = double(areas[size_t(best)]) - in;
        chosen[size_t(best)] ^= 1;
        inter += chosen[size_t(best)] ? in : -in;
        extra += chosen[size_t(best)] ? out : -out;
    }
    return -1;
}

void measureScissors(const QImage &image, const QImage &truth, ObjectResult &r, Timings &t, Scissors &scissors)
{
    const std::vector<QPoint> anchors = extremePoints(truth);
    std::vector<std::vector<QPoint>> segments;
    for (size_t i = 0; i < anchors.size(); ++i) {
        auto t0 = Clock::now();
        if (!scissors.setAnchor(anchors[i]))
            return;
        t.add("scissors: new anchor", msSince(t0));
        t0 = Clock::now();
        segments.push_back(scissors.pathTo(anchors[(i + 1) % anchors.size()]));
        t.add("scissors: path to pointer", msSince(t0));
    }
    r.scissors4 = iou(maskFromPaths(segments, image.size()), truth);
}

ObjectResult measureObject(const QImage &image, const Object &o, const QImage &truth, const Superpixels &sp,
                           Scissors &scissors, Timings &t)
{
    ObjectResult r;
    r.name = o.name.toStdString();
    r.share = double(countSet(truth)) / (double(image.width()) * image.height());
    r.jsonVertices = o.polygonVertices;
    const QRect box = boundsOf(truth);

    auto t0 = Clock::now();
    auto fromBox = grabCutFromBox(image, box);
    t.add("GrabCut: box", msSince(t0));
    if (fromBox) {
        r.box = iou(fromBox->mask, truth);
        r.grabCutClicks = grabCutClicksToGoal(image, truth, *fromBox, t);
    }
    t0 = Clock::now();
    auto fromPoints = grabCutFromExtremePoints(image, extremePoints(truth));
    t.add("GrabCut: 4 extreme points", msSince(t0));
    if (fromPoints)
        r.extreme = iou(fromPoints->mask, truth);

    int depth = 0;
    const QPoint inside = deepestPoint(truth, &depth);
    for (int tolerance : {8, 16, 24, 32, 48, 64}) {
        MagicWandOptions options;
        options.tolerance = tolerance;
        t0 = Clock::now();
        auto w = magicWand(image, inside, options);
        t.add("wand: click", msSince(t0));
        const double q = w ? iou(*w, truth) : 0;
        if (tolerance == MagicWandOptions{}.tolerance)
            r.wandDefault = q;
        if (q > r.wandBest) {
            r.wandBest = q;
            r.wandBestTolerance = tolerance;
        }
    }
    r.wandClicks = wandClicksToGoal(image, truth, t);

    std::vector<int> oracle;
    const std::vector<double> cover = sp.coverage(truth);
    for (size_t l = 0; l < cover.size(); ++l)
        if (cover[l] > 0.5)
            oracle.push_back(int(l));
    r.superpixelOracle = iou(sp.maskOf(oracle), truth);
    const int clicks = superpixelClicksToGoal(sp, truth, kMaxClicks, &r.superpixel1);
    r.superpixelClicks = clicks < 0 ? kNotReached : clicks;
    r.superpixelsNeeded = superpixelClicksToGoal(sp, truth, 5000);
    // What the UI does per superpixel click: find the label, redraw the selection's mask.
    std::vector<int> selection;
    for (int k = 0; k < 10 && k < int(oracle.size()); ++k) {
        t0 = Clock::now();
        selection.push_back(sp.labelAt(inside + QPoint(k, 0)));
        const QImage m = sp.maskOf(selection);
        t.add("superpixels: click", msSince(t0));
    }

    const int margin = std::max(box.width(), box.height()) / 10;
    const QRect ring = box.adjusted(-margin, -margin, margin, margin).intersected(image.rect());
    const Stroke background{{ring.topLeft(), ring.topRight(), ring.bottomRight(), ring.bottomLeft(), ring.topLeft()}, 2};
    t0 = Clock::now();
    auto ws = watershedForeground(image, {Stroke{{inside}, std::max(3, depth / 2)}}, {background});
    t.add("watershed: 2 scribbles", msSince(t0));
    if (ws)
        r.watershed = iou(*ws, truth);

    measureScissors(image, truth, r, t, scissors);
    r.dpVertices = polygonVerticesFor(truth);
    return r;
}

std::string clicksText(int clicks)
{
    return clicks >= kNotReached ? std::string(">20") : std::to_string(clicks);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (!examplesInstalled()) {
        std::fprintf(stderr, "bench_assist: labelme-examples is not installed (scripts/setup.sh installs it)\n");
        return 1;
    }
    std::vector<Photo> photos = vocPhotos();
    for (Photo &p : classPhotos())
        photos.push_back(std::move(p));

    Timings t;
    std::vector<ObjectResult> results;
    for (Photo &p : photos) {
        // About one megapixel: what the 300 ms target is for.
        const double f = std::sqrt(1e6 / (double(p.image.width()) * p.image.height()));
        const QSize size = std::abs(f - 1) < 0.15 ? p.image.size()
                                                  : QSize(int(std::lround(p.image.width() * f)), int(std::lround(p.image.height() * f)));
        const QImage image = size == p.image.size() ? p.image : p.image.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        std::printf("%s: %d x %d (from %d x %d), %zu objects\n", qPrintable(p.name), size.width(), size.height(),
                    p.image.width(), p.image.height(), p.objects.size());
        std::fflush(stdout);

        auto t0 = Clock::now();
        auto sp = Superpixels::compute(image);
        t.add("superpixels: SLICO per image", msSince(t0));
        SuperpixelOptions lscOptions;
        lscOptions.algorithm = SuperpixelOptions::Algorithm::Lsc;
        t0 = Clock::now();
        auto lsc = Superpixels::compute(image, lscOptions);
        t.add("superpixels: LSC per image", msSince(t0));
        t0 = Clock::now();
        auto scissors = Scissors::build(image);
        t.add("scissors: edge features per image", msSince(t0));
        if (!sp || !lsc || !scissors) {
            std::fprintf(stderr, "bench_assist: %s: precomputation failed\n", qPrintable(p.name));
            return 1;
        }
        for (const Object &o : p.objects) {
            const QImage truth = size == p.image.size() ? o.mask : o.mask.scaled(size).convertToFormat(QImage::Format_Grayscale8);
            results.push_back(measureObject(image, o, truth, *sp, *scissors, t));
            const ObjectResult &r = results.back();
            std::printf("  %-44s %5.1f%%  box %.3f  4 points %.3f  wand %.3f (best %.3f at %d)  superpixels %.3f  "
                        "watershed %.3f  scissors %.3f | clicks: GrabCut %s wand %s superpixels %s (%d needed) | "
                        "polygon: drawn %d, DP %d\n",
                        r.name.c_str(), 100 * r.share, r.box, r.extreme, r.wandDefault, r.wandBest, r.wandBestTolerance,
                        r.superpixelOracle, r.watershed, r.scissors4, clicksText(r.grabCutClicks).c_str(),
                        clicksText(r.wandClicks).c_str(), clicksText(r.superpixelClicks).c_str(), r.superpixelsNeeded,
                        r.jsonVertices, r.dpVertices);
            std::fflush(stdout);
        }
    }

    auto column = [&](auto get) {
        std::vector<double> v;
        for (const ObjectResult &r : results)
            v.push_back(double(get(r)));
        return v;
    };
    auto reached = [&](auto get) {
        int n = 0;
        for (const ObjectResult &r : results)
            n += get(r) < kNotReached;
        return double(n) / double(results.size());
    };
    const std::vector<double> box = column([](auto &r) { return r.box; }), extreme = column([](auto &r) { return r.extreme; }),
                              wand = column([](auto &r) { return r.wandDefault; }), wandBest = column([](auto &r) { return r.wandBest; }),
                              spOracle = column([](auto &r) { return r.superpixelOracle; }),
                              sp1 = column([](auto &r) { return r.superpixel1; }),
                              ws = column([](auto &r) { return r.watershed; }), sc = column([](auto &r) { return r.scissors4; });
    const std::vector<double> gcClicks = column([](auto &r) { return r.grabCutClicks; }),
                              wandClicks = column([](auto &r) { return r.wandClicks; }),
                              spClicks = column([](auto &r) { return r.superpixelClicks; });
    std::vector<double> spNeeded, json, dp;
    for (const ObjectResult &r : results) {
        if (r.superpixelsNeeded >= 0)
            spNeeded.push_back(r.superpixelsNeeded);
        if (r.jsonVertices > 0)
            json.push_back(r.jsonVertices);
        if (r.dpVertices > 0)
            dp.push_back(r.dpVertices);
    }

    std::printf("\n%zu objects on %zu photos (about 1 MP each)\n", results.size(), photos.size());
    std::printf("IoU with the hand mask                         median   mean\n");
    auto iouRow = [](const char *what, const std::vector<double> &v) {
        std::printf("  %-44s %.3f   %.3f\n", what, median(v), mean(v));
    };
    iouRow("GrabCut, tight box", box);
    iouRow("GrabCut, 4 extreme points", extreme);
    iouRow("wand, one click, default tolerance 24", wand);
    iouRow("wand, one click, best of 8..64 (oracle)", wandBest);
    iouRow("superpixels, one click", sp1);
    iouRow("superpixels, all mostly inside (ceiling)", spOracle);
    iouRow("watershed, 2 scribbles (inside, ring round box)", ws);
    iouRow("scissors, 4 anchors at the extreme points", sc);
    std::printf("Clicks to IoU %.1f (simulated annotator, at most %d)  median   reached\n", kGoal, kMaxClicks);
    std::printf("  %-44s %6s   %3.0f%%\n", "GrabCut: after the box (2 clicks)", clicksText(int(median(gcClicks))).c_str(),
                100 * reached([](auto &r) { return r.grabCutClicks; }));
    std::printf("  %-44s %6s   %3.0f%%\n", "wand", clicksText(int(median(wandClicks))).c_str(),
                100 * reached([](auto &r) { return r.wandClicks; }));
    std::printf("  %-44s %6s   %3.0f%%\n", "superpixels, one per click", clicksText(int(median(spClicks))).c_str(),
                100 * reached([](auto &r) { return r.superpixelClicks; }));
    std::printf("  %-44s %6.0f   (%zu of %zu reach %.1f at all)\n", "superpixels needed, no limit", median(spNeeded),
                spNeeded.size(), results.size(), kGoal);
    std::printf("  %-44s %6.0f\n", "polygon: vertices the annotator drew", median(json));
    std::printf("  %-44s %6.0f\n", "polygon: fewest vertices for 0.9 (DP)", median(dp));
    std::printf("Time per assist (ms, about 1 MP)                    p50      max      n\n");
    for (const auto &[kind, v] : t.ms)
        std::printf("  %-44s %8.1f %8.1f %6zu\n", kind.c_str(), median(v), maximum(v), v.size());

    using gw::bench::Better;
    using gw::bench::figure;
    bool ok = true;
    figure("assist", "GrabCut box: IoU median", median(box), "IoU", Better::Higher);
    figure("assist", "GrabCut 4 points: IoU median", median(extreme), "IoU", Better::Higher);
    figure("assist", "wand one click: IoU median", median(wand), "IoU", Better::Higher);
    figure("assist", "superpixels ceiling: IoU median", median(spOracle), "IoU", Better::Higher);
    figure("assist", "watershed 2 scribbles: IoU median", median(ws), "IoU", Better::Higher);
    figure("assist", "GrabCut: clicks after box to 0.9, median", median(gcClicks), "clicks", Better::Lower);
    figure("assist", "GrabCut: objects reaching 0.9", reached([](auto &r) { return r.grabCutClicks; }), "share", Better::Higher);
    figure("assist", "wand: objects reaching 0.9", reached([](auto &r) { return r.wandClicks; }), "share", Better::Higher);
    figure("assist", "polygon: DP vertices for 0.9, median", median(dp), "vertices", Better::Lower);
    // Interactive steps answer within 300 ms; precomputations run once per image in the background.
    for (const char *kind : {"GrabCut: box", "GrabCut: 4 extreme points", "GrabCut: corrective stroke", "wand: click",
                             "superpixels: click", "scissors: path to pointer", "watershed: 2 scribbles"}) {
        const std::vector<double> &v = t.ms[kind];
        figure("assist", (std::string(kind) + ", p50").c_str(), median(v), "ms", Better::Lower);
        ok &= figure("assist", (std::string(kind) + ", max").c_str(), maximum(v), "ms", Better::Lower, 300);
    }
    for (const char *kind : {"superpixels: SLICO per image", "superpixels: LSC per image",
                             "scissors: edge features per image", "scissors: new anchor"})
        figure("assist", (std::string(kind) + ", max").c_str(), maximum(t.ms[kind]), "ms", Better::Lower);
    return ok ? 0 : 2;
}
