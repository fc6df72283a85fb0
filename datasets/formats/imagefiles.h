#pragma once

// What the YOLO and Pascal VOC formats share: image files placed in an output folder under names that keep
// the image's own name, split names as folder names, and numbers read and written the same in every locale.

#include "datasets/formats/formatutil.h"

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace gw::datasets::formats {

/// The split a folder or list name stands for: train/training → "train", val/valid/validation →
/// "validation", test/testing → "test"; nullopt for any other name.
std::optional<std::string> splitOfName(std::string_view name);

/// Places an image file at `relative` below a staged output: a copy, or a symbolic link to its final path
/// (an augmented copy being staged is read from its staging copy).
Result<> placeImageFile(const StagedFolder &out, const std::string &relative, const std::string &source, bool link);

/// The export option "files" of the formats that place images in their folder: copies, or symbolic links.
FormatOption imageFilesOption();

/// Copies (or links) images into folders of a staged output. An image keeps its file name; when another image
/// of the same folder already has its stem (a.jpg and a.png, or two a.jpg from different folders), the item
/// id is added to the stem ("a-17.png"), so that label files named after the stem (a.txt, a.xml) stay apart.
class ImagePlacer
{
public:
    explicit ImagePlacer(bool link) : m_link(link) {}
    struct Placed
    {
        std::string stem;     ///< the file name without its extension
        std::string fileName; ///< stem + the source's extension
    };
    /// Places source (a local file) as folder/<name> below out.staging(); folder empty: at the top.
    Result<Placed> place(const StagedFolder &out, const std::string &folder, const std::string &source,
                         int64_t itemId);

private:
    bool m_link;
    std::set<std::string> m_stems; ///< "folder/stem"
};

/// The image file of this stem in a folder (any image extension, the first by name), or nullopt.
std::optional<std::string> findImage(const std::string &folder, const std::string &stem);

/// A decimal number (no locale): "12", "-3.5", "1e-3"; nullopt for anything else, including trailing text.
std::optional<double> parseNumber(std::string_view s);
/// A non-negative integer written with digits only; nullopt otherwise.
std::optional<long long> parseIndex(std::string_view s);
/// v with exactly `decimals` decimals, rounded to nearest (no locale, no "-0.000000").
std::string fixedDecimals(double v, int decimals);
/// s without leading and trailing blanks (spaces, tabs, CR).
std::string_view trimmed(std::string_view s);

} // namespace gw::datasets::formats
