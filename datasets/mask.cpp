#include "datasets/mask.h"

#include <QBuffer>
#include <QImage>

#include <algorithm>
#include <cstdio>
#include <map>

namespace gw::datasets::mask {

Result<IndexedMask> decode(const std::string &pngBytes, const std::vector<std::pair<uint32_t, int>> &colorToIndex)
{
    QImage img;
    if (!img.loadFromData(reinterpret_cast<const uchar *>(pngBytes.data()), int(pngBytes.size())))
        return fail(Error::invalid("the mask is not a readable image"));
    IndexedMask m;
    m.width = img.width();
    m.height = img.height();
    m.pixels.resize(size_t(m.width) * size_t(m.height));
    if (img.format() == QImage::Format_Indexed8 || img.format() == QImage::Format_Grayscale8) {
        for (int y = 0; y < m.height; ++y)
            std::copy_n(img.constScanLine(y), m.width, m.pixels.begin() + long(y) * m.width);
        return m;
    }
    if (img.format() == QImage::Format_Mono || img.format() == QImage::Format_MonoLSB) {
        img = img.convertToFormat(QImage::Format_Indexed8);
        for (int y = 0; y < m.height; ++y)
            std::copy_n(img.constScanLine(y), m.width, m.pixels.begin() + long(y) * m.width);
        return m;
    }
    const std::map<uint32_t, int> lookup(colorToIndex.begin(), colorToIndex.end());
    const QImage rgb = img.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < m.height; ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(rgb.constScanLine(y));
        for (int x = 0; x < m.width; ++x) {
            const uint32_t c = line[x] & 0xffffffu;
            auto it = lookup.find(c);
            if (it == lookup.end())
                return fail(Error::invalid("the mask has colour " + hexColor(c) + " at pixel (" + std::to_string(x)
                                           + ", " + std::to_string(y) + ") that matches no class"));
            m.pixels[size_t(y) * size_t(m.width) + size_t(x)] = uint8_t(it->second);
        }
    }
    return m;
}

Result<std::string> encode(const IndexedMask &m, const std::vector<uint32_t> &palette)
{
    QImage img(m.width, m.height, QImage::Format_Indexed8);
    QList<QRgb> table(256, qRgb(255, 255, 255));
    for (size_t i = 0; i < palette.size() && i < 256; ++i)
        table[qsizetype(i)] = 0xff000000u | palette[i];
    img.setColorTable(table);
    for (int y = 0; y < m.height; ++y)
        std::copy_n(m.pixels.begin() + long(y) * m.width, m.width, img.scanLine(y));
    QByteArray out;
    QBuffer buf(&out);
    buf.open(QIODevice::WriteOnly);
    if (!img.save(&buf, "PNG"))
        return fail(Error::internal("cannot encode the mask as PNG"));
    return std::string(out.constData(), size_t(out.size()));
}

void applyLut(IndexedMask &m, const std::vector<uint8_t> &lut)
{
    for (uint8_t &p : m.pixels)
        p = lut[p];
}

Result<std::vector<int>> classIds(const std::string &pngBytes)
{
    if (pngBytes.empty())
        return std::vector<int>();
    auto m = decode(pngBytes);
    if (!m)
        return fail(m.error());
    bool seen[256] = {};
    for (uint8_t p : m->pixels)
        seen[p] = true;
    std::vector<int> ids;
    for (int i = 1; i < 256; ++i)
        if (seen[i])
            ids.push_back(i - 1);
    return ids;
}

Result<std::string> classIdsJson(const std::string &pngBytes)
{
    auto ids = classIds(pngBytes);
    if (!ids)
        return fail(ids.error());
    std::string json = "[";
    for (int id : *ids)
        json += (json.size() > 1 ? "," : "") + std::to_string(id);
    return json + "]";
}

