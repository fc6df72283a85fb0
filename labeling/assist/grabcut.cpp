// GrabCut on the box's neighbourhood only (box plus a margin, downscaled): the ring around the box is what the
// background model should learn, and graph cuts over a whole 1-megapixel image would cost seconds.

#include "labeling/assist/assist.h"
#include "labeling/assist/workimage.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace gw::labeling::assist {

using namespace detail;

struct GrabCutState
{
    WorkImage work;
    cv::Mat labels;             ///< cv::GC_BGD, GC_FGD, GC_PR_BGD, GC_PR_FGD per working pixel
    cv::Mat bgdModel, fgdModel; ///< GrabCut's colour models, as cv::grabCut keeps them
    cv::Mat seeds;              ///< what the user said is object (255): components touching it are kept
    cv::Mat userBackground;     ///< what the user said is background (255), as opposed to outside the box
};

namespace {

QRect withMargin(QRect box, const GrabCutOptions &options, QSize imageSize)
{
    const int m = std::max(8, int(std::lround(options.marginShare * std::max(box.width(), box.height()))));
    return box.adjusted(-m, -m, m, m).intersected(QRect(QPoint(0, 0), imageSize));
}

cv::Rect workRect(const WorkImage &w, QRect box)
{
    const cv::Point a = w.toWork(box.topLeft()), b = w.toWork(box.bottomRight());
    cv::Rect r(a, cv::Point(b.x + 1, b.y + 1));
    // A box over the whole image leaves GrabCut no background to learn from: give it the outermost pixels.
    if (r.x == 0 && r.y == 0 && r.br() == cv::Point(w.rgb.cols, w.rgb.rows) && r.width > 2 && r.height > 2)
        r = cv::Rect(1, 1, r.width - 2, r.height - 2);
    return r;
}

/// Runs GrabCut on the state (initialised as mode says) and turns its labels into the object's mask.
Result<GrabCutResult> run(std::shared_ptr<GrabCutState> s, int mode, cv::Rect rect, const GrabCutOptions &options,
                          CancelFlag cancel)
{
    if (isCancelled(cancel))
        return fail(Error::cancelled());
    if (mode == cv::GC_INIT_WITH_MASK) {
        // GrabCut's k-means needs samples of both sides; without them there is nothing to re-learn.
        const int fg = cv::countNonZero(s->labels & 1);
        if (fg < 5 || s->labels.total() - size_t(fg) < 5) {
            cv::Mat mask = (s->labels & 1) != 0;
            return GrabCutResult{toImageMask(mask, s->work), std::move(s)};
        }
    }
    try {
        // GrabCut seeds its colour models with k-means, which draws from OpenCV's per-thread generator: a
        // fixed seed makes the same clicks give the same mask on any thread, every time.
        cv::theRNG() = cv::RNG(0x6772636b);
        // One iteration per call so a cancel is seen between them; GC_EVAL continues with the same models,
        // exactly as cv::grabCut's own loop would.
        cv::grabCut(s->work.rgb, s->labels, rect, s->bgdModel, s->fgdModel, 1, mode);
        for (int i = 1; i < options.iterations; ++i) {
            if (isCancelled(cancel))
                return fail(Error::cancelled());
            cv::grabCut(s->work.rgb, s->labels, rect, s->bgdModel, s->fgdModel, 1, cv::GC_EVAL);
        }
    } catch (const cv::Exception &e) {
        return fail(openCvError("GrabCut", e));
    }
    if (isCancelled(cancel))
        return fail(Error::cancelled());
    cv::Mat mask = (s->labels & 1) != 0;
    keepObject(mask, s->seeds, options.maxHoleShare);
    QImage full = toImageMask(mask, s->work);
    return GrabCutResult{std::move(full), std::move(s)};
}

Result<std::shared_ptr<GrabCutState>> newState(const QImage &image, QRect box, const GrabCutOptions &options)
{
    box = box.normalized().intersected(image.rect());
    if (box.width() < 2 || box.height() < 2)
        return fail(Error::invalid("the box is too small for GrabCut (it needs at least 2 x 2 pixels in the image)"));
    auto work = workImage(image, withMargin(box, options, image.size()), options.maxWorkingSide);
    if (!work)
        return fail(work.error());
    auto s = std::make_shared<GrabCutState>();
    s->work = std::move(*work);
    s->labels = cv::Mat(s->work.rgb.size(), CV_8UC1, cv::Scalar(cv::GC_BGD));
    s->seeds = cv::Mat::zeros(s->work.rgb.size(), CV_8UC1);
    s->userBackground = cv::Mat::zeros(s->work.rgb.size(), CV_8UC1);
    return s;
}

/// The previous state on a region grown to hold region: the old labels where it had them, probable
/// background in the new part (a foreground stroke there will claim what belongs to the object).
Result<std::shared_ptr<GrabCutState>> regrown(const QImage &image, const GrabCutState &previous, QRect region,
                                              const GrabCutOptions &options)
{
    auto work = workImage(image, region, options.maxWorkingSide);
    if (!work)
        return fail(work.error());
    auto s = std::make_shared<GrabCutState>();
    s->work = std::move(*work);
    s->labels = cv::Mat(s->work.rgb.size(), CV_8UC1, cv::Scalar(cv::GC_PR_BGD));
    s->seeds = cv::Mat::zeros(s->work.rgb.size(), CV_8UC1);
    s->userBackground = cv::Mat::zeros(s->work.rgb.size(), CV_8UC1);
    const WorkImage &old = previous.work;
    for (int y = 0; y < s->labels.rows; ++y)
        for (int x = 0; x < s->labels.cols; ++x) {
            const QPoint p = s->work.toImage({x, y});
            if (!old.region.contains(p))
                continue;
            const cv::Point q = old.toWork(p);
            s->labels.at<uchar>(y, x) = previous.labels.at<uchar>(q);
            s->seeds.at<uchar>(y, x) = previous.seeds.at<uchar>(q);
            s->userBackground.at<uchar>(y, x) = previous.userBackground.at<uchar>(q);
        }
    return s;
}

QRect strokeBounds(const std::vector<Stroke> &strokes)
{
    QRect r;
    for (const Stroke &s : strokes)
        for (QPoint p : s.points)
            r |= QRect(p, QSize(1, 1)).adjusted(-s.radiusPx, -s.radiusPx, s.radiusPx, s.radiusPx);
    return r;
}

} // namespace

