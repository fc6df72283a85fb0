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
#include "datasets/formats/raster.h"
#include "datasets/instances.h"
#include "datasets/formats/yolonames.h"
#include "datasets/mask.h"
#include "datasets/media.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

namespace gw::datasets::formats {

namespace fs = std::filesystem;
using yolofiles::NameTable;
using yolofiles::readNames;
using yolofiles::yamlName;

namespace {

/// A number may stray this far outside [0, 1] (rounding in other tools' writers) before it is refused.
constexpr double kTolerance = 1e-6;

/// A mask as YOLO segmentation lines: "class x1 y1 x2 y2 ..." per region outline (pixel edges, holes joined
/// to their outline), as fractions of the image size with 6 decimals.
Result<std::string> polygonLines(const Job &job, const Payload &p, int w, int h, const std::string &image)
{
    if (p.mask.empty())
        return fail(Error::invalid(image + ": the mask is only referenced (" + p.maskUri +
                                   "), its pixels are not in the project"));
    auto m = mask::decode(p.mask);
    if (!m)
        return fail(Error{m.error().code, image + ": " + m.error().message});
    if (m->width != w || m->height != h)
        return fail(Error::invalid(image + ": the mask is " + std::to_string(m->width) + "×" +
                                   std::to_string(m->height) + ", the image " + std::to_string(w) + "×" +
                                   std::to_string(h)));
    std::string text;
    for (size_t position = 0; position < job.classes.size(); ++position) {
        const int value = job.classes[position].id + 1;
        if (value > 255)
            continue;
        for (const auto &polygon : raster::tracePolygons(*m, uint8_t(value))) {
            text += std::to_string(position);
            for (const raster::Point &pt : polygon) {
                text += ' ';
                text += fixedDecimals(pt.x / w, 6);
                text += ' ';
                text += fixedDecimals(pt.y / h, 6);
            }
            text += '\n';
        }
    }
    return text;
}

/// Objects as YOLO segmentation lines, one per object, as Ultralytics reads them. An object drawn as one outline
/// without holes keeps its points; any other (several parts, holes, painted) is traced along pixel edges and its
/// regions joined into one polygon by cuts walked there and back, which cover nothing under the even-odd rule.
Result<std::string> objectLines(const Job &job, const Payload &p, int w, int h, const std::string &image)
{
    std::string text;
    for (size_t k = 0; k < p.instances.size(); ++k) {
        const Instance &object = p.instances[k];
        const int position = job.positionOf(object.classId);
        if (position < 0)
            continue;
        std::vector<double> joined;
        if (!object.painted() && object.holes.empty() && object.polygons.size() == 1) {
            joined = object.polygons.front();
        } else {
            auto own = instances::binary(object, w, h);
            if (!own)
                return fail(Error::invalid(image + ", object " + std::to_string(k + 1) + ": " + own.error().message));
            const auto rings = instances::fromBinary(*own, object.classId).polygons;
            for (size_t r = 0; r < rings.size(); ++r) {
                joined.insert(joined.end(), rings[r].begin(), rings[r].end());
                joined.push_back(rings[r][0]); // back to this ring's start before the cut to the next
                joined.push_back(rings[r][1]);
            }
            for (size_t r = rings.size(); r-- > 1;) { // the cuts walked back
                joined.push_back(rings[r - 1][0]);
                joined.push_back(rings[r - 1][1]);
            }
            if (joined.size() < 6)
                continue; // no pixels
        }
        text += std::to_string(position);
        for (size_t i = 0; i + 1 < joined.size(); i += 2) {
            text += ' ';
            text += fixedDecimals(std::clamp(joined[i] / w, 0.0, 1.0), 6);
            text += ' ';
            text += fixedDecimals(std::clamp(joined[i + 1] / h, 0.0, 1.0), 6);
        }
        text += '\n';
    }
    return text;
}

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
    WriterOutput output(o.output, o.overwrite);
    auto out = output.folder(o.outPath);
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
        auto placed = placer.place(*out, "images" + sub, e.mediaPath, e.item->id);
        if (!placed)
            return fail(placed.error());
        if (!p)
            return {}; // unlabelled: an image without a label file
        std::string text;
        if (job->type == TaskType::SemanticSegmentation) {
            auto lines = polygonLines(*job, *p, w, h, e.mediaPath);
            if (!lines)
                return fail(lines.error());
            text = std::move(*lines);
        } else if (job->type == TaskType::InstanceSegmentation) {
            auto lines = objectLines(*job, *p, w, h, e.mediaPath);
            if (!lines)
                return fail(lines.error());
            text = std::move(*lines);
        }
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
        if (auto wr = out->write("labels" + sub + "/" + placed->stem + ".txt", text); !wr)
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
    // Says what the label files hold: boxes, or outlines (a line per region of a class, or per object).
    std::string yaml =
        job->type == TaskType::BoundingBox
            ? "# YOLO boxes written by Groundwork: labels/.../<image stem>.txt hold \"class cx cy w h\",\n"
              "# class = position in names, the rest fractions of the image's width and height.\n"
            : std::string("# YOLO segmentation written by Groundwork: labels/.../<image stem>.txt hold \"class x1 y1 x2 "
                          "y2 ...\",\n# one line per ")
                  + (job->type == TaskType::InstanceSegmentation ? "object" : "region of a class")
                  + ", class = position in names, points as fractions of the image's width and height.\n";
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
    if (auto wr = out->write("classes.txt", classes); !wr)
        return fail(wr.error());
    if (auto wr = out->write("data.yaml", yaml); !wr)
        return fail(wr.error());
    if (auto c = output.finish(); !c)
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

/// The whitespace-separated tokens of a line.
std::vector<std::string_view> tokensOf(std::string_view line)
{
    std::vector<std::string_view> tokens;
    for (size_t i = 0; i < line.size();) {
        const size_t start = line.find_first_not_of(" \t\r", i);
        if (start == std::string_view::npos)
            break;
        const size_t end = std::min(line.find_first_of(" \t\r", start), line.size());
        tokens.push_back(line.substr(start, end - start));
        i = end;
    }
    return tokens;
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
        const auto tokens = tokensOf(line);
        if (tokens.size() >= 7 && tokens.size() % 2 == 1)
            return fail(Error::invalid(
                where + "a segmentation polygon (" + std::to_string((tokens.size() - 1) / 2) +
                " points) in a box job: import it into a segmentation job (--option task=segmentation, or a "
                "job whose name ends in -ref)"));
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

/// A line of a segmentation label file: "class x1 y1 x2 y2 ..." (three points or more, fractions of the image).
struct PolygonLine
{
    size_t classIndex = 0;
    int64_t line = 0;
    std::vector<raster::Point> points; ///< in pixels
};

/// The polygons of a segmentation label file, in file order. Errors name the file and line.
Result<std::vector<PolygonLine>> readPolygons(const std::string &path, const NameTable &names, int w, int h)
{
    auto text = readFile(path);
    if (!text)
        return fail(text.error());
    std::vector<PolygonLine> out;
    int64_t lineNo = 0;
    for (std::string_view rest = *text; !rest.empty();) {
        const size_t nl = rest.find('\n');
        const std::string_view line = trimmed(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        ++lineNo;
        if (line.empty())
            continue;
        const std::string where = at(path, lineNo);
        const auto tokens = tokensOf(line);
        if (tokens.size() < 7 || tokens.size() % 2 == 0)
            return fail(Error::invalid(
                where + (tokens.size() == 5 ? "a box (class cx cy w h) among segmentation polygons; " : "") +
                "expected a segmentation polygon (class x1 y1 x2 y2 x3 y3 ...), found " +
                std::to_string(tokens.size()) + " numbers"));
        const auto cls = parseIndex(tokens[0]);
        if (!cls || *cls >= (long long)names.names.size())
            return fail(Error::invalid(where + "class '" + std::string(tokens[0]) + "' is not one of the " +
                                       std::to_string(names.names.size()) + " names of " + names.file));
        PolygonLine polygon{size_t(*cls), lineNo, {}};
        for (size_t k = 1; k + 1 < tokens.size(); k += 2) {
            const auto x = parseNumber(tokens[k]), y = parseNumber(tokens[k + 1]);
            if (!x || !y || *x < -kTolerance || *x > 1 + kTolerance || *y < -kTolerance ||
                *y > 1 + kTolerance)
                return fail(Error::invalid(where + "point " + std::to_string((k + 1) / 2) + " (" +
                                           std::string(tokens[k]) + ", " + std::string(tokens[k + 1]) +
                                           ") is not a pair of fractions in [0, 1]"));
            polygon.points.push_back({edge(*x, w), edge(*y, h)});
        }
        out.push_back(std::move(polygon));
    }
    return out;
}

/// Whether a YOLO folder holds segmentation polygons: the first label line with more than five numbers.
bool holdsPolygons(const std::vector<std::string> &labelFiles)
{
    for (const std::string &file : labelFiles) {
        auto text = readFile(file);
        if (!text)
            continue;
        for (std::string_view rest = *text; !rest.empty();) {
            const size_t nl = rest.find('\n');
            const auto tokens = tokensOf(rest.substr(0, nl));
            rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
            if (!tokens.empty())
                return tokens.size() > 5;
        }
    }
    return false;
}

Result<ParsedLabels> parseYolo(const std::string &path, const FormatImportOptions &o)
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

    // Boxes or polygons: an existing job decides, then the task option, then the files.
    TaskType type = TaskType::BoundingBox;
    const std::string task = o.settings.count("task") ? o.settings.at("task") : std::string("auto");
    const std::string defaultJob = o.job.empty() ? std::string("yolo") : o.job;
    if (auto existing = existingJobType(o, defaultJob))
        type = *existing;
    else if (task == "segmentation")
        type = TaskType::SemanticSegmentation;
    else if (task == "instances")
        type = TaskType::InstanceSegmentation;
    else if (task == "auto") {
        std::vector<std::string> labelFiles;
        for (const ImageEntry &e : entries)
            if (fs::is_regular_file(e.label, ec))
                labelFiles.push_back(e.label);
        if (holdsPolygons(labelFiles))
            type = TaskType::SemanticSegmentation;
    }
    auto writer = LabelCollector::begin(type, o, type == TaskType::BoundingBox ? "yolo" : "yolo-ref",
                                        root.string());
    if (!writer)
        return fail(writer.error());
    // Every name in order, so that a new job keeps YOLO's positions (class indices); an existing job maps the
    // names (applyParsed).
    std::vector<int> classIds(names->names.size(), -1);
    const bool jobIsNew = true;
    auto classOf = [&](size_t index, const std::string &where = {}) -> Result<int> {
        if (classIds[index] < 0 || !where.empty()) {
            auto id = (*writer)->classId(names->names[index], {}, where);
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
            Payload p;
            if (type == TaskType::SemanticSegmentation || type == TaskType::InstanceSegmentation) {
                // Each line paints its polygon's pixels (later lines over earlier ones), or is an object.
                auto polygons = readPolygons(e.label, *names, item->width, item->height);
                if (!polygons)
                    return fail(polygons.error());
                mask::IndexedMask m{item->width, item->height,
                                    std::vector<uint8_t>(size_t(item->width) * size_t(item->height), 0)};
                for (const PolygonLine &polygon : *polygons) {
                    auto id = classOf(polygon.classIndex, at(e.label, polygon.line));
                    if (!id)
                        return fail(Error{id.error().code, at(e.label, polygon.line) + id.error().message});
                    if (type == TaskType::InstanceSegmentation) {
                        Instance object;
                        object.classId = *id;
                        object.polygons.emplace_back();
                        for (const raster::Point &pt : polygon.points) {
                            object.polygons.back().push_back(pt.x);
                            object.polygons.back().push_back(pt.y);
                        }
                        p.instances.push_back(std::move(object));
                        continue;
                    }
                    if (*id > 254)
                        return fail(Error::invalid(at(e.label, polygon.line) + "too many classes for a mask"));
                    raster::fillPolygon(m, polygon.points, uint8_t(*id + 1));
                }
                if (type == TaskType::InstanceSegmentation) {
                    p.imageWidth = item->width;
                    p.imageHeight = item->height;
                    p.imageDepth = 3;
                } else {
                    auto png = mask::encodeStored(m, (*writer)->job().classes);
                    if (!png)
                        return fail(png.error());
                    p.mask = std::move(*png);
                }
            } else {
                auto boxes = readLabelFile(e.label, *names, item->width, item->height);
                if (!boxes)
                    return fail(boxes.error());
                for (auto &[b, line] : *boxes) {
                    auto id = classOf(size_t(b.classId), at(e.label, line));
                    if (!id)
                        return fail(Error{id.error().code, at(e.label, line) + id.error().message});
                    b.classId = *id;
                    p.boxes.push_back(b);
                }
                p.imageWidth = item->width;
                p.imageHeight = item->height;
                p.imageDepth = 3;
            }
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
    f.description =
        "YOLO boxes (Ultralytics/darknet): images/SPLIT/FILE and labels/SPLIT/STEM.txt with a "
        "line \"class cx cy w "
        "h\" per box (class = 0-based position in the job's classes; centre and size as "
        "fractions of the image's "
        "width and height, 6 decimals; boxes clipped to the image), classes.txt and data.yaml. "
        "No split level when "
        "no item has a split; otherwise items without one go to unassigned/. An image labeled "
        "with no box gets an "
        "empty .txt, an unlabeled one none. Masks go out as YOLO segmentation lines \"class x1 y1 x2 y2 "
        "...\" "
        "(region outlines along pixel edges, fractions, 6 decimals) and come back pixel for pixel. "
        "Import also reads "
        "SPLIT/images + SPLIT/labels and darknet's STEM.txt beside the image; names from "
        "data.yaml, classes.txt or "
        "obj.names; numbers may stray 1e-6 outside [0, 1]; an edge within 1e-6 of the image size "
        "of a whole pixel "
        "is read as that pixel";
    f.summary = "The images with a small text file each listing their boxes, and a data.yaml that names the "
                "classes and splits. What Ultralytics YOLO and darknet train on.";
    f.taskSummaries[TaskType::SemanticSegmentation] =
        "The images with a small text file each listing the outline of every region, and a data.yaml that "
        "names the classes and splits. What Ultralytics YOLO segmentation models train on.";
    f.taskSummaries[TaskType::InstanceSegmentation] =
        "A dataset folder with a text file per image, one line per object with its outline, and a data.yaml that "
        "names the classes and splits. What Ultralytics YOLO segmentation models train on.";
    f.tasks = {TaskType::BoundingBox, TaskType::SemanticSegmentation, TaskType::InstanceSegmentation};
    f.writesFolder = true;
    f.readsFolder = true;
    f.options = {imageFilesOption(),
                 {.key = "task",
                  .description =
                      "import: boxes, segmentation polygons painted into masks, or objects (instances: a line "
                      "each; auto: an existing job's type, else the files)",
                  .defaultValue = "auto",
                  .choices = {"auto", "boxes", "segmentation", "instances"},
                  .use = FormatOption::Use::Import,
                  .label = "Read as",
                  .choiceLabels = {"Decide from the job or the files", "Boxes", "Outlines (masks)", "Objects"}},
                 {.key = "path",
                  .description = "data.yaml's path: the dataset root its train/val/test are relative to",
                  .defaultValue = ".",
                  .use = FormatOption::Use::Export,
                  .label = "Dataset root in data.yaml"}};
    f.parse = parseYolo;
    f.write = [f](const ProjectStore &store, const FormatExportOptions &o) { return writeYolo(f, store, o); };
    return f;
}

} // namespace gw::datasets::formats
