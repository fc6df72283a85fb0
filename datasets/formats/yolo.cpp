// YOLO (Ultralytics / darknet) boxes: one text file per image with a line "class cx cy w h" per box, the
// class being the 0-based position in the job's class list and the numbers normalised to [0, 1] by the
// image's width and height (centre, then size), written with 6 decimals. Boxes only: segmentation polygons
// are not written and are refused on import.
//
// Written layout: images/<split>/<file> and labels/<split>/<stem>.txt, classes.txt and data.yaml. When no
// item has a split there is no split level (images/, labels/; data.yaml's train and val both name images);
// when some have one, the others go to "unassigned" (not named in data.yaml). An image labelled with no box
// gets an empty .txt (YOLO's negative image); an unlabelled image (exported with onlyLabeled off) gets none.
//
// Read layouts: images/ and labels/ side by side (images/<split>/x.jpg ↔ labels/<split>/x.txt, or Roboflow's
// <split>/images/x.jpg ↔ <split>/labels/x.txt), or darknet's x.txt next to x.jpg. Class names come from
// data.yaml (names as [a, b], a block list "- a", or a map "0: a"; nc is checked), else classes.txt, else
// obj.names. An image without a .txt is added without a label.

#include "datasets/formats/builtin.h"
#include "datasets/formats/formatutil.h"
#include "datasets/formats/imagefiles.h"
#include "datasets/media.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

namespace gw::datasets::formats {

namespace fs = std::filesystem;

namespace {

/// A number may stray this far outside [0, 1] (rounding in other tools' writers) before it is refused.
constexpr double kTolerance = 1e-6;

// ---- data.yaml: just the forms YOLO datasets use for names and nc ----

/// line without a comment: '#' at the start or after a blank, outside quotes.
std::string_view withoutComment(std::string_view line)
{
    char quote = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quote) {
            if (c == quote)
                quote = 0;
            else if (c == '\\' && quote == '"')
                ++i;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
            return line.substr(0, i);
        }
    }
    return line;
}

/// Position of the first c outside quotes, npos when none.
size_t findOutsideQuotes(std::string_view s, char c)
{
    char quote = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (quote) {
            if (s[i] == quote)
                quote = 0;
            else if (s[i] == '\\' && quote == '"')
                ++i;
        } else if (s[i] == '"' || s[i] == '\'') {
            quote = s[i];
        } else if (s[i] == c) {
            return i;
        }
    }
    return std::string_view::npos;
}

/// A scalar: 'single' ('' is a quote), "double" (\" \\ \n \t), or plain (trimmed).
Result<std::string> yamlScalar(std::string_view s, const std::string &where)
{
    s = trimmed(s);
    if (s.empty() || (s.front() != '"' && s.front() != '\''))
        return std::string(s);
    const char q = s.front();
    std::string out;
    size_t i = 1;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (q == '\'' && c == '\'') {
            if (i + 1 < s.size() && s[i + 1] == '\'') {
                out += '\'';
                ++i;
                continue;
            }
            break;
        }
        if (q == '"' && c == '"')
            break;
        if (q == '"' && c == '\\' && i + 1 < s.size()) {
            const char e = s[++i];
            out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
            continue;
        }
        out += c;
    }
    if (i >= s.size() || !trimmed(s.substr(i + 1)).empty())
        return fail(Error::invalid(where + "the quoted name " + std::string(s) + " is not closed"));
    return out;
}

/// Items of a flow collection's inside ("a, 'b, c'"), split at commas outside quotes.
std::vector<std::string_view> flowItems(std::string_view inside)
{
    std::vector<std::string_view> items;
    while (!trimmed(inside).empty()) {
        const size_t comma = findOutsideQuotes(inside, ',');
        items.push_back(trimmed(inside.substr(0, comma)));
        if (comma == std::string_view::npos)
            break;
        inside.remove_prefix(comma + 1);
    }
    return items;
}

