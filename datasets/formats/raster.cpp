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
            // Half-open in y: a vertex on the scan line counts for one of its two edges only.
            if ((a.y <= sy && sy < b.y) || (b.y <= sy && sy < a.y))
                xs.push_back(a.x + (sy - a.y) * (b.x - a.x) / (b.y - a.y));
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
            return fail(Error::invalid("the RLE string gives count " + std::to_string(counts.size()) + " the value " +
                                       std::to_string(x) + " (at character " + std::to_string(start) + ")"));
        counts.push_back(uint32_t(x));
    }
    return counts;
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
