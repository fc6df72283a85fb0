#include "datasets/instances.h"

#include "datasets/formats/raster.h"

#include <algorithm>
#include <cmath>

namespace gw::datasets::instances {

namespace {

std::vector<raster::Point> points(const std::vector<double> &xy)
{
    std::vector<raster::Point> pts;
    pts.reserve(xy.size() / 2);
    for (size_t i = 0; i + 1 < xy.size(); i += 2)
        pts.push_back({xy[i], xy[i + 1]});
    return pts;
}

std::vector<double> flat(const std::vector<raster::Point> &polygon)
{
    std::vector<double> xy;
    xy.reserve(polygon.size() * 2);
    for (const raster::Point &pt : polygon) {
        xy.push_back(pt.x);
        xy.push_back(pt.y);
    }
    return xy;
}

std::string num(double v)
{
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.')
        s.pop_back();
    return s;
}

} // namespace

Result<mask::IndexedMask> binary(const Instance &object, int width, int height)
{
    mask::IndexedMask m{width, height, std::vector<uint8_t>(size_t(width) * size_t(height), 0)};
    if (object.painted()) {
        auto counts = raster::rleFromString(object.rle);
        if (!counts)
            return fail(Error::invalid("a painted object's pixels do not decode: " + counts.error().message));
        if (auto r = raster::fillRle(m, *counts, 1); !r)
            return fail(Error::invalid("a painted object's pixels: " + r.error().message));
        return m;
    }
    const auto fill = object.labelmePixels ? raster::fillLabelmePolygon : raster::fillPolygon;
    for (const auto &polygon : object.polygons)
        fill(m, points(polygon), 1);
    if (!object.holes.empty()) {
        mask::IndexedMask holes{width, height, std::vector<uint8_t>(m.pixels.size(), 0)};
        for (const auto &hole : object.holes)
            fill(holes, points(hole), 1);
        for (size_t i = 0; i < m.pixels.size(); ++i)
            m.pixels[i] &= uint8_t(holes.pixels[i] ^ 1);
    }
    return m;
}

Result<int64_t> paint(mask::IndexedMask &m, const Instance &object, uint8_t value)
{
    // The common case, one outline without holes, goes straight into m without an image of its own.
    if (!object.painted() && object.holes.empty() && object.polygons.size() == 1)
        return object.labelmePixels ? raster::fillLabelmePolygon(m, points(object.polygons.front()), value)
                                    : raster::fillPolygon(m, points(object.polygons.front()), value);
    auto own = binary(object, m.width, m.height);
    if (!own)
        return fail(own.error());
    int64_t n = 0;
    for (size_t i = 0; i < m.pixels.size(); ++i)
        if (own->pixels[i]) {
            m.pixels[i] = value;
            ++n;
        }
    return n;
}

Extent extent(const mask::IndexedMask &b)
{
    const raster::PixelBox box = raster::pixelBox(b, 1);
    if (box.area == 0)
        return {};
    return {box.area, box.x0, box.y0, box.x1, box.y1};
}

Result<Extent> extent(const Instance &object, int width, int height)
{
    auto b = binary(object, width, height);
    if (!b)
        return fail(b.error());
    return extent(*b);
}

Result<mask::IndexedMask> classMap(const Payload &p, int width, int height)
{
    mask::IndexedMask m{width, height, std::vector<uint8_t>(size_t(width) * size_t(height), 0)};
    for (size_t i = 0; i < p.instances.size(); ++i) {
        const Instance &object = p.instances[i];
        if (object.classId + 1 > 255 || object.classId < 0)
            return fail(Error::invalid("object " + std::to_string(i + 1) + ": a class map holds at most 255 classes"));
        if (auto r = paint(m, object, uint8_t(object.classId + 1)); !r)
            return fail(Error::invalid("object " + std::to_string(i + 1) + ": " + r.error().message));
    }
    return m;
}

Result<std::vector<Box>> boxes(const Payload &p, int width, int height)
{
    std::vector<Box> out;
    for (size_t i = 0; i < p.instances.size(); ++i) {
        auto e = extent(p.instances[i], width, height);
        if (!e)
            return fail(Error::invalid("object " + std::to_string(i + 1) + ": " + e.error().message));
        if (e->area == 0)
            continue;
        out.push_back(Box{p.instances[i].classId, double(e->x0), double(e->y0), double(e->x1 - e->x0),
                          double(e->y1 - e->y0), p.instances[i].confidence});
    }
    return out;
}

std::vector<Box> outlineBoxes(const Payload &p)
{
    std::vector<Box> out;
    for (const Instance &object : p.instances) {
        double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
        if (object.painted()) {
            auto counts = raster::rleFromString(object.rle);
            const int h = p.imageHeight;
            if (!counts || h <= 0)
                continue;
            // Column-major runs: a run of 1s from index i to j covers rows i % h.. in columns i / h.. j / h.
            uint64_t at = 0;
            for (size_t k = 0; k < counts->size(); ++k) {
                const uint64_t n = (*counts)[k];
                if (k % 2 && n > 0) {
                    const uint64_t first = at, last = at + n - 1;
                    x0 = std::min(x0, double(first / uint64_t(h)));
                    x1 = std::max(x1, double(last / uint64_t(h) + 1));
                    if (first / uint64_t(h) != last / uint64_t(h)) {
                        y0 = 0;
                        y1 = h;
                    } else {
                        y0 = std::min(y0, double(first % uint64_t(h)));
                        y1 = std::max(y1, double(last % uint64_t(h) + 1));
                    }
                }
                at += n;
            }
        } else {
            for (const auto &ring : object.polygons)
                for (size_t i = 0; i + 1 < ring.size(); i += 2) {
                    x0 = std::min(x0, ring[i]);
                    x1 = std::max(x1, ring[i]);
                    y0 = std::min(y0, ring[i + 1]);
                    y1 = std::max(y1, ring[i + 1]);
                }
        }
        if (object.labelmePixels && !object.painted()) { // points at pixel centres: the pixels reach half a pixel further
            x0 -= 0.5;
            y0 -= 0.5;
            x1 += 0.5;
            y1 += 0.5;
        }
        if (x1 > x0 && y1 > y0)
            out.push_back(Box{object.classId, x0, y0, x1 - x0, y1 - y0, object.confidence});
    }
    return out;
}

Instance fromBinary(const mask::IndexedMask &b, int classId, bool asPolygons)
{
    Instance object;
    object.classId = classId;
    if (!asPolygons) {
        object.rle = raster::rleToString(raster::encodeRle(b, 1));
        return object;
    }
    for (const auto &polygon : raster::tracePolygons(b, 1))
        object.polygons.push_back(flat(polygon));
    return object;
}

std::vector<Instance> fromClassMap(const mask::IndexedMask &m)
{
    bool present[256] = {};
    for (uint8_t v : m.pixels)
        present[v] = true;
    std::vector<Instance> out;
    for (int value = 1; value < 256; ++value) {
        if (!present[value])
            continue;
        for (const auto &polygon : raster::tracePolygons(m, uint8_t(value))) {
            Instance object;
            object.classId = value - 1;
            object.polygons.push_back(flat(polygon));
            out.push_back(std::move(object));
        }
    }
    return out;
}

std::string problem(const Instance &object, int width, int height)
{
    if (object.painted()) {
        if (!object.polygons.empty() || !object.holes.empty())
            return "has both an outline and painted pixels";
        if (width <= 0 || height <= 0)
            return "is painted, but the image's size is unknown";
        auto counts = raster::rleFromString(object.rle);
        if (!counts)
            return "painted pixels do not decode: " + counts.error().message;
        uint64_t total = 0;
        for (uint32_t c : *counts)
            total += c;
        if (total != uint64_t(width) * uint64_t(height))
            return "painted pixels cover " + std::to_string(total) + " pixels, not the " + std::to_string(width) + " × "
                   + std::to_string(height) + " image's " + std::to_string(int64_t(width) * height);
        return {};
    }
    if (object.polygons.empty())
        return "has no outline";
    constexpr double slack = 0.5;
    for (const auto *list : {&object.polygons, &object.holes})
        for (const auto &ring : *list) {
            if (ring.size() < 6 || ring.size() % 2)
                return std::string(list == &object.polygons ? "a polygon" : "a hole") + " needs at least 3 points";
            for (size_t i = 0; i + 1 < ring.size(); i += 2) {
                const double x = ring[i], y = ring[i + 1];
                if (!std::isfinite(x) || !std::isfinite(y))
                    return "a point is not a finite number";
                if (width > 0 && (x < -slack || y < -slack || x > width + slack || y > height + slack))
                    return "point (" + num(x) + ", " + num(y) + ") is outside the " + std::to_string(width) + " × "
                           + std::to_string(height) + " image";
            }
        }
    return {};
}

json::Array ringsToJson(const std::vector<std::vector<double>> &rings)
{
    json::Array list;
    list.reserve(rings.size());
    for (const auto &ring : rings) {
        json::Array xy;
        xy.reserve(ring.size());
        for (double d : ring)
            xy.emplace_back(d);
        list.emplace_back(std::move(xy));
    }
    return list;
}

} // namespace gw::datasets::instances
