#include "datasets/formats/raster.h"

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
