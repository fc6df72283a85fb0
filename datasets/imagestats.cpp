#include "datasets/imagestats.h"

#include "datasets/teamserver.h"

#include "datasets/media.h"

#include <QFile>
#include <QSaveFile>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <numeric>
#include <unordered_map>

namespace gw::datasets {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'G', 'W', 'I', 'M', 'G', 'S', '0', '1'};

#pragma pack(push, 1)
struct CacheRecord
{
    int64_t itemId;
    int64_t size;
    int64_t mtime;
    uint64_t hash;
    float brightness, contrast;
    uint8_t unreadable;
};
#pragma pack(pop)

uint64_t hashOfGrey(const cv::Mat &grey)
{
    cv::Mat small;
    cv::resize(grey, small, cv::Size(9, 8), 0, 0, cv::INTER_AREA);
    uint64_t h = 0;
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x)
            h = (h << 1) | (small.at<uint8_t>(y, x) < small.at<uint8_t>(y, x + 1) ? 1u : 0u);
    return h;
}

cv::Mat readGrey(const std::string &path)
{
    try {
        return cv::imread(path, cv::IMREAD_GRAYSCALE);
    } catch (const cv::Exception &) {
        return {};
    }
}

struct FileKey
{
    int64_t size = -1, mtime = 0;
};

FileKey keyOf(const std::string &path)
{
    std::error_code ec;
    FileKey k;
    const auto size = fs::file_size(path, ec);
    if (ec)
        return k;
    const auto time = fs::last_write_time(path, ec);
    if (ec)
        return k;
    k.size = int64_t(size);
    k.mtime = int64_t(time.time_since_epoch().count());
    return k;
}

std::unordered_map<int64_t, CacheRecord> readCache(const std::string &file)
{
    std::unordered_map<int64_t, CacheRecord> out;
    QFile f(QString::fromStdString(file));
    if (!f.open(QIODevice::ReadOnly))
        return out;
    const QByteArray bytes = f.readAll();
    if (bytes.size() < qsizetype(sizeof kMagic) || std::memcmp(bytes.constData(), kMagic, sizeof kMagic) != 0)
        return out; // another layout: computed again
    const size_t n = (size_t(bytes.size()) - sizeof kMagic) / sizeof(CacheRecord);
    for (size_t i = 0; i < n; ++i) {
        CacheRecord r;
        std::memcpy(&r, bytes.constData() + sizeof kMagic + i * sizeof(CacheRecord), sizeof r);
        out[r.itemId] = r;
    }
    return out;
}

void writeCache(const std::string &file, const std::vector<CacheRecord> &records)
{
    std::error_code ec;
    fs::create_directories(fs::path(file).parent_path(), ec);
    QSaveFile f(QString::fromStdString(file));
    if (!f.open(QIODevice::WriteOnly))
        return; // a cache that cannot be written only costs time next run
    f.write(kMagic, sizeof kMagic);
    f.write(reinterpret_cast<const char *>(records.data()), qint64(records.size() * sizeof(CacheRecord)));
    f.commit();
}


} // namespace

std::optional<uint64_t> differenceHash(const std::string &path)
{
    const cv::Mat grey = readGrey(path);
    if (grey.empty())
        return std::nullopt;
    return hashOfGrey(grey);
}

std::vector<std::vector<int64_t>> nearDuplicateGroups(const std::vector<std::pair<int64_t, uint64_t>> &hashes,
                                                      int maxDistance)
{
    maxDistance = std::clamp(maxDistance, 0, 7);
    // Items with the same hash first; then each group is the images within maxDistance of its first image
    // (the one with the lowest id). Not transitive on purpose: a chain of small steps (ten similar '1's in a
    // row) must not make images far apart one group.
    std::map<uint64_t, std::vector<int64_t>> byHash;
    for (const auto &[id, h] : hashes)
        byHash[h].push_back(id);
    struct Distinct
    {
        uint64_t hash;
        std::vector<int64_t> ids;
    };
    std::vector<Distinct> distinct;
    for (auto &[h, ids] : byHash) {
        std::sort(ids.begin(), ids.end());
        distinct.push_back({h, std::move(ids)});
    }
    std::sort(distinct.begin(), distinct.end(), [](const Distinct &a, const Distinct &b) { return a.ids.front() < b.ids.front(); });
    // Pigeonhole: hashes within 7 bits agree on at least one of their 8 bytes, so candidates come from the
    // buckets of equal bytes.
    std::array<std::unordered_map<uint8_t, std::vector<size_t>>, 8> buckets;
    if (maxDistance > 0)
        for (size_t i = 0; i < distinct.size(); ++i)
            for (int block = 0; block < 8; ++block)
                buckets[size_t(block)][uint8_t(distinct[i].hash >> (8 * block))].push_back(i);
    std::vector<bool> taken(distinct.size(), false);
    std::vector<std::vector<int64_t>> out;
    for (size_t i = 0; i < distinct.size(); ++i) {
        if (taken[i])
            continue;
        taken[i] = true;
        std::vector<int64_t> group = distinct[i].ids;
        if (maxDistance > 0)
            for (int block = 0; block < 8; ++block)
                for (size_t j : buckets[size_t(block)][uint8_t(distinct[i].hash >> (8 * block))])
                    if (!taken[j] && std::popcount(distinct[i].hash ^ distinct[j].hash) <= maxDistance) {
                        taken[j] = true;
                        group.insert(group.end(), distinct[j].ids.begin(), distinct[j].ids.end());
                    }
        if (group.size() >= 2) {
            std::sort(group.begin(), group.end());
            out.push_back(std::move(group));
        }
    }
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) {
        return a.size() != b.size() ? a.size() > b.size() : a.front() < b.front();
    });
    return out;
}

