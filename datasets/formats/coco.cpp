// COCO JSON (object detection and segmentation): one .json file with "images", "annotations" and
// "categories". Boxes are [x, y, width, height] in pixels from the image's top-left corner (0-based, floats
// as stored); category ids are 1-based in the job's class order on export and any integers on import.
// Segmentation masks leave as one annotation per image and class, iscrowd 1, with the class's pixels as
// RLE (column-major counts, or pycocotools's compressed string), or as traced polygons (one annotation per
// region); on import, polygons and both RLE forms are painted into the image's mask in file order (a later
// annotation wins where two overlap).

#include "datasets/formats/builtin.h"
#include "datasets/fileerrors.h"
#include "datasets/formats/formatutil.h"
#include "datasets/formats/jsonfile.h"
#include "datasets/formats/raster.h"
#include "datasets/instances.h"
#include "datasets/mask.h"
#include "datasets/media.h"

#include <QFile>
#include <QTemporaryFile>

#include <algorithm>
#include <cmath>

#include <filesystem>
#include <tuple>
#include <map>

namespace gw::datasets::formats {

namespace fs = std::filesystem;

namespace {

/// How far (in pixels) a box may reach past the image's edge on import; it is then clipped to the image.
/// Tools that round or work in pixel centres write boxes up to half a pixel out.
constexpr double kSlack = 0.5;

std::string num(double v)
{
    std::string s;
    json::appendNumber(s, v);
    return s;
}

/// A JSON array kept as its text, one element per line; past a few megabytes the text goes to a temporary
/// file, so a million annotations cost neither a million strings nor their bytes in memory.
struct ArrayText
{
    std::string text;
    size_t count = 0;
    std::unique_ptr<QTemporaryFile> spill;
    bool ok = true;

