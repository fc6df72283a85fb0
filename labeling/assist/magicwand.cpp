#include "labeling/assist/assist.h"
#include "labeling/assist/workimage.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace gw::labeling::assist {

using namespace detail;

Result<QImage> magicWand(const QImage &image, QPoint click, const MagicWandOptions &options, CancelFlag cancel)
{
    if (image.isNull())
        return fail(Error::invalid("no image for the magic wand"));
    if (!image.rect().contains(click))
        return blankMask(image.size());
    if (isCancelled(cancel))
        return fail(Error::cancelled());
    auto w = workImage(image, image.rect(), options.maxWorkingSide);
    if (!w)
        return fail(w.error());
    const cv::Point seed = w->toWork(click);
    // The reference colour is the clicked neighbourhood's mean (Photoshop's "3 by 3 average" and more):
    // a single JPEG pixel can be far off its surroundings, and a fixed range compares with the seed pixel.
    const cv::Rect around = cv::Rect(seed.x - 2, seed.y - 2, 5, 5) & cv::Rect(0, 0, w->rgb.cols, w->rgb.rows);
    const cv::Scalar mean = cv::mean(w->rgb(around));
    w->rgb.at<cv::Vec3b>(seed) = cv::Vec3b(cv::saturate_cast<uchar>(mean[0]), cv::saturate_cast<uchar>(mean[1]),
                                           cv::saturate_cast<uchar>(mean[2]));
    const int tolerance = std::clamp(options.tolerance, 0, 255);
    const int flags = (options.eightConnected ? 8 : 4) | cv::FLOODFILL_MASK_ONLY | (255 << 8)
                      | (options.floating ? 0 : cv::FLOODFILL_FIXED_RANGE);
    cv::Mat filled = cv::Mat::zeros(w->rgb.rows + 2, w->rgb.cols + 2, CV_8UC1);
    try {
        cv::floodFill(w->rgb, filled, seed, cv::Scalar(), nullptr, cv::Scalar::all(tolerance),
                      cv::Scalar::all(tolerance), flags);
    } catch (const cv::Exception &e) {
        return fail(openCvError("the magic wand", e));
    }
    cv::Mat region = filled(cv::Rect(1, 1, w->rgb.cols, w->rgb.rows)).clone();
    fillSmallHoles(region, options.maxHoleShare);
    if (isCancelled(cancel))
        return fail(Error::cancelled());
    return toImageMask(region, *w);
}

} // namespace gw::labeling::assist