Result<int64_t> setAside(ProjectStore &store, const std::vector<int64_t> &ids, const std::string &author,
                         bool restore, const std::string &why)
{
    int64_t changed = 0;
    std::string list;
    for (int64_t id : ids) {
        auto item = store.item(id);
        if (!item)
            return fail(item.error());
        const int flags = restore ? (item->flags & ~ItemSetAside) : (item->flags | ItemSetAside);
        if (flags == item->flags)
            continue;
        if (auto r = store.setItemFlags(item->id, flags); !r)
            return fail(r.error());
        ++changed;
        list += (list.empty() ? "" : ", ") + std::to_string(item->id);
    }
    if (changed) {
        std::string detail = why;
        if (!detail.empty())
            detail += ": ";
        detail += "items ";
        detail += list;
        (void)store.logChange(author, restore ? "restore items" : "set items aside", detail);
    }
    return changed;
}

Result<int64_t> keepOne(ProjectStore &store, const std::vector<int64_t> &group, const std::string &author)
{
    if (group.size() < 2)
        return int64_t(0);
    return setAside(store, std::vector<int64_t>(group.begin() + 1, group.end()), author, false,
                    "near-duplicates of item " + std::to_string(group.front()));
}

Result<ImageStats> computeImageStats(const ProjectStore &store, const ImageStatsOptions &o)
{
    const auto started = std::chrono::steady_clock::now();
    ImageStats stats;
    struct Work
    {
        int64_t id;
        std::string path;
        FileKey key;
        CacheRecord record{};
        bool cached = false;
    };
    std::vector<Work> work;
    ItemFilter images;
    images.kind = MediaKind::Image;
    const std::string projectDir = store.projectDir();
    if (auto r = store.forEachItem(images, [&](const Item &it) {
            if (!media::isUri(it.uri))
                work.push_back({it.id, media::resolve(projectDir, it.uri), {}, {}, false});
            return true;
        });
        !r)
        return fail(r.error());
    // A team project's cache stays on this computer (teamserver::localSidecar).
    const std::string local = teamserver::localSidecar(store.path(), ".cache", true);
    const std::string cacheFile =
        (fs::path(!o.cacheDir.empty() ? o.cacheDir : !local.empty() ? local : store.path() + ".cache") / "imagestats.bin")
            .string();
    const auto cache = readCache(cacheFile);
    for (Work &w : work) {
        w.key = keyOf(w.path);
        if (auto c = cache.find(w.id); c != cache.end() && c->second.size == w.key.size && c->second.mtime == w.key.mtime) {
            w.record = c->second;
            w.cached = true;
        }
    }
    std::vector<Work *> todo;
    for (Work &w : work)
        if (!w.cached)
            todo.push_back(&w);
    std::atomic<int64_t> done{0};
    QThreadPool pool;
    pool.setMaxThreadCount(o.threads > 0 ? o.threads : std::max(1, QThread::idealThreadCount()));
    QFuture<void> future = QtConcurrent::map(&pool, todo, [&done](Work *w) {
        CacheRecord r{};
        r.itemId = w->id;
        r.size = w->key.size;
        r.mtime = w->key.mtime;
        const cv::Mat grey = readGrey(w->path);
        if (grey.empty()) {
            r.unreadable = 1;
        } else {
            cv::Scalar mean, sd;
            cv::meanStdDev(grey, mean, sd);
            r.brightness = float(mean[0]);
            r.contrast = float(sd[0]);
            r.hash = hashOfGrey(grey);
        }
        w->record = r;
        ++done;
    });
    while (!future.isFinished()) {
        QThread::msleep(30);
        if (o.progress && !o.progress(done.load(), int64_t(todo.size()))) {
            future.cancel();
            future.waitForFinished();
            return fail(Error::cancelled());
        }
    }
    future.waitForFinished();
    stats.decoded = int64_t(todo.size());

    std::vector<CacheRecord> records;
    std::vector<std::pair<int64_t, uint64_t>> hashes;
    for (const Work &w : work) {
        records.push_back(w.record);
        ImageFigures f;
        f.itemId = w.id;
        f.hash = w.record.hash;
        f.brightness = w.record.brightness;
        f.contrast = w.record.contrast;
        f.unreadable = w.record.unreadable != 0;
        stats.unreadable += f.unreadable ? 1 : 0;
        if (!f.unreadable)
            hashes.emplace_back(w.id, w.record.hash);
        stats.images.push_back(f);
    }
    if (stats.decoded > 0)
        writeCache(cacheFile, records);
    stats.duplicateGroups = nearDuplicateGroups(hashes, o.maxDistance);
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return stats;
}

} // namespace gw::datasets
