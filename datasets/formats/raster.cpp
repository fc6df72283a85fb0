#include "datasets/formats/raster.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace gw::datasets::raster {

namespace {

/// Sets value on the pixels of row y whose centres lie in [x0, x1); returns how many.
int64_t fillSpan(mask::IndexedMask &m, int y, double x0, double x1, uint8_t value)
{
    const double first = std::ceil(x0 - 0.5), end = std::ceil(x1 - 0.5);
    const int a = int(std::clamp(first, 0.0, double(m.width)));
    const int b = int(std::clamp(end, 0.0, double(m.width)));
    if (b <= a)
        return 0;
    std::fill(m.pixels.begin() + long(y) * m.width + a, m.pixels.begin() + long(y) * m.width + b, value);
    return b - a;
}

/// Rows whose centres lie in [top, bottom), clamped to the mask.
std::pair<int, int> rowRange(const mask::IndexedMask &m, double top, double bottom)
{
    const double first = std::ceil(top - 0.5), end = std::ceil(bottom - 0.5);
    return {int(std::clamp(first, 0.0, double(m.height))), int(std::clamp(end, 0.0, double(m.height)))};
}

bool finite(double v)
{
    return std::isfinite(v);
}

} // namespace

int64_t fillPolygon(mask::IndexedMask &m, const std::vector<Point> &polygon, uint8_t value)
{
    if (polygon.size() < 3)
        return 0;
    double top = std::numeric_limits<double>::infinity(), bottom = -top;
    for (const Point &p : polygon) {
        if (!finite(p.x) || !finite(p.y))
            return 0;
        top = std::min(top, p.y);
        bottom = std::max(bottom, p.y);
    }
    const auto [firstRow, endRow] = rowRange(m, top, bottom);
    int64_t covered = 0;
    std::vector<double> xs;
    for (int y = firstRow; y < endRow; ++y) {
        const double sy = y + 0.5;
        xs.clear();
        for (size_t i = 0; i < polygon.size(); ++i) {
            const Point &a = polygon[i], &b = polygon[(i + 1) % polygon.size()];
            // Half-open in y: a vertex on the scan line counts for one of its two edges only. The crossing is
            // computed from the upper end, so an edge traversed both ways gives the same x twice (and
            // cancels).
            const Point &u = a.y < b.y ? a : b, &l = a.y < b.y ? b : a;
            if (u.y <= sy && sy < l.y)
                xs.push_back(u.x + (sy - u.y) * (l.x - u.x) / (l.y - u.y));
        }
        std::sort(xs.begin(), xs.end());
        for (size_t i = 0; i + 1 < xs.size(); i += 2)
            covered += fillSpan(m, y, xs[i], xs[i + 1], value);
    }
    return covered;
}

int64_t fillBox(mask::IndexedMask &m, double left, double top, double width, double height, uint8_t value)
{
    if (!(width > 0) || !(height > 0) || !finite(left) || !finite(top) || !finite(width) || !finite(height))
        return 0;
    const auto [firstRow, endRow] = rowRange(m, top, top + height);
    int64_t covered = 0;
    for (int y = firstRow; y < endRow; ++y)
        covered += fillSpan(m, y, left, left + width, value);
    return covered;
}

int64_t fillCircle(mask::IndexedMask &m, Point centre, double radius, uint8_t value)
{
    if (!(radius >= 0) || !finite(radius) || !finite(centre.x) || !finite(centre.y))
        return 0;
    const int firstRow = int(std::clamp(std::floor(centre.y - radius - 0.5), 0.0, double(m.height)));
    const int endRow = int(std::clamp(std::ceil(centre.y + radius + 0.5), 0.0, double(m.height)));
    const int firstCol = int(std::clamp(std::floor(centre.x - radius - 0.5), 0.0, double(m.width)));
    const int endCol = int(std::clamp(std::ceil(centre.x + radius + 0.5), 0.0, double(m.width)));
    const double r2 = radius * radius;
    int64_t covered = 0;
    for (int y = firstRow; y < endRow; ++y)
        for (int x = firstCol; x < endCol; ++x) {
            const double dx = x + 0.5 - centre.x, dy = y + 0.5 - centre.y;
            if (dx * dx + dy * dy <= r2) {
                m.pixels[size_t(y) * size_t(m.width) + size_t(x)] = value;
                ++covered;
            }
        }
    return covered;
}

