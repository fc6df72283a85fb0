#pragma once

// Media access that stays cheap: image sizes from the file header (no full decode), EXIF orientation
// respected, and the project's rule for storing media paths.

#include <string>
#include <string_view>

namespace gw::datasets::media {

struct ImageInfo
{
    int width = 0, height = 0; ///< as displayed: swapped when EXIF orientation rotates by 90°
    int depth = 3;             ///< channels: 1 grey, 3 colour, 4 with alpha
    int flags = 0;             ///< ItemMissing / ItemCorrupt
    std::string error;
};

/// Reads only the header of an image file.
ImageInfo readImageInfo(const std::string &path);

/// Image file extensions imported from folders (lower case, without the dot).
bool isImageExtension(std::string_view ext);

/// True for URIs kept verbatim (s3://, http(s)://, gs://, ...).
bool isUri(std::string_view s);

/// How a media path is stored: relative (with '/') when below projectDir, else absolute; URIs verbatim.
std::string storedUri(const std::string &projectDir, const std::string &pathOrUri);
/// The local path of a stored uri (relative ones resolved against projectDir); URIs are returned unchanged.
std::string resolve(const std::string &projectDir, const std::string &uri);
/// A manifest's source-ref (relative ones resolved against the manifest's folder) as an absolute path or URI.
std::string fromManifest(const std::string &manifestDir, const std::string &ref);
/// How a local file is written into a manifest in outDir: relative when below it, else absolute.
std::string toManifest(const std::string &outDir, const std::string &absolutePathOrUri);

} // namespace gw::datasets::media