Result<GrabCutResult> grabCutFromBox(const QImage &image, QRect box, const GrabCutOptions &options,
                                     CancelFlag cancel)
{
    auto s = newState(image, box, options);
    if (!s)
        return fail(s.error());
    const cv::Rect rect = workRect((*s)->work, box.normalized().intersected(image.rect()));
    return run(std::move(*s), cv::GC_INIT_WITH_RECT, rect, options, cancel);
}

Result<GrabCutResult> grabCutFromExtremePoints(const QImage &image, const std::vector<QPoint> &extremePoints,
                                               const GrabCutOptions &options, CancelFlag cancel)
{
    if (extremePoints.size() != 4)
        return fail(Error::invalid("GrabCut from extreme points needs exactly four points"));
    QRect box;
    for (QPoint p : extremePoints)
        box |= QRect(p, QSize(1, 1));
    auto made = newState(image, box, options);
    if (!made)
        return fail(made.error());
    std::shared_ptr<GrabCutState> s = std::move(*made);
    s->labels(workRect(s->work, box.intersected(image.rect()))).setTo(cv::GC_PR_FGD);
    // Walk the points around the box's centre so each path joins neighbours (left-top-right-bottom), whatever
    // order they were clicked in.
    std::vector<cv::Point> ring;
    for (QPoint p : extremePoints)
        ring.push_back(s->work.toWork(p));
    const cv::Point2d c(s->work.toWork(box.center()));
    std::sort(ring.begin(), ring.end(), [c](cv::Point a, cv::Point b) {
        return std::atan2(a.y - c.y, a.x - c.x) < std::atan2(b.y - c.y, b.x - c.x);
    });
    for (size_t i = 0; i < ring.size(); ++i) {
        cv::line(s->labels, ring[i], ring[(i + 1) % ring.size()], cv::Scalar(cv::GC_FGD), 1);
        cv::line(s->seeds, ring[i], ring[(i + 1) % ring.size()], cv::Scalar(255), 1);
    }
    for (cv::Point p : ring) {
        cv::circle(s->labels, p, 1, cv::Scalar(cv::GC_FGD), cv::FILLED);
        cv::circle(s->seeds, p, 1, cv::Scalar(255), cv::FILLED);
    }
    return run(std::move(s), cv::GC_INIT_WITH_MASK, {}, options, cancel);
}

Result<GrabCutResult> grabCutRefine(const QImage &image, const GrabCutState &previous,
                                    const std::vector<Stroke> &foreground, const std::vector<Stroke> &background,
                                    const GrabCutOptions &options, CancelFlag cancel)
{
    std::shared_ptr<GrabCutState> s;
    bool outsideTheBox = false;
    const QRect needed = strokeBounds(foreground).intersected(image.rect());
    if (!needed.isEmpty() && !previous.work.region.contains(needed)) {
        if (image.size() != previous.work.imageSize)
            return fail(Error::invalid("GrabCut refinement on another image than the one it started on"));
        auto grown = regrown(image, previous, withMargin(previous.work.region | needed, options, image.size()),
                             options);
        if (!grown)
            return fail(grown.error());
        s = std::move(*grown);
        outsideTheBox = true;
    } else {
        s = std::make_shared<GrabCutState>(previous);
        s->labels = previous.labels.clone();
        s->seeds = previous.seeds.clone();
        s->userBackground = previous.userBackground.clone();
    }
    s->bgdModel = previous.bgdModel.clone();
    s->fgdModel = previous.fgdModel.clone();
    cv::Mat added = cv::Mat::zeros(s->labels.size(), CV_8UC1);
    for (const Stroke &stroke : foreground)
        drawStroke(added, stroke, s->work, 255);
    // Object marked outside the box means the box was wrong: what its outside ruled out becomes merely probable
    // background, or the object's continuation there would stay pinned to the background.
    const cv::Mat boxBackground = (s->labels == cv::GC_BGD) & ~s->userBackground;
    if (outsideTheBox || cv::countNonZero(added & boxBackground) > 0)
        s->labels.setTo(cv::GC_PR_BGD, boxBackground);
    s->labels.setTo(cv::GC_FGD, added);
    s->seeds.setTo(255, added);
    s->userBackground.setTo(0, added);
    for (const Stroke &stroke : background) {
        drawStroke(s->labels, stroke, s->work, cv::GC_BGD);
        drawStroke(s->seeds, stroke, s->work, 0);
        drawStroke(s->userBackground, stroke, s->work, 255);
    }
    return run(std::move(s), cv::GC_INIT_WITH_MASK, {}, options, cancel);
}

} // namespace gw::labeling::assist