struct NameTable
{
    std::vector<std::string> names;
    std::string file; ///< where they came from, for messages
};

Result<NameTable> readDataYaml(const std::string &path)
{
    auto text = readFile(path);
    if (!text)
        return fail(text.error());
    std::vector<std::string_view> lines;
    for (std::string_view rest = *text; !rest.empty();) {
        const size_t nl = rest.find('\n');
        lines.push_back(withoutComment(rest.substr(0, nl)));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    std::optional<long long> nc;
    int ncLine = 0, namesLine = 0;
    std::map<long long, std::string> byIndex; // map form
    std::vector<std::string> list;            // list forms
    bool haveNames = false;
    auto addMapEntry = [&](std::string_view entry, const std::string &where) -> Result<> {
        const size_t colon = findOutsideQuotes(entry, ':');
        const auto index =
            colon == std::string_view::npos ? std::nullopt : parseIndex(trimmed(entry.substr(0, colon)));
        if (!index)
            return fail(Error::invalid(where + "expected a names entry 'INDEX: NAME', found '" +
                                       std::string(entry) + "'"));
        auto name = yamlScalar(entry.substr(colon + 1), where);
        if (!name)
            return fail(name.error());
        if (!byIndex.emplace(*index, *name).second)
            return fail(Error::invalid(where + "class " + std::to_string(*index) + " is named twice"));
        return {};
    };
    for (size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        if (trimmed(line).empty() || line.front() == ' ' || line.front() == '\t' || line.front() == '-')
            continue; // blank, or inside a block that is not names
        const std::string where = at(path, int64_t(i + 1));
        const size_t colon = findOutsideQuotes(line, ':');
        if (colon == std::string_view::npos)
            continue;
        const std::string_view key = trimmed(line.substr(0, colon));
        std::string_view value = trimmed(line.substr(colon + 1));
        if (key == "nc") {
            nc = parseIndex(value);
            ncLine = int(i + 1);
            if (!nc)
                return fail(
                    Error::invalid(where + "nc '" + std::string(value) + "' is not a number of classes"));
            continue;
        }
        if (key != "names")
            continue; // train, val, path, ...: the folders are found by walking the dataset
        haveNames = true;
        namesLine = int(i + 1);
        if (value.empty()) { // a block below: "- name" or "INDEX: name", indented (a list may also sit at
                             // column 0)
            bool dashes = false, entries = false;
            while (i + 1 < lines.size()) {
                const std::string_view next = lines[i + 1];
                const std::string_view t = trimmed(next);
                if (t.empty()) {
                    ++i;
                    continue;
                }
                const bool indented = next.front() == ' ' || next.front() == '\t';
                if (!indented && t.front() != '-')
                    break;
                ++i;
                const std::string w = at(path, int64_t(i + 1));
                if (t.front() == '-' && (t.size() == 1 || t[1] == ' ' || t[1] == '\t')) {
                    auto name = yamlScalar(t.substr(1), w);
                    if (!name)
                        return fail(name.error());
                    list.push_back(*name);
                    dashes = true;
                } else if (auto r = addMapEntry(t, w); !r) {
                    return fail(r.error());
                } else {
                    entries = true;
                }
                if (dashes && entries)
                    return fail(Error::invalid(w + "names mixes a list (- name) and a map (INDEX: name)"));
            }
            continue;
        }
        if (value.front() != '[' && value.front() != '{')
            return fail(Error::invalid(where + "names is not a list ([a, b] or - a) or a map (0: a)"));
        // A flow collection, possibly over several lines.
        const char close = value.front() == '[' ? ']' : '}';
        std::string flow(value.substr(1));
        size_t end = findOutsideQuotes(flow, close);
        while (end == std::string::npos && i + 1 < lines.size()) {
            flow += " ";
            flow += lines[++i];
            end = findOutsideQuotes(flow, close);
        }
        if (end == std::string::npos)
            return fail(
                Error::invalid(where + "names: '" + std::string(1, value.front()) + "' is not closed"));
        for (std::string_view item : flowItems(std::string_view(flow).substr(0, end))) {
            if (close == '}') {
                if (auto r = addMapEntry(item, where); !r)
                    return fail(r.error());
            } else if (auto name = yamlScalar(item, where); !name) {
                return fail(name.error());
            } else {
                list.push_back(*name);
            }
        }
    }
    if (!haveNames)
        return fail(Error::invalid(at(path) + "has no names (the class names, e.g. names: [cat, dog])"));
    NameTable t;
    t.file = path;
    t.names = std::move(list);
    long long expected = 0;
    for (auto &[index, name] : byIndex) {
        if (index != expected)
            return fail(Error::invalid(at(path, namesLine) + "names has no entry for class " +
                                       std::to_string(expected)));
        t.names.push_back(std::move(name));
        ++expected;
    }
    for (size_t k = 0; k < t.names.size(); ++k)
        if (t.names[k].empty())
            return fail(Error::invalid(at(path, namesLine) + "class " + std::to_string(k) + " has no name"));
    if (nc && *nc != (long long)t.names.size())
        return fail(Error::invalid(at(path, ncLine) + "nc is " + std::to_string(*nc) + " but names lists " +
                                   std::to_string(t.names.size()) + " classes"));
    return t;
}

/// classes.txt / obj.names: one name per line.
Result<NameTable> readNameList(const std::string &path)
{
    auto text = readFile(path);
    if (!text)
        return fail(text.error());
    NameTable t;
    t.file = path;
    std::vector<std::string> lines;
    for (std::string_view rest = *text; !rest.empty();) {
        const size_t nl = rest.find('\n');
        lines.emplace_back(trimmed(rest.substr(0, nl)));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    while (!lines.empty() && lines.back().empty())
        lines.pop_back();
    for (size_t i = 0; i < lines.size(); ++i)
        if (lines[i].empty())
            return fail(Error::invalid(at(path, int64_t(i + 1)) +
                                       "an empty line: every line names the class of its "
                                       "position (0, 1, ...)"));
    t.names = std::move(lines);
    if (t.names.empty())
        return fail(Error::invalid(at(path) + "names no class"));
    return t;
}

Result<NameTable> readNames(const fs::path &root)
{
    std::error_code ec;
    for (const char *f : {"data.yaml", "data.yml", "dataset.yaml"})
        if (fs::is_regular_file(root / f, ec))
            return readDataYaml((root / f).string());
    for (const char *f : {"classes.txt", "obj.names"})
        if (fs::is_regular_file(root / f, ec))
            return readNameList((root / f).string());
    return fail(
        Error::invalid(root.string() + ": no data.yaml, classes.txt or obj.names naming the classes"));
}

/// A name as a YAML scalar: plain when it cannot be read as anything else, else double-quoted.
std::string yamlName(const std::string &name)
{
    static const std::set<std::string> special = {"true", "false", "yes", "no", "on",
                                                  "off",  "null",  "~",   "y",  "n"};
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    bool plain =
        !name.empty() && !special.count(lower) && !parseNumber(name) && name.front() != ' ' &&
        name.back() != ' ' &&
        (std::isalnum(static_cast<unsigned char>(name.front())) || name.front() == '_' ||
         name.front() == '.' || name.front() == '/' || static_cast<unsigned char>(name.front()) >= 0x80);
    for (unsigned char c : name)
        plain = plain && (std::isalnum(c) || c >= 0x80 ||
                          std::string_view(" _-./()+").find(char(c)) != std::string_view::npos);
    if (plain)
        return name;
    std::string out = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c == '\n' ? std::string("\\n") : c == '\t' ? std::string("\\t") : std::string(1, c);
    }
    return out + "\"";
}

// ---- export ----

Result<ExportReport> writeYolo(const Format &format, const ProjectStore &store, const FormatExportOptions &o)
{
    auto job = exportJob(store, format, o);
    if (!job)
        return fail(job.error());
    // Split folders when any item to export has a split.
    bool anySplit = false;
    FormatExportOptions quiet = o; // a look ahead, not the export: no progress, version record or copies
    quiet.progress = {};
    quiet.recorder = nullptr;
    quiet.augment.copies = 0;
    if (auto r = forEachEntry(store, *job, quiet,
                              [&](const ExportEntry &e) -> Result<> {
                                  anySplit = anySplit || !e.item->split.empty();
                                  return {};
                              });
        !r)
        return fail(r.error());
    auto out = StagedFolder::create(o.outPath);
    if (!out)
        return fail(out.error());
    ImagePlacer placer(format.setting(o.settings, "files") == "link");
    std::set<std::string> splitsWritten;
    ExportReport report;
    auto r = forEachEntry(store, *job, o, [&](const ExportEntry &e) -> Result<> {
        if (media::isUri(e.mediaPath))
            return fail(Error::invalid(e.mediaPath + ": only local files can be placed in a YOLO folder"));
        const Payload *p = e.label ? &e.label->payload : nullptr;
        const int w = e.item->width > 0 ? e.item->width : p ? p->imageWidth : 0;
        const int h = e.item->height > 0 ? e.item->height : p ? p->imageHeight : 0;
        if (w <= 0 || h <= 0)
            return fail(Error::invalid(e.mediaPath +
                                       ": the image's size is unknown (YOLO boxes are fractions of it); "
                                       "is the file readable?"));
        std::string split;
        if (anySplit) {
            split = e.item->split.empty() ? std::string("unassigned") : e.item->split;
            if (split.find('/') != std::string::npos || split == "." || split == "..")
                return fail(Error::invalid("split '" + split + "' cannot be a folder name"));
            splitsWritten.insert(split);
        }
        const std::string sub = split.empty() ? std::string() : "/" + split;
        auto placed = placer.place(**out, "images" + sub, e.mediaPath, e.item->id);
        if (!placed)
            return fail(placed.error());
        if (!p)
            return {}; // unlabelled: an image without a label file
        std::string text;
        for (const Box &b : p->boxes) {
            const int position = job->positionOf(b.classId);
            if (position < 0)
                return fail(Error::internal(e.mediaPath + ": a box of class id " + std::to_string(b.classId) +
                                            ", which job '" + job->name + "' does not have"));
            // Clipped to the image; a box left with no area is left out.
            const double x0 = std::clamp(b.left, 0.0, double(w)),
                         x1 = std::clamp(b.left + b.width, 0.0, double(w));
            const double y0 = std::clamp(b.top, 0.0, double(h)),
                         y1 = std::clamp(b.top + b.height, 0.0, double(h));
            if (x1 <= x0 || y1 <= y0)
                continue;
            text += std::to_string(position) + " " + fixedDecimals((x0 + x1) / 2 / w, 6) + " " +
                    fixedDecimals((y0 + y1) / 2 / h, 6) + " " + fixedDecimals((x1 - x0) / w, 6) + " " +
                    fixedDecimals((y1 - y0) / h, 6) + "\n";
        }
        if (auto wr = (*out)->write("labels" + sub + "/" + placed->stem + ".txt", text); !wr)
            return fail(wr.error());
        ++report.lines;
        ++report.labels;
        return {};
    });
    if (!r)
        return fail(r.error());
    std::string classes;
    for (const LabelClass &c : job->classes)
        classes += c.name + "\n";
    std::string yaml =
        "# YOLO boxes written by Groundwork: labels/.../<image stem>.txt hold \"class cx cy w h\",\n"
        "# class = position in names, the rest fractions of the image's width and height.\n";
    yaml += "path: " + yamlName(format.setting(o.settings, "path")) + "\n";
    if (!anySplit) {
        yaml += "train: images\nval: images\n";
    } else {
        for (const auto &[key, split] :
             {std::pair{"train", "train"}, {"val", "validation"}, {"test", "test"}})
            if (splitsWritten.count(split))
                yaml += std::string(key) + ": images/" + split + "\n";
    }
    yaml += "nc: " + std::to_string(job->classes.size()) + "\nnames:\n";
    for (size_t i = 0; i < job->classes.size(); ++i)
        yaml += "  " + std::to_string(i) + ": " + yamlName(job->classes[i].name) + "\n";
    if (auto wr = (*out)->write("classes.txt", classes); !wr)
        return fail(wr.error());
    if (auto wr = (*out)->write("data.yaml", yaml); !wr)
        return fail(wr.error());
    if (auto c = (*out)->commit(); !c)
        return fail(c.error());
    return report;
}

// ---- import ----

struct ImageEntry
{
    std::string image, label; ///< absolute paths; label may not exist
    std::string split;
};

/// A denormalised edge: clipped to the image, and read as a whole pixel when 6 decimals cannot tell it from
/// one (so that integer boxes come back exact).
double edge(double fraction, int size)
{
    const double x = std::clamp(fraction * size, 0.0, double(size));
    const double whole = std::round(x);
    return std::abs(x - whole) <= kTolerance * size + 1e-9 ? whole : x;
}

/// The boxes of one label file with their lines, classId holding the YOLO class index; errors name the file
/// and line.
Result<std::vector<std::pair<Box, int64_t>>> readLabelFile(const std::string &path, const NameTable &names,
                                                           int w, int h)
{
    auto text = readFile(path);
    if (!text)
        return fail(text.error());
    std::vector<std::pair<Box, int64_t>> boxes;
    const size_t classes = names.names.size();
    int64_t lineNo = 0;
    for (std::string_view rest = *text; !rest.empty();) {
        const size_t nl = rest.find('\n');
        const std::string_view line = trimmed(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        ++lineNo;
        if (line.empty())
            continue;
        const std::string where = at(path, lineNo);
        std::vector<std::string_view> tokens;
        for (size_t i = 0; i < line.size();) {
            const size_t start = line.find_first_not_of(" \t", i);
            if (start == std::string_view::npos)
                break;
            const size_t end = std::min(line.find_first_of(" \t", start), line.size());
            tokens.push_back(line.substr(start, end - start));
            i = end;
        }
        if (tokens.size() >= 7 && tokens.size() % 2 == 1)
            return fail(Error::invalid(where + "a segmentation polygon (" +
                                       std::to_string((tokens.size() - 1) / 2) +
                                       " points): Groundwork reads YOLO boxes only (class cx cy w h)"));
        if (tokens.size() != 5)
            return fail(Error::invalid(where + "expected 5 numbers (class cx cy w h), found " +
                                       std::to_string(tokens.size())));
        const auto cls = parseIndex(tokens[0]);
        if (!cls)
            return fail(Error::invalid(where + "class '" + std::string(tokens[0]) +
                                       "' is not a class index (0, 1, ...)"));
        if (*cls >= (long long)classes)
            return fail(Error::invalid(where + "class " + std::to_string(*cls) + " is outside the " +
                                       std::to_string(classes) + " names of " + names.file + " (0-" +
                                       std::to_string(classes - 1) + ")"));
        double v[4];
        static const char *const what[4] = {"cx", "cy", "w", "h"};
        for (int k = 0; k < 4; ++k) {
            const auto n = parseNumber(tokens[size_t(k + 1)]);
            if (!n)
                return fail(Error::invalid(where + what[k] + " '" + std::string(tokens[size_t(k + 1)]) +
                                           "' is not a number"));
            if (*n < -kTolerance || *n > 1 + kTolerance)
                return fail(
                    Error::invalid(where + what[k] + " " + std::string(tokens[size_t(k + 1)]) +
                                   " is outside [0, 1] (YOLO coordinates are fractions of the image size)"));
            v[k] = *n;
        }
        Box b;
        b.classId = int(*cls);
        b.left = edge(v[0] - v[2] / 2, w);
        b.top = edge(v[1] - v[3] / 2, h);
        b.width = edge(v[0] + v[2] / 2, w) - b.left;
        b.height = edge(v[1] + v[3] / 2, h) - b.top;
        boxes.emplace_back(b, lineNo);
    }
    return boxes;
}

Result<ImportReport> readYolo(ProjectStore &store, const std::string &path, const FormatImportOptions &o)
{
    const fs::path root = fs::absolute(path).lexically_normal();
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        return fail(Error::notFound(root.string() + ": not a folder"));
    auto names = readNames(root);
    if (!names)
        return fail(names.error());

    // Every image, and every .txt that may be a label file.
    std::vector<fs::path> images, texts;
    std::set<fs::path> imageDirs;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const fs::path &p = it->path();
        const std::string name = p.filename().string();
        if (it->is_directory(ec)) {
            if (name.starts_with("."))
                it.disable_recursion_pending();
            continue;
        }
        const std::string ext = p.extension().string();
        if (ext == ".txt")
            texts.push_back(p);
        else if (!ext.empty() && media::isImageExtension(std::string_view(ext).substr(1))) {
            images.push_back(p);
            imageDirs.insert(p.parent_path());
        }
    }
    if (ec)
        return fail(Error::io(root.string() + ": cannot list: " + ec.message()));
    std::sort(images.begin(), images.end());
    std::sort(texts.begin(), texts.end());

    std::vector<ImageEntry> entries;
    std::set<fs::path> expectedLabels;
    for (const fs::path &image : images) {
        std::vector<std::string> parts;
        for (const fs::path &c : image.lexically_relative(root))
            parts.push_back(c.string());
        const int n = int(parts.size());
        int imagesAt = -1;
        for (int k = 0; k + 1 < n; ++k)
            if (parts[size_t(k)] == "images")
                imagesAt = k;
        if (std::find(parts.begin(), parts.end() - 1, "labels") != parts.end() - 1)
            continue; // an image inside labels/ (e.g. a preview) is no dataset image
        ImageEntry e;
        e.image = image.string();
        std::optional<std::string> split;
        fs::path label;
        if (imagesAt >= 0) {
            label = root;
            for (int k = 0; k + 1 < n; ++k)
                label /= k == imagesAt ? std::string("labels") : parts[size_t(k)];
            if (imagesAt + 1 < n - 1)
                split = splitOfName(parts[size_t(imagesAt + 1)]);
            if (!split && imagesAt >= 1)
                split = splitOfName(parts[size_t(imagesAt - 1)]);
        } else {
            label = image.parent_path();
            if (n >= 2)
                split = splitOfName(parts[size_t(n - 2)]);
        }
        label /= image.stem().string() + ".txt";
        e.label = label.string();
        e.split = split.value_or(std::string());
        expectedLabels.insert(label);
        entries.push_back(std::move(e));
    }
    if (entries.empty())
        return fail(Error::invalid(root.string() +
                                   ": no images (expected images/ and labels/, or x.txt beside x.jpg)"));
    // A label file must have its image: one under labels/, or a .txt among images (darknet) that is not a
    // list.
    static const std::set<std::string> notLabels = {"classes.txt", "train.txt", "val.txt", "valid.txt",
                                                    "test.txt"};
    for (const fs::path &t : texts) {
        if (expectedLabels.count(t))
            continue;
        const fs::path rel = t.lexically_relative(root);
        const bool underLabels = std::find(rel.begin(), rel.end(), fs::path("labels")) != rel.end();
        const bool besideImages = imageDirs.count(t.parent_path()) && !notLabels.count(t.filename().string());
        if (underLabels || besideImages)
            return fail(Error::invalid(at(t.string()) + "a label file without an image (expected " +
                                       t.stem().string() + ".jpg, .png, ... in the " +
                                       (underLabels ? "matching images/ folder)" : "same folder)")));
    }

    auto writer = LabelWriter::begin(store, TaskType::BoundingBox, o, "yolo", root.string());
    if (!writer)
        return fail(writer.error());
    // A new job gets every name in order, so that positions (YOLO's class indices) are kept; an existing one
    // maps names as they are met.
    std::vector<int> classIds(names->names.size(), -1);
    const bool jobIsNew = !(*writer)->report().jobsCreated.empty();
    auto classOf = [&](size_t index) -> Result<int> {
        if (classIds[index] < 0) {
            auto id = (*writer)->classId(names->names[index]);
            if (!id)
                return fail(id.error());
            classIds[index] = *id;
        }
        return classIds[index];
    };
    if (jobIsNew)
        for (size_t k = 0; k < names->names.size(); ++k)
            if (auto id = classOf(k); !id)
                return fail(Error{id.error().code, at(names->file) + id.error().message});
    int64_t done = 0;
    for (const ImageEntry &e : entries) {
        auto item = (*writer)->imageItem(e.image);
        if (!item)
            return fail(Error{item.error().code, at(e.image) + item.error().message});
        if (!e.split.empty())
            if (auto r = (*writer)->setSplit(item->id, e.split); !r)
                return fail(r.error());
        if (fs::is_regular_file(e.label, ec)) {
            if (item->width <= 0 || item->height <= 0)
                return fail(Error::invalid(at(e.image) +
                                           "the image's size is unknown (YOLO boxes are fractions of "
                                           "it); is the file readable?"));
            auto boxes = readLabelFile(e.label, *names, item->width, item->height);
            if (!boxes)
                return fail(boxes.error());
            Payload p;
            for (auto &[b, line] : *boxes) {
                auto id = classOf(size_t(b.classId));
                if (!id)
                    return fail(Error{id.error().code, at(e.label, line) + id.error().message});
                b.classId = *id;
                p.boxes.push_back(b);
            }
            p.imageWidth = item->width;
            p.imageHeight = item->height;
            p.imageDepth = 3;
            if (auto r = (*writer)->put(*item, std::move(p)); !r)
                return fail(r.error());
            ++(*writer)->report().lines;
        }
        if (o.progress && (++done & 0xff) == 0 && !o.progress(done, int64_t(entries.size())))
            return fail(Error::cancelled());
    }
    return (*writer)->commit();
}

} // namespace