Result<std::string> remapClass(const std::string &pngBytes, int classId, std::optional<int> to)
{
    QImage img;
    if (!img.loadFromData(reinterpret_cast<const uchar *>(pngBytes.data()), int(pngBytes.size()))
        || img.format() != QImage::Format_Indexed8)
        return fail(Error::invalid("stored mask is not a palette PNG"));
    const int from = classId + 1, into = to ? *to + 1 : 0;
    if (from > 255 || into > 255)
        return fail(Error::invalid("class id out of the mask's range"));
    for (int y = 0; y < img.height(); ++y) {
        uchar *line = img.scanLine(y);
        for (int x = 0; x < img.width(); ++x)
            if (line[x] == from)
                line[x] = uchar(into);
    }
    QByteArray out;
    QBuffer buf(&out);
    buf.open(QIODevice::WriteOnly);
    img.save(&buf, "PNG");
    return std::string(out.constData(), size_t(out.size()));
}

Result<std::string> encodeStored(const IndexedMask &m, const std::vector<LabelClass> &classes)
{
    std::vector<uint32_t> palette(256, 0xffffff);
    for (const LabelClass &c : classes)
        if (c.id + 1 < 256)
            palette[size_t(c.id + 1)] = parseHexColor(c.color).value_or(0xffffff);
    return encode(m, palette);
}

Result<std::string> storedFromGroundTruth(IndexedMask m, const std::vector<LabelClass> &classes)
{
    std::vector<uint8_t> lut(256, 0);
    std::vector<bool> valid(256, false);
    valid[0] = true;
    for (size_t pos = 0; pos < classes.size() && pos < 255; ++pos) {
        lut[pos + 1] = uint8_t(classes[pos].id + 1);
        valid[pos + 1] = true;
    }
    for (size_t i = 0; i < m.pixels.size(); ++i)
        if (!valid[m.pixels[i]])
            return fail(Error::invalid("pixel (" + std::to_string(i % size_t(m.width)) + ", "
                                       + std::to_string(i / size_t(m.width)) + ") has value "
                                       + std::to_string(m.pixels[i]) + ", which is no class (0 = background, 1.."
                                       + std::to_string(classes.size()) + ")"));
    applyLut(m, lut);
    return encodeStored(m, classes);
}

Result<std::string> groundTruthFromStored(const std::string &png, const std::vector<LabelClass> &classes,
                                          uint32_t backgroundRgb)
{
    auto m = decode(png);
    if (!m)
        return fail(m.error());
    std::vector<uint8_t> lut(256, 0);
    std::vector<uint32_t> palette(256, 0xffffff);
    palette[0] = backgroundRgb;
    for (size_t pos = 0; pos < classes.size() && pos < 255; ++pos) {
        const LabelClass &c = classes[pos];
        if (c.id + 1 < 256)
            lut[size_t(c.id + 1)] = uint8_t(pos + 1);
        palette[pos + 1] = parseHexColor(c.color).value_or(0xffffff);
    }
    applyLut(*m, lut);
    return encode(*m, palette);
}

Result<> checkSize(const IndexedMask &m, int imageWidth, int imageHeight)
{
    if (imageWidth && (m.width != imageWidth || m.height != imageHeight))
        return fail(Error::invalid("the mask is " + std::to_string(m.width) + "x" + std::to_string(m.height)
                                   + " but the image is " + std::to_string(imageWidth) + "x"
                                   + std::to_string(imageHeight)));
    return {};
}

std::optional<uint32_t> parseHexColor(const std::string &hex)
{
    if (hex.size() != 7 || hex[0] != '#')
        return std::nullopt;
    uint32_t v = 0;
    for (size_t i = 1; i < 7; ++i) {
        const char c = char(std::tolower(static_cast<unsigned char>(hex[i])));
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= uint32_t(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= uint32_t(c - 'a' + 10);
        else
            return std::nullopt;
    }
    return v;
}

std::string hexColor(uint32_t rgb)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%06x", rgb & 0xffffffu);
    return buf;
}

} // namespace gw::datasets::mask
