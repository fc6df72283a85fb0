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

#include <algorithm>
#include <filesystem>
#include <fstream>
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

/// "img2" before "img10": runs of digits compare by value, the rest byte by byte.
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

Result<std::vector<std::string>> listFiles(const std::string &dir, bool images, bool texts)
{
    std::vector<std::string> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
    if (ec)
        return fail(Error::io(dir + ": " + ec.message()));
    for (; it != end; it.increment(ec)) {
        if (ec)
            return fail(Error::io(dir + ": " + ec.message()));
        if (!it->is_regular_file(ec))
            continue;
        const std::string ext = lowerExtension(it->path());
        if ((images && media::isImageExtension(ext)) || (texts && ext == "txt"))
            files.push_back(fs::absolute(it->path()).lexically_normal().string());
    }
    std::sort(files.begin(), files.end(), naturalLess);
    return files;
}

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

Result<ImportReport> importImageFiles(ProjectStore &store, const std::vector<std::string> &files,
                                      const std::string &description, const ImportOptions &opt)
{
    ImportReport report;
    auto known = existingUris(store);
    if (!known)
        return fail(known.error());
    std::vector<Item> items;
    std::vector<std::string> paths;
    for (const std::string &f : files) {
        Item item;
        item.kind = MediaKind::Image;
        item.uri = media::storedUri(store.projectDir(), f);
        if (!known->insert(item.uri).second) {
            ++report.itemsMatched; // already in the project: not added twice
            continue;
        }
        items.push_back(std::move(item));
        paths.push_back(f);
    }
    // Headers are read on all cores, in chunks so that progress moves and cancel is prompt.
    constexpr size_t chunk = 512;
    for (size_t begin = 0; begin < paths.size() && opt.checkMedia; begin += chunk) {
        const size_t end = std::min(paths.size(), begin + chunk);
        QList<std::string> part(paths.begin() + long(begin), paths.begin() + long(end));
        const QList<media::ImageInfo> infos = QtConcurrent::blockingMapped(workPool(), part, media::readImageInfo);
        for (size_t i = begin; i < end; ++i) {
            const media::ImageInfo &info = infos[qsizetype(i - begin)];
            items[i].width = info.width;
            items[i].height = info.height;
            items[i].flags = info.flags;
            if (info.flags) {
                ++report.flagged;
                report.warnings.push_back(info.error + " (flagged)");
            }
        }
        if (opt.progress && !opt.progress(int64_t(end), int64_t(paths.size())))
            return fail(Error::cancelled());
    }
    auto tx = store.begin();
    if (!tx)
        return fail(tx.error());
    auto batch = store.newImportBatch(description);
    if (!batch)
        return fail(batch.error());
    for (Item &item : items) {
        item.batch = *batch;
        if (auto r = (*tx)->addItem(item); !r)
            return fail(r.error());
    }
    if (auto r = (*tx)->commit(); !r)
        return fail(r.error());
    report.lines = int64_t(files.size());
    report.itemsAdded = int64_t(items.size());
    return report;
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
        auto files = listFiles(path, !texts, texts);
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