std::vector<uint32_t> encodeRle(const mask::IndexedMask &m, uint8_t value)
{
    std::vector<uint32_t> counts;
    bool current = false; // runs start with 0s
    uint32_t run = 0;
    for (int x = 0; x < m.width; ++x)
        for (int y = 0; y < m.height; ++y) {
            const bool on = m.pixels[size_t(y) * size_t(m.width) + size_t(x)] == value;
            if (on != current) {
                counts.push_back(run);
                run = 0;
                current = on;
            }
            ++run;
        }
    counts.push_back(run);
    return counts;
}

Result<int64_t> fillRle(mask::IndexedMask &m, const std::vector<uint32_t> &counts, uint8_t value)
{
    const uint64_t total = uint64_t(m.width) * uint64_t(m.height);
    uint64_t sum = 0;
    for (uint32_t c : counts)
        sum += c;
    if (sum != total)
        return fail(Error::invalid("the RLE counts add up to " + std::to_string(sum) + " pixels, not " +
                                   std::to_string(m.height) + " × " + std::to_string(m.width) + " = " +
                                   std::to_string(total)));
    uint64_t pos = 0;
    int64_t covered = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
        if (i % 2 == 1) {
            for (uint64_t k = pos; k < pos + counts[i]; ++k) {
                const uint64_t x = k / uint64_t(m.height), y = k % uint64_t(m.height);
                m.pixels[y * uint64_t(m.width) + x] = value;
            }
            covered += counts[i];
        }
        pos += counts[i];
    }
    return covered;
}

std::string rleToString(const std::vector<uint32_t> &counts)
{
    std::string s;
    for (size_t i = 0; i < counts.size(); ++i) {
        int64_t x = counts[i];
        if (i > 2)
            x -= int64_t(counts[i - 2]);
        bool more = true;
        while (more) {
            int c = int(x & 0x1f);
            x >>= 5; // arithmetic: negative values keep their sign
            more = (c & 0x10) ? x != -1 : x != 0;
            if (more)
                c |= 0x20;
            s += char(c + 48);
        }
    }
    return s;
}

Result<std::vector<uint32_t>> rleFromString(std::string_view s)
{
    std::vector<uint32_t> counts;
    size_t p = 0;
    while (p < s.size()) {
        const size_t start = p;
        int64_t x = 0;
        int k = 0;
        bool more = true;
        while (more) {
            if (p >= s.size())
                return fail(Error::invalid("the RLE string ends inside a count (from character " +
                                           std::to_string(start) + ")"));
            const int c = int(static_cast<unsigned char>(s[p])) - 48;
            if (c < 0 || c > 63)
                return fail(Error::invalid("the RLE string has '" + std::string(1, s[p]) + "' at character " +
                                           std::to_string(p) + " (expected characters '0' to 'o')"));
            if (k >= 12)
                return fail(Error::invalid("the RLE string has a count too large at character " +
                                           std::to_string(start)));
            x |= int64_t(c & 0x1f) << (5 * k);
            more = (c & 0x20) != 0;
            ++p;
            ++k;
            if (!more && (c & 0x10))
                x |= int64_t(-1) * (int64_t(1) << (5 * k)); // sign-extend
        }
        if (counts.size() > 2)
            x += int64_t(counts[counts.size() - 2]);
        if (x < 0 || x > int64_t(std::numeric_limits<uint32_t>::max()))
            return fail(Error::invalid("the RLE string gives count " + std::to_string(counts.size()) +
                                       " the value " + std::to_string(x) + " (at character " +
                                       std::to_string(start) + ")"));
        counts.push_back(uint32_t(x));
    }
    return counts;
}

