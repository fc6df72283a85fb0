#pragma once

// Segmentation masks as 8-bit palette PNGs (Ground Truth's format): pixel value = class index, 0 = background.

#include "datasets/result.h"
#include "datasets/types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gw::datasets::mask {

struct IndexedMask
{
    int width = 0, height = 0;
    std::vector<uint8_t> pixels; ///< row-major, width * height
};

/// Decodes a PNG into pixel indices. Palette and grayscale PNGs give their indices; colour PNGs are mapped
/// through colorToIndex (0xRRGGBB → index), and a colour not in it is an error.
Result<IndexedMask> decode(const std::string &pngBytes,
                           const std::vector<std::pair<uint32_t, int>> &colorToIndex = {});
/// Encodes a palette PNG; palette[i] is 0xRRGGBB of index i, unused entries are white.
Result<std::string> encode(const IndexedMask &m, const std::vector<uint32_t> &palette);
/// Replaces index from by to in every pixel (a lookup table for all 256 values).
void applyLut(IndexedMask &m, const std::vector<uint8_t> &lut);

/// Class ids present in a stored mask (pixel - 1 for every non-zero pixel value).
Result<std::vector<int>> classIds(const std::string &pngBytes);
/// classIds as the JSON array stored beside the mask ("[0,3]"), which class filters search instead of
/// decoding every mask.
Result<std::string> classIdsJson(const std::string &pngBytes);
/// Stored masks: moves the pixels of classId to class to, or to background; keeps the palette.
Result<std::string> remapClass(const std::string &pngBytes, int classId, std::optional<int> to);

/// A mask in stored values (class id + 1) encoded with the classes' colours.
Result<std::string> encodeStored(const IndexedMask &m, const std::vector<LabelClass> &classes);
/// A mask in Ground Truth values (class position + 1) to the stored form; a value that is no class is an
/// error naming the pixel.
Result<std::string> storedFromGroundTruth(IndexedMask m, const std::vector<LabelClass> &classes);
/// A stored mask PNG to a Ground Truth palette PNG (value = position + 1, palette = class colours, and
/// backgroundRgb for value 0: white in Ground Truth's internal-color-map, black in mask-pngs' classes.csv).
Result<std::string> groundTruthFromStored(const std::string &png, const std::vector<LabelClass> &classes,
                                          uint32_t backgroundRgb = 0xffffff);
/// An error when the mask's size differs from a known image size (0 × 0: unknown).
Result<> checkSize(const IndexedMask &m, int imageWidth, int imageHeight);

/// "#rrggbb" → 0xRRGGBB; nullopt when malformed.
std::optional<uint32_t> parseHexColor(const std::string &hex);
std::string hexColor(uint32_t rgb);

} // namespace gw::datasets::mask
