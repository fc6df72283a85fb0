#include "datasets/importers.h"
#include "datasets/workpool.h"

#include "datasets/importpolicy.h"
#include "datasets/json.h"
#include "datasets/linereader.h"
#include "datasets/media.h"
#include "datasets/output.h"
#include "datasets/text/csv.h"
#include "datasets/text/utf8.h"

#include <QList>
#include <QtConcurrent/QtConcurrentMap>

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <unordered_set>

namespace gw::datasets {

namespace fs = std::filesystem;

namespace {

std::string lowerExtension(const fs::path &p)
{
    std::string e = p.extension().string();
    if (!e.empty())
        e.erase(0, 1);
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return e;
}

Result<std::unordered_set<std::string>> existingUris(const ProjectStore &store)
{
    std::unordered_set<std::string> uris;
    ItemFilter f;
    f.kind = MediaKind::Image;
    auto r = store.forEachItem(f, [&](const Item &i) {
        uris.insert(i.uri);
        return true;
    });
    if (!r)
        return fail(r.error());
    return uris;
}

/// Whether a file name is one to import, by its extension (asked of every entry of a folder: no allocation).
bool wantedFile(std::string_view name, bool images, bool texts)
{
    const size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || name.size() - dot - 1 > 4)
        return false; // no extension (".png" alone is a hidden file's name), or none of ours
    char lower[4];
    const size_t n = name.size() - dot - 1;
    for (size_t i = 0; i < n; ++i)
        lower[i] = char(std::tolower(static_cast<unsigned char>(name[dot + 1 + i])));
    const std::string_view ext(lower, n);
    return (images && media::isImageExtension(ext)) || (texts && ext == "txt");
}

/// A folder's wanted files and its subfolders by name, a subfolder's with a '/' after it: in that form names
/// sort as the paths below them do, so sorting each folder's names orders the whole tree as sorting every
/// path would. Returns the `keep` first names in natural order; `more` says whether there were others. Only
/// that many are kept while reading, so the first few of a folder of a million files cost one pass over its
/// entries and no million strings. Types come from the directory entries; only links (and file systems that
/// give no type) cost a stat. Links to folders are not followed, and a subfolder that cannot be read is
/// passed over.
Result<std::vector<std::string>> readFolder(const std::string &dir, bool images, bool texts, bool top, size_t keep,
                                            bool &more)
{
    more = false;
    DIR *d = ::opendir(dir.c_str());
    if (!d) {
        if (!top && (errno == EACCES || errno == EPERM))
            return std::vector<std::string>();
        return fail(Error::io(dir + ": " + std::strerror(errno)));
    }
    const bool bounded = keep != SIZE_MAX; // then names is a heap, its greatest name first
    std::vector<std::string> names;
    std::string name;
    errno = 0;
    while (const dirent *e = ::readdir(d)) {
        if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0)))
            continue;
        unsigned char type = e->d_type;
        if (type == DT_LNK || type == DT_UNKNOWN) {
            struct stat st;
            if (::fstatat(::dirfd(d), e->d_name, &st, 0) != 0)
                type = DT_UNKNOWN; // a dangling link
            else if (S_ISREG(st.st_mode))
                type = DT_REG;
            else if (S_ISDIR(st.st_mode) && type == DT_UNKNOWN)
                type = DT_DIR;
            else
                type = DT_UNKNOWN;
        }
        errno = 0;
        name.assign(e->d_name);
        if (type == DT_DIR)
            name += '/';
        else if (type != DT_REG || !wantedFile(name, images, texts))
            continue;
        if (names.size() < keep) {
            names.push_back(name);
            if (bounded)
                std::push_heap(names.begin(), names.end(), naturalLess);
        } else {
            more = true;
            if (keep > 0 && naturalLess(name, names.front())) {
                std::pop_heap(names.begin(), names.end(), naturalLess);
                names.back() = name;
                std::push_heap(names.begin(), names.end(), naturalLess);
            }
        }
    }
    const int error = errno;
    ::closedir(d);
    if (error)
        return fail(Error::io(dir + ": " + std::strerror(error)));
    if (bounded)
        std::sort_heap(names.begin(), names.end(), naturalLess);
    else
        std::sort(names.begin(), names.end(), naturalLess);
    return names;
}

