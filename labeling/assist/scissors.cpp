#include "labeling/assist/assist.h"
#include "labeling/assist/workimage.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/imgproc/segmentation.hpp>

#include <algorithm>

namespace gw::labeling::assist {

using namespace detail;

struct Scissors::Impl
{
    WorkImage work;
    cv::segmentation::IntelligentScissorsMB tool;
    bool anchored = false;
    cv::Point anchor;
    QPoint anchorInImage;
};

Scissors::Scissors() : d(std::make_unique<Impl>()) {}
Scissors::Scissors(Scissors &&) noexcept = default;
Scissors &Scissors::operator=(Scissors &&) noexcept = default;
Scissors::~Scissors() = default;

Result<Scissors> Scissors::build(const QImage &image, const ScissorsOptions &options, CancelFlag cancel)
{
    if (isCancelled(cancel))
        return fail(Error::cancelled());
    auto w = workImage(image, image.rect(), options.maxWorkingSide);
    if (!w)
        return fail(w.error());
    Scissors s;
    s.d->work = std::move(*w);
    try {
        // OpenCV's tutorial settings: Canny edges as the "non-edge" feature, the rest from the gradient.
        s.d->tool.setEdgeFeatureCannyParameters(32, 100);
        s.d->tool.setGradientMagnitudeMaxLimit(200);
        s.d->tool.applyImage(s.d->work.rgb);
    } catch (const cv::Exception &e) {
        return fail(openCvError("intelligent scissors", e));
    }
    if (isCancelled(cancel))
        return fail(Error::cancelled());
    return s;
}

Result<void> Scissors::setAnchor(QPoint anchor, CancelFlag cancel)
{
    if (isCancelled(cancel))
        return fail(Error::cancelled());
    d->anchored = false;
    d->anchor = d->work.toWork(anchor);
    d->anchorInImage = QPoint(std::clamp(anchor.x(), 0, d->work.imageSize.width() - 1),
                              std::clamp(anchor.y(), 0, d->work.imageSize.height() - 1));
    try {
        d->tool.buildMap(d->anchor);
    } catch (const cv::Exception &e) {
        return fail(openCvError("intelligent scissors", e));
    }
    if (isCancelled(cancel))
        return fail(Error::cancelled());
    d->anchored = true;
    return {};
}

bool Scissors::hasAnchor() const
{
    return d->anchored;
}

std::vector<QPoint> Scissors::pathTo(QPoint target) const
{
    if (!d->anchored)
        return {};
    std::vector<cv::Point> contour;
    try {
        d->tool.getContour(d->work.toWork(target), contour); // anchor first
    } catch (const cv::Exception &) {
        return {};
    }
    std::vector<QPoint> path;
    path.reserve(contour.size() + 1);
    for (cv::Point p : contour) {
        const QPoint q = d->work.toImage(p);
        if (path.empty() || path.back() != q)
            path.push_back(q);
    }
    // At a reduced scale the ends land on their working pixel's centre; the user clicked exactly there.
    const QPoint end(std::clamp(target.x(), 0, d->work.imageSize.width() - 1),
                     std::clamp(target.y(), 0, d->work.imageSize.height() - 1));
    if (path.size() < 2)
        path = {d->anchorInImage, end};
    path.front() = d->anchorInImage;
    path.back() = end;
    if (path.front() == path.back() && path.size() == 2)
        path.pop_back();
    return path;
}

QImage maskFromPaths(const std::vector<std::vector<QPoint>> &segments, QSize size)
{
    std::vector<QPoint> outline;
    for (const std::vector<QPoint> &segment : segments)
        for (QPoint p : segment)
            if (outline.empty() || outline.back() != p)
                outline.push_back(p);
    return maskFromPolygon(outline, size);
}

} // namespace gw::labeling::assist