std::vector<std::vector<Point>> tracePolygons(const mask::IndexedMask &m, uint8_t value)
{
    const int w = m.width, h = m.height;
    auto inside = [&](int x, int y) {
        return x >= 0 && y >= 0 && x < w && y < h && m.pixels[size_t(y) * size_t(w) + size_t(x)] == value;
    };
    // 4-connected regions, numbered in the order of their first pixel.
    std::vector<int32_t> region(size_t(w) * size_t(h), -1);
    int32_t regions = 0;
    std::vector<std::pair<int, int>> stack;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            if (!inside(x, y) || region[size_t(y) * size_t(w) + size_t(x)] >= 0)
                continue;
            stack.assign(1, {x, y});
            region[size_t(y) * size_t(w) + size_t(x)] = regions;
            while (!stack.empty()) {
                const auto [px, py] = stack.back();
                stack.pop_back();
                for (const auto &[nx, ny] : {std::pair{px + 1, py}, {px - 1, py}, {px, py + 1}, {px, py - 1}})
                    if (inside(nx, ny) && region[size_t(ny) * size_t(w) + size_t(nx)] < 0) {
                        region[size_t(ny) * size_t(w) + size_t(nx)] = regions;
                        stack.push_back({nx, ny});
                    }
            }
            ++regions;
        }
    if (regions == 0)
        return {};

    // Unit edges between a pixel of the value and one that is not, with the pixel on the right (y down):
    // direction 0 east, 1 south, 2 west, 3 north. Each corner has at most two edges leaving it.
    struct Edge
    {
        int32_t from, to, region;
        uint8_t dir;
        bool used;
    };
    std::vector<Edge> edges;
    const int64_t vw = w + 1;
    std::vector<int32_t> leaving(size_t(vw * (h + 1) * 2), -1);
    auto vertex = [&](int x, int y) { return int32_t(y * vw + x); };
    auto add = [&](int32_t from, int32_t to, uint8_t dir, int32_t r) {
        const size_t slot = leaving[size_t(from) * 2] < 0 ? size_t(from) * 2 : size_t(from) * 2 + 1;
        leaving[slot] = int32_t(edges.size());
        edges.push_back({from, to, r, dir, false});
    };
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            if (!inside(x, y))
                continue;
            const int32_t r = region[size_t(y) * size_t(w) + size_t(x)];
            if (!inside(x, y - 1))
                add(vertex(x, y), vertex(x + 1, y), 0, r);
            if (!inside(x + 1, y))
                add(vertex(x + 1, y), vertex(x + 1, y + 1), 1, r);
            if (!inside(x, y + 1))
                add(vertex(x + 1, y + 1), vertex(x, y + 1), 2, r);
            if (!inside(x - 1, y))
                add(vertex(x, y + 1), vertex(x, y), 3, r);
        }

    // Closed loops: where two edges leave a corner (pixels touching only at it), turn right, which keeps
    // to the pixel on the right and so separates 4-connected regions. Outlines run clockwise (positive
    // area by the shoelace formula with y down), holes anticlockwise.
    struct Loop
    {
        std::vector<Point> points;
        bool hole = false;
    };
    std::vector<Loop> outline(static_cast<size_t>(regions));
    std::vector<std::vector<Loop>> holes(static_cast<size_t>(regions));
    std::vector<int32_t> loopEdges;
    for (size_t e = 0; e < edges.size(); ++e) {
        if (edges[e].used)
            continue;
        loopEdges.clear();
        int32_t cur = int32_t(e);
        while (true) {
            edges[size_t(cur)].used = true;
            loopEdges.push_back(cur);
            const int32_t v = edges[size_t(cur)].to;
            int32_t next = leaving[size_t(v) * 2];
            const int32_t other = leaving[size_t(v) * 2 + 1];
            if (other >= 0 && edges[size_t(other)].dir == (edges[size_t(cur)].dir + 1) % 4)
                next = other;
            if (next < 0 || next == int32_t(e) || edges[size_t(next)].used)
                break;
            cur = next;
        }
        Loop loop;
        double area2 = 0;
        const size_t n = loopEdges.size();
        for (size_t i = 0; i < n; ++i) {
            const Edge &a = edges[size_t(loopEdges[i])];
            const Edge &prev = edges[size_t(loopEdges[(i + n - 1) % n])];
            const double ax = double(a.from % vw), ay = double(a.from / vw);
            const double bx = double(a.to % vw), by = double(a.to / vw);
            area2 += ax * by - bx * ay;
            if (a.dir != prev.dir)
                loop.points.push_back({ax, ay});
        }
        loop.hole = area2 < 0;
        const int32_t r = edges[e].region;
        if (loop.hole)
            holes[size_t(r)].push_back(std::move(loop));
        else
            outline[size_t(r)] = std::move(loop);
    }

    // Each hole joins the outline at the outline's corner nearest to the hole's first corner.
    std::vector<std::vector<Point>> polygons;
    for (int32_t r = 0; r < regions; ++r) {
        std::vector<Point> poly = std::move(outline[size_t(r)].points);
        for (Loop &hole : holes[size_t(r)]) {
            const Point h0 = hole.points.front();
            size_t best = 0;
            double bestDistance = std::numeric_limits<double>::infinity();
            for (size_t i = 0; i < poly.size(); ++i) {
                const double d =
                    (poly[i].x - h0.x) * (poly[i].x - h0.x) + (poly[i].y - h0.y) * (poly[i].y - h0.y);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = i;
                }
            }
            std::vector<Point> joined;
            joined.reserve(poly.size() + hole.points.size() + 2);
            joined.insert(joined.end(), poly.begin(), poly.begin() + long(best) + 1);
            joined.insert(joined.end(), hole.points.begin(), hole.points.end());
            joined.push_back(h0);
            joined.insert(joined.end(), poly.begin() + long(best), poly.end());
            poly = std::move(joined);
        }
        polygons.push_back(std::move(poly));
    }
    return polygons;
}

