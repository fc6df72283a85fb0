#include "labeling/assist/assist.h"
#include "labeling/assist/workimage.h"

#include <opencv2/imgproc.hpp>

namespace gw::labeling::assist {

double iou(const QImage &a, const QImage &b)
{
    if (a.size() != b.size())
        return 0;
    const QImage ga = a.depth() == 8 ? a : a.convertToFormat(QImage::Format_Grayscale8);
    const QImage gb = b.depth() == 8 ? b : b.convertToFormat(QImage::Format_Grayscale8);
    int64_t both = 0, either = 0;
    for (int y = 0; y < ga.height(); ++y) {
        const uchar *pa = ga.constScanLine(y), *pb = gb.constScanLine(y);
        for (int x = 0; x < ga.width(); ++x) {
            both += pa[x] && pb[x];
            either += pa[x] || pb[x];
        }
    }
    return either ? double(both) / double(either) : 1.0;
}

QImage maskFromPolygon(const std::vector<QPoint> &points, QSize size)
{
    QImage mask = detail::blankMask(size);
    if (points.empty() || mask.isNull())
        return mask;
    cv::Mat view(mask.height(), mask.width(), CV_8UC1, mask.bits(), size_t(mask.bytesPerLine()));
    std::vector<cv::Point> polygon;
    polygon.reserve(points.size());
    for (QPoint p : points)
        polygon.emplace_back(p.x(), p.y());
    // The outline belongs to the object, as the pixels a user traced along.
    cv::fillPoly(view, std::vector<std::vector<cv::Point>>{polygon}, cv::Scalar(255));
    cv::polylines(view, std::vector<std::vector<cv::Point>>{polygon}, true, cv::Scalar(255));
    return mask;
}

} // namespace gw::labeling::assist
