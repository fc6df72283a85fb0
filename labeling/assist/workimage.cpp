#include "labeling/assist/workimage.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace gw::labeling::assist::detail {

cv::Point WorkImage::toWork(QPoint p, bool clamp) const
{
    // Pixel centres map to pixel centres, so a click stays on the pixel it was on at any scale.
    const int x = int(std::floor((p.x() - region.x() + 0.5) * scaleX));
    const int y = int(std::floor((p.y() - region.y() + 0.5) * scaleY));
    if (!clamp)
        return {x, y};
    return {std::clamp(x, 0, rgb.cols - 1), std::clamp(y, 0, rgb.rows - 1)};
}

QPoint WorkImage::toImage(cv::Point p) const
{
    const int x = region.x() + int(std::floor((p.x + 0.5) / scaleX));
    const int y = region.y() + int(std::floor((p.y + 0.5) / scaleY));
    return {std::clamp(x, 0, imageSize.width() - 1), std::clamp(y, 0, imageSize.height() - 1)};
}

int WorkImage::toWork(int lengthPx, int minimum) const
{
    return std::max(minimum, int(std::lround(lengthPx * std::min(scaleX, scaleY))));
}

Result<WorkImage> workImage(const QImage &image, QRect region, int maxWorkingSide)
{
    if (image.isNull())
        return fail(Error::invalid("no image to work on"));
    region = region.intersected(image.rect());
    if (region.isEmpty())
        return fail(Error::invalid("the region is outside the image"));
    WorkImage w;
    w.region = region;
    w.imageSize = image.size();
    // Copy the region first: converting a 24-megapixel image to crop a box out of it would dominate the cost.
    const QImage rgb = (region == image.rect() ? image : image.copy(region)).convertToFormat(QImage::Format_RGB888);
    const cv::Mat view(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar *>(rgb.constBits()),
                       size_t(rgb.bytesPerLine()));
    const int longer = std::max(region.width(), region.height());
    maxWorkingSide = std::max(maxWorkingSide, 8);
    if (longer <= maxWorkingSide) {
        w.rgb = view.clone();
    } else {
        const double s = double(maxWorkingSide) / longer;
        const cv::Size size(std::max(1, int(std::lround(region.width() * s))),
                            std::max(1, int(std::lround(region.height() * s))));
        cv::resize(view, w.rgb, size, 0, 0, cv::INTER_AREA);
    }
    w.scaleX = double(w.rgb.cols) / region.width();
    w.scaleY = double(w.rgb.rows) / region.height();
    return w;
}

QImage blankMask(QSize size)
{
    QImage mask(size, QImage::Format_Grayscale8);
    mask.fill(0);
    return mask;
}

QImage toImageMask(const cv::Mat &workMask, const WorkImage &w)
{
    cv::Mat binary = workMask != 0; // 0 / 255
    if (w.scaled()) {
        cv::Mat up;
        cv::resize(binary, up, cv::Size(w.region.width(), w.region.height()), 0, 0, cv::INTER_LINEAR);
        binary = up >= 128;
    }
    QImage mask = blankMask(w.imageSize);
    for (int y = 0; y < binary.rows; ++y)
        std::memcpy(mask.scanLine(w.region.y() + y) + w.region.x(), binary.ptr<uchar>(y), size_t(binary.cols));
    return mask;
}

void drawStroke(cv::Mat &mask, const Stroke &stroke, const WorkImage &w, int value)
{
    if (stroke.points.empty())
        return;
    const int r = w.toWork(stroke.radiusPx);
    cv::Point last = w.toWork(stroke.points.front(), false);
    cv::circle(mask, last, r, cv::Scalar(value), cv::FILLED);
    for (size_t i = 1; i < stroke.points.size(); ++i) {
        const cv::Point p = w.toWork(stroke.points[i], false);
        cv::line(mask, last, p, cv::Scalar(value), 2 * r + 1);
        cv::circle(mask, p, r, cv::Scalar(value), cv::FILLED);
        last = p;
    }
}

void fillSmallHoles(cv::Mat &mask, double maxHoleShare)
{
    const int objectArea = cv::countNonZero(mask);
    if (objectArea == 0 || maxHoleShare <= 0)
        return;
    cv::Mat background = mask == 0, labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(background, labels, stats, centroids, 4, CV_32S);
    std::vector<uchar> fill(size_t(n), 0);
    for (int i = 1; i < n; ++i) {
        const int x = stats.at<int>(i, cv::CC_STAT_LEFT), y = stats.at<int>(i, cv::CC_STAT_TOP);
        const int wd = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
        const bool touchesBorder = x == 0 || y == 0 || x + wd == mask.cols || y + h == mask.rows;
        fill[size_t(i)] = !touchesBorder && stats.at<int>(i, cv::CC_STAT_AREA) <= maxHoleShare * objectArea;
    }
    for (int y = 0; y < mask.rows; ++y) {
        const int *l = labels.ptr<int>(y);
        uchar *m = mask.ptr<uchar>(y);
        for (int x = 0; x < mask.cols; ++x)
            if (fill[size_t(l[x])])
                m[x] = 255;
    }
}

void keepObject(cv::Mat &mask, const cv::Mat &seeds, double maxHoleShare)
{
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(mask != 0, labels, stats, centroids, 8, CV_32S);
    if (n <= 1)
        return;
    std::vector<uchar> keep(size_t(n), 0);
    int largest = 1;
    for (int i = 2; i < n; ++i)
        if (stats.at<int>(i, cv::CC_STAT_AREA) > stats.at<int>(largest, cv::CC_STAT_AREA))
            largest = i;
    keep[size_t(largest)] = 1;
    if (!seeds.empty())
        for (int y = 0; y < mask.rows; ++y) {
            const int *l = labels.ptr<int>(y);
            const uchar *s = seeds.ptr<uchar>(y);
            for (int x = 0; x < mask.cols; ++x)
                if (s[x] && l[x])
                    keep[size_t(l[x])] = 1;
        }
    for (int y = 0; y < mask.rows; ++y) {
        const int *l = labels.ptr<int>(y);
        uchar *m = mask.ptr<uchar>(y);
        for (int x = 0; x < mask.cols; ++x)
            m[x] = keep[size_t(l[x])] ? 255 : 0;
    }
    fillSmallHoles(mask, maxHoleShare);
}

Error openCvError(const char *assist, const std::exception &e)
{
    return Error::internal(std::string(assist) + " failed: " + e.what());
}

} // namespace gw::labeling::assist::detail