// ---- LabelMe's pixels ----

namespace {

/// A shape's point as a whole pixel: PIL (Debian 12's 9.4, which made LabelMe's example masks) truncates
/// towards zero. Kept within a range where float arithmetic stays exact.
struct Pixel
{
    int64_t x = 0, y = 0;
};
constexpr double kFar = 1 << 24;
Pixel toPixel(Point p)
{
    return {int64_t(std::trunc(std::clamp(p.x, -kFar, kFar))), int64_t(std::trunc(std::clamp(p.y, -kFar, kFar)))};
}

/// A 0/1 image of the part of m a shape may touch, then copied into m.
struct Patch
{
    int64_t x0 = 0, y0 = 0, w = 0, h = 0;
    std::vector<uint8_t> on;

    void span(int64_t y, int64_t a, int64_t b)
    {
        if (y < y0 || y >= y0 + h)
            return;
        a = std::max(a, x0);
        b = std::min(b, x0 + w - 1);
        for (int64_t x = a; x <= b; ++x)
            on[size_t((y - y0) * w + (x - x0))] = 1;
    }
    int64_t copyInto(mask::IndexedMask &m, uint8_t value) const
    {
        int64_t n = 0;
        for (int64_t y = 0; y < h; ++y)
            for (int64_t x = 0; x < w; ++x)
                if (on[size_t(y * w + x)]) {
                    m.pixels[size_t(y0 + y) * size_t(m.width) + size_t(x0 + x)] = value;
                    ++n;
                }
        return n;
    }
};

/// The patch of m within the pixels' bounds; empty when they miss m.
Patch patchFor(const mask::IndexedMask &m, const std::vector<Pixel> &pixels)
{
    Patch p;
    int64_t l = std::numeric_limits<int64_t>::max(), t = l, r = std::numeric_limits<int64_t>::min(), b = r;
    for (const Pixel &q : pixels) {
        l = std::min(l, q.x);
        r = std::max(r, q.x);
        t = std::min(t, q.y);
        b = std::max(b, q.y);
    }
    p.x0 = std::max<int64_t>(l, 0);
    p.y0 = std::max<int64_t>(t, 0);
    p.w = std::max<int64_t>(0, std::min<int64_t>(r, m.width - 1) - p.x0 + 1);
    p.h = std::max<int64_t>(0, std::min<int64_t>(b, m.height - 1) - p.y0 + 1);
    p.on.assign(size_t(p.w * p.h), 0);
    return p;
}

} // namespace

