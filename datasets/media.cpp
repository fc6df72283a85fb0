#include "datasets/media.h"

#include "datasets/types.h"

#include <QImageIOHandler>
#include <QImageReader>
#include <QString>

#include <algorithm>
#include <filesystem>

namespace gw::datasets::media {

namespace fs = std::filesystem;

ImageInfo readImageInfo(const std::string &path)
{
    ImageInfo info;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        info.flags = ItemMissing;
        info.error = path + ": file not found";
        return info;
    }
    QImageReader reader(QString::fromStdString(path));
    reader.setAutoTransform(true);
    QSize size = reader.size();
    if (!reader.canRead() || !size.isValid()) {
        info.flags = ItemCorrupt;
        info.error = path + ": not a readable image (" + reader.errorString().toStdString() + ")";
        return info;
    }
    if (reader.transformation() & QImageIOHandler::TransformationRotate90)
        size.transpose();
    info.width = size.width();
    info.height = size.height();
    switch (reader.imageFormat()) {
    case QImage::Format_Grayscale8:
    case QImage::Format_Grayscale16:
    case QImage::Format_Mono:
    case QImage::Format_MonoLSB: info.depth = 1; break;
    case QImage::Format_ARGB32:
    case QImage::Format_ARGB32_Premultiplied:
    case QImage::Format_RGBA8888:
    case QImage::Format_RGBA64: info.depth = 4; break;
    default: info.depth = 3;
    }
    return info;
}

bool isImageExtension(std::string_view ext)
{
    std::string e(ext);
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return e == "jpg" || e == "jpeg" || e == "png" || e == "bmp" || e == "tif" || e == "tiff" || e == "webp";
}

bool isUri(std::string_view s)
{
    const auto p = s.find("://");
    if (p == std::string_view::npos || p == 0)
        return false;
    return std::all_of(s.begin(), s.begin() + long(p), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'; });
}

static bool isBelow(const fs::path &dir, const fs::path &p, fs::path &rel)
{
    rel = p.lexically_relative(dir);
    return !rel.empty() && *rel.begin() != ".." && !rel.is_absolute();
}

std::string storedUri(const std::string &projectDir, const std::string &pathOrUri)
{
    if (isUri(pathOrUri))
        return pathOrUri;
    const fs::path abs = fs::absolute(pathOrUri).lexically_normal();
    fs::path rel;
    if (isBelow(fs::path(projectDir).lexically_normal(), abs, rel))
        return rel.generic_string();
    return abs.generic_string();
}

std::string resolve(const std::string &projectDir, const std::string &uri)
{
    if (uri.empty() || isUri(uri) || uri.front() == '/')
        return uri;
    return (fs::path(projectDir) / uri).lexically_normal().string();
}

std::string fromManifest(const std::string &manifestDir, const std::string &ref)
{
    if (isUri(ref) || (!ref.empty() && ref.front() == '/'))
        return ref;
    return (fs::path(manifestDir) / ref).lexically_normal().string();
}

std::string toManifest(const std::string &outDir, const std::string &absolutePathOrUri)
{
    if (isUri(absolutePathOrUri))
        return absolutePathOrUri;
    fs::path rel;
    if (isBelow(fs::path(outDir).lexically_normal(), fs::path(absolutePathOrUri).lexically_normal(), rel))
        return rel.generic_string();
    return absolutePathOrUri;
}

} // namespace gw::datasets::media
