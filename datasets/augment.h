#pragma once

// Augmentation on export: geometric transforms (flips, rotation, scale, crop) applied to the image and its
// label together — boxes become the bounding box of their transformed corners, clipped, and are dropped when
// too little of them stays visible; masks move with the pixels (nearest neighbour, so values stay classes) —
// and photometric ones on the image only (brightness, contrast, gamma, blur, noise, cutout). Each copy is
// reproducible from the seed, the item and the copy number. OpenCV stays inside augment.cpp.

#include "datasets/result.h"
#include "datasets/types.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace gw::datasets {

struct AugmentOptions
{
    int copies = 0;                  ///< augmented copies per item (0: none)
    uint64_t seed = 1;
    double hflip = 0.5;              ///< probability of a horizontal flip
    double vflip = 0;                ///< probability of a vertical flip
    double rotate = 0;               ///< rotation drawn from [-rotate, rotate] degrees
    std::array<double, 2> scale{1, 1}; ///< zoom factor range (> 1 zooms in)
    double crop = 0;                 ///< random shift of the view by up to this share of the size
    double brightness = 0;           ///< added: [-b, b] × 255
    double contrast = 0;             ///< factor drawn from [1 - c, 1 + c]
    double gamma = 0;                ///< exponent drawn from [1 - g, 1 + g]
    double blur = 0;                 ///< Gaussian sigma drawn from [0, blur] pixels
    double noise = 0;                ///< Gaussian noise sigma (× 255)
    int cutout = 0;                  ///< rectangles filled with grey
    double cutoutSize = 0.2;         ///< their side as a share of the smaller image side
    double minVisible = 0.3;         ///< boxes keeping less of their transformed area are dropped

    /// Parses "key=value,key=value" (hflip=0.5,rotate=15,scale=0.8:1.2,copies=3,...); errors name the key.
    static Result<AugmentOptions> parse(const std::string &spec);
    std::string toString() const; ///< the same form, every key, for version settings
};

/// The exact transform of one copy: what it did, for lineage and tests.
struct AugmentTransform
{
    bool hflip = false, vflip = false;
    double angle = 0, scale = 1, shiftX = 0, shiftY = 0; ///< degrees; shift in pixels
    std::array<double, 6> matrix{1, 0, 0, 0, 1, 0};      ///< 2×3 affine, source → output pixel coordinates
    std::string describe() const;
};

/// The transform for copy `copy` of an image of this size (deterministic for the seed, item and copy).
AugmentTransform drawTransform(const AugmentOptions &o, int width, int height, int64_t itemId, int copy);
/// Maps a point through the transform (pixel-edge coordinates: (0,0) is the image's top-left corner).
std::array<double, 2> mapPoint(const AugmentTransform &t, double x, double y);
/// Boxes through the transform: the bounding box of the moved corners, clipped to width×height, dropped
/// when less than minVisible of that box stays inside.
std::vector<Box> transformBoxes(const std::vector<Box> &boxes, const AugmentTransform &t, int width, int height,
                                double minVisible);

struct AugmentedImage
{
    std::string encoded; ///< PNG, or JPEG when the source was a JPEG
    std::string extension; ///< ".png" / ".jpg"
    Payload label;
    AugmentTransform transform;
};

/// Reads an image, applies copy `copy`'s transform to it and its label, and encodes the result. Masks are
/// stored masks (pixel = class id + 1) and come back in the same form with the classes' palette.
Result<AugmentedImage> augmentImage(const std::string &path, const Payload &label, TaskType type,
                                    const std::vector<LabelClass> &classes, const AugmentOptions &o, int64_t itemId,
                                    int copy);

} // namespace gw::datasets
