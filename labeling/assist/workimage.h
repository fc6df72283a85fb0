#pragma once

// What the assists share behind assist.h: the downscaled working copy of an image region and the mapping of
// points and masks between it and the full image, strokes drawn into working masks, and the clean-up of a
// raw segmentation into one object. OpenCV types are fine here: only the assists' .cpp files include it.

#include "labeling/assist/assist.h"

#include <opencv2/core.hpp>

namespace gw::labeling::assist::detail {

inline bool isCancelled(CancelFlag cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

/// A region of the image as RGB, scaled so that its longer side is at most the working side.
struct WorkImage
{
    cv::Mat rgb;      ///< CV_8UC3
    QRect region;     ///< the part of the image copied, full-image coordinates
    QSize imageSize;  ///< the full image's
    double scaleX = 1, scaleY = 1; ///< working pixels per image pixel (<= 1)

    /// Clamped into the working image unless clamp is false (for drawing, which clips by itself).
    cv::Point toWork(QPoint p, bool clamp = true) const;
    QPoint toImage(cv::Point p) const;
    /// A length (a stroke's radius) in working pixels, at least minimum.
    int toWork(int lengthPx, int minimum = 1) const;
    bool scaled() const { return rgb.cols != region.width() || rgb.rows != region.height(); }
};

/// The region (clipped to the image) as a WorkImage; fails on a null image or an empty region.
Result<WorkImage> workImage(const QImage &image, QRect region, int maxWorkingSide);

/// A Format_Grayscale8 mask of the full image from a working mask (nonzero = object) of w's region.
/// Upscaling interpolates and thresholds, so a downscaled result comes back with smooth edges, not blocks.
QImage toImageMask(const cv::Mat &workMask, const WorkImage &w);

/// A Format_Grayscale8 mask of size, all 0.
QImage blankMask(QSize size);

/// Paints a stroke (image coordinates) into a working mask with value.
void drawStroke(cv::Mat &mask, const Stroke &stroke, const WorkImage &w, int value);

/// Keeps the largest connected component of mask (nonzero) and every component touching a seed (nonzero in
/// seeds, which may be empty), then fills holes smaller than maxHoleShare of what is kept.
void keepObject(cv::Mat &mask, const cv::Mat &seeds, double maxHoleShare);

/// Fills the holes (background components not touching the border) smaller than maxHoleShare of the object.
void fillSmallHoles(cv::Mat &mask, double maxHoleShare);

/// Turns a cv::Exception into an Error naming the assist.
Error openCvError(const char *assist, const std::exception &e);

} // namespace gw::labeling::assist::detail
