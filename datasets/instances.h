#pragma once

// Objects of instance segmentation labels (types.h: Instance) as pixels: painting them, their area and box,
// and the conversions between the task types — objects → class map (by drawing order), objects → boxes,
// class map → objects (one per 4-connected region of a class). Pixels follow raster.h's convention (a pixel is
// covered when its centre is), so every format and the canvas agree on what an outline covers.

#include "datasets/json.h"
#include "datasets/mask.h"
#include "datasets/result.h"
#include "datasets/types.h"

#include <cstdint>
#include <vector>

namespace gw::datasets::instances {

/// Sets value at the object's pixels in m (whose size is the image's); returns how many. An error when a
/// painted object's RLE does not decode or is not of m's size.
Result<int64_t> paint(mask::IndexedMask &m, const Instance &object, uint8_t value);

/// The object's pixels as a width × height mask of 0 and 1.
Result<mask::IndexedMask> binary(const Instance &object, int width, int height);

/// The pixels an object covers, and their tight box [x0, x1) × [y0, y1) (all 0 when it covers none): what
/// pycocotools reports as area and bbox for the object's mask.
struct Extent
{
    int64_t area = 0;
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};
Extent extent(const mask::IndexedMask &binary);
Result<Extent> extent(const Instance &object, int width, int height);

/// The class map of a payload's objects (value = class id + 1; later objects on top), of width × height.
Result<mask::IndexedMask> classMap(const Payload &p, int width, int height);

/// Each object's tight box (pixel edges), in drawing order; objects that cover no pixel are left out.
Result<std::vector<Box>> boxes(const Payload &p, int width, int height);

/// Each object's box without painting it (for statistics over many labels): the bounds of its polygons'
/// points, or of a painted object's runs (over the payload's image size). Within a pixel of boxes().
std::vector<Box> outlineBoxes(const Payload &p);

/// The boxes a payload's shapes take: its boxes, or its objects' outlineBoxes.
inline std::vector<Box> shapeBoxes(const Payload &p)
{
    return p.instances.empty() ? p.boxes : outlineBoxes(p);
}

/// An object of classId from a 0/1 mask: its outline along pixel edges (one polygon per 4-connected region,
/// holes joined by zero-width cuts, which covers exactly these pixels), or painted (RLE) when asPolygons is
/// false.
Instance fromBinary(const mask::IndexedMask &binary, int classId, bool asPolygons = true);

/// The objects of a class map: one per 4-connected region of each class (value = class id + 1), as outlines
/// along pixel edges, regions in the order of their first pixel, classes by id.
std::vector<Instance> fromClassMap(const mask::IndexedMask &m);

/// Polygons or holes as JSON: [[x1, y1, x2, y2, ...], ...] (COCO's segmentation, the stored payload, the
/// manifest's objects).
json::Array ringsToJson(const std::vector<std::vector<double>> &rings);

/// What is wrong with an object of an image of width × height, or "" (at least 3 points per polygon and
/// hole, finite coordinates no further than slack outside the image, an RLE that decodes to the image's size,
/// not both an outline and a painted mask).
std::string problem(const Instance &object, int width, int height);

} // namespace gw::datasets::instances
