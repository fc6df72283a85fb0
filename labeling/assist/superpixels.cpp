// Superpixels are computed on the working copy and kept as its label map; every query maps full-image pixels
// to it through two index tables (nearest neighbour), so labelAt, maskOf, contours and coverage agree exactly
// at full resolution without a full-size label map in memory.

#include "labeling/assist/assist.h"
#include "labeling/assist/workimage.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/ximgproc/lsc.hpp>
#include <opencv2/ximgproc/slic.hpp>

#include <algorithm>
#include <cmath>

namespace gw::labeling::assist {

using namespace detail;

struct Superpixels::Data
{
    QSize imageSize;
    int workWidth = 0;
    int count = 0;
    std::vector<int32_t> labels; ///< working resolution, row by row
    std::vector<int> workX, workY; ///< the working column (row) of each image column (row)
    std::vector<int64_t> areas;    ///< per superpixel, full-resolution pixels

    const int32_t *row(int y) const { return labels.data() + size_t(workY[size_t(y)]) * size_t(workWidth); }
    int at(int x, int y) const { return row(y)[workX[size_t(x)]]; }
};

namespace {

cv::Mat runAlgorithm(const cv::Mat &lab, const SuperpixelOptions &options, int regionSize)
{
    cv::Mat labels;
    if (options.algorithm == SuperpixelOptions::Algorithm::Lsc) {
        auto lsc = cv::ximgproc::createSuperpixelLSC(lab, regionSize);
        lsc->iterate(options.iterations);
        lsc->enforceLabelConnectivity(25);
        lsc->getLabels(labels);
    } else {
        const int kind = options.algorithm == SuperpixelOptions::Algorithm::Slico ? cv::ximgproc::SLICO
                                                                                    : cv::ximgproc::SLIC;
        auto slic = cv::ximgproc::createSuperpixelSLIC(lab, kind, regionSize);
        slic->iterate(options.iterations);
        // Merges fragments into neighbours and renumbers by connected region: each superpixel is one piece,
        // so a click never selects scattered pixels.
        slic->enforceLabelConnectivity(25);
        slic->getLabels(labels);
    }
    return labels;
}

std::vector<int> indexTable(int imageLength, double scale, int workLength)
{
    std::vector<int> t(static_cast<size_t>(imageLength));
    for (int i = 0; i < imageLength; ++i)
        t[size_t(i)] = std::clamp(int(std::floor((i + 0.5) * scale)), 0, workLength - 1);
    return t;
}

} // namespace

Result<Superpixels> Superpixels::compute(const QImage &image, const SuperpixelOptions &options, CancelFlag cancel)
{
    if (isCancelled(cancel))
        return fail(Error::cancelled());
    auto w = workImage(image, image.rect(), options.maxWorkingSide);
    if (!w)
        return fail(w.error());
    cv::Mat labels;
    try {
        // SLIC measures colour distance in CIELAB, as its authors do; smoothing first keeps JPEG noise from
        // fraying the boundaries.
        cv::Mat lab;
        cv::GaussianBlur(w->rgb, lab, cv::Size(3, 3), 0);
        cv::cvtColor(lab, lab, cv::COLOR_RGB2Lab);
        const int regionSize = w->toWork(options.regionSizePx, 6);
        if (isCancelled(cancel))
            return fail(Error::cancelled());
        labels = runAlgorithm(lab, options, regionSize);
    } catch (const cv::Exception &e) {
        return fail(openCvError("superpixels", e));
    }
    if (isCancelled(cancel))
        return fail(Error::cancelled());

    auto d = std::make_shared<Data>();
    d->imageSize = image.size();
    d->workWidth = labels.cols;
    // Renumber densely: the connectivity step may leave gaps.
    std::vector<int32_t> dense;
    d->labels.resize(labels.total());
    for (int y = 0; y < labels.rows; ++y) {
        const int *l = labels.ptr<int>(y);
        for (int x = 0; x < labels.cols; ++x) {
            const int v = std::max(0, l[x]);
            if (size_t(v) >= dense.size())
                dense.resize(size_t(v) + 1, -1);
            if (dense[size_t(v)] < 0)
                dense[size_t(v)] = d->count++;
            d->labels[size_t(y) * size_t(labels.cols) + size_t(x)] = dense[size_t(v)];
        }
    }
    d->workX = indexTable(image.width(), w->scaleX, labels.cols);
    d->workY = indexTable(image.height(), w->scaleY, labels.rows);
    d->areas.assign(size_t(d->count), 0);
    for (int y = 0; y < image.height(); ++y) {
        const int32_t *r = d->row(y);
        for (int x = 0; x < image.width(); ++x)
            ++d->areas[size_t(r[d->workX[size_t(x)]])];
    }
    Superpixels s;
    s.d = std::move(d);
    return s;
}

QSize Superpixels::imageSize() const
{
    return d ? d->imageSize : QSize();
}

int Superpixels::count() const
{
    return d ? d->count : 0;
}

int Superpixels::labelAt(QPoint point) const
{
    if (!d || !QRect(QPoint(0, 0), d->imageSize).contains(point))
        return -1;
    return d->at(point.x(), point.y());
}

QImage Superpixels::maskOf(int label) const
{
    return maskOf(std::vector<int>{label});
}

QImage Superpixels::maskOf(const std::vector<int> &labels) const
{
    if (!d)
        return {};
    std::vector<uchar> chosen(size_t(d->count), 0);
    for (int l : labels)
        if (l >= 0 && l < d->count)
            chosen[size_t(l)] = 255;
    QImage mask(d->imageSize, QImage::Format_Grayscale8);
    for (int y = 0; y < mask.height(); ++y) {
        const int32_t *r = d->row(y);
        uchar *out = mask.scanLine(y);
        for (int x = 0; x < mask.width(); ++x)
            out[x] = chosen[size_t(r[d->workX[size_t(x)]])];
    }
    return mask;
}

QImage Superpixels::contours() const
{
    if (!d)
        return {};
    QImage lines = blankMask(d->imageSize);
    const int width = lines.width(), height = lines.height();
    for (int y = 0; y < height; ++y) {
        const int32_t *r = d->row(y), *below = d->row(std::min(y + 1, height - 1));
        uchar *out = lines.scanLine(y);
        for (int x = 0; x < width; ++x) {
            const int wx = d->workX[size_t(x)], right = d->workX[size_t(std::min(x + 1, width - 1))];
            if (r[wx] != r[right] || r[wx] != below[wx])
                out[x] = 255;
        }
    }
    return lines;
}

std::vector<int> Superpixels::labelsAlong(const Stroke &stroke) const
{
    if (!d || stroke.points.empty())
        return {};
    // Rasterise the stroke over its own bounds only: a stroke is small next to a large image.
    QRect bounds;
    for (QPoint p : stroke.points)
        bounds |= QRect(p, QSize(1, 1));
    const int r = std::max(0, stroke.radiusPx);
    bounds = bounds.adjusted(-r, -r, r, r).intersected(QRect(QPoint(0, 0), d->imageSize));
    if (bounds.isEmpty())
        return {};
    cv::Mat band = cv::Mat::zeros(bounds.height(), bounds.width(), CV_8UC1);
    auto local = [&](QPoint p) { return cv::Point(p.x() - bounds.x(), p.y() - bounds.y()); };
    cv::circle(band, local(stroke.points.front()), r, cv::Scalar(255), cv::FILLED);
    for (size_t i = 1; i < stroke.points.size(); ++i) {
        cv::line(band, local(stroke.points[i - 1]), local(stroke.points[i]), cv::Scalar(255), 2 * r + 1);
        cv::circle(band, local(stroke.points[i]), r, cv::Scalar(255), cv::FILLED);
    }
    std::vector<uchar> seen(size_t(d->count), 0);
    std::vector<int> found;
    for (int y = 0; y < band.rows; ++y) {
        const uchar *b = band.ptr<uchar>(y);
        for (int x = 0; x < band.cols; ++x) {
            if (!b[x])
                continue;
            const int l = d->at(bounds.x() + x, bounds.y() + y);
            if (!seen[size_t(l)]) {
                seen[size_t(l)] = 1;
                found.push_back(l);
            }
        }
    }
    return found;
}

std::vector<double> Superpixels::coverage(const QImage &mask) const
{
    if (!d)
        return {};
    std::vector<double> share(size_t(d->count), 0.0);
    if (mask.size() != d->imageSize)
        return share;
    const QImage m = mask.format() == QImage::Format_Grayscale8 || mask.format() == QImage::Format_Indexed8
                             || mask.format() == QImage::Format_Alpha8
                         ? mask
                         : mask.convertToFormat(QImage::Format_Grayscale8);
    std::vector<int64_t> inside(size_t(d->count), 0);
    for (int y = 0; y < m.height(); ++y) {
        const int32_t *r = d->row(y);
        const uchar *in = m.constScanLine(y);
        for (int x = 0; x < m.width(); ++x)
            if (in[x])
                ++inside[size_t(r[d->workX[size_t(x)]])];
    }
    for (size_t i = 0; i < share.size(); ++i)
        share[i] = d->areas[i] ? double(inside[i]) / double(d->areas[i]) : 0.0;
    return share;
}

std::vector<int64_t> Superpixels::areas() const
{
    return d ? d->areas : std::vector<int64_t>{};
}

} // namespace gw::labeling::assist