Format yolo()
{
    Format f;
    f.id = "yolo";
    f.name = "YOLO";
    f.description = "YOLO boxes (Ultralytics/darknet): images/SPLIT/FILE and labels/SPLIT/STEM.txt with a "
                    "line \"class cx cy w "
                    "h\" per box (class = 0-based position in the job's classes; centre and size as "
                    "fractions of the image's "
                    "width and height, 6 decimals; boxes clipped to the image), classes.txt and data.yaml. "
                    "No split level when "
                    "no item has a split; otherwise items without one go to unassigned/. An image labelled "
                    "with no box gets an "
                    "empty .txt, an unlabelled one none. Boxes only (segmentation polygons are refused). "
                    "Import also reads "
                    "SPLIT/images + SPLIT/labels and darknet's STEM.txt beside the image; names from "
                    "data.yaml, classes.txt or "
                    "obj.names; numbers may stray 1e-6 outside [0, 1]; an edge within 1e-6 of the image size "
                    "of a whole pixel "
                    "is read as that pixel";
    f.tasks = {TaskType::BoundingBox};
    f.writesFolder = true;
    f.readsFolder = true;
    f.options = {{"files", "copy the images, or make symbolic links to them", "copy", {"copy", "link"}},
                 {"path", "data.yaml's path: the dataset root its train/val/test are relative to", ".", {}}};
    f.read = readYolo;
    f.write = [f](const ProjectStore &store, const FormatExportOptions &o) { return writeYolo(f, store, o); };
    return f;
}

} // namespace gw::datasets::formats
