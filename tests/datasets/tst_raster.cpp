// The raster helpers of the formats (datasets/formats/raster.h) on cases worked out by hand: polygon fill by
// pixel centres (even-odd), COCO RLE column-major counts and pycocotools's compressed strings, and polygons
// traced along pixel edges that fill back to exactly the same pixels; LabelMe's (PIL's) pixels, and polygons
// through pixel centres that LabelMe draws as exactly the pixels they were traced from.

#include "datasets/formats/raster.h"
#include "testutil.h"

#include <QTest>

using namespace gw;
using namespace gw::datasets;

namespace {

std::vector<uint8_t> pixels(std::initializer_list<int> v)
{
    return std::vector<uint8_t>(v.begin(), v.end());
}

std::vector<raster::Point> points(std::initializer_list<std::pair<double, double>> v)
{
    std::vector<raster::Point> out;
    for (const auto &[x, y] : v)
        out.push_back({x, y});
    return out;
}

void comparePolygon(const std::vector<raster::Point> &actual, const std::vector<raster::Point> &expected)
{
    QCOMPARE(actual.size(), expected.size());
    for (size_t i = 0; i < actual.size(); ++i) {
        QCOMPARE(actual[i].x, expected[i].x);
        QCOMPARE(actual[i].y, expected[i].y);
    }
}

/// A mask with regions, holes, regions inside holes and pixels touching only at corners.
mask::IndexedMask busyMask(int w, int h)
{
    mask::IndexedMask m{w, h, std::vector<uint8_t>(size_t(w) * size_t(h), 0)};
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            m.pixels[size_t(y * w + x)] = uint8_t(((x * 7 + y * 3) / 5 + (x * y) % 4) % 4);
    return m;
}

} // namespace