    void push_back(const std::string &element)
    {
        text += count++ ? ",\n" : "\n";
        text += element;
        if (text.size() > (8u << 20)) {
            if (!spill) {
                spill = std::make_unique<QTemporaryFile>();
                ok = spill->open();
            }
            ok = ok && spill->write(text.data(), qint64(text.size())) == qint64(text.size());
            text.clear();
        }
    }
    /// Writes the elements' text (spilled part first) through put.
    void writeTo(const std::function<void(const std::string &)> &put)
    {
        if (spill) {
            spill->seek(0);
            while (!spill->atEnd()) {
                const QByteArray part = spill->read(8 << 20);
                put(std::string(part.constData(), size_t(part.size())));
            }
        }
        put(text);
    }
};

// ---- export ----

/// A segmentation as RLE: {"counts": [...] or pycocotools's string, "size": [height, width]}.
json::Object rleJson(const std::vector<uint32_t> &counts, bool compressed, int width, int height)
{
    json::Object rle;
    if (compressed) {
        rle.set("counts", raster::rleToString(counts));
    } else {
        json::Array cs;
        cs.reserve(counts.size());
        for (uint32_t n : counts)
            cs.emplace_back(int64_t(n));
        rle.set("counts", std::move(cs));
    }
    rle.set("size", json::Array{json::Value(height), json::Value(width)});
    return rle;
}

Result<ExportReport> writeCoco(const Format &format, const ProjectStore &store, const FormatExportOptions &o)
{
    auto job = exportJob(store, format, o);
    if (!job)
        return fail(job.error());
    WriterOutput output(o.output, o.overwrite);
    auto staged = output.file(o.outPath); // refused here, before any work, when the target may not be written
    if (!staged)
        return fail(staged.error());
    const bool segmentation = job->type == TaskType::SemanticSegmentation;
    const bool objects = job->type == TaskType::InstanceSegmentation;
    const std::string maskForm = format.setting(o.settings, "masks");
    const bool compressed = maskForm == "rle-string", polygons = maskForm == "polygons";
    const std::string outDir = fs::absolute(o.outPath).lexically_normal().parent_path().string();

    std::map<int, int> categoryOf; // class id → category id (position + 1)
    ArrayText categories;
    for (size_t i = 0; i < job->classes.size(); ++i) {
        categoryOf[job->classes[i].id] = int(i + 1);
        json::Object c;
        c.set("id", int64_t(i + 1));
        c.set("name", job->classes[i].name);
        c.set("supercategory", "");
        categories.push_back(json::toString(json::Value(std::move(c))));
    }

    ArrayText images, annotations;
    int64_t imageId = 0, annotationId = 0;
    ExportReport report;
    auto annotation = [&](int64_t image, int category, double x, double y, double w, double h, double area,
                          bool crowd) {
        json::Object a;
        a.set("id", ++annotationId);
        a.set("image_id", image);
        a.set("category_id", int64_t(category));
        a.set("bbox", json::Array{json::Value(x), json::Value(y), json::Value(w), json::Value(h)});
        a.set("area", area);
        a.set("iscrowd", int64_t(crowd ? 1 : 0));
        return a;
    };
    auto r = forEachEntry(store, *job, o, [&](const ExportEntry &e) -> Result<> {
        const int64_t id = ++imageId;
        int width = e.item->width, height = e.item->height;
        const std::string where = "item " + std::to_string(e.item->id) + " (" + e.item->uri + ")";
        if (e.label && objects) {
            const Payload &p = e.label->payload;
            if (width == 0) {
                width = p.imageWidth;
                height = p.imageHeight;
            }
            if (!p.instances.empty() && (width <= 0 || height <= 0))
                return fail(Error::invalid(where + ": the image's size is unknown (is the file missing?)"));
            for (size_t k = 0; k < p.instances.size(); ++k) {
                const Instance &object = p.instances[k];
                auto c = categoryOf.find(object.classId);
                if (c == categoryOf.end())
                    continue; // a class no longer in the job
                auto own = instances::binary(object, width, height);
                if (!own)
                    return fail(Error::invalid(where + ", object " + std::to_string(k + 1) + ": " + own.error().message));
                // Area and box of the object's pixels, as pycocotools's area() and toBbox() give them.
                instances::Extent x = instances::extent(*own);
                if (x.area == 0) {
                    // A sliver that holds no pixel centre: its box is where it was drawn, its area 0.
                    Payload one;
                    one.imageWidth = width;
                    one.imageHeight = height;
                    one.instances = {object};
                    for (const Box &b : instances::outlineBoxes(one)) {
                        x.x0 = int(std::floor(b.left));
                        x.y0 = int(std::floor(b.top));
                        x.x1 = int(std::ceil(b.left + b.width));
                        x.y1 = int(std::ceil(b.top + b.height));
                    }
                }
                json::Object a = annotation(id, c->second, x.x0, x.y0, x.x1 - x.x0, x.y1 - x.y0, double(x.area), false);
                if (!object.painted() && object.holes.empty())
                    a.set("segmentation", instances::ringsToJson(object.polygons)); // as drawn
                else if (polygons)
                    a.set("segmentation", instances::ringsToJson(instances::fromBinary(*own, object.classId).polygons));
                else // pycocotools merges an object's polygons, so holes and painted pixels go as RLE
                    a.set("segmentation", rleJson(raster::encodeRle(*own, 1), compressed, width, height));
                annotations.push_back(json::toString(json::Value(std::move(a))));
            }
        } else if (e.label && segmentation) {
            const Payload &p = e.label->payload;
            if (p.mask.empty() && !p.maskUri.empty())
                return fail(Error::invalid("the mask of " + where + " is only referenced (" + p.maskUri +
                                           "), its pixels are not in the project"));
            if (!p.mask.empty()) {
                auto m = mask::decode(p.mask);
                if (!m)
                    return fail(Error::invalid(where + ": " + m.error().message));
                if (width == 0) {
                    width = m->width;
                    height = m->height;
                } else if (auto s = mask::checkSize(*m, width, height); !s) {
                    return fail(Error::invalid(where + ": " + s.error().message));
                }
                bool present[256] = {};
                for (uint8_t v : m->pixels)
                    present[v] = true;
                for (const LabelClass &c : job->classes) {
                    const int value = c.id + 1;
                    if (value > 255 || !present[value])
                        continue;
                    if (polygons) {
                        // One annotation per 4-connected region, holes joined by zero-width cuts.
                        for (const auto &poly : raster::tracePolygons(*m, uint8_t(value))) {
                            double x0 = width, y0 = height, x1 = 0, y1 = 0;
                            json::Array xy;
                            xy.reserve(poly.size() * 2);
                            for (const raster::Point &pt : poly) {
                                x0 = std::min(x0, pt.x);
                                y0 = std::min(y0, pt.y);
                                x1 = std::max(x1, pt.x);
                                y1 = std::max(y1, pt.y);
                                xy.emplace_back(pt.x);
                                xy.emplace_back(pt.y);
                            }
                            json::Object a = annotation(id, categoryOf[c.id], x0, y0, x1 - x0, y1 - y0,
                                                        raster::doubleArea(poly) / 2, false);
                            a.set("segmentation", json::Array{json::Value(std::move(xy))});
                            annotations.push_back(json::toString(json::Value(std::move(a))));
                        }
                        continue;
                    }
                    const raster::PixelBox b = raster::pixelBox(*m, uint8_t(value));
                    json::Object a = annotation(id, categoryOf[c.id], b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0,
                                                double(b.area), true);
                    a.set("segmentation", rleJson(raster::encodeRle(*m, uint8_t(value)), compressed, width, height));
                    annotations.push_back(json::toString(json::Value(std::move(a))));
                }
                ++report.masksWritten;
            }
        } else if (e.label) {
            const Payload &p = e.label->payload;
            if (width == 0) {
                width = p.imageWidth;
                height = p.imageHeight;
            }
            for (const Box &b : p.boxes) {
                auto c = categoryOf.find(b.classId);
                if (c == categoryOf.end())
                    continue; // a class no longer in the job
                json::Object a =
                    annotation(id, c->second, b.left, b.top, b.width, b.height, b.width * b.height, false);
                a.set("segmentation", json::Array{});
                annotations.push_back(json::toString(json::Value(std::move(a))));
            }
        }
        json::Object img;
        img.set("id", id);
        img.set("file_name",
                media::isUri(e.mediaPath) ? e.mediaPath : media::toManifest(outDir, e.mediaPath));
        img.set("width", int64_t(width));
        img.set("height", int64_t(height));
        images.push_back(json::toString(json::Value(std::move(img))));
        ++report.lines;
        report.labels += e.label ? 1 : 0;
        return {};
    });
    if (!r)
        return fail(r.error());

    json::Object info;
    info.set("description",
             "Groundwork job '" + job->name + "' (" + std::string(taskInfo(job->type).id) + ")");
    info.set("version", "1.0");
    info.set("contributor", "Groundwork");
    // Written piece by piece (no second copy of a million annotations), staged.
    QFile file(QString::fromStdString(*staged));
    errno = 0;
    if (!file.open(QIODevice::WriteOnly))
        return fail(Error::io(o.outPath + ": cannot write: " + describeLastFileError(file.errorString().toStdString())));
    bool ok = true;
    auto put = [&](const std::string &piece) {
        ok = ok && file.write(piece.data(), qint64(piece.size())) == qint64(piece.size());
    };
    put("{\"info\":" + json::toString(json::Value(std::move(info))) + ",\n\"licenses\":[],\n");
    for (auto [key, array, last] : {std::tuple{"images", &images, false}, std::tuple{"annotations", &annotations, false},
                                    std::tuple{"categories", &categories, true}}) {
        std::string head;
        json::appendQuoted(head, key);
        put(head + ":[");
        ok = ok && array->ok;
        array->writeTo(put);
        put(std::string(array->count ? "\n]" : "]") + (last ? "}\n" : ",\n"));
    }
    if (!ok || !file.flush())
        return fail(Error::io(o.outPath + ": cannot write: " + describeLastFileError(file.errorString().toStdString())));
    file.close();
    if (auto c = output.finish(); !c)
        return fail(c.error());
    return report;
}

// ---- import ----

struct Category
{
    std::string name;
    size_t index = 0;
    bool used = false;
    int classId = -1;
};

struct Image
{
    std::string fileName, path;
    int width = 0, height = 0;
    size_t index = 0;
    std::vector<size_t> annotations; ///< indices into "annotations", in file order
};

/// An integer member (integral numbers written as floats, e.g. 3.0, count too).
std::optional<int64_t> integer(const json::Value &object, const char *key)
{
    const json::Value *v = object.find(key);
    if (!v || !v->isNumber())
        return std::nullopt;
    const double d = v->toDouble();
    if (v->isInt())
        return v->toInt();
    if (std::floor(d) != d || std::abs(d) > 9e15)
        return std::nullopt;
    return int64_t(d);
}

bool hasSegmentation(const json::Value &a)
{
    const json::Value *s = a.find("segmentation");
    return s && ((s->isArray() && !s->toArray().empty()) || s->isObject());
}

/// Paints one annotation's segmentation (polygons or RLE) into the image's mask.
Result<> paintSegmentation(mask::IndexedMask &m, const json::Value &seg, uint8_t value)
{
    if (seg.isArray()) {
        const json::Array &polygons = seg.toArray();
        for (size_t k = 0; k < polygons.size(); ++k) {
            const json::Array &xy = polygons[k].toArray();
            const std::string where = element("segmentation", k) + ": ";
            if (!polygons[k].isArray() || xy.size() < 6 || xy.size() % 2)
                return fail(Error::invalid(
                    where + "a polygon is an array of at least 3 x, y pairs [x1, y1, x2, y2, ...]"));
            std::vector<raster::Point> points;
            for (size_t i = 0; i + 1 < xy.size(); i += 2) {
                if (!xy[i].isNumber() || !xy[i + 1].isNumber())
                    return fail(
                        Error::invalid(where + "coordinate " + std::to_string(i) + " is not a number"));
                points.push_back({xy[i].toDouble(), xy[i + 1].toDouble()});
            }
            raster::fillPolygon(m, points, value);
        }
        return {};
    }
    if (!seg.isObject())
        return fail(
            Error::invalid("segmentation: should be polygons [[x1, y1, ...], ...] or RLE {counts, size}"));
    const json::Value *size = seg.find("size");
    const json::Value *counts = seg.find("counts");
    if (!size || !size->isArray() || size->toArray().size() != 2 || !counts)
        return fail(Error::invalid("segmentation: RLE needs \"size\": [height, width] and \"counts\""));
    const int64_t h = size->toArray()[0].toInt(-1), w = size->toArray()[1].toInt(-1);
    if (h != m.height || w != m.width)
        return fail(Error::invalid("segmentation: RLE size [" + std::to_string(h) + ", " + std::to_string(w) +
                                   "] is not the image's [height, width] [" + std::to_string(m.height) +
                                   ", " + std::to_string(m.width) + "]"));
    std::vector<uint32_t> cs;
    if (counts->isString()) {
        auto decoded = raster::rleFromString(counts->toString());
        if (!decoded)
            return fail(Error::invalid("segmentation.counts: " + decoded.error().message));
        cs = std::move(*decoded);
    } else if (counts->isArray()) {
        const json::Array &a = counts->toArray();
        for (size_t i = 0; i < a.size(); ++i) {
            if (!a[i].isInt() || a[i].toInt() < 0 || a[i].toInt() > int64_t(UINT32_MAX))
                return fail(Error::invalid(element("segmentation.counts", i) + ": not a run length"));
            cs.push_back(uint32_t(a[i].toInt()));
        }
    } else {
        return fail(
            Error::invalid("segmentation.counts: should be an array of run lengths or an RLE string"));
    }
    if (auto r = raster::fillRle(m, cs, value); !r)
        return fail(Error::invalid("segmentation: " + r.error().message));
    return {};
}

/// One annotation as an object: its polygons as drawn, its RLE (either form) as painted pixels, or, without a
/// segmentation, its bbox as a four-point outline.
Result<Instance> cocoObject(const json::Value &a, int width, int height)
{
    Instance object;
    const json::Value *seg = a.find("segmentation");
    if (!hasSegmentation(a)) {
        const json::Value *bbox = a.find("bbox");
        const json::Array &b = bbox ? bbox->toArray() : json::Array();
        if (b.size() != 4 || !std::all_of(b.begin(), b.end(), [](const json::Value &v) { return v.isNumber(); }))
            return fail(Error::invalid("neither a segmentation nor a \"bbox\" [x, y, width, height]"));
        const double x = b[0].toDouble(), y = b[1].toDouble(), w = b[2].toDouble(), h = b[3].toDouble();
        if (!(w > 0) || !(h > 0))
            return fail(Error::invalid("bbox [" + num(x) + ", " + num(y) + ", " + num(w) + ", " + num(h) +
                                       "] has no area (and there is no segmentation)"));
        object.polygons.push_back({x, y, x + w, y, x + w, y + h, x, y + h});
        if (const std::string problem = instances::problem(object, width, height); !problem.empty())
            return fail(Error::invalid("bbox: the object " + problem));
        return object;
    }
    if (seg->isArray()) {
        const json::Array &polygons = seg->toArray();
        for (size_t k = 0; k < polygons.size(); ++k) {
            const json::Array &xy = polygons[k].toArray();
            if (!polygons[k].isArray() || xy.size() < 6 || xy.size() % 2)
                return fail(Error::invalid(element("segmentation", k) +
                                           ": a polygon is an array of at least 3 x, y pairs [x1, y1, x2, y2, ...]"));
            std::vector<double> ring;
            ring.reserve(xy.size());
            for (size_t i = 0; i < xy.size(); ++i) {
                if (!xy[i].isNumber() || !std::isfinite(xy[i].toDouble()))
                    return fail(Error::invalid(element("segmentation", k) + ": coordinate " + std::to_string(i) +
                                               " is not a number"));
                ring.push_back(xy[i].toDouble());
            }
            object.polygons.push_back(std::move(ring));
        }
        if (const std::string problem = instances::problem(object, width, height); !problem.empty())
            return fail(Error::invalid("segmentation: the object " + problem));
        return object;
    }
    // RLE: painted into a mask of the image and kept as the compressed string.
    mask::IndexedMask m{width, height, std::vector<uint8_t>(size_t(width) * size_t(height), 0)};
    if (auto r = paintSegmentation(m, *seg, 1); !r)
        return fail(r.error());
    object.rle = raster::rleToString(raster::encodeRle(m, 1));
    return object;
}

Result<ParsedLabels> parseCoco(const Format &format, const std::string &path, const FormatImportOptions &o)
{
    if (auto r = format.check(o.settings); !r)
        return fail(r.error());
    std::string file = fs::absolute(path).lexically_normal().string();
    std::error_code ec;
    if (fs::is_directory(file, ec))
        file = (fs::path(file) / "annotations.json").string();
    auto doc = readJsonFile(file);
    if (!doc)
        return fail(doc.error());
    const std::string where = at(file);
    if (!doc->isObject())
        return fail(
            Error::invalid(where + "a COCO file is a JSON object with images, annotations and categories"));
    for (const char *key : {"images", "categories"})
        if (!doc->find(key) || !doc->find(key)->isArray())
            return fail(Error::invalid(where + "no \"" + key + "\" array (is this a COCO file?)"));
    const json::Value *annotationsValue = doc->find("annotations");
    if (annotationsValue && !annotationsValue->isArray())
        return fail(Error::invalid(where + "\"annotations\" should be an array"));
    const json::Array &cats = doc->find("categories")->toArray();
    const json::Array &imgs = doc->find("images")->toArray();
    const json::Array &anns = annotationsValue ? annotationsValue->toArray() : json::Array();
    std::string imagesDir = format.setting(o.settings, "images");
    imagesDir = imagesDir.empty() ? fs::path(file).parent_path().string()
                                  : fs::absolute(imagesDir).lexically_normal().string();

    std::map<int64_t, Category> categories;
    std::vector<int64_t> categoryOrder;
    for (size_t i = 0; i < cats.size(); ++i) {
        const std::string at = where + element("categories", i) + ": ";
        const auto id = integer(cats[i], "id");
        const json::Value *name = cats[i].find("name");
        if (!id || !name || !name->isString() || name->toString().empty())
            return fail(Error::invalid(at + "a category needs an integer \"id\" and a \"name\""));
        if (!categories.emplace(*id, Category{name->toString(), i}).second)
            return fail(Error::invalid(at + "category id " + std::to_string(*id) + " appears twice"));
        categoryOrder.push_back(*id);
    }
    std::vector<Image> images;
    std::map<int64_t, size_t> imageIndex;
    for (size_t i = 0; i < imgs.size(); ++i) {
        const std::string at = where + element("images", i) + ": ";
        const auto id = integer(imgs[i], "id");
        const json::Value *name = imgs[i].find("file_name");
        if (!id || !name || !name->isString() || name->toString().empty())
            return fail(Error::invalid(at + "an image needs an integer \"id\" and a \"file_name\""));
        if (!imageIndex.emplace(*id, images.size()).second)
            return fail(Error::invalid(at + "image id " + std::to_string(*id) + " appears twice"));
        Image img;
        img.fileName = name->toString();
        img.path = media::fromManifest(imagesDir, img.fileName);
        img.width = int(integer(imgs[i], "width").value_or(0));
        img.height = int(integer(imgs[i], "height").value_or(0));
        img.index = i;
        images.push_back(std::move(img));
    }
    bool anySegmentation = false, segmentationOnly = false;
    for (size_t i = 0; i < anns.size(); ++i) {
        const std::string at = where + element("annotations", i) + ": ";
        if (!anns[i].isObject())
            return fail(Error::invalid(at + "not an object"));
        const auto imageId = integer(anns[i], "image_id");
        const auto categoryId = integer(anns[i], "category_id");
        if (!imageId)
            return fail(Error::invalid(at + "no integer \"image_id\""));
        if (!categoryId)
            return fail(Error::invalid(at + "no integer \"category_id\""));
        auto img = imageIndex.find(*imageId);
        if (img == imageIndex.end())
            return fail(
                Error::invalid(at + "image_id " + std::to_string(*imageId) + " is not in \"images\""));
        auto cat = categories.find(*categoryId);
        if (cat == categories.end())
            return fail(Error::invalid(at + "category_id " + std::to_string(*categoryId) +
                                       " is not in \"categories\""));
        cat->second.used = true;
        images[img->second].annotations.push_back(i);
        const bool seg = hasSegmentation(anns[i]);
        anySegmentation = anySegmentation || seg;
        segmentationOnly = segmentationOnly || (seg && !anns[i].find("bbox"));
    }

    // Boxes, masks or objects: the job's type when it exists, else the option, else what the file holds.
    const std::string task = format.setting(o.settings, "task");
    TaskType type = TaskType::BoundingBox;
    if (task == "segmentation") {
        type = TaskType::SemanticSegmentation;
    } else if (task == "instances") {
        type = TaskType::InstanceSegmentation;
    } else if (task == "auto") {
        if (!o.job.empty()) {
            if (auto existing = existingJobType(o, o.job))
                type = *existing;
            else if (o.job.ends_with("-ref"))
                type = TaskType::SemanticSegmentation;
            else if (segmentationOnly)
                type = TaskType::SemanticSegmentation;
        } else if (segmentationOnly) {
            type = TaskType::SemanticSegmentation;
        }
    }
    const bool segmentation = type == TaskType::SemanticSegmentation;
    const bool objects = type == TaskType::InstanceSegmentation;
    if ((segmentation || objects) && !anySegmentation && !anns.empty())
        return fail(Error::invalid(where +
                                   "no annotation has a segmentation: import the boxes (--option task=boxes "
                                   "and a bounding-box job)"));
    auto writer = LabelCollector::begin(type, o, segmentation || objects ? "coco-ref" : "coco", file);
    if (!writer)
        return fail(writer.error());

    // Classes in the file's category order. A category no annotation uses is added when the job takes new
    // classes, and otherwise left out (as is labelme2coco's "_background_").
    for (int64_t id : categoryOrder) {
        Category &c = categories[id];
        if (!c.used && (c.name == "_background_" || c.name == "__ignore__" || c.name == "background"))
            continue;
        auto cls = (*writer)->classId(c.name, {}, where + element("categories", c.index) + ": ");
        if (!cls && c.used)
            return fail(Error::invalid(where + element("categories", c.index) + ": " + cls.error().message));
        if (cls)
            c.classId = *cls;
    }

    int64_t done = 0, withoutSegmentation = 0, crowds = 0;
    for (Image &img : images) {
        const std::string at = where + element("images", img.index) + ": ";
        if (o.checkMedia && !media::isUri(img.path) && !fs::exists(img.path, ec))
            return fail(
                Error::notFound(at + "file_name '" + img.fileName + "': no such image (" + img.path + ")"));
        auto item = (*writer)->imageItem(img.path);
        if (!item)
            return fail(Error{item.error().code, at + item.error().message});
        if (item->width > 0 && img.width > 0 && (item->width != img.width || item->height != img.height))
            return fail(Error::invalid(at + "width × height is " + std::to_string(img.width) + " × " +
                                       std::to_string(img.height) + " but the image is " +
                                       std::to_string(item->width) + " × " + std::to_string(item->height)));
        if (img.width <= 0 || img.height <= 0) {
            img.width = item->width;
            img.height = item->height;
        }
        Payload p;
        if (objects) {
            if (img.width <= 0 || img.height <= 0)
                return fail(Error::invalid(at + "no width and height, and the image's size is unknown"));
            p.imageWidth = img.width;
            p.imageHeight = img.height;
            p.imageDepth = 3;
            for (size_t i : img.annotations) {
                const json::Value &a = anns[i];
                const std::string aat = where + element("annotations", i) + ": ";
                auto object = cocoObject(a, img.width, img.height);
                if (!object)
                    return fail(Error::invalid(aat + object.error().message));
                object->classId = categories[*integer(a, "category_id")].classId;
                if (const json::Value *crowd = a.find("iscrowd"); crowd && crowd->toInt() == 1)
                    ++crowds;
                p.instances.push_back(std::move(*object));
            }
        } else if (segmentation) {
            if (img.width <= 0 || img.height <= 0)
                return fail(Error::invalid(at + "no width and height, and the image's size is unknown"));
            mask::IndexedMask m{img.width, img.height,
                                std::vector<uint8_t>(size_t(img.width) * size_t(img.height), 0)};
            for (size_t i : img.annotations) {
                const json::Value &a = anns[i];
                if (!hasSegmentation(a)) {
                    ++withoutSegmentation;
                    continue;
                }
                const int cls = categories[*integer(a, "category_id")].classId;
                if (cls + 1 > 255)
                    return fail(Error::invalid(where + element("annotations", i) +
                                               ": masks hold at most 255 classes"));
                if (auto r = paintSegmentation(m, *a.find("segmentation"), uint8_t(cls + 1)); !r)
                    return fail(Error::invalid(where + element("annotations", i) + "." + r.error().message));
            }
            auto png = mask::encodeStored(m, (*writer)->job().classes);
            if (!png)
                return fail(png.error());
            p.mask = std::move(*png);
        } else {
            p.imageWidth = img.width;
            p.imageHeight = img.height;
            p.imageDepth = 3;
            for (size_t i : img.annotations) {
                const json::Value &a = anns[i];
                const std::string aat = where + element("annotations", i) + ": ";
                const json::Value *bbox = a.find("bbox");
                const json::Array &b = bbox ? bbox->toArray() : json::Array();
                if (b.size() != 4 ||
                    !std::all_of(b.begin(), b.end(), [](const json::Value &v) { return v.isNumber(); }))
                    return fail(Error::invalid(aat + "\"bbox\" should be [x, y, width, height]"));
                Box box;
                box.classId = categories[*integer(a, "category_id")].classId;
                box.left = b[0].toDouble();
                box.top = b[1].toDouble();
                box.width = b[2].toDouble();
                box.height = b[3].toDouble();
                const std::string text = "bbox [" + num(box.left) + ", " + num(box.top) + ", " +
                                         num(box.width) + ", " + num(box.height) + "]";
                if (!(box.width >= 0 && box.height >= 0))
                    return fail(Error::invalid(aat + text + " has a negative size"));
                if (img.width > 0 &&
                    (box.left < -kSlack || box.top < -kSlack || box.left + box.width > img.width + kSlack ||
                     box.top + box.height > img.height + kSlack))
                    return fail(Error::invalid(aat + text + " is outside the " + std::to_string(img.width) +
                                               " × " + std::to_string(img.height) + " image " +
                                               element("images", img.index) + " (" + img.fileName + ")"));
                if (img.width > 0) { // clip what is within the slack
                    const double x0 = std::max(0.0, box.left), y0 = std::max(0.0, box.top);
                    const double x1 = std::min(double(img.width), box.left + box.width);
                    const double y1 = std::min(double(img.height), box.top + box.height);
                    box.left = x0;
                    box.top = y0;
                    box.width = std::max(0.0, x1 - x0);
                    box.height = std::max(0.0, y1 - y0);
                }
                p.boxes.push_back(box);
            }
        }
        if (auto w = (*writer)->put(*item, std::move(p)); !w)
            return fail(w.error());
        (*writer)->report().lines += int64_t(img.annotations.size());
        if (o.progress && (++done & 0x3f) == 0 && !o.progress(done, int64_t(images.size())))
            return fail(Error::cancelled());
    }
    if (crowds > 0)
        (*writer)->report().warnings.push_back(where + std::to_string(crowds) +
                                               " crowd regions (iscrowd 1) became objects of their own");
    if (withoutSegmentation > 0)
        (*writer)->report().warnings.push_back(
            where + std::to_string(withoutSegmentation) +
            " annotations without a segmentation were left out of the masks");
    return (*writer)->commit();
}

} // namespace

Format coco()
{
    Format f;
    f.id = "coco";
    f.name = "COCO JSON";
    f.description =
        "one .json file (--out FILE.json) with images (file_name relative to the file's folder, else "
        "absolute), "
        "categories (ids 1.. in the job's class order) and annotations: boxes as bbox [x, y, width, height] "
        "in "
        "pixels from the top-left corner; masks as one annotation per image and class, iscrowd 1, with the "
        "class's pixels as column-major RLE (or as polygons: --option masks=polygons). Import reads boxes, "
        "polygons and RLE (counts arrays or compressed "
        "strings); polygons cover the pixels whose centres they hold (even-odd rule); boxes may reach 0.5 px "
        "past the image and are clipped; every listed image gets a label (none: an empty one)";
    f.summary = "One JSON file listing every image with its boxes. Read by most object-detection trainers.";
    f.taskSummaries[TaskType::SemanticSegmentation] =
        "One JSON file listing every image with the pixels of each class in it. Read by most segmentation "
        "trainers.";
    f.taskSummaries[TaskType::InstanceSegmentation] =
        "One JSON file listing every object with its class, outline, area and box (iscrowd 0). What Detectron2, "
        "MMDetection and most instance segmentation trainers read.";
    f.tasks = {TaskType::BoundingBox, TaskType::SemanticSegmentation, TaskType::InstanceSegmentation};
    f.fileFilter = "COCO JSON (*.json)";
    f.options = {
        {.key = "masks",
         .description =
             "export: a class's pixels in an image as one RLE annotation (iscrowd 1; counts arrays, or "
             "pycocotools's compressed strings), or as one polygon annotation per 4-connected region "
             "(iscrowd 0; outlines along pixel edges, holes joined by zero-width cuts). Objects (instance jobs) "
             "are one annotation each, iscrowd 0, with area and bbox of their pixels: outlines as drawn, objects "
             "with holes or painted pixels as RLE (rle, rle-string) or traced outlines (polygons)",
         .defaultValue = "rle",
         .choices = {"rle", "rle-string", "polygons"},
         .use = FormatOption::Use::Export,
         .label = "Masks as",
         .choiceLabels = {"Pixel runs (RLE)", "Pixel runs as compressed text (pycocotools)",
                          "Outlines, one per region"},
         .tasks = {TaskType::SemanticSegmentation, TaskType::InstanceSegmentation}},
        {.key = "task",
         .description =
             "import: boxes, masks or objects (instances: one object per annotation, as drawn; auto: the job's "
             "type if it exists, masks for a job named *-ref or a file whose annotations have segmentation but no "
             "bbox, else boxes)",
         .defaultValue = "auto",
         .choices = {"auto", "boxes", "segmentation", "instances"},
         .use = FormatOption::Use::Import,
         .label = "Read as",
         .choiceLabels = {"Decide from the job or the file", "Boxes", "Masks", "Objects"}},
        {.key = "images",
         .description = "import: the folder file_name is relative to (default: the .json file's folder)",
         .use = FormatOption::Use::Import,
         .label = "Images folder"},
    };
    f.parse = [f](const std::string &path, const FormatImportOptions &o) { return parseCoco(f, path, o); };
    f.write = [f](const ProjectStore &store, const FormatExportOptions &o) { return writeCoco(f, store, o); };
    return f;
}

} // namespace gw::datasets::formats
