#pragma once

// What the pixels say: brightness and contrast of every image, files that do not decode, and near-duplicate
// groups by perceptual hash (a 64-bit difference hash of a 9×8 grey thumbnail: images that differ by
// re-encoding, resizing or a small change of light stay within a few bits). Each image is decoded once: the
// figures are kept in the project's sidecar cache (NAME.cache/imagestats.bin) keyed by the file's size and
// modification time, so later runs only read the cache. OpenCV stays in imagestats.cpp.

#include "datasets/manifest.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gw::datasets {

struct ImageFigures
{
    int64_t itemId = 0;
    uint64_t hash = 0;      ///< difference hash
    float brightness = 0;   ///< mean grey level, 0-255
    float contrast = 0;     ///< standard deviation of the grey levels
    bool unreadable = false;
};

struct ImageStatsOptions
{
    std::string cacheDir;        ///< default: beside the project (NAME.cache)
    int maxDistance = 4;         ///< near-duplicates: at most this many differing hash bits (0-7)
    int threads = 0;             ///< 0: all cores
    ProgressFn progress;
};

struct ImageStats
{
    std::vector<ImageFigures> images;          ///< in item order
    std::vector<std::vector<int64_t>> duplicateGroups; ///< item ids, groups of two or more, largest first
    int64_t decoded = 0;   ///< images decoded this run (the rest came from the cache)
    int64_t unreadable = 0;
    double seconds = 0;
};

/// The 64-bit difference hash of an image file; nullopt when it does not decode.
std::optional<uint64_t> differenceHash(const std::string &path);
/// Groups of near-duplicates: each group is an image and the later ones within maxDistance bits of it (not
/// transitive); maxDistance ≤ 7.
std::vector<std::vector<int64_t>> nearDuplicateGroups(const std::vector<std::pair<int64_t, uint64_t>> &hashes,
                                                      int maxDistance);

/// Sets items aside (ItemSetAside: not exported, not used by automated labeling) or restores them; recorded
/// in the change log with why. Returns how many items changed.
Result<int64_t> setAside(ProjectStore &store, const std::vector<int64_t> &ids, const std::string &author,
                         bool restore = false, const std::string &why = {});
/// "Keep one": sets aside every item of a near-duplicate group but the first.
Result<int64_t> keepOne(ProjectStore &store, const std::vector<int64_t> &group, const std::string &author);

/// The figures of every image item of the project (local files; URIs are left out).
Result<ImageStats> computeImageStats(const ProjectStore &store, const ImageStatsOptions &options);

} // namespace gw::datasets
