#include "datasets/formats/imagefiles.h"

#include "datasets/fileerrors.h"
#include "datasets/media.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <vector>

namespace gw::datasets::formats {

namespace fs = std::filesystem;

FormatOption imageFilesOption()
{
    return {.key = "files",
            .description = "copy the images, or make symbolic links to them",
            .defaultValue = "copy",
            .choices = {"copy", "link"},
            .use = FormatOption::Use::Export,
            .label = "Images",
            .choiceLabels = {"Copy them into the folder", "Link to the originals (saves space)"}};
}

std::optional<std::string> splitOfName(std::string_view name)
{
    if (name == "train" || name == "training")
        return std::string("train");
    if (name == "val" || name == "valid" || name == "validation")
        return std::string("validation");
    if (name == "test" || name == "testing")
        return std::string("test");
    return std::nullopt;
}

Result<ImagePlacer::Placed> ImagePlacer::place(const StagedFolder &out, const std::string &folder,
                                               const std::string &source, int64_t itemId)
{
    const fs::path src(source);
    std::string prefix = folder;
    if (!prefix.empty())
        prefix += '/';
    Placed p;
    p.stem = src.stem().string();
    if (!m_stems.insert(prefix + p.stem).second) {
        p.stem.append(1, '-').append(std::to_string(itemId));
        m_stems.insert(prefix + p.stem);
    }
    p.fileName = p.stem + src.extension().string();
    if (auto placed = placeImageFile(out, prefix + p.fileName, source, m_link); !placed)
        return fail(placed.error());
    return p;
}

Result<> placeImageFile(const StagedFolder &out, const std::string &relative, const std::string &source, bool link)
{
    auto dest = out.path(relative);
    if (!dest)
        return fail(dest.error());
    std::error_code ec;
    if (link)
        fs::create_symlink(fs::absolute(source), *dest, ec);
    else
        fs::copy_file(out.physical(source), *dest, fs::copy_options::none, ec);
    if (ec)
        return fail(Error::io(source + ": cannot " + (link ? "link" : "copy") + " it to " + *dest + ": " +
                              describeFileError(ec.value())));
    return {};
}

std::optional<std::string> findImage(const std::string &folder, const std::string &stem)
{
    std::error_code ec;
    std::vector<std::string> found;
    for (const auto &e : fs::directory_iterator(folder, ec)) {
        const fs::path &p = e.path();
        if (p.stem().string() != stem || !e.is_regular_file(ec))
            continue;
        const std::string ext = p.extension().string();
        if (!ext.empty() && media::isImageExtension(std::string_view(ext).substr(1)))
            found.push_back(p.string());
    }
    if (found.empty())
        return std::nullopt;
    return *std::min_element(found.begin(), found.end());
}

std::optional<double> parseNumber(std::string_view s)
{
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::optional<long long> parseIndex(std::string_view s)
{
    long long v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || s.front() == '-' || ec != std::errc() || end != s.data() + s.size())
        return std::nullopt;
    return v;
}

std::string fixedDecimals(double v, int decimals)
{
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    std::string s = ec == std::errc() ? std::string(buf, end) : std::string("0");
    // -0.000000 (a tiny negative rounded to zero) is written as 0.000000.
    if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos)
        s.erase(0, 1);
    return s;
}

std::string_view trimmed(std::string_view s)
{
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

} // namespace gw::datasets::formats
