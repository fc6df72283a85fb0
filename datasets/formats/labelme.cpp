// LabelMe JSON: one .json file per image with the image's path, its size, image-level "flags" and "shapes"
// (label, points, shape_type). Rectangles are boxes (two opposite corners, in any order); polygons,
// rectangles and circles (centre and a point on the circle) are painted into semantic masks in file order
// (a later shape wins where two overlap); true flags are the classes of an image. Export writes files that
// LabelMe opens: boxes as rectangles, classes as flags, masks as polygons through the centres of their border
// pixels. Shapes have the pixels LabelMe's own tools (PIL) give them, both ways (raster.h, "LabelMe's pixels").

#include "datasets/formats/builtin.h"
#include "datasets/formats/formatutil.h"
#include "datasets/formats/jsonfile.h"
#include "datasets/formats/raster.h"
#include "datasets/instances.h"
#include "datasets/mask.h"
#include "datasets/media.h"

#include <QDirIterator>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

namespace gw::datasets::formats {

namespace fs = std::filesystem;

namespace {

/// The version written into exported files (the layout of LabelMe 5.2: shapes with group_id and description).
constexpr const char *kVersion = "5.2.1";
/// How far (in pixels) a rectangle may reach past the image's edge on import; it is then clipped.
constexpr double kSlack = 0.5;

// ---- writing JSON as LabelMe (Python's json.dump with indent=2) does ----

void indent(std::string &out, int level)
{
    out += '\n';
    out.append(size_t(level) * 2, ' ');
}

void writePretty(const json::Value &v, std::string &out, int level)
{
    switch (v.type()) {
    case json::Type::Array: {
        const json::Array &a = v.toArray();
        if (a.empty()) {
            out += "[]";
            return;
        }
        out += '[';
        for (size_t i = 0; i < a.size(); ++i) {
            indent(out, level + 1);
            writePretty(a[i], out, level + 1);
            if (i + 1 < a.size())
                out += ',';
        }
        indent(out, level);
        out += ']';
        return;
    }
    case json::Type::Object: {
        const json::Object &o = v.toObject();
        if (o.empty()) {
            out += "{}";
            return;
        }
        out += '{';
        size_t i = 0;
        for (const auto &[key, value] : o) {
            indent(out, level + 1);
            json::appendQuoted(out, key);
            out += ": ";
            writePretty(value, out, level + 1);
            if (++i < o.size())
                out += ',';
        }
        indent(out, level);
        out += '}';
        return;
    }
    case json::Type::Double: {
        // Python writes floats with a decimal point: 191.0, not 191.
        const size_t start = out.size();
        json::appendNumber(out, v.toDouble());
        if (out.find_first_of(".eEn", start) == std::string::npos)
            out += ".0";
        return;
    }
    default:
        json::write(v, out);
    }
}

std::string num(double v)
{
    std::string s;
    json::appendNumber(s, v);
    return s;
}

json::Value point(double x, double y)
{
    return json::Array{json::Value(x), json::Value(y)};
}

json::Object shape(const std::string &label, json::Array points, const char *type)
{
    json::Object s;
    s.set("label", label);
    s.set("points", std::move(points));
    s.set("group_id", nullptr);
    s.set("description", "");
    s.set("shape_type", type);
    s.set("flags", json::Object{});
    return s;
}

// ---- export ----

/// The image's path as LabelMe writes it: relative to the JSON file's folder (with ".." where needed), so
/// that the folder and the images can move together; absolute when the two share no folder but the root
/// (/tmp/out and /usr/share/...); URIs as they are.
std::string imagePath(const std::string &outDir, const std::string &image)
{
    if (media::isUri(image))
        return image;
    const fs::path img = fs::path(image).lexically_normal(), out = fs::path(outDir).lexically_normal();
    auto top = [](const fs::path &p) {
        auto it = p.begin();
        if (it != p.end() && p.has_root_directory())
            ++it;
        return it == p.end() ? fs::path() : *it;
    };
    const fs::path rel = img.lexically_relative(out);
    if (rel.empty() || top(img) != top(out))
        return image;
    return rel.generic_string();
}

Result<ExportReport> writeLabelme(const Format &format, const ProjectStore &store,
                                  const FormatExportOptions &o)
{
    auto job = exportJob(store, format, o);
    if (!job)
        return fail(job.error());
    const bool boxes = job->type == TaskType::BoundingBox;
    const bool segmentation = job->type == TaskType::SemanticSegmentation;
    const bool objects = job->type == TaskType::InstanceSegmentation;
    WriterOutput output(o.output, o.overwrite);
    auto out = output.folder(o.outPath);
    if (!out)
        return fail(out.error());
    const std::string finalDir = fs::absolute(o.outPath).lexically_normal().string();
    std::set<std::string> taken;
    ExportReport report;
    auto r = forEachEntry(store, *job, o, [&](const ExportEntry &e) -> Result<> {
        const Payload none;
        const Payload &p = e.label ? e.label->payload : none;
        json::Object flags;
        json::Array shapes;
        int maskWidth = 0, maskHeight = 0;
        if (objects) {
            // An object of several shapes gets a group_id (its position), as LabelMe groups them. An outline read
            // from LabelMe goes back as it came; any other object goes as outlines through the centres of its border
            // pixels, which LabelMe's tools draw as exactly its pixels (holes joined by cuts: raster::traceLabelme).
            const int w = e.item->width > 0 ? e.item->width : p.imageWidth;
            const int h = e.item->width > 0 ? e.item->height : p.imageHeight;
            for (size_t k = 0; k < p.instances.size(); ++k) {
                const Instance &object = p.instances[k];
                const LabelClass *c = job->classById(object.classId);
                if (!c)
                    continue;
                std::vector<std::vector<double>> rings = object.polygons;
                if (!object.labelmePixels || object.painted() || !object.holes.empty()) {
                    auto own = instances::binary(object, w, h);
                    if (!own)
                        return fail(Error::invalid("item " + std::to_string(e.item->id) + " (" + e.item->uri +
                                                   "), object " + std::to_string(k + 1) + ": " + own.error().message));
                    rings.clear();
                    for (const auto &poly : raster::traceLabelme(*own, 1)) {
                        rings.emplace_back();
                        for (const raster::Point &pt : poly) {
                            rings.back().push_back(pt.x);
                            rings.back().push_back(pt.y);
                        }
                    }
                }
                for (const auto &ring : rings) {
                    json::Array points;
                    for (size_t i = 0; i + 1 < ring.size(); i += 2)
                        points.emplace_back(point(ring[i], ring[i + 1]));
                    json::Object sh = shape(c->name, std::move(points), "polygon");
                    if (rings.size() > 1)
                        sh.set("group_id", int64_t(k + 1));
                    shapes.emplace_back(std::move(sh));
                }
            }
        } else if (segmentation && !p.mask.empty()) {
            auto m = mask::decode(p.mask);
            if (!m)
                return fail(Error::invalid("item " + std::to_string(e.item->id) + " (" + e.item->uri +
                                           "): " + m.error().message));
            maskWidth = m->width;
            maskHeight = m->height;
            for (const LabelClass &c : job->classes) {
                if (c.id + 1 > 255)
                    continue;
                for (const auto &poly : raster::traceLabelme(*m, uint8_t(c.id + 1))) {
                    json::Array points;
                    for (const raster::Point &pt : poly)
                        points.emplace_back(point(pt.x, pt.y));
                    shapes.emplace_back(shape(c.name, std::move(points), "polygon"));
                }
            }
        } else if (segmentation && !p.maskUri.empty()) {
            return fail(Error::invalid("the mask of item " + std::to_string(e.item->id) + " (" + e.item->uri +
                                       ") is only referenced (" + p.maskUri +
                                       "), its pixels are not in the project"));
        } else if (boxes) {
            for (const Box &b : p.boxes)
                if (const LabelClass *c = job->classById(b.classId))
                    shapes.emplace_back(shape(
                        c->name, json::Array{point(b.left, b.top), point(b.left + b.width, b.top + b.height)},
                        "rectangle"));
        } else if (!segmentation) {
            for (const LabelClass &c : job->classes)
                flags.set(c.name, std::find(p.classes.begin(), p.classes.end(), c.id) != p.classes.end());
        }
        const int width = e.item->width ? e.item->width : maskWidth ? maskWidth : p.imageWidth;
        const int height = e.item->width ? e.item->height : maskWidth ? maskHeight : p.imageHeight;
        json::Object doc;
        doc.set("version", kVersion);
        doc.set("flags", std::move(flags));
        doc.set("shapes", std::move(shapes));
        doc.set("imagePath", imagePath(finalDir, e.mediaPath));
        doc.set("imageData", nullptr);
        doc.set("imageHeight", height > 0 ? json::Value(height) : json::Value());
        doc.set("imageWidth", width > 0 ? json::Value(width) : json::Value());
        if (fs::path(media::toManifest(finalDir, e.mediaPath)).is_relative())
            return fail(Error::invalid(e.mediaPath + ": the images are inside " + finalDir +
                                       ", which the export replaces: choose a new or empty folder"));
        std::string text;
        writePretty(json::Value(std::move(doc)), text, 0);
        text += '\n';
        const std::string stem = fs::path(e.mediaPath).stem().string();
        std::string name = stem + ".json";
        if (!taken.insert(name).second) {
            name = stem + "-" + std::to_string(e.item->id) + ".json";
            taken.insert(name);
        }
        if (auto w = out->write(name, text); !w)
            return fail(w.error());
        ++report.lines;
        report.labels += e.label ? 1 : 0;
        return {};
    });
    if (!r)
        return fail(r.error());
    if (auto c = output.finish(); !c)
        return fail(c.error());
    return report;
}

// ---- import ----

struct Shape
{
    std::string label, type;
    std::vector<raster::Point> points;
    size_t index = 0;
    std::optional<int64_t> group; ///< group_id: shapes of one label and group are one object
};

struct File
{
    std::string path, imagePath, image;
    bool embedded = false; ///< imageData holds the image
    int width = 0, height = 0;
    std::vector<Shape> shapes;
    std::vector<std::pair<std::string, bool>> flags; ///< in file order, "__ignore__" left out
    int64_t ignoredShapes = 0;
};

bool isArea(const std::string &type)
{
    return type == "polygon" || type == "rectangle" || type == "circle";
}

/// Reads one file; nullopt (no error) when it is a JSON file but not a LabelMe one and skipOthers is set.
Result<std::optional<File>> readFileShapes(const std::string &path, bool skipOthers)
{
    auto doc = readJsonFile(path);
    if (!doc)
        return fail(doc.error());
    const std::string where = at(path);
    const json::Value *shapes = doc->find("shapes");
    const json::Value *imagePath = doc->find("imagePath");
    if (!shapes || !shapes->isArray() || !imagePath || !imagePath->isString()) {
        if (skipOthers)
            return std::optional<File>();
        return fail(Error::invalid(where + "not a LabelMe file (it needs \"shapes\" and \"imagePath\")"));
    }
    File f;
    f.path = path;
    f.imagePath = imagePath->toString();
    std::replace(f.imagePath.begin(), f.imagePath.end(), '\\', '/'); // written on Windows
    if (f.imagePath.empty())
        return fail(Error::invalid(where + "\"imagePath\" is empty"));
    f.image = media::fromManifest(fs::path(path).parent_path().string(), f.imagePath);
    const json::Value *data = doc->find("imageData");
    f.embedded = data && data->isString() && !data->toString().empty();
    if (const json::Value *h = doc->find("imageHeight"); h && h->isNumber())
        f.height = int(h->toInt());
    if (const json::Value *w = doc->find("imageWidth"); w && w->isNumber())
        f.width = int(w->toInt());
    if (const json::Value *flags = doc->find("flags"); flags && flags->isObject()) {
        for (const auto &[name, value] : flags->toObject()) {
            if (name == "__ignore__")
                continue;
            if (!value.isBool())
                return fail(Error::invalid(where + "flags." + name + ": should be true or false"));
            f.flags.emplace_back(name, value.toBool());
        }
    }
    const json::Array &list = shapes->toArray();
    for (size_t i = 0; i < list.size(); ++i) {
        const std::string at = where + element("shapes", i) + ": ";
        const json::Value &s = list[i];
        const json::Value *label = s.find("label");
        const json::Value *points = s.find("points");
        const json::Value *type = s.find("shape_type");
        if (!label || !label->isString() || label->toString().empty())
            return fail(Error::invalid(at + "no \"label\""));
        if (!points || !points->isArray())
            return fail(Error::invalid(at + "no \"points\" array"));
        Shape shape;
        shape.label = label->toString();
        shape.type = type && type->isString() ? type->toString() : "polygon"; // LabelMe's default
        shape.index = i;
        if (const json::Value *group = s.find("group_id"); group && group->isNumber())
            shape.group = group->toInt();
        for (const json::Value &p : points->toArray()) {
            const json::Array &xy = p.toArray();
            if (xy.size() != 2 || !xy[0].isNumber() || !xy[1].isNumber())
                return fail(Error::invalid(at + "points should be [x, y] pairs"));
            shape.points.push_back({xy[0].toDouble(), xy[1].toDouble()});
        }
        const size_t needed = shape.type == "polygon" ? 3 : 2;
        if (!isArea(shape.type) || shape.label == "__ignore__") {
            ++f.ignoredShapes; // lines, points, line strips, masks; LabelMe's "don't care" regions
            continue;
        }
        if (shape.type == "polygon" ? shape.points.size() < needed : shape.points.size() != needed)
            return fail(Error::invalid(at + "a " + shape.type + " needs " +
                                       (shape.type == "polygon" ? "at least " : "") + std::to_string(needed) +
                                       " points, not " + std::to_string(shape.points.size())));
        f.shapes.push_back(std::move(shape));
    }
    return std::optional<File>(std::move(f));
}

Result<std::vector<std::string>> labelFiles(const std::string &root)
{
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        if (!fs::exists(root, ec))
            return fail(Error::notFound(root + ": no such file or folder"));
        return std::vector<std::string>{root};
    }
    std::vector<std::string> files;
    QDirIterator it(QString::fromStdString(root), {QStringLiteral("*.json")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files.push_back(it.next().toStdString());
    std::sort(files.begin(), files.end());
    if (files.empty())
        return fail(Error::invalid(root + ": no .json files"));
    return files;
}

/// The objects of a file, as labelme2coco makes them: the shapes of one label and group_id are one object
/// (a shape without a group_id is one on its own), in the order of their first shape. Polygons and rectangles
/// keep their points; an object with a circle is painted.
/// Paints a shape with the pixels LabelMe's tools give it (raster.h): a circle, which PIL draws as an ellipse
/// in the box around it, as the pixels whose centres are within its radius, its centre at a pixel's centre.
void paintShape(mask::IndexedMask &m, const Shape &s, uint8_t value)
{
    if (s.type == "polygon")
        raster::fillLabelmePolygon(m, s.points, value);
    else if (s.type == "rectangle")
        raster::fillLabelmeRectangle(m, s.points[0], s.points[1], value);
    else // circle: centre, then a point on the circle
        raster::fillCircle(m, {s.points[0].x + 0.5, s.points[0].y + 0.5},
                           std::hypot(s.points[1].x - s.points[0].x, s.points[1].y - s.points[0].y), value);
}

Result<std::vector<Instance>> objectsOf(const File &f, LabelCollector &writer, const std::string &where)
{
    std::vector<Instance> out;
    std::vector<std::vector<const Shape *>> members;
    std::map<std::pair<std::string, int64_t>, size_t> groups;
    for (const Shape &s : f.shapes) {
        auto cls = writer.classId(s.label, {}, where + element("shapes", s.index) + ": ");
        if (!cls)
            return fail(Error::invalid(where + element("shapes", s.index) + ": " + cls.error().message));
        if (s.group) {
            auto [it, added] = groups.emplace(std::pair{s.label, *s.group}, out.size());
            if (!added) {
                members[it->second].push_back(&s);
                continue;
            }
        }
        Instance object;
        object.classId = *cls;
        out.push_back(std::move(object));
        members.push_back({&s});
    }
    for (size_t k = 0; k < out.size(); ++k) {
        const bool circle = std::any_of(members[k].begin(), members[k].end(),
                                        [](const Shape *s) { return s->type == "circle"; });
        if (circle) {
            mask::IndexedMask m{f.width, f.height, std::vector<uint8_t>(size_t(f.width) * size_t(f.height), 0)};
            for (const Shape *s : members[k])
                paintShape(m, *s, 1);
            out[k].rle = raster::rleToString(raster::encodeRle(m, 1));
            continue;
        }
        for (const Shape *s : members[k]) {
            std::vector<double> xy;
            if (s->type == "rectangle") {
                const double x0 = std::min(s->points[0].x, s->points[1].x), x1 = std::max(s->points[0].x, s->points[1].x);
                const double y0 = std::min(s->points[0].y, s->points[1].y), y1 = std::max(s->points[0].y, s->points[1].y);
                xy = {x0, y0, x1, y0, x1, y1, x0, y1};
            } else {
                for (const raster::Point &pt : s->points) {
                    xy.push_back(pt.x);
                    xy.push_back(pt.y);
                }
            }
            out[k].polygons.push_back(std::move(xy));
        }
        out[k].labelmePixels = true;
        if (const std::string problem = instances::problem(out[k], f.width, f.height); !problem.empty())
            return fail(Error::invalid(where + element("shapes", members[k].front()->index) + ": the object " + problem));
    }
    return out;
}

Result<ParsedLabels> parseLabelme(const Format &format, const std::string &path,
                                 const FormatImportOptions &o)
{
    if (auto r = format.check(o.settings); !r)
        return fail(r.error());
    const std::string root = fs::absolute(path).lexically_normal().string();
    auto paths = labelFiles(root);
    if (!paths)
        return fail(paths.error());
    const bool folder = paths->size() != 1 || *paths->begin() != root;
    std::vector<File> files;
    std::vector<std::string> skipped;
    bool anyRectangle = false, anyNonRectangle = false, anyFlag = false, severalFlags = false, anyGroup = false;
    for (const std::string &p : *paths) {
        auto f = readFileShapes(p, folder);
        if (!f)
            return fail(f.error());
        if (!*f) {
            skipped.push_back(p);
            continue;
        }
        for (const Shape &s : (*f)->shapes) {
            anyRectangle = anyRectangle || s.type == "rectangle";
            anyNonRectangle = anyNonRectangle || s.type != "rectangle";
            anyGroup = anyGroup || s.group.has_value();
        }
        const auto trueFlags =
            std::count_if((*f)->flags.begin(), (*f)->flags.end(), [](auto &x) { return x.second; });
        anyFlag = anyFlag || trueFlags > 0;
        severalFlags = severalFlags || trueFlags > 1;
        files.push_back(std::move(**f));
    }
    if (files.empty())
        return fail(Error::invalid(root + ": no LabelMe files (JSON with \"shapes\" and \"imagePath\")"));

    // Boxes, masks or classes: the job's type when it exists, else the option, else what the files hold.
    const std::string task = format.setting(o.settings, "task");
    std::optional<TaskType> type;
    if (!o.job.empty())
        type = existingJobType(o, o.job);
    if (!type && task == "boxes")
        type = TaskType::BoundingBox;
    if (!type && task == "segmentation")
        type = TaskType::SemanticSegmentation;
    if (!type && task == "instances")
        type = TaskType::InstanceSegmentation;
    if (!type && task == "classification")
        type = severalFlags ? TaskType::ImageClassificationMultiLabel : TaskType::ImageClassification;
    if (!type && anyGroup) // group_id only means something for objects
        type = TaskType::InstanceSegmentation;
    if (!type && o.job.ends_with("-ref"))
        type = TaskType::SemanticSegmentation;
    if (!type) {
        if (anyNonRectangle)
            type = TaskType::SemanticSegmentation;
        else if (anyRectangle)
            type = TaskType::BoundingBox;
        else if (anyFlag)
            type = severalFlags ? TaskType::ImageClassificationMultiLabel : TaskType::ImageClassification;
        else
            return fail(Error::invalid(
                root + ": the files have no rectangles, polygons, circles or true flags to import"));
    }
    const bool segmentation = *type == TaskType::SemanticSegmentation, boxes = *type == TaskType::BoundingBox;
    const bool objects = *type == TaskType::InstanceSegmentation;
    const bool classification = !segmentation && !boxes && !objects;
    if (classification && *type != TaskType::ImageClassification &&
        *type != TaskType::ImageClassificationMultiLabel)
        return fail(Error::invalid("job '" + o.job + "' is a " + std::string(taskInfo(*type).id) +
                                   " job; LabelMe files hold boxes, masks, objects or image classes"));
    auto writer = LabelCollector::begin(*type, o, segmentation || objects ? "labelme-ref" : "labelme", root);
    if (!writer)
        return fail(writer.error());
    const bool multi = taskInfo(*type).multiLabel;

    int64_t done = 0, ignored = 0;
    std::error_code ec;
    for (File &f : files) {
        const std::string where = at(f.path);
        if (o.checkMedia && !media::isUri(f.image) && !fs::exists(f.image, ec))
            return fail(Error::notFound(
                where + "imagePath '" + f.imagePath + "': no such image (" + f.image + ")" +
                (f.embedded
                     ? "; the image is embedded in imageData, which Groundwork does not extract: put the "
                       "image file at that path and import again"
                     : "")));
        auto item = (*writer)->imageItem(f.image);
        if (!item)
            return fail(Error{item.error().code, where + item.error().message});
        if (item->width > 0 && f.width > 0 && (item->width != f.width || item->height != f.height))
            return fail(Error::invalid(where + "imageWidth × imageHeight is " + std::to_string(f.width) +
                                       " × " + std::to_string(f.height) + " but the image is " +
                                       std::to_string(item->width) + " × " + std::to_string(item->height)));
        if (f.width <= 0 || f.height <= 0) {
            f.width = item->width;
            f.height = item->height;
        }
        Payload p;
        if (classification) {
            std::vector<int> chosen;
            for (const auto &[name, on] : f.flags) {
                auto cls = (*writer)->classId(name, {}, where + "flags." + name + ": ");
                if (!cls && on)
                    return fail(Error::invalid(where + "flags." + name + ": " + cls.error().message));
                if (cls && on)
                    chosen.push_back(*cls);
            }
            if (!multi && chosen.size() > 1)
                return fail(Error::invalid(where + std::to_string(chosen.size()) +
                                           " flags are true but job '" + (*writer)->job().name +
                                           "' takes one class per image"));
            if (chosen.empty() && (!multi || f.flags.empty())) {
                ++done; // nothing to say about this image
                continue;
            }
            p.classes = chosen;
            p.classConfidence.assign(chosen.size(), std::nullopt);
        } else if (boxes) {
            p.imageWidth = f.width;
            p.imageHeight = f.height;
            p.imageDepth = 3;
            for (const Shape &s : f.shapes) {
                if (s.type != "rectangle") {
                    ++ignored;
                    continue;
                }
                const std::string at = where + element("shapes", s.index) + ": ";
                auto cls = (*writer)->classId(s.label, {}, at);
                if (!cls)
                    return fail(Error::invalid(at + cls.error().message));
                double x0 = std::min(s.points[0].x, s.points[1].x),
                       x1 = std::max(s.points[0].x, s.points[1].x);
                double y0 = std::min(s.points[0].y, s.points[1].y),
                       y1 = std::max(s.points[0].y, s.points[1].y);
                if (!std::isfinite(x0) || !std::isfinite(x1) || !std::isfinite(y0) || !std::isfinite(y1))
                    return fail(Error::invalid(at + "a corner is not a finite number"));
                if (f.width > 0 &&
                    (x0 < -kSlack || y0 < -kSlack || x1 > f.width + kSlack || y1 > f.height + kSlack))
                    return fail(Error::invalid(at + "rectangle (" + num(x0) + ", " + num(y0) + ")-(" +
                                               num(x1) + ", " + num(y1) + ") is outside the " +
                                               std::to_string(f.width) + " × " + std::to_string(f.height) +
                                               " image"));
                if (f.width > 0) {
                    x0 = std::max(0.0, x0);
                    y0 = std::max(0.0, y0);
                    x1 = std::min(double(f.width), x1);
                    y1 = std::min(double(f.height), y1);
                }
                p.boxes.push_back(Box{*cls, x0, y0, x1 - x0, y1 - y0, std::nullopt});
            }
        } else if (objects) {
            if (f.width <= 0 || f.height <= 0)
                return fail(
                    Error::invalid(where + "no imageWidth and imageHeight, and the image's size is unknown"));
            p.imageWidth = f.width;
            p.imageHeight = f.height;
            p.imageDepth = 3;
            auto made = objectsOf(f, **writer, where);
            if (!made)
                return fail(made.error());
            p.instances = std::move(*made);
        } else {
            if (f.width <= 0 || f.height <= 0)
                return fail(
                    Error::invalid(where + "no imageWidth and imageHeight, and the image's size is unknown"));
            mask::IndexedMask m{f.width, f.height,
                                std::vector<uint8_t>(size_t(f.width) * size_t(f.height), 0)};
            for (const Shape &s : f.shapes) {
                auto cls = (*writer)->classId(s.label, {}, where + element("shapes", s.index) + ": ");
                if (!cls)
                    return fail(
                        Error::invalid(where + element("shapes", s.index) + ": " + cls.error().message));
                if (*cls + 1 > 255)
                    return fail(Error::invalid(where + element("shapes", s.index) +
                                               ": masks hold at most 255 classes"));
                paintShape(m, s, uint8_t(*cls + 1));
            }
            auto png = mask::encodeStored(m, (*writer)->job().classes);
            if (!png)
                return fail(png.error());
            p.mask = std::move(*png);
        }
        ignored += f.ignoredShapes;
        if (auto w = (*writer)->put(*item, std::move(p)); !w)
            return fail(w.error());
        ++(*writer)->report().lines;
        if (o.progress && (++done & 0x3f) == 0 && !o.progress(done, int64_t(files.size())))
            return fail(Error::cancelled());
    }
    if (ignored > 0)
        (*writer)->report().warnings.push_back(root + ": " + std::to_string(ignored) + " shapes left out (" +
                                               (boxes ? "a bounding-box job takes rectangles only; " : "") +
                                               "lines, points and line strips cover no area, "
                                               "and \"__ignore__\" shapes mark regions without a label)");
    for (const std::string &s : skipped)
        (*writer)->report().warnings.push_back(s + ": not a LabelMe file, skipped");
    return (*writer)->commit();
}

} // namespace

Format labelme()
{
    Format f;
    f.id = "labelme";
    f.name = "LabelMe JSON";
    f.description =
        "one .json per image (IMAGE-STEM.json) with imagePath (relative to the file, \"..\" where needed, "
        "absolute "
        "when the two share only the root), imageWidth, imageHeight, flags and shapes. Import (a folder, "
        "read "
        "recursively, or one file): rectangles are boxes; polygons, rectangles and circles are painted into "
        "masks "
        "in file order with the pixels LabelMe's own tools give them (PIL: points at pixel centres, the outline's "
        "pixels included); true flags are the image's classes; "
        "\"__ignore__\" shapes and flags are left out. Images must exist as files (embedded imageData is not "
        "extracted). Export writes boxes as rectangles, classes as flags (every class, true for the image's) "
        "and "
        "masks as polygons through the centres of their border pixels, one per 8-connected region, holes "
        "joined to the outline by cuts along the region's pixels (LabelMe's tools, and Groundwork, read them "
        "back pixel for pixel)";
    f.summary =
        "A JSON file per image with its boxes as rectangles, which the LabelMe editor opens to review or "
        "correct them.";
    f.taskSummaries[TaskType::SemanticSegmentation] =
        "A JSON file per image with the outline of each region, which the LabelMe editor opens to review or "
        "correct them.";
    f.taskSummaries[TaskType::ImageClassification] =
        f.taskSummaries[TaskType::ImageClassificationMultiLabel] =
            "A JSON file per image with its classes ticked, which the LabelMe editor opens to review or "
            "correct them.";
    f.taskSummaries[TaskType::InstanceSegmentation] =
        "A JSON file per image with each object's outline (shapes of one object share a group_id), which the "
        "LabelMe editor opens and labelme2coco converts.";
    f.tasks = {TaskType::BoundingBox, TaskType::SemanticSegmentation, TaskType::InstanceSegmentation,
               TaskType::ImageClassification, TaskType::ImageClassificationMultiLabel};
    f.writesFolder = true;
    f.readsFolder = true;
    f.fileFilter = "LabelMe JSON (*.json)";
    f.options = {
        {.key = "task",
         .description =
             "import: what the shapes become when the job does not exist yet (instances: the shapes of one "
             "label and group_id are one object, a shape without a group_id one of its own; auto: objects when a "
             "shape has a group_id, masks when there are polygons or circles, boxes when all shapes are "
             "rectangles, classes when there are only flags)",
         .defaultValue = "auto",
         .choices = {"auto", "boxes", "segmentation", "instances", "classification"},
         .use = FormatOption::Use::Import,
         .label = "Read as",
         .choiceLabels = {"Decide from the shapes", "Boxes", "Masks", "Objects", "Classes"}},
    };
    f.parse = [f](const std::string &path, const FormatImportOptions &o) { return parseLabelme(f, path, o); };
    f.write = [f](const ProjectStore &store, const FormatExportOptions &o) {
        return writeLabelme(f, store, o);
    };
    return f;
}

} // namespace gw::datasets::formats
