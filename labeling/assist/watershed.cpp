#include "labeling/assist/assist.h"
#include "labeling/assist/workimage.h"

#include <opencv2/imgproc.hpp>

#include <set>

namespace gw::labeling::assist {

using namespace detail;

namespace {

/// cv::watershed leaves -1 on the lines between regions; give each such pixel to a neighbouring region so
/// the masks tile the image instead of leaving a one-pixel gap around every object.
void assignRidges(cv::Mat &markers)
{
    const cv::Mat before = markers.clone();
    for (int y = 0; y < markers.rows; ++y)
        for (int x = 0; x < markers.cols; ++x) {
            if (before.at<int>(y, x) != -1)
                continue;
            const cv::Point neighbours[] = {{x - 1, y}, {x, y - 1}, {x + 1, y}, {x, y + 1}};
            for (const cv::Point n : neighbours)
                if (n.x >= 0 && n.y >= 0 && n.x < markers.cols && n.y < markers.rows && before.at<int>(n) > 0) {
                    markers.at<int>(y, x) = before.at<int>(n);
                    break;
                }
        }
}

} // namespace

Result<std::vector<std::pair<int, QImage>>> watershedObjects(const QImage &image,
                                                             const std::vector<Scribble> &scribbles,
                                                             const WatershedOptions &options, CancelFlag cancel)
{
    std::set<int> objects;
    bool background = false;
    for (const Scribble &s : scribbles) {
        if (s.label < 1)
            return fail(Error::invalid("watershed labels start at 1 (background)"));
        if (s.stroke.points.empty())
            continue;
        if (s.label == 1)
            background = true;
        else
            objects.insert(s.label);
    }
    if (objects.empty())
        return fail(Error::invalid("the watershed needs a scribble on an object"));
    if (isCancelled(cancel))
        return fail(Error::cancelled());
    auto w = workImage(image, image.rect(), options.maxWorkingSide);
    if (!w)
        return fail(w.error());
    cv::Mat markers = cv::Mat::zeros(w->rgb.size(), CV_32SC1);
    // Without a background scribble the image's edge is background, so one object scribble is enough. Inset by
    // a pixel: cv::watershed claims the outermost pixels for its own ridge marks.
    if (!background)
        cv::rectangle(markers, cv::Rect(1, 1, markers.cols - 2, markers.rows - 2), cv::Scalar(1), 1);
    for (const Scribble &s : scribbles)
        drawStroke(markers, s.stroke, *w, s.label);
    try {
        cv::watershed(w->rgb, markers);
    } catch (const cv::Exception &e) {
        return fail(openCvError("the watershed", e));
    }
    if (isCancelled(cancel))
        return fail(Error::cancelled());
    assignRidges(markers);
    std::vector<std::pair<int, QImage>> masks;
    for (int label : objects)
        masks.emplace_back(label, toImageMask(markers == label, *w));
    return masks;
}

Result<QImage> watershedForeground(const QImage &image, const std::vector<Stroke> &foreground,
                                   const std::vector<Stroke> &background, const WatershedOptions &options,
                                   CancelFlag cancel)
{
    std::vector<Scribble> scribbles;
    for (const Stroke &s : background)
        scribbles.push_back({1, s});
    for (const Stroke &s : foreground)
        scribbles.push_back({2, s});
    auto masks = watershedObjects(image, scribbles, options, cancel);
    if (!masks)
        return fail(masks.error());
    return std::move(masks->front().second);
}

} // namespace gw::labeling::assist
