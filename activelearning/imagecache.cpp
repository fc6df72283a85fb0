#include "activelearning/imagecache.h"
#include "datasets/teamserver.h"
#include "datasets/workpool.h"

#include <QDataStream>
#include <QFile>
#include <QImage>
#include <QImageIOHandler>
#include <QImageReader>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QString>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <unordered_map>

namespace gw::activelearning {

namespace {

namespace fs = std::filesystem;

constexpr char kBinMagic[8] = {'G', 'W', 'I', 'M', 'G', 'B', 'I', 'N'};
constexpr quint32 kIndexMagic = 0x4757'4958; // "GWIX"
constexpr quint32 kFormatVersion = 1;
constexpr qint64 kBinHeaderBytes = 64;
constexpr size_t kDecodeChunk = 256;

enum class RowState : quint8
{
    Ok = 0,
    Unreadable = 1,
    Missing = 2
};

/// Identifies a file's content cheaply: a rewritten file changes its modification time (and usually size).
struct FileStamp
{
    bool exists = false;
    qint64 size = 0;
    qint64 modified = 0; ///< file clock ticks (ns)
};

FileStamp stampOf(const std::string &path)
{
    std::error_code ec;
    FileStamp s;
    if (!fs::is_regular_file(path, ec))
        return s;
    const auto size = fs::file_size(path, ec);
    if (ec)
        return s;
    const auto modified = fs::last_write_time(path, ec);
    if (ec)
        return s;
    s.exists = true;
    s.size = qint64(size);
    s.modified = qint64(modified.time_since_epoch().count());
    return s;
}

struct CachedRow
{
    FileStamp stamp;
    RowState state = RowState::Ok;
    qint64 row = 0;
};

/// The binary header both files share, so that a bin and an index written by different loads never mix.
struct Header
{
    quint64 token = 0;
    qint32 channels = 0, height = 0, width = 0;
    qint64 rows = 0;
};

std::string baseName(int channels, int height, int width)
{
    return "images-" + std::to_string(channels) + "x" + std::to_string(height) + "x" + std::to_string(width);
}

/// The previous load's cache, memory-mapped; empty when absent, stale or damaged.
class CacheReader
{
public:
    CacheReader(const std::string &dir, int channels, int height, int width)
    {
        if (!dir.empty() && !open(dir, channels, height, width)) {
            m_rows.clear();
            m_order.clear();
            m_data = nullptr;
        }
    }

    const CachedRow *find(const std::string &path) const
    {
        const auto it = m_rows.find(path);
        return it == m_rows.end() ? nullptr : &it->second;
    }
    const uchar *pixels(qint64 row) const { return m_data + kBinHeaderBytes + size_t(row) * m_rowBytes; }
    /// The path at each row of the cache, in order.
    const std::vector<std::string> &order() const { return m_order; }

private:
    bool open(const std::string &dir, int channels, int height, int width)
    {
        const std::string base = (fs::path(dir) / baseName(channels, height, width)).string();
        Header header;
        if (!readIndex(base + ".idx", header) || header.channels != channels || header.height != height ||
            header.width != width)
            return false;
        const qint64 rowBytes = qint64(channels) * height * width;
        m_bin.setFileName(QString::fromStdString(base + ".bin"));
        if (!m_bin.open(QIODevice::ReadOnly) || m_bin.size() != kBinHeaderBytes + header.rows * rowBytes)
            return false;
        m_data = m_bin.map(0, m_bin.size());
        if (!m_data || std::memcmp(m_data, kBinMagic, sizeof kBinMagic) != 0)
            return false;
        Header binHeader;
        std::memcpy(&binHeader, m_data + sizeof kBinMagic, sizeof binHeader);
        m_rowBytes = size_t(rowBytes);
        return binHeader.token == header.token && binHeader.rows == header.rows;
    }

    bool readIndex(const std::string &path, Header &header)
    {
        QFile file(QString::fromStdString(path));
        if (!file.open(QIODevice::ReadOnly))
            return false;
        QDataStream in(&file);
        in.setVersion(QDataStream::Qt_6_0);
        quint32 magic = 0, version = 0;
        in >> magic >> version >> header.token >> header.channels >> header.height >> header.width >>
            header.rows;
        if (magic != kIndexMagic || version != kFormatVersion || header.rows < 0)
            return false;
        for (qint64 r = 0; r < header.rows && in.status() == QDataStream::Ok; ++r) {
            QByteArray name;
            quint8 state = 0;
            CachedRow row;
            in >> name >> row.stamp.size >> row.stamp.modified >> state;
            row.stamp.exists = true;
            row.state = RowState(state);
            row.row = r;
            m_order.push_back(name.toStdString());
            m_rows.emplace(m_order.back(), row);
        }
        return in.status() == QDataStream::Ok && qint64(m_order.size()) == header.rows;
    }

