#pragma once

// A detection and segmentation data set with exact answers, composed from real material Debian ships: no
// detection data set with boxes and masks comes in a Debian package, so automated labeling for boxes and masks
// (issue 19) is measured on this one. Handwritten digits (OpenCV's digits.png: 5,000 20×20 cells, 500 per
// class, written by people) are pasted at random sizes, colours and places onto crops of real photographs
// (the .jpg photos of opencv-doc's examples). Each digit's alpha is its own ink, so its mask (alpha ≥ ½) and its
// box (the mask's extent) are exact, not drawn by anyone. Honest limits: the objects are flat ink on a photo,
// with no lighting, occlusion or perspective; digits never overlap; the photos repeat (about 40 of them).

#include "datasets/result.h"

#include <cstdint>
#include <functional>
#include <string>

namespace gw::datasets::composed {

struct Options
{
    std::string digitsPng; ///< OpenCV's digits.png (2000 × 1000: 50 rows of 100 cells, 5 rows per class)
    std::string photoDir;  ///< a folder of .jpg photographs (at least side pixels on each side are used)
    std::string outDir;    ///< created; must not exist or be empty
    int count = 2000;      ///< images
    int side = 256;        ///< each image is side × side
    int minDigits = 1, maxDigits = 5;
    int minHeight = 24, maxHeight = 96; ///< a digit's cell is scaled to this height (pixels)
    uint64_t seed = 1;
    std::function<bool(int done, int total)> progress; ///< false stops
};

struct Report
{
    int images = 0, objects = 0, photos = 0;
};

/// Writes outDir/images/NNNNN.jpg (quality 92), outDir/masks/NNNNN.png (8-bit class map: 0 background,
/// digit d as d + 1) and outDir/annotations.json (COCO: categories "0".."9", a box and an RLE mask per digit,
/// iscrowd 0). Files are written under temporary names and renamed; the same options give the same files.
Result<Report> write(const Options &options);

} // namespace gw::datasets::composed
