#pragma once

// Model inputs for image files, decoded once: the pixels of every image at a fixed size, kept in a cache file
// next to the project so that retraining does not decode the images again.

#include "activelearning/models.h"
#include "datasets/result.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gw::activelearning {

/// Builds ImageInputs for a list of image files. Each image is decoded (grey when channels == 1, RGB when 3,
/// EXIF orientation applied), scaled to fit height × width with its aspect ratio kept, centred and padded
/// with zeros (black), and stored as floats in [0, 1]. Decoding runs on all cores.
///
/// The disk cache is two files in cacheDir: images-<C>x<H>x<W>.bin (one row of 8-bit pixels per image, in
/// the order of the last load) and images-<C>x<H>x<W>.idx (path, size, modification time and state of each
/// row). A row is reused while its file keeps its size and modification time; changed or new files are
/// decoded and the cache is rewritten to hold exactly the paths of the last load. Missing or unreadable
/// images give a row of zeros and a problem message; they never fail the load.
class ImageFeatureCache
{
public:
    /// What the last load did, row by row.
    struct Stats
    {
        int64_t decoded = 0;    ///< decoded from the image file (new, changed, or no usable cache)
        int64_t reused = 0;     ///< taken from the cache file
        int64_t unreadable = 0; ///< missing or not decodable: a row of zeros
        std::vector<int> unreadableRows; ///< which rows those are
        bool cacheWritten = false;
    };

    /// Progress of decoding: rows done, rows in all; returns false to cancel.
    using Progress = std::function<bool(int64_t done, int64_t total)>;

    /// The inputs of absolutePaths, row i for path i. An empty cacheDir disables the disk cache. Fails only
    /// for invalid sizes (channels other than 1 or 3, a side below 1) and cancellation; a cache that cannot
    /// be written is reported in problems.
    Result<std::shared_ptr<const ImageInputs>> load(const std::vector<std::string> &absolutePaths,
                                                    int channels, int height, int width,
                                                    const std::string &cacheDir,
                                                    const Progress &progress = {},
                                                    std::vector<std::string> *problems = nullptr);

    Stats lastStats() const { return m_stats; }

    /// The cache folder of a project file: NAME.gwproj → NAME.cache beside it.
    static std::string cacheDirForProject(const std::string &projectPath);

private:
    Stats m_stats;
};

} // namespace gw::activelearning