int64_t fillLabelmePolygon(mask::IndexedMask &m, const std::vector<Point> &polygon, uint8_t value)
{
    if (polygon.empty())
        return 0;
    std::vector<Pixel> v;
    v.reserve(polygon.size());
    for (const Point &p : polygon) {
        if (!finite(p.x) || !finite(p.y))
            return 0;
        v.push_back(toPixel(p));
    }
    Patch patch = patchFor(m, v);
    if (patch.on.empty())
        return 0;
    // PIL's scan-line fill, with outline=fill drawing nothing more: the edges in order, the last back to the
    // first unless they are the same point. A horizontal edge is drawn as it is; every other edge crosses each
    // row from its top to its bottom, both included, and once more at its bottom unless that is the lowest
    // row of all (so a vertex where the outline goes on down counts three times, a peak twice and a trough
    // four times: the rows' crossings pair up right). Crossings are computed in single precision from the
    // edge's first point, as PIL does, and each pair fills from its left crossing, rounded half up, to its
    // right one, rounded half down.
    struct Edge
    {
        int64_t x0, y0, top, bottom;
        float dx;
    };
    std::vector<Edge> edges;
    int64_t lowest = std::numeric_limits<int64_t>::min();
    const size_t n = v.size();
    const size_t count = n >= 2 && (v[n - 1].x != v[0].x || v[n - 1].y != v[0].y) ? n : n - 1;
    for (size_t i = 0; i < std::max<size_t>(count, 1); ++i) {
        const Pixel &a = v[i], &b = v[(i + 1) % n];
        lowest = std::max({lowest, a.y, b.y});
        if (a.y == b.y) {
            patch.span(a.y, std::min(a.x, b.x), std::max(a.x, b.x));
            continue;
        }
        edges.push_back({a.x, a.y, std::min(a.y, b.y), std::max(a.y, b.y), float(b.x - a.x) / float(b.y - a.y)});
    }
    auto roundHalfUp = [](float f) { return int64_t(f >= 0 ? std::floor(f + 0.5F) : -std::floor(std::fabs(f) + 0.5F)); };
    auto roundHalfDown = [](float f) { return int64_t(f >= 0 ? std::ceil(f - 0.5F) : -std::ceil(std::fabs(f) - 0.5F)); };
    std::vector<float> xs;
    for (int64_t y = patch.y0; y < patch.y0 + patch.h; ++y) {
        xs.clear();
        for (const Edge &e : edges) {
            if (y < e.top || y > e.bottom)
                continue;
            xs.push_back(float(y - e.y0) * e.dx + float(e.x0));
            if (y == e.bottom && y < lowest)
                xs.push_back(xs.back());
        }
        std::sort(xs.begin(), xs.end());
        for (size_t i = 1; i < xs.size(); i += 2)
            patch.span(y, roundHalfUp(xs[i - 1]), roundHalfDown(xs[i]));
    }
    return patch.copyInto(m, value);
}

int64_t fillLabelmeRectangle(mask::IndexedMask &m, Point a, Point b, uint8_t value)
{
    if (!finite(a.x) || !finite(a.y) || !finite(b.x) || !finite(b.y))
        return 0;
    const Pixel p = toPixel(a), q = toPixel(b);
    Patch patch = patchFor(m, {p, q});
    for (int64_t y = patch.y0; y < patch.y0 + patch.h; ++y)
        patch.span(y, std::min(p.x, q.x), std::max(p.x, q.x));
    return patch.copyInto(m, value);
}