class TestRaster : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // ---- raster helpers, worked out by hand ----

    void polygonFillCoversPixelCentres()
    {
        // A square along pixel edges covers exactly the pixels inside it.
        mask::IndexedMask m{5, 5, std::vector<uint8_t>(25, 0)};
        QCOMPARE(raster::fillPolygon(m, {{1, 1}, {3, 1}, {3, 3}, {1, 3}}, 7), int64_t(4));
        for (int y = 0; y < 5; ++y)
            for (int x = 0; x < 5; ++x)
                QCOMPARE(int(m.pixels[size_t(y * 5 + x)]), (x >= 1 && x < 3 && y >= 1 && y < 3) ? 7 : 0);
        // Triangle (0,0) (4,0) (0,4): centres (x+.5, y+.5) with x + y + 1 < 4; those on the hypotenuse
        // (x + y = 3) are on a right edge, which is outside.
        mask::IndexedMask t{4, 4, std::vector<uint8_t>(16, 0)};
        QCOMPARE(raster::fillPolygon(t, {{0, 0}, {4, 0}, {0, 4}}, 1), int64_t(6));
        QCOMPARE(t.pixels, pixels({1, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}));
        // Even-odd: a ring drawn as the outer square, a zero-width cut and the inner square leaves the hole.
        mask::IndexedMask r{4, 4, std::vector<uint8_t>(16, 0)};
        QCOMPARE(raster::fillPolygon(
                     r, {{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}, {1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}}, 1),
                 int64_t(12));
        QCOMPARE(r.pixels, pixels({1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1}));
        // Clipped to the mask; fewer than 3 points cover nothing.
        mask::IndexedMask c{2, 2, std::vector<uint8_t>(4, 0)};
        QCOMPARE(raster::fillPolygon(c, {{-5, -5}, {10, -5}, {10, 10}, {-5, 10}}, 2), int64_t(4));
        QCOMPARE(raster::fillPolygon(c, {{0, 0}, {1, 1}}, 3), int64_t(0));
        // Box and circle: a 1-radius circle at (2, 2) holds the 4 centres at distance √0.5.
        mask::IndexedMask b{4, 4, std::vector<uint8_t>(16, 0)};
        QCOMPARE(raster::fillBox(b, 0.5, 0, 2, 1.4, 1), int64_t(2)); // centres x 0.5, 1.5 and y 0.5
        QCOMPARE(raster::fillCircle(b, {2, 2}, 1, 2), int64_t(4));
        QCOMPARE(b.pixels, pixels({1, 1, 0, 0, 0, 2, 2, 0, 0, 2, 2, 0, 0, 0, 0, 0}));
    }

    void rleColumnMajorByHand()
    {
        // 3 wide × 2 high:   0 1 1      column-major: (col 0) 0 0, (col 1) 1 1, (col 2) 1 0
        //                    0 1 0      → 0 0 1 1 1 0 → counts [2, 3, 1]
        const mask::IndexedMask m{3, 2, pixels({0, 1, 1, 0, 1, 0})};
        QCOMPARE(raster::encodeRle(m, 1), (std::vector<uint32_t>{2, 3, 1}));
        // Counts start with the 0s even when there are none: the 1s of this mask start the column.
        QCOMPARE(raster::encodeRle(m, 0), (std::vector<uint32_t>{0, 2, 3, 1}));
        mask::IndexedMask back{3, 2, std::vector<uint8_t>(6, 0)};
        GW_VERIFY_OK(raster::fillRle(back, {2, 3, 1}, 1));
        QCOMPARE(back.pixels, m.pixels);
        auto bad = raster::fillRle(back, {2, 3}, 1);
        QVERIFY(!bad);
        QVERIFY(bad.error().message.find("add up to 5 pixels, not 2 × 3 = 6") != std::string::npos);
        const raster::PixelBox box = raster::pixelBox(m, 1);
        QCOMPARE(box.x0, 1);
        QCOMPARE(box.y0, 0);
        QCOMPARE(box.x1, 3);
        QCOMPARE(box.y1, 2);
        QCOMPARE(box.area, int64_t(3));
    }

    void rleCompressedStringByHand()
    {
        // pycocotools's string form, by hand for counts [10, 40, 5, 2]:
        //   10: one 5-bit group 01010, sign bit (0x10) clear, no more → 48 + 10 = ':'
        //   40: groups 01000 then 00001; the first gets 0x20 (more): 48 + 40 = 'X', then 48 + 1 = '1'
        //    5: the third count is written as it is (the difference rule starts at the fourth): '5'
        //    2: written as 2 - 40 = -38 (the count two before): -38 & 31 = 26, -38 >> 5 = -2; 26 has the
        //       sign bit but -2 ≠ -1, so more: 48 + (26 | 32) = 'j'; then -2 & 31 = 30, -2 >> 5 = -1, 30
        //       has the sign bit and -1 is all that is left: 48 + 30 = 'N'
        // → ":X15jN"
        QCOMPARE(raster::rleToString({10, 40, 5, 2}), std::string(":X15jN"));
        auto decoded = raster::rleFromString(":X15jN");
        GW_VERIFY_OK(decoded);
        QCOMPARE(*decoded, (std::vector<uint32_t>{10, 40, 5, 2}));
        // The 3 × 2 mask above: [2, 3, 1] → "231"; an empty run first: [0, 1, 1, 2, 2] → 2 - 1 = 1 and
        // 2 - 1 = 1 → "01111".
        QCOMPARE(raster::rleToString({2, 3, 1}), std::string("231"));
        QCOMPARE(raster::rleToString({0, 1, 1, 2, 2}), std::string("01111"));
        // A long run: 1000 = 01000 11111 00000 → 'X' (8|32), 'o' (31|32), '0'... 31 has the sign bit, so a
        // third group (0) says the number is positive.
        QCOMPARE(raster::rleToString({1000}), std::string("Xo0"));
        QCOMPARE(*raster::rleFromString("Xo0"), (std::vector<uint32_t>{1000}));
        // Round trip of a mixed sequence.
        const std::vector<uint32_t> mixed = {0, 1, 99999, 3, 0, 1234567, 2, 2, 70000, 1};
        QCOMPARE(*raster::rleFromString(raster::rleToString(mixed)), mixed);
        // Errors: a string that ends inside a count, a character outside '0'..'o', a negative count.
        QVERIFY(!raster::rleFromString("X"));
        QVERIFY(raster::rleFromString("3~").error().message.find("character 1") != std::string::npos);
        QVERIFY(!raster::rleFromString("11O")); // third count is -1 as written (no difference rule yet)
    }

    void tracedPolygonsByHand()
    {
        // One pixel at (1, 1): its four corners, clockwise on screen from the top-left.
        mask::IndexedMask one{3, 3, pixels({0, 0, 0, 0, 5, 0, 0, 0, 0})};
        auto p = raster::tracePolygons(one, 5);
        QCOMPARE(p.size(), size_t(1));
        comparePolygon(p[0], points({{1, 1}, {2, 1}, {2, 2}, {1, 2}}));
        QCOMPARE(raster::doubleArea(p[0]), 2.0);
        QVERIFY(raster::tracePolygons(one, 9).empty());

        // A ring: the outline, then a cut from its corner (3, 0) nearest the hole's first corner (2, 1),
        // round the hole (anticlockwise) and back along the cut.
        mask::IndexedMask ring{3, 3, pixels({1, 1, 1, 1, 0, 1, 1, 1, 1})};
        p = raster::tracePolygons(ring, 1);
        QCOMPARE(p.size(), size_t(1));
        comparePolygon(
            p[0], points({{0, 0}, {3, 0}, {2, 1}, {1, 1}, {1, 2}, {2, 2}, {2, 1}, {3, 0}, {3, 3}, {0, 3}}));
        QCOMPARE(raster::doubleArea(p[0]) / 2, 8.0); // the cut adds nothing, the hole takes 1
        mask::IndexedMask back{3, 3, std::vector<uint8_t>(9, 0)};
        QCOMPARE(raster::fillPolygon(back, p[0], 1), int64_t(8));
        QCOMPARE(back.pixels, ring.pixels);
        // The hole's pixel (value 0) is a region of its own.
        p = raster::tracePolygons(ring, 0);
        QCOMPARE(p.size(), size_t(1));
        comparePolygon(p[0], points({{1, 1}, {2, 1}, {2, 2}, {1, 2}}));

        // Pixels that touch at a corner only are two regions (4-connectivity).
        mask::IndexedMask diagonal{2, 2, pixels({1, 0, 0, 1})};
        p = raster::tracePolygons(diagonal, 1);
        QCOMPARE(p.size(), size_t(2));
        comparePolygon(p[0], points({{0, 0}, {1, 0}, {1, 1}, {0, 1}}));
        comparePolygon(p[1], points({{1, 1}, {2, 1}, {2, 2}, {1, 2}}));
        // An L: straight runs are one segment each.
        mask::IndexedMask l{3, 2, pixels({1, 0, 0, 1, 1, 1})};
        p = raster::tracePolygons(l, 1);
        QCOMPARE(p.size(), size_t(1));
        comparePolygon(p[0], points({{0, 0}, {1, 0}, {1, 1}, {3, 1}, {3, 2}, {0, 2}}));
    }

    void tracedPolygonsFillBackExactly()
    {
        // Regions with holes, regions inside holes and corner contacts: every value's polygons give back
        // its pixels exactly, and the polygons' areas are the pixel counts.
        for (const auto &[w, h] : {std::pair{37, 23}, {64, 48}, {5, 1}, {1, 7}}) {
            const mask::IndexedMask m = busyMask(w, h);
            for (int v = 0; v < 4; ++v) {
                mask::IndexedMask back{w, h, std::vector<uint8_t>(size_t(w) * size_t(h), 0)};
                double area = 0;
                for (const auto &poly : raster::tracePolygons(m, uint8_t(v))) {
                    raster::fillPolygon(back, poly, 1);
                    area += raster::doubleArea(poly) / 2;
                }
                const auto expected = std::count(m.pixels.begin(), m.pixels.end(), uint8_t(v));
                QCOMPARE(area, double(expected));
                for (size_t i = 0; i < m.pixels.size(); ++i)
                    QVERIFY2(
                        (back.pixels[i] == 1) == (m.pixels[i] == v),
                        qPrintable(QStringLiteral("%1×%2 value %3 pixel %4").arg(w).arg(h).arg(v).arg(i)));
            }
        }
        // Nested: a square with a hole holding an island with a hole.
        mask::IndexedMask nest{7, 7, std::vector<uint8_t>(49, 0)};
        for (int y = 0; y < 7; ++y)
            for (int x = 0; x < 7; ++x) {
                const int d = std::max(std::abs(x - 3), std::abs(y - 3));
                nest.pixels[size_t(y * 7 + x)] = uint8_t(d == 3 || d == 1 ? 1 : 0);
            }
        const auto polys = raster::tracePolygons(nest, 1);
        QCOMPARE(polys.size(), size_t(2)); // the frame and the island
        mask::IndexedMask back{7, 7, std::vector<uint8_t>(49, 0)};
        for (const auto &poly : polys)
            raster::fillPolygon(back, poly, 1);
        QCOMPARE(back.pixels, nest.pixels);
    }

    // ---- LabelMe's pixels (PIL's) ----

    void labelmePolygonsTakeTheirOutline()
    {
        // Points at pixel centres: a square from (0, 0) to (2, 2) covers pixels 0..2 both ways, 9 pixels, where
        // by pixel centres it covers 4.
        mask::IndexedMask m{4, 4, std::vector<uint8_t>(16, 0)};
        QCOMPARE(raster::fillLabelmePolygon(m, points({{0, 0}, {2, 0}, {2, 2}, {0, 2}}), 3), int64_t(9));
        QCOMPARE(m.pixels, pixels({3, 3, 3, 0, 3, 3, 3, 0, 3, 3, 3, 0, 0, 0, 0, 0}));
        // Points are truncated to whole pixels, as PIL 9.4 does: the same square.
        mask::IndexedMask r{4, 4, std::vector<uint8_t>(16, 0)};
        QCOMPARE(raster::fillLabelmePolygon(r, points({{0.4, -0.2}, {2.9, 0.3}, {2.2, 2.99}, {-0.4, 2.6}}), 3),
                 int64_t(9));
        QCOMPARE(r.pixels, m.pixels);
        // A sliver there and back is the pixels its rows cross; a triangle's rows reach to their crossings.
        mask::IndexedMask d{4, 4, std::vector<uint8_t>(16, 0)};
        QCOMPARE(raster::fillLabelmePolygon(d, points({{0, 0}, {3, 3}, {0, 0}}), 1), int64_t(4));
        QCOMPARE(d.pixels, pixels({1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}));
        mask::IndexedMask t{5, 3, std::vector<uint8_t>(15, 0)};
        // Row 1 crosses the edge from (0, 0) to (4, 2) at x = 2: pixels 0..2 of it.
        raster::fillLabelmePolygon(t, points({{0, 0}, {4, 2}, {0, 2}}), 1);
        QCOMPARE(t.pixels, pixels({1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1}));
        // Rectangles: both rounded corners included, in any order; clipped to the mask.
        mask::IndexedMask b{4, 3, std::vector<uint8_t>(12, 0)};
        QCOMPARE(raster::fillLabelmeRectangle(b, {2.6, 0.2}, {1, 5}, 2), int64_t(6));
        QCOMPARE(b.pixels, pixels({0, 2, 2, 0, 0, 2, 2, 0, 0, 2, 2, 0}));
        // Points far outside, or not numbers, cost nothing and paint nothing outside.
        mask::IndexedMask far{3, 3, std::vector<uint8_t>(9, 0)};
        QCOMPARE(raster::fillLabelmePolygon(far, points({{-1e12, -1e12}, {1e12, -1e12}, {1e12, 1e12}, {-1e12, 1e12}}), 1),
                 int64_t(9));
        mask::IndexedMask nan{3, 3, std::vector<uint8_t>(9, 0)};
        QCOMPARE(raster::fillLabelmePolygon(nan, points({{0, 0}, {std::nan(""), 1}, {2, 2}}), 1), int64_t(0));
    }

    void labelmeTracesFillBackExactly()
    {
        // Whatever the pixels, the traced polygons drawn LabelMe's way give back exactly them: regions with
        // holes, holes in holes, one-pixel spurs and lines, pixels touching at corners, the image's edges.
        auto check = [](const mask::IndexedMask &m, const QString &what) {
            for (int v = 0; v < 4; ++v) {
                mask::IndexedMask back{m.width, m.height, std::vector<uint8_t>(m.pixels.size(), 0)};
                const auto polys = raster::traceLabelme(m, uint8_t(v));
                for (const auto &poly : polys) {
                    QVERIFY2(poly.size() >= 3, qPrintable(what));
                    for (const raster::Point &p : poly) // whole pixels inside the image
                        QVERIFY2(p.x == std::floor(p.x) && p.x >= 0 && p.x < m.width && p.y >= 0 && p.y < m.height,
                                 qPrintable(what));
                    raster::fillLabelmePolygon(back, poly, 1);
                }
                for (size_t i = 0; i < m.pixels.size(); ++i)
                    if ((back.pixels[i] == 1) != (m.pixels[i] == v))
                        QFAIL(qPrintable(QStringLiteral("%1, value %2: pixel (%3, %4)")
                                             .arg(what)
                                             .arg(v)
                                             .arg(i % size_t(m.width))
                                             .arg(i / size_t(m.width))));
            }
        };
        for (const auto &[w, h] : {std::pair{37, 23}, {64, 48}, {5, 1}, {1, 7}})
            check(busyMask(w, h), QStringLiteral("busy %1×%2").arg(w).arg(h));
        // Noise at several densities: many tiny regions, holes and corner contacts.
        uint32_t state = 12345;
        auto next = [&state] {
            state = state * 1664525u + 1013904223u;
            return state >> 8;
        };
        for (int round = 0; round < 60; ++round) {
            const int w = 3 + int(next() % 40), h = 3 + int(next() % 30);
            const int values = 2 + round % 3;
            mask::IndexedMask m{w, h, std::vector<uint8_t>(size_t(w) * size_t(h), 0)};
            // Blobs rather than salt: a few random discs and rings, then noise on part of the rounds.
            for (int k = 0; k < 6; ++k) {
                const int cx = int(next() % uint32_t(w)), cy = int(next() % uint32_t(h)), r = 1 + int(next() % 8);
                const auto v = uint8_t(next() % uint32_t(values));
                const bool ring = next() % 2;
                for (int y = 0; y < h; ++y)
                    for (int x = 0; x < w; ++x) {
                        const int d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                        if (d2 <= r * r && (!ring || d2 >= (r - 1) * (r - 1)))
                            m.pixels[size_t(y * w + x)] = v;
                    }
            }
            if (round % 2)
                for (uint8_t &p : m.pixels)
                    if (next() % 5 == 0)
                        p = uint8_t(next() % uint32_t(values));
            check(m, QStringLiteral("random %1 (%2×%3)").arg(round).arg(w).arg(h));
        }
        // A frame holding an island that holds a hole, all in one value.
        mask::IndexedMask nest{7, 7, std::vector<uint8_t>(49, 0)};
        for (int y = 0; y < 7; ++y)
            for (int x = 0; x < 7; ++x) {
                const int d = std::max(std::abs(x - 3), std::abs(y - 3));
                nest.pixels[size_t(y * 7 + x)] = uint8_t(d == 3 || d == 1 ? 1 : 0);
            }
        check(nest, QStringLiteral("nest"));
        QCOMPARE(raster::traceLabelme(nest, 1).size(), size_t(2)); // the frame and the island
    }
};

QTEST_GUILESS_MAIN(TestRaster)
#include "tst_raster.moc"