/// Appends the wanted files below dir (which ends with '/') in natural order until out holds limit paths.
/// Only as many names as may be needed are read into order.
Result<> walkFolder(const std::string &dir, bool images, bool texts, size_t limit, std::vector<std::string> &out,
                    const std::function<bool()> &cancelled, bool top)
{
    if (cancelled && cancelled())
        return fail(Error::cancelled());
    size_t walked = 0;
    for (size_t keep = limit == SIZE_MAX ? SIZE_MAX : limit - out.size();;) {
        bool more = false;
        auto names = readFolder(dir, images, texts, top, keep, more);
        if (!names)
            return fail(names.error());
        for (size_t i = walked; i < names->size() && out.size() < limit; ++i) {
            const std::string &name = (*names)[i];
            if (name.back() != '/')
                out.push_back(dir + name);
            else if (auto r = walkFolder(dir + name, images, texts, limit, out, cancelled, false); !r)
                return r;
        }
        if (out.size() >= limit || !more)
            return {};
        // Its subfolders held fewer files than wanted: the folder again, with more of its names.
        walked = names->size();
        keep = keep > SIZE_MAX / 4 ? SIZE_MAX : keep * 4;
    }
}

} // namespace

bool naturalLess(const std::string &a, const std::string &b)
{
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        const bool da = std::isdigit(static_cast<unsigned char>(a[i])), db = std::isdigit(static_cast<unsigned char>(b[j]));
        if (da && db) {
            size_t ei = i, ej = j;
            while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei])))
                ++ei;
            while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej])))
                ++ej;
            // Compare the numbers without converting: strip leading zeros, then length, then digits.
            size_t si = i, sj = j;
            while (si + 1 < ei && a[si] == '0')
                ++si;
            while (sj + 1 < ej && b[sj] == '0')
                ++sj;
            if (ei - si != ej - sj)
                return ei - si < ej - sj;
            if (int c = a.compare(si, ei - si, b, sj, ej - sj); c != 0)
                return c < 0;
            if (ei - i != ej - j)
                return ei - i < ej - j; // same value: fewer leading zeros first
            i = ei;
            j = ej;
            continue;
        }
        if (a[i] != b[j])
            return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
        ++i;
        ++j;
    }
    return a.size() - i < b.size() - j;
}

Result<std::vector<std::string>> listFolder(const std::string &dir, bool images, bool texts, size_t limit,
                                            const std::function<bool()> &cancelled)
{
    // The folder made absolute once: the paths below it need no normalising each.
    std::string root = fs::absolute(dir).lexically_normal().string();
    if (root.empty() || root.back() != '/')
        root += '/';
    std::vector<std::string> files;
    if (auto r = walkFolder(root, images, texts, limit, files, cancelled, true); !r)
        return fail(r.error());
    return files;
}

namespace {

/// Adds text items in one transaction; extras are kept keys (JSON object text) per item. A text the project
/// (or this file) already has is not added again unless duplicates are asked for.
class TextWriter
{
public:
    TextWriter(ProjectStore &store, const std::string &path, bool keepDuplicates = false)
        : m_store(store), m_path(path), m_keepDuplicates(keepDuplicates), m_texts(store)
    {
    }

    Result<> begin()
    {
        auto tx = m_store.begin();
        if (!tx)
            return fail(tx.error());
        m_tx = std::move(*tx);
        auto batch = m_store.newImportBatch(m_path);
        if (!batch)
            return fail(batch.error());
        m_batch = *batch;
        return {};
    }

