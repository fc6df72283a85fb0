#pragma once

// Rasterising and run-length coding of label masks, as the COCO and LabelMe formats need them (and any
// other format with polygons or RLE): shapes filled into an IndexedMask, and COCO's RLE in both forms.
//
// Pixel convention: pixel (x, y) covers [x, x+1) × [y, y+1) and its centre is (x + 0.5, y + 0.5); a shape
// covers a pixel when it covers the pixel's centre. Polygons use the even-odd rule, with edges half-open
// (a centre exactly on a left or top edge is inside, on a right or bottom edge outside), so two polygons
// that share an edge never both take a pixel, and a polygon along pixel edges covers exactly the pixels
// inside it.
//
// RLE (COCO): the pixels of a binary mask of height h and width w in column-major order (down the first
// column, then the second, ...), as alternating run lengths that start with a run of 0s (which may be 0).
// The counts add up to h × w. pycocotools's compressed string form writes each count (from the fourth on as
// the difference to the count two before it) in 5-bit groups, least significant first, as characters
// 48 + group, with 0x20 set on every group but the last; the last group's 0x10 bit is the sign.

#include "datasets/mask.h"
#include "datasets/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gw::datasets::raster {

struct Point
{
    double x = 0, y = 0;
};

/// Sets value at every pixel whose centre is inside the polygon (even-odd rule); returns how many pixels
/// it set. Fewer than 3 points cover nothing. The polygon need not be closed (the last point joins the
/// first).
int64_t fillPolygon(mask::IndexedMask &m, const std::vector<Point> &polygon, uint8_t value);

/// Sets value at every pixel whose centre is inside the box [left, left+width) × [top, top+height).
int64_t fillBox(mask::IndexedMask &m, double left, double top, double width, double height, uint8_t value);

/// Sets value at every pixel whose centre is within radius of centre (distance ≤ radius).
int64_t fillCircle(mask::IndexedMask &m, Point centre, double radius, uint8_t value);

/// The uncompressed RLE counts of the pixels equal to value (1) against all others (0).
std::vector<uint32_t> encodeRle(const mask::IndexedMask &m, uint8_t value);

/// Sets value at the 1-pixels of an RLE of a mask of m's size; an error when the counts do not add up to
/// m.width × m.height. Returns how many pixels it set.
Result<int64_t> fillRle(mask::IndexedMask &m, const std::vector<uint32_t> &counts, uint8_t value);

/// pycocotools's compressed string form of RLE counts.
std::string rleToString(const std::vector<uint32_t> &counts);
/// Reads the compressed string form; an error names the character position where it went wrong.
Result<std::vector<uint32_t>> rleFromString(std::string_view s);

/// The pixels equal to value as polygons along pixel edges (corners at whole coordinates): one per
/// 4-connected region, its holes joined to the outline by zero-width cuts (a cut runs there and back, so
/// under the even-odd rule it covers nothing). fillPolygon of each gives back exactly these pixels. Regions
/// in the order of their first pixel (row by row); each outline starts at that pixel's top-left corner and
/// runs clockwise on screen (y down); points where the outline goes straight on are left out.
std::vector<std::vector<Point>> tracePolygons(const mask::IndexedMask &m, uint8_t value);

// LabelMe's pixels. LabelMe's own tools (labelme2voc, labelme2coco, its shape_to_mask) draw shapes with PIL,
// whose pixels have their centres at whole coordinates: a shape's points are truncated to whole pixels (PIL 9.4,
// Debian 12's, which also made the masks LabelMe ships), and a polygon covers the pixels of its rows' spans
// between crossings (even-odd), each span reaching to its crossings rounded to the nearest pixel, so the
// outline's own pixels are inside. Outlines read from LabelMe files get these pixels, so a project holds what
// LabelMe's users see and train on.

/// Sets value at the pixels LabelMe gives the polygon; returns how many pixels of m it set.
int64_t fillLabelmePolygon(mask::IndexedMask &m, const std::vector<Point> &polygon, uint8_t value);
/// Sets value at the pixels LabelMe gives a rectangle from corner a to corner b: every pixel from one truncated
/// corner to the other, both included.
int64_t fillLabelmeRectangle(mask::IndexedMask &m, Point a, Point b, uint8_t value);
/// Polygons through pixel centres whose LabelMe pixels are exactly the pixels equal to value: one per 8-connected
/// region, in the order of their first pixel (row by row), each region's holes joined to its outline by cuts that
/// run there and back along the region's own pixels (a cut's edges cancel under the even-odd rule, and the pixels
/// its line passes through are the region's). fillLabelmePolygon of each gives back exactly these pixels.
std::vector<std::vector<Point>> traceLabelme(const mask::IndexedMask &m, uint8_t value);

/// Twice the signed area of a polygon (shoelace; positive when clockwise on screen, y down). For a traced
/// polygon, half of it is its pixel count.
double doubleArea(const std::vector<Point> &polygon);

/// The tight box of the pixels equal to value, in pixels: [x0, x1) × [y0, y1), and how many there are.
struct PixelBox
{
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    int64_t area = 0;
};
PixelBox pixelBox(const mask::IndexedMask &m, uint8_t value);

} // namespace gw::datasets::raster