    QFile m_bin;
    uchar *m_data = nullptr;
    size_t m_rowBytes = 0;
    std::unordered_map<std::string, CachedRow> m_rows;
    std::vector<std::string> m_order;
};

/// Decodes one image into a row of 8-bit planar pixels (channels × height × width), scaled to fit and centred
/// on black. Returns an empty string or what went wrong.
std::string decodeInto(const std::string &path, int channels, int height, int width, uchar *out)
{
    QImageReader reader(QString::fromStdString(path));
    reader.setAutoTransform(true);
    const QSize stored = reader.size();
    if (stored.isValid()) {
        // Large images decode straight to about twice the target size (JPEG scales while decoding).
        const bool turned = reader.transformation() & QImageIOHandler::TransformationRotate90;
        const QSize shown = turned ? stored.transposed() : stored;
        const double factor = std::min(2.0 * width / shown.width(), 2.0 * height / shown.height());
        if (factor < 0.5)
            reader.setScaledSize(QSize(std::max(1, int(std::lround(stored.width() * factor))),
                                       std::max(1, int(std::lround(stored.height() * factor)))));
    }
    QImage image = reader.read();
    if (image.isNull())
        return path + ": not a readable image (" + reader.errorString().toStdString() + ")";
    if (image.hasAlphaChannel())
        image = image.convertToFormat(QImage::Format_ARGB32_Premultiplied); // transparent parts become black
    const QSize fit = image.size().scaled(width, height, Qt::KeepAspectRatio).expandedTo(QSize(1, 1));
    image = image.scaled(fit, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                .convertToFormat(channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    const int left = (width - image.width()) / 2, top = (height - image.height()) / 2;
    const size_t plane = size_t(height) * size_t(width);
    for (int y = 0; y < image.height(); ++y) {
        const uchar *line = image.constScanLine(y);
        for (int x = 0; x < image.width(); ++x) {
            const size_t at = size_t(top + y) * size_t(width) + size_t(left + x);
            for (int c = 0; c < channels; ++c)
                out[size_t(c) * plane + at] = line[x * channels + c];
        }
    }
    return {};
}

/// Writes the bin, then the index, each atomically; a shared token ties them together.
Result<> writeCache(const std::string &dir, int channels, int height, int width,
                    const std::vector<std::string> &paths, const std::vector<FileStamp> &stamps,
                    const std::vector<RowState> &states, const std::vector<uchar> &pixels)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return fail(Error::io(dir + ": cannot create the cache folder (" + ec.message() + ")"));
    const std::string base = (fs::path(dir) / baseName(channels, height, width)).string();
    // Rows that have no file are not cached: they are looked at again next time.
    std::vector<size_t> kept;
    for (size_t i = 0; i < paths.size(); ++i) {
        if (states[i] != RowState::Missing)
            kept.push_back(i);
    }
    Header header;
    header.token = QRandomGenerator::global()->generate64();
    header.channels = channels;
    header.height = height;
    header.width = width;
    header.rows = qint64(kept.size());
    const size_t rowBytes = size_t(channels) * size_t(height) * size_t(width);

    QSaveFile bin(QString::fromStdString(base + ".bin"));
    if (!bin.open(QIODevice::WriteOnly))
        return fail(Error::io(base + ".bin: " + bin.errorString().toStdString()));
    QByteArray head(kBinHeaderBytes, '\0');
    std::memcpy(head.data(), kBinMagic, sizeof kBinMagic);
    std::memcpy(head.data() + sizeof kBinMagic, &header, sizeof header);
    bin.write(head);
    for (size_t i : kept)
        bin.write(reinterpret_cast<const char *>(pixels.data() + i * rowBytes), qint64(rowBytes));
    if (!bin.commit())
        return fail(Error::io(base + ".bin: " + bin.errorString().toStdString()));

    QSaveFile index(QString::fromStdString(base + ".idx"));
    if (!index.open(QIODevice::WriteOnly))
        return fail(Error::io(base + ".idx: " + index.errorString().toStdString()));
    QDataStream out(&index);
    out.setVersion(QDataStream::Qt_6_0);
    out << kIndexMagic << kFormatVersion << header.token << header.channels << header.height << header.width
        << header.rows;
    for (size_t i : kept)
        out << QByteArray::fromStdString(paths[i]) << stamps[i].size << stamps[i].modified
            << quint8(states[i]);
    if (out.status() != QDataStream::Ok || !index.commit())
        return fail(Error::io(base + ".idx: " + index.errorString().toStdString()));
    return {};
}

/// The rows of one load as they are filled: from the cache first, then by decoding.
struct Rows
{
    Rows(size_t count, size_t bytesPerRow)
        : rowBytes(bytesPerRow), pixels(count * bytesPerRow, 0), stamps(count), states(count, RowState::Ok),
          errors(count)
    {
    }
    uchar *row(size_t i) { return pixels.data() + i * rowBytes; }

    size_t rowBytes;
    std::vector<uchar> pixels;
    std::vector<FileStamp> stamps;
    std::vector<RowState> states;
    std::vector<std::string> errors;
    std::vector<int> toDecode; ///< rows whose file is new or changed
    bool sameLayout = true;    ///< the cache already holds exactly these files, in this order
};

/// Fills the rows whose files are unchanged since the cache was written; lists the others for decoding.
void takeFromCache(Rows &rows, const std::vector<std::string> &paths, const CacheReader &cache,
                   ImageFeatureCache::Stats &stats)
{
    size_t cachedRow = 0;
    for (size_t i = 0; i < paths.size(); ++i) {
        rows.stamps[i] = stampOf(paths[i]);
        if (!rows.stamps[i].exists) {
            rows.states[i] = RowState::Missing;
            rows.errors[i] = paths[i] + ": file not found";
            continue;
        }
        rows.sameLayout =
            rows.sameLayout && cachedRow < cache.order().size() && cache.order()[cachedRow] == paths[i];
        ++cachedRow;
        const CachedRow *hit = cache.find(paths[i]);
        if (!hit || hit->stamp.size != rows.stamps[i].size ||
            hit->stamp.modified != rows.stamps[i].modified) {
            rows.toDecode.push_back(int(i));
            continue;
        }
        ++stats.reused;
        rows.states[i] = hit->state;
        if (hit->state == RowState::Ok)
            std::memcpy(rows.row(i), cache.pixels(hit->row), rows.rowBytes);
        else
            rows.errors[i] = paths[i] + ": not a readable image (unchanged since it last failed)";
    }
    rows.sameLayout = rows.sameLayout && cachedRow == cache.order().size();
}

/// Decodes the listed rows on all cores, in chunks so that progress moves and cancel is prompt.
bool decodeListed(Rows &rows, const std::vector<std::string> &paths, int channels, int height, int width,
                  const ImageFeatureCache::Progress &progress, ImageFeatureCache::Stats &stats)
{
    const size_t n = paths.size();
    for (size_t begin = 0; begin < rows.toDecode.size(); begin += kDecodeChunk) {
        const size_t end = std::min(rows.toDecode.size(), begin + kDecodeChunk);
        const QList<int> part(rows.toDecode.begin() + long(begin), rows.toDecode.begin() + long(end));
        QtConcurrent::blockingMap(workPool(), part, [&](int i) {
            const auto r = size_t(i);
            rows.errors[r] = decodeInto(paths[r], channels, height, width, rows.row(r));
            if (!rows.errors[r].empty()) {
                std::fill_n(rows.row(r), rows.rowBytes, uchar(0));
                rows.states[r] = RowState::Unreadable;
            }
        });
        stats.decoded += int64_t(end - begin);
        if (progress && !progress(int64_t(n - rows.toDecode.size() + end), int64_t(n)))
            return false;
    }
    return true;
}

} // namespace

std::string ImageFeatureCache::cacheDirForProject(const std::string &projectPath)
{
    // A team project's caches stay on each computer, in its cache folder.
    if (std::string local = datasets::teamserver::localSidecar(projectPath, ".cache", true); !local.empty())
        return local;
    fs::path p(projectPath);
    p.replace_extension(".cache");
    return p.string();
}

Result<std::shared_ptr<const ImageInputs>> ImageFeatureCache::load(const std::vector<std::string> &paths,
                                                                   int channels, int height, int width,
                                                                   const std::string &cacheDir,
                                                                   const Progress &progress,
                                                                   std::vector<std::string> *problems)
{
    if (channels != 1 && channels != 3)
        return fail(Error::invalid("images have 1 or 3 channels, not " + std::to_string(channels)));
    if (height < 1 || width < 1)
        return fail(Error::invalid("an image size needs positive sides"));
    m_stats = {};
    Rows rows(paths.size(), size_t(channels) * size_t(height) * size_t(width));
    takeFromCache(rows, paths, CacheReader(cacheDir, channels, height, width), m_stats);
    if (!decodeListed(rows, paths, channels, height, width, progress, m_stats))
        return fail(Error::cancelled());
    for (size_t i = 0; i < paths.size(); ++i) {
        if (rows.states[i] == RowState::Ok)
            continue;
        ++m_stats.unreadable;
        m_stats.unreadableRows.push_back(int(i));
        if (problems)
            problems->push_back(rows.errors[i]);
    }
    if (!cacheDir.empty() && (m_stats.decoded > 0 || !rows.sameLayout)) {
        const auto written =
            writeCache(cacheDir, channels, height, width, paths, rows.stamps, rows.states, rows.pixels);
        m_stats.cacheWritten = written.has_value();
        if (!written && problems)
            problems->push_back("the image cache was not written: " + written.error().message);
    }
    auto inputs = std::make_shared<ImageInputs>();
    inputs->channels = channels;
    inputs->height = height;
    inputs->width = width;
    inputs->pixels.resize(rows.pixels.size());
    std::transform(rows.pixels.begin(), rows.pixels.end(), inputs->pixels.begin(),
                   [](uchar v) { return float(v) / 255.f; });
    return std::shared_ptr<const ImageInputs>(std::move(inputs));
}

} // namespace gw::activelearning