    Result<> add(std::string text, std::string extra = {})
    {
        if (!m_keepDuplicates) {
            auto found = m_texts.find(text);
            if (!found)
                return fail(found.error());
            if (*found) {
                ++report.itemsMatched;
                return {};
            }
        }
        Item item;
        item.kind = MediaKind::Text;
        item.text = std::move(text);
        item.extra = std::move(extra);
        item.batch = m_batch;
        if (auto r = m_tx->addItem(item); !r)
            return r;
        if (!m_keepDuplicates)
            m_texts.add(item.text, item.id);
        ++report.itemsAdded;
        return {};
    }

    Result<ImportReport> commit()
    {
        if (auto r = m_tx->commit(); !r)
            return fail(r.error());
        return report;
    }

    ImportReport report;

private:
    ProjectStore &m_store;
    std::string m_path;
    bool m_keepDuplicates = false;
    TextIndex m_texts;
    std::unique_ptr<WriteTransaction> m_tx;
    int64_t m_batch = 0;
};

std::string at(const std::string &file, int64_t line)
{
    return file + ":" + std::to_string(line) + ": ";
}

/// A bad line: fatal for the file, or listed and skipped.
Result<> badLine(ImportReport &report, const ImportOptions &opt, const std::string &file, int64_t line,
                 const std::string &msg)
{
    if (!opt.skipBad)
        return fail(Error::invalid(at(file, line) + msg));
    report.skipped.push_back(at(file, line) + msg);
    return {};
}

Result<ImportReport> importTxt(ProjectStore &store, const std::string &path, const SourceOptions &opt)
{
    TextWriter w(store, path, opt.keepDuplicates);
    if (auto r = w.begin(); !r)
        return fail(r.error());
    if (opt.txtMode == SourceOptions::TxtMode::File) {
        std::ifstream f(path, std::ios::binary);
        if (!f)
            return fail(Error::notFound(path + ": cannot open"));
        std::ostringstream ss;
        ss << f.rdbuf();
        std::string text = ss.str();
        if (text.starts_with("\xEF\xBB\xBF"))
            text.erase(0, 3);
        if (const size_t bad = utf8::firstInvalid(text); bad != std::string::npos) {
            const auto where = utf8::positionOf(text, bad);
            return fail(Error::invalid(at(path, int64_t(where.line)) + "invalid UTF-8 at byte " +
                                       std::to_string(where.byte) + " (the file must be UTF-8 text)"));
        }
        json::Object extra;
        extra.set("file", path);
        if (auto r = w.add(std::move(text), json::toString(json::Value(std::move(extra)))); !r)
            return fail(r.error());
        w.report.lines = 1;
        return w.commit();
    }
    LineReader reader;
    if (auto r = reader.open(path); !r)
        return fail(r.error());
    std::string_view line;
    while (reader.next(line)) {
        ++w.report.lines;
        if (line.find_first_not_of(" \t") == std::string_view::npos)
            continue;
        if (auto r = w.add(std::string(line)); !r)
            return fail(r.error());
    }
    if (auto r = reader.status(); !r)
        return fail(r.error());
    return w.commit();
}

Result<ImportReport> importCsv(ProjectStore &store, const std::string &path, const SourceOptions &opt, char delim)
{
    csv::Reader reader;
    if (auto r = reader.open(path, delim); !r)
        return fail(r.error());
    TextWriter w(store, path, opt.keepDuplicates);
    if (auto r = w.begin(); !r)
        return fail(r.error());
    std::vector<std::string> header, fields;
    int textColumn = -1;
    while (reader.next(fields)) {
        if (header.empty()) {
            header = fields;
            for (size_t i = 0; i < header.size(); ++i)
                if ((!opt.column.empty() && header[i] == opt.column)
                    || (opt.column.empty() && (header[i] == "text" || header[i] == "source")))
                    textColumn = int(i);
            if (textColumn < 0) {
                std::string cols;
                for (const std::string &h : header)
                    cols += (cols.empty() ? "" : ", ") + h;
                return fail(Error::invalid(at(path, reader.recordLine())
                                           + (opt.column.empty() ? "choose the text column with --column"
                                                                 : "no column named '" + opt.column + "'")
                                           + " (columns: " + cols + ")"));
            }
            continue;
        }
        ++w.report.lines;
        if (fields.size() != header.size()) {
            if (auto r = badLine(w.report, opt, path, reader.recordLine(),
                                 "expected " + std::to_string(header.size()) + " fields, found "
                                     + std::to_string(fields.size()));
                !r)
                return fail(r.error());
            continue;
        }
        json::Object extra;
        for (size_t i = 0; i < header.size(); ++i)
            if (int(i) != textColumn)
                extra.set(header[i], fields[i]);
        if (auto r = w.add(std::move(fields[size_t(textColumn)]),
                           extra.empty() ? std::string() : json::toString(json::Value(std::move(extra))));
            !r)
            return fail(r.error());
        if (opt.progress && (w.report.lines & 0x3fff) == 0 && !opt.progress(reader.bytesRead(), reader.size()))
            return fail(Error::cancelled());
    }
    if (auto r = reader.status(); !r)
        return fail(r.error());
    if (header.empty())
        return fail(Error::invalid(path + ": the file is empty (expected a header row)"));
    return w.commit();
}

Result<ImportReport> importJsonlTexts(ProjectStore &store, const std::string &path, const SourceOptions &opt)
{
    LineReader reader;
    if (auto r = reader.open(path); !r)
        return fail(r.error());
    TextWriter w(store, path, opt.keepDuplicates);
    if (auto r = w.begin(); !r)
        return fail(r.error());
    std::string_view line;
    int64_t lineNo = 0;
    while (reader.next(line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t") == std::string_view::npos)
            continue;
        ++w.report.lines;
        json::Value v;
        json::ParseError err;
        std::string problem;
        const json::Value *text = nullptr;
        if (!json::parse(line, v, &err))
            problem = "invalid JSON at column " + std::to_string(err.offset + 1) + ": " + err.message;
        else if (!v.isObject())
            problem = "a line must be a JSON object";
        else if (!(text = v.find(opt.field)))
            problem = "no field '" + opt.field + "'";
        else if (!text->isString())
            problem = "field '" + opt.field + "' is not a string";
        if (!problem.empty()) {
            if (auto r = badLine(w.report, opt, path, lineNo, problem); !r)
                return fail(r.error());
            continue;
        }
        std::string content = text->toString();
        v.object().remove(opt.field);
        if (auto r = w.add(std::move(content), v.toObject().empty() ? std::string() : json::toString(v)); !r)
            return fail(r.error());
        if (opt.progress && (lineNo & 0x3fff) == 0 && !opt.progress(reader.bytesRead(), reader.size()))
            return fail(Error::cancelled());
    }
    if (auto r = reader.status(); !r)
        return fail(r.error());
    return w.commit();
}

} // namespace

namespace {

/// Items for the image files a project does not have yet; known holds the uris it has, and gets these too.
struct NewImages
{
    std::vector<Item> items;
    std::vector<std::string> paths;
};

NewImages newImages(const ProjectStore &store, std::span<const std::string> files,
                    std::unordered_set<std::string> &known, ImportReport &report)
{
    NewImages out;
    for (const std::string &f : files) {
        Item item;
        item.kind = MediaKind::Image;
        item.uri = media::storedUri(store.projectDir(), f);
        if (!known.insert(item.uri).second) {
            ++report.itemsMatched; // already in the project: not added twice
            continue;
        }
        out.items.push_back(std::move(item));
        out.paths.push_back(f);
    }
    return out;
}

/// A chunk of files being indexed: its new images, their headers being read.
struct Chunk
{
    int64_t files = 0;
    NewImages images;
    QFuture<media::ImageInfo> headers;
};

/// What the headers of images[begin, ...) say: their sizes; a missing or unreadable image is flagged and listed.
void applyHeaders(NewImages &images, size_t begin, const QList<media::ImageInfo> &infos, ImportReport &report)
{
    for (qsizetype i = 0; i < infos.size(); ++i) {
        const media::ImageInfo &info = infos[i];
        Item &item = images.items[begin + size_t(i)];
        item.width = info.width;
        item.height = info.height;
        item.flags = info.flags;
        if (info.flags) {
            ++report.flagged;
            report.warnings.push_back(info.error + " (flagged)");
        }
    }
}

/// Reads the images' headers on all cores, in steps so that progress moves and cancel is prompt:
/// progress(done, total) returning false stops.
Result<> readHeaders(NewImages &images, ImportReport &report, const ProgressFn &progress)
{
    constexpr size_t step = 512;
    const std::vector<std::string> &paths = images.paths;
    for (size_t begin = 0; begin < paths.size(); begin += step) {
        const size_t end = std::min(paths.size(), begin + step);
        QList<std::string> part(paths.begin() + long(begin), paths.begin() + long(end));
        applyHeaders(images, begin, QtConcurrent::blockingMapped(workPool(), part, media::readImageInfo), report);
        if (progress && !progress(int64_t(end), int64_t(paths.size())))
            return fail(Error::cancelled());
    }
    return {};
}

/// Adds the items in one transaction, to import batch `batch` (0: a new one with this description, which
/// `batch` then names).
Result<> addItems(ProjectStore &store, std::vector<Item> &items, int64_t &batch, const std::string &description)
{
    auto tx = store.begin();
    if (!tx)
        return fail(tx.error());
    int64_t id = batch;
    if (!id) {
        auto made = store.newImportBatch(description);
        if (!made)
            return fail(made.error());
        id = *made;
    }
    for (Item &item : items) {
        item.batch = id;
        if (auto r = (*tx)->addItem(item); !r)
            return r;
    }
    if (auto r = (*tx)->commit(); !r)
        return r;
    batch = id;
    return {};
}

} // namespace

Result<ImportReport> importImageFiles(ProjectStore &store, const std::vector<std::string> &files,
                                      const std::string &description, const ImportOptions &opt)
{
    ImportReport report;
    auto known = existingUris(store);
    if (!known)
        return fail(known.error());
    NewImages images = newImages(store, files, *known, report);
    if (opt.checkMedia)
        if (auto r = readHeaders(images, report, opt.progress); !r)
            return fail(r.error());
    int64_t batch = 0;
    if (auto r = addItems(store, images.items, batch, description); !r)
        return fail(r.error());
    report.lines = int64_t(files.size());
    report.itemsAdded = int64_t(images.items.size());
    return report;
}

Result<FolderIndexReport> indexFolder(ProjectStore &store, const std::string &dir, const FolderIndexOptions &opt)
{
    if (auto own = refuseProjectFileAsInput(store.path(), dir); !own)
        return fail(own.error());
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return fail(Error::notFound(dir + ": no such folder"));
    FolderIndexReport report;
    const auto stop = [&] { return opt.cancelled && opt.cancelled(); };
    if (stop()) {
        report.cancelled = true;
        return report;
    }
    auto known = existingUris(store);
    if (!known)
        return fail(known.error());
    int64_t batch = 0;
    // A chunk: its new images' headers are read on the work pool (start), then its items are added and
    // committed together (finish); the next chunk's headers are read while one is written.
    auto start = [&](std::span<const std::string> files) {
        Chunk c;
        c.files = int64_t(files.size());
        c.images = newImages(store, files, *known, report);
        if (!c.images.paths.empty())
            c.headers = QtConcurrent::mapped(workPool(), QList<std::string>(c.images.paths.begin(), c.images.paths.end()),
                                             media::readImageInfo);
        return c;
    };
    auto finish = [&](Chunk &c) -> Result<> {
        if (!c.images.paths.empty()) {
            c.headers.waitForFinished();
            if (stop())
                return fail(Error::cancelled());
            applyHeaders(c.images, 0, c.headers.results(), report);
            if (auto r = addItems(store, c.images.items, batch, dir); !r)
                return r;
        }
        report.lines += c.files;
        report.itemsAdded += int64_t(c.images.items.size());
        report.done += c.files;
        if (opt.committed)
            opt.committed(report.done, report.files);
        return {};
    };
    auto stopped = [&](const Error &e) -> Result<FolderIndexReport> {
        if (e.code != Error::Code::Cancelled)
            return fail(e);
        report.cancelled = true;
        return report;
    };

    // The first images without listing the whole tree: only the folders they are in are read.
    auto first = listFolder(dir, true, false, opt.firstChunk, opt.cancelled);
    if (!first)
        return stopped(first.error());
    if (first->size() < opt.firstChunk)
        report.files = int64_t(first->size()); // that was all of them
    Chunk firstChunk = start(*first);
    if (auto r = finish(firstChunk); !r)
        return stopped(r.error());
    if (report.files >= 0)
        return report;

    auto all = listFolder(dir, true, false, SIZE_MAX, opt.cancelled);
    if (!all)
        return stopped(all.error());
    report.files = int64_t(all->size());
    // The first chunk leads the list unless the folder changed meanwhile; then the list is gone through
    // from its start, and what is in the project already is passed over.
    size_t at = first->size();
    if (all->size() < at || !std::equal(first->begin(), first->end(), all->begin())) {
        at = 0;
        report.done = 0;
    }
    const size_t chunk = std::max<size_t>(1, opt.chunk);
    const auto files = [&](size_t from) {
        return std::span<const std::string>(*all).subspan(from, std::min(chunk, all->size() - from));
    };
    if (at >= all->size())
        return report;
    for (Chunk current = start(files(at));; at += chunk) {
        Chunk next;
        if (at + chunk < all->size())
            next = start(files(at + chunk));
        if (auto r = finish(current); !r) {
            next.headers.cancel();
            next.headers.waitForFinished();
            return stopped(r.error());
        }
        if (at + chunk >= all->size())
            return report;
        current = std::move(next);
    }
}

Result<ImportReport> importTextFile(ProjectStore &store, const std::string &path, const SourceOptions &opt)
{
    const std::string ext = lowerExtension(path);
    if (ext == "txt")
        return importTxt(store, path, opt);
    if (ext == "csv")
        return importCsv(store, path, opt, ',');
    if (ext == "tsv")
        return importCsv(store, path, opt, '\t');
    if (ext == "jsonl" || ext == "json")
        return importJsonlTexts(store, path, opt);
    return fail(Error::invalid(path + ": not a text file Groundwork reads (.txt, .csv, .tsv, .jsonl)"));
}

Result<ImportReport> importPath(ProjectStore &store, const std::string &path, const SourceOptions &opt)
{
    if (auto own = refuseProjectFileAsInput(store.path(), path); !own)
        return fail(own.error());
    std::error_code ec;
    if (!fs::exists(path, ec))
        return fail(Error::notFound(path + ": no such file or folder"));
    if (fs::is_directory(path, ec)) {
        const bool texts = opt.txtMode == SourceOptions::TxtMode::File;
        auto files = listFolder(path, !texts, texts);
        if (!files)
            return fail(files.error());
        if (texts) {
            ImportReport total;
            for (const std::string &f : *files) {
                auto r = importTxt(store, f, opt);
                if (!r)
                    return r;
                total.lines += r->lines;
                total.itemsAdded += r->itemsAdded;
            }
            return total;
        }
        return importImageFiles(store, *files, path, opt);
    }
    const std::string ext = lowerExtension(path);
    if (media::isImageExtension(ext))
        return importImageFiles(store, {fs::absolute(path).lexically_normal().string()}, path, opt);
    if (ext == "manifest" || ((ext == "jsonl" || ext == "json") && opt.field.empty()))
        return importManifest(store, path, opt);
    return importTextFile(store, path, opt);
}

} // namespace gw::datasets