std::vector<std::vector<Point>> traceLabelme(const mask::IndexedMask &m, uint8_t value)
{
    cv::Mat bin(m.height, m.width, CV_8UC1);
    for (int y = 0; y < m.height; ++y)
        for (int x = 0; x < m.width; ++x)
            bin.at<uchar>(y, x) = m.pixels[size_t(y) * size_t(m.width) + size_t(x)] == value ? 1 : 0;
    std::vector<std::vector<cv::Point>> contours;
    std::vector<cv::Vec4i> tree;
    // Outlines (8-connected regions) and their holes, through the centres of the region's border pixels; straight
    // runs (across, down or diagonal) are kept as their two ends, which a Bresenham line gives back exactly.
    cv::findContours(bin.clone(), contours, tree, cv::RETR_CCOMP, cv::CHAIN_APPROX_SIMPLE);
    auto first = [](const std::vector<cv::Point> &c) {
        return *std::min_element(c.begin(), c.end(), [](cv::Point a, cv::Point b) {
            return a.y != b.y ? a.y < b.y : a.x < b.x;
        });
    };
    auto before = [](cv::Point a, cv::Point b) { return a.y != b.y ? a.y < b.y : a.x < b.x; };
    std::vector<size_t> outlines;
    for (size_t i = 0; i < contours.size(); ++i)
        if (tree[i][3] < 0)
            outlines.push_back(i);
    std::vector<cv::Point> starts(contours.size());
    for (size_t i = 0; i < contours.size(); ++i)
        starts[i] = first(contours[i]);
    std::sort(outlines.begin(), outlines.end(), [&](size_t a, size_t b) { return before(starts[a], starts[b]); });

    std::vector<std::vector<Point>> out;
    for (size_t o : outlines) {
        std::vector<cv::Point> loop = contours[o];
        std::vector<size_t> holes;
        for (int c = tree[o][2]; c >= 0; c = tree[size_t(c)][0])
            holes.push_back(size_t(c));
        // Top to bottom: the way up from a hole ends on the outline or on a hole above, already joined.
        std::sort(holes.begin(), holes.end(), [&](size_t a, size_t b) { return before(starts[a], starts[b]); });
        for (size_t hIndex : holes) {
            const std::vector<cv::Point> &hole = contours[hIndex];
            const cv::Point p = starts[hIndex];
            cv::Point q = p;
            while (q.y > 0 && bin.at<uchar>(q.y - 1, q.x))
                --q.y;
            // Where q lies on the loop: a vertex, or on the straight run from one vertex to the next.
            size_t at = loop.size();
            for (size_t k = 0; k < loop.size() && at == loop.size(); ++k) {
                const cv::Point a = loop[k], b = loop[(k + 1) % loop.size()];
                const int64_t cross = int64_t(b.x - a.x) * (q.y - a.y) - int64_t(b.y - a.y) * (q.x - a.x);
                if (cross == 0 && q.x >= std::min(a.x, b.x) && q.x <= std::max(a.x, b.x) &&
                    q.y >= std::min(a.y, b.y) && q.y <= std::max(a.y, b.y))
                    at = k;
            }
            if (at == loop.size())
                at = 0; // not expected: q borders the outside or a hole above, so it is on their loops
            std::vector<cv::Point> joined(loop.begin(), loop.begin() + long(at) + 1);
            joined.push_back(q);
            joined.push_back(p);
            const size_t start = size_t(std::find(hole.begin(), hole.end(), p) - hole.begin());
            for (size_t k = 1; k <= hole.size(); ++k)
                joined.push_back(hole[(start + k) % hole.size()]);
            joined.push_back(q);
            joined.insert(joined.end(), loop.begin() + long(at) + 1, loop.end());
            // Without repeated points (a cut of no length, q on a vertex).
            loop.clear();
            for (const cv::Point &pt : joined)
                if (loop.empty() || pt != loop.back())
                    loop.push_back(pt);
            while (loop.size() > 1 && loop.back() == loop.front())
                loop.pop_back();
        }
        std::vector<Point> poly;
        for (const cv::Point &pt : loop)
            poly.push_back({double(pt.x), double(pt.y)});
        // LabelMe's polygons have at least 3 points: a pixel, or a straight run, goes there and back.
        if (poly.size() == 1)
            poly.resize(3, poly.front());
        else if (poly.size() == 2)
            poly.push_back(poly.front());
        out.push_back(std::move(poly));
    }
    return out;
}

double doubleArea(const std::vector<Point> &polygon)
{
    double a = 0;
    for (size_t i = 0; i < polygon.size(); ++i) {
        const Point &p = polygon[i], &q = polygon[(i + 1) % polygon.size()];
        a += p.x * q.y - q.x * p.y;
    }
    return a;
}

PixelBox pixelBox(const mask::IndexedMask &m, uint8_t value)
{
    PixelBox b;
    b.x0 = m.width;
    b.y0 = m.height;
    for (int y = 0; y < m.height; ++y)
        for (int x = 0; x < m.width; ++x)
            if (m.pixels[size_t(y) * size_t(m.width) + size_t(x)] == value) {
                b.x0 = std::min(b.x0, x);
                b.y0 = std::min(b.y0, y);
                b.x1 = std::max(b.x1, x + 1);
                b.y1 = std::max(b.y1, y + 1);
                ++b.area;
            }
    if (b.area == 0)
        b = PixelBox{};
    return b;
}

} // namespace gw::datasets::raster
