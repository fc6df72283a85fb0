// Pascal VOC: boxes as one XML file per image (Annotations/STEM.xml), class masks as palette PNGs
// (SegmentationClass/STEM.png), the images in JPEGImages/ under their own names, and the splits as lists of
// stems (ImageSets/Main or ImageSets/Segmentation: train.txt, val.txt, test.txt, trainval.txt).
//
// Box coordinates: Groundwork's boxes are 0-based with an exclusive right edge (left + width); VOC's are
// 1-based pixel indices with both ends inclusive. A box covers the pixel columns round(left) ..
// round(left + width) - 1 (0-based), so it is written xmin = round(left) + 1, xmax = round(left + width)
// (halves round up), and read back as left = xmin - 1, width = xmax - xmin + 1: an integer box comes back
// the same. A box is first clipped to the image (one with no area there is left out) and covers at least one
// pixel. On import xmin (ymin) 0, which tools counting from 0 write, is read as the first pixel, and
// non-integer coordinates (labelme writes them) are kept as they are, shifted by the same one pixel.
//
// Masks: value k is the job's k-th class (1-based), 0 the background, on the classic VOC colour map (the
// bit-interleaved palette, generated below) so that they look like VOC's own. class_names.txt lists the
// names by value with "_background_" first (labelme's layout). On import 255 (VOC's "void": borders and
// unlabelled pixels) is read as background; without class_names.txt the values are VOC's 20 classes.
// Objects: SegmentationObject/STEM.png beside the class mask, value k for the k-th object (VOC's layout); read
// back, each object takes the class most of its pixels have in the class mask.

#include "datasets/formats/builtin.h"
#include "datasets/formats/formatutil.h"
#include "datasets/formats/imagefiles.h"
#include "datasets/instances.h"
#include "datasets/mask.h"
#include "datasets/media.h"

#include <QXmlStreamReader>
#include <QXmlStreamWriter>

#include <algorithm>
#include <array>
#include <numeric>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

namespace gw::datasets::formats {

namespace fs = std::filesystem;

namespace {

/// VOC's 20 classes by mask value (0 = background), for masks without a class_names.txt.
const char *const kVocClasses[] = {
    "background", "aeroplane", "bicycle",     "bird",  "boat",        "bottle", "bus",
    "car",        "cat",       "chair",       "cow",   "diningtable", "dog",    "horse",
    "motorbike",  "person",    "pottedplant", "sheep", "sofa",        "train",  "tvmonitor"};

/// The VOC colour map: index i's bits, three at a time, go to the top bits of red, green and blue.
const std::vector<uint32_t> &vocPalette()
{
    static const std::vector<uint32_t> palette = [] {
        std::vector<uint32_t> p(256);
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t r = 0, g = 0, b = 0;
            for (uint32_t bit = 0, c = i; bit < 8; ++bit, c >>= 3) {
                r |= ((c >> 0) & 1u) << (7 - bit);
                g |= ((c >> 1) & 1u) << (7 - bit);
                b |= ((c >> 2) & 1u) << (7 - bit);
            }
            p[i] = (r << 16) | (g << 8) | b;
        }
        return p;
    }();
    return palette;
}

bool isBackgroundName(std::string name)
{
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return name == "_background_" || name == "background" || name == "__background__";
}

/// VOC's list name of a split: "validation" → "val".
std::string listName(const std::string &split)
{
    return split == "validation" ? std::string("val") : split;
}

// ---- export ----

std::string annotationXml(const std::string &fileName, int w, int h, int depth, const Job &job,
                          const std::vector<Box> &boxes)
{
    QByteArray bytes;
    QXmlStreamWriter xml(&bytes);
    xml.setAutoFormatting(true);
    xml.setAutoFormattingIndent(4);
    auto text = [&](const char *name, const std::string &value) {
        xml.writeTextElement(QString::fromLatin1(name), QString::fromStdString(value));
    };
    xml.writeStartElement(QStringLiteral("annotation"));
    text("folder", "JPEGImages");
    text("filename", fileName);
    xml.writeStartElement(QStringLiteral("size"));
    text("width", std::to_string(w));
    text("height", std::to_string(h));
    text("depth", std::to_string(depth));
    xml.writeEndElement();
    text("segmented", "0");
    for (const Box &b : boxes) {
        const LabelClass *c = job.classById(b.classId);
        if (!c)
            continue; // checked by the caller
        // Clipped to the image; then the whole pixels it covers (see the top of the file).
        const double l = std::clamp(b.left, 0.0, double(w)), r = std::clamp(b.left + b.width, 0.0, double(w));
        const double t = std::clamp(b.top, 0.0, double(h)), bo = std::clamp(b.top + b.height, 0.0, double(h));
        if (r <= l || bo <= t)
            continue;
        auto pixels = [](double from, double to, int size) {
            int first = int(std::round(from)), end = int(std::round(to)); // 0-based, end exclusive
            if (end <= first) { // less than a pixel: the one it is in
                first = std::min(first, size - 1);
                end = first + 1;
            }
            return std::pair{first + 1, end}; // 1-based, inclusive
        };
        const auto [xmin, xmax] = pixels(l, r, w);
        const auto [ymin, ymax] = pixels(t, bo, h);
        xml.writeStartElement(QStringLiteral("object"));
        text("name", c->name);
        text("pose", "Unspecified");
        text("truncated", "0");
        text("difficult", "0");
        xml.writeStartElement(QStringLiteral("bndbox"));
        text("xmin", std::to_string(xmin));
        text("ymin", std::to_string(ymin));
        text("xmax", std::to_string(xmax));
        text("ymax", std::to_string(ymax));
        xml.writeEndElement();
        xml.writeEndElement();
    }
    xml.writeEndElement();
    // Without a declaration the writer starts with a line break; a file ends with one.
    std::string out(trimmed(bytes.toStdString()));
    return out + "\n";
}

Result<ExportReport> writeVoc(const Format &format, const ProjectStore &store, const FormatExportOptions &o)
{
    auto job = exportJob(store, format, o);
    if (!job)
        return fail(job.error());
    const bool objects = job->type == TaskType::InstanceSegmentation;
    const bool masks = job->type == TaskType::SemanticSegmentation || objects;
    if (masks && job->classes.size() > 254)
        return fail(Error::invalid("job '" + job->name + "' has " + std::to_string(job->classes.size()) +
                                   " classes; VOC masks hold 254 (255 is void)"));
    WriterOutput output(o.output, o.overwrite);
    auto out = output.folder(o.outPath);
    if (!out)
        return fail(out.error());
    ImagePlacer placer(format.setting(o.settings, "files") == "link");
    std::vector<std::pair<std::string, std::string>>
        listed; // (split, stem) of the labelled items, in item order
    ExportReport report;
    auto r = forEachEntry(store, *job, o, [&](const ExportEntry &e) -> Result<> {
        if (media::isUri(e.mediaPath))
            return fail(Error::invalid(e.mediaPath + ": only local files can be placed in a VOC folder"));
        auto placed = placer.place(*out, "JPEGImages", e.mediaPath, e.item->id);
        if (!placed)
            return fail(placed.error());
        if (!e.label)
            return {}; // unlabelled: the image only
        const Payload &p = e.label->payload;
        if (objects) {
            // SegmentationClass from the objects drawn in order, SegmentationObject with value k for the k-th
            // object (where objects overlap, the later one has the pixel, as in VOC's own files).
            const int w = e.item->width > 0 ? e.item->width : p.imageWidth;
            const int h = e.item->height > 0 ? e.item->height : p.imageHeight;
            if (w <= 0 || h <= 0)
                return fail(Error::invalid(e.mediaPath + ": the image's size is unknown; is the file readable?"));
            if (p.instances.size() > 254)
                return fail(Error::invalid(e.mediaPath + ": " + std::to_string(p.instances.size()) +
                                           " objects; VOC's object masks hold 254 (255 is void)"));
            mask::IndexedMask cls{w, h, std::vector<uint8_t>(size_t(w) * size_t(h), 0)}, obj = cls;
            for (size_t k = 0; k < p.instances.size(); ++k) {
                const int position = job->positionOf(p.instances[k].classId);
                if (position < 0)
                    continue;
                auto own = instances::binary(p.instances[k], w, h);
                if (!own)
                    return fail(Error::invalid(e.mediaPath + ", object " + std::to_string(k + 1) + ": " +
                                               own.error().message));
                for (size_t i = 0; i < own->pixels.size(); ++i)
                    if (own->pixels[i]) {
                        cls.pixels[i] = uint8_t(position + 1);
                        obj.pixels[i] = uint8_t(k + 1);
                    }
            }
            for (auto [folder, m] : {std::pair{"SegmentationClass/", &cls}, std::pair{"SegmentationObject/", &obj}}) {
                auto png = mask::encode(*m, vocPalette());
                if (!png)
                    return fail(png.error());
                if (auto wr = out->write(folder + placed->stem + ".png", *png); !wr)
                    return fail(wr.error());
            }
            ++report.masksWritten;
        } else if (masks) {
            if (p.mask.empty())
                return fail(Error::invalid("the mask of item " + std::to_string(e.item->id) + " (" +
                                           e.item->uri + ") is only referenced (" + p.maskUri +
                                           "), its pixels are not in the project"));
            auto m = mask::decode(p.mask);
            if (!m)
                return fail(Error{m.error().code, e.mediaPath + ": stored mask: " + m.error().message});
            std::vector<uint8_t> lut(256, 0); // stored value (class id + 1) → VOC value (position + 1)
            for (size_t pos = 0; pos < job->classes.size(); ++pos)
                if (job->classes[pos].id + 1 < 256)
                    lut[size_t(job->classes[pos].id + 1)] = uint8_t(pos + 1);
            mask::applyLut(*m, lut);
            auto png = mask::encode(*m, vocPalette());
            if (!png)
                return fail(png.error());
            if (auto w = out->write("SegmentationClass/" + placed->stem + ".png", *png); !w)
                return fail(w.error());
            ++report.masksWritten;
        } else {
            const int w = e.item->width > 0 ? e.item->width : p.imageWidth;
            const int h = e.item->height > 0 ? e.item->height : p.imageHeight;
            if (w <= 0 || h <= 0)
                return fail(Error::invalid(e.mediaPath +
                                           ": the image's size is unknown (VOC annotations give it); is "
                                           "the file readable?"));
            for (const Box &b : p.boxes)
                if (!job->classById(b.classId))
                    return fail(Error::internal(e.mediaPath + ": a box of class id " +
                                                std::to_string(b.classId) + ", which job '" + job->name +
                                                "' does not have"));
            const std::string xml =
                annotationXml(placed->fileName, w, h, p.imageDepth > 0 ? p.imageDepth : 3, *job, p.boxes);
            if (auto wr = out->write("Annotations/" + placed->stem + ".xml", xml); !wr)
                return fail(wr.error());
        }
        listed.emplace_back(e.item->split, placed->stem);
        ++report.lines;
        ++report.labels;
        return {};
    });
    if (!r)
        return fail(r.error());
    // Split lists: one per split present, and trainval = train + val; items without a split are in none.
    std::map<std::string, std::string> lists;
    for (const auto &[split, stem] : listed) {
        if (split.empty())
            continue;
        const std::string name = listName(split);
        if (name.find('/') != std::string::npos || name == "." || name == ".." || name == "trainval")
            return fail(Error::invalid("split '" + split + "' cannot name a VOC list"));
        lists[name] += stem + "\n";
        if (name == "train" || name == "val")
            lists["trainval"] += stem + "\n";
    }
    const std::string setsDir = masks ? "ImageSets/Segmentation/" : "ImageSets/Main/";
    for (const auto &[name, text] : lists)
        if (auto w = out->write(setsDir + name + ".txt", text); !w)
            return fail(w.error());
    std::string classNames = "_background_\n";
    for (const LabelClass &c : job->classes)
        classNames += c.name + "\n";
    if (auto w = out->write("class_names.txt", classNames); !w)
        return fail(w.error());
    if (auto c = output.finish(); !c)
        return fail(c.error());
    return report;
}

// ---- import ----

struct VocObject
{
    std::string name;
    double coord[4] = {0, 0, 0, 0}; ///< xmin, ymin, xmax, ymax
    bool has[4] = {false, false, false, false};
    bool hasBox = false;
};

struct VocAnnotation
{
    std::string filename;
    int width = 0, height = 0;
    std::vector<VocObject> objects;
};

constexpr const char *kCoords[4] = {"xmin", "ymin", "xmax", "ymax"};

/// "object[2]/bndbox/xmax" (objects counted from 1).
std::string element(size_t object, const std::string &rest = {})
{
    return "object[" + std::to_string(object + 1) + "]" + (rest.empty() ? "" : "/" + rest);
}

Result<VocAnnotation> parseAnnotation(const std::string &path)
{
    auto bytes = readFile(path);
    if (!bytes)
        return fail(bytes.error());
    QXmlStreamReader xml(QByteArray::fromStdString(*bytes));
    VocAnnotation a;
    std::vector<std::string> stack;
    std::string text;
    while (!xml.atEnd()) {
        const auto token = xml.readNext();
        if (token == QXmlStreamReader::StartElement) {
            stack.push_back(xml.name().toString().toStdString());
            text.clear();
            if (stack.size() == 1 && stack[0] != "annotation")
                return fail(Error::invalid(at(path, xml.lineNumber()) + "the root element is <" + stack[0] +
                                           ">, not <annotation>"));
            if (stack.size() == 2 && stack[1] == "object")
                a.objects.emplace_back();
            if (stack.size() == 3 && stack[1] == "object" && stack[2] == "bndbox")
                a.objects.back().hasBox = true;
        } else if (token == QXmlStreamReader::Characters) {
            text += xml.text().toString().toStdString();
        } else if (token == QXmlStreamReader::EndElement) {
            const std::string value(trimmed(text));
            const size_t depth = stack.size();
            auto number = [&](const std::string &where) -> Result<double> {
                const auto n = parseNumber(value);
                if (!n)
                    return fail(Error::invalid(at(path) + where + ": '" + value + "' is not a number"));
                return *n;
            };
            if (depth == 2 && stack[1] == "filename") {
                a.filename = value;
            } else if (depth == 3 && stack[1] == "size" && (stack[2] == "width" || stack[2] == "height")) {
                if (!value.empty()) {
                    auto n = number("size/" + stack[2]);
                    if (!n)
                        return fail(n.error());
                    if (*n < 0 || *n != std::floor(*n) || *n > double(std::numeric_limits<int>::max()))
                        return fail(Error::invalid(at(path) + "size/" + stack[2] + ": '" + value +
                                                   "' is not a number of pixels"));
                    (stack[2] == "width" ? a.width : a.height) = int(*n);
                }
            } else if (depth == 3 && stack[1] == "object" && stack[2] == "name") {
                a.objects.back().name = value;
            } else if (depth == 4 && stack[1] == "object" && stack[2] == "bndbox") {
                for (int k = 0; k < 4; ++k) {
                    if (stack[3] != kCoords[k])
                        continue;
                    auto n = number(element(a.objects.size() - 1, "bndbox/" + stack[3]));
                    if (!n)
                        return fail(n.error());
                    a.objects.back().coord[k] = *n;
                    a.objects.back().has[k] = true;
                }
            }
            stack.pop_back();
            text.clear();
        }
    }
    if (xml.hasError())
        return fail(Error::invalid(path + ":" + std::to_string(xml.lineNumber()) + ":" +
                                   std::to_string(xml.columnNumber()) +
                                   ": malformed XML: " + xml.errorString().toStdString()));
    return a;
}

/// Class names by mask value (0 = background) from class_names.txt, or VOC's when there is none.
Result<std::vector<std::string>> maskClassNames(const fs::path &root, std::string &source)
{
    const std::string path = (root / "class_names.txt").string();
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        source = "VOC's 20 classes";
        return std::vector<std::string>(std::begin(kVocClasses), std::end(kVocClasses));
    }
    source = path;
    auto text = readFile(path);
    if (!text)
        return fail(text.error());
    std::vector<std::string> lines;
    for (std::string_view rest = *text; !rest.empty();) {
        const size_t nl = rest.find('\n');
        lines.emplace_back(trimmed(rest.substr(0, nl)));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    while (!lines.empty() && lines.back().empty())
        lines.pop_back();
    if (!lines.empty() && lines.front() == "__ignore__") // labelme's labels.txt: -1, written as 255
        lines.erase(lines.begin());
    if (lines.empty() || !isBackgroundName(lines.front()))
        lines.insert(lines.begin(), "_background_"); // a list of classes only: they start at 1
    for (size_t i = 1; i < lines.size(); ++i)
        if (lines[i].empty())
            return fail(Error::invalid(at(path, int64_t(i + 1)) +
                                       "an empty line: every line names the class of its value"));
    if (lines.size() > 255)
        return fail(Error::invalid(at(path) + "lists more than 254 classes"));
    return lines;
}

/// Splits by stem from ImageSets/<sets>/{train,val,test}.txt (the other ImageSets folder when it is missing).
Result<std::map<std::string, std::string>> readSplits(const fs::path &root, bool masks)
{
    std::map<std::string, std::string> splits;
    std::error_code ec;
    fs::path dir = root / "ImageSets" / (masks ? "Segmentation" : "Main");
    if (!fs::is_directory(dir, ec))
        dir = root / "ImageSets" / (masks ? "Main" : "Segmentation");
    for (const char *list : {"train", "val", "test"}) {
        const fs::path file = dir / (std::string(list) + ".txt");
        if (!fs::is_regular_file(file, ec))
            continue;
        auto text = readFile(file.string());
        if (!text)
            return fail(text.error());
        const std::string split = *splitOfName(list);
        int64_t lineNo = 0;
        for (std::string_view rest = *text; !rest.empty();) {
            const size_t nl = rest.find('\n');
            const std::string_view line = trimmed(rest.substr(0, nl));
            rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
            ++lineNo;
            const std::string stem(line.substr(0, line.find_first_of(" \t")));
            if (stem.empty())
                continue;
            auto [it, added] = splits.emplace(stem, split);
            if (!added && it->second != split)
                return fail(Error::invalid(at(file.string(), lineNo) + stem + " is already in the " +
                                           it->second + " split"));
        }
    }
    return splits;
}

std::vector<fs::path> filesWithExtension(const fs::path &dir, const std::string &ext)
{
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(dir, ec)) {
        std::string x = e.path().extension().string();
        std::transform(x.begin(), x.end(), x.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        if (x == ext && e.is_regular_file(ec))
            files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

/// The objects of an image: value k of its SegmentationObject PNG is its k-th object (0 background, 255 void),
/// whose class is the one most of its pixels have in the class mask (stored values: class id + 1). Outlines are
/// traced along pixel edges, so they cover exactly the object's pixels.
Result<std::vector<Instance>> vocObjects(const fs::path &file, const mask::IndexedMask &classes)
{
    const std::string where = at(file.string());
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        return fail(Error::notFound(where + "no object mask for the class mask of the same name"));
    auto bytes = readFile(file.string());
    if (!bytes)
        return fail(bytes.error());
    auto m = mask::decode(*bytes);
    if (!m)
        return fail(Error::invalid(where + m.error().message));
    if (m->width != classes.width || m->height != classes.height)
        return fail(Error::invalid(where + "is " + std::to_string(m->width) + "x" + std::to_string(m->height) +
                                   ", its class mask " + std::to_string(classes.width) + "x" +
                                   std::to_string(classes.height)));
    std::vector<std::array<int64_t, 256>> votes(256);
    for (auto &v : votes)
        v.fill(0);
    for (size_t i = 0; i < m->pixels.size(); ++i)
        ++votes[m->pixels[i]][classes.pixels[i]];
    std::vector<Instance> out;
    for (size_t v = 1; v < 255; ++v) {
        int best = 0;
        for (int c = 1; c < 256; ++c)
            if (votes[v][size_t(c)] > votes[v][size_t(best)] || (best == 0 && votes[v][size_t(c)] > 0))
                best = c;
        const int64_t all = std::accumulate(votes[v].begin(), votes[v].end(), int64_t(0));
        if (all == 0)
            continue;
        if (best == 0)
            return fail(Error::invalid(where + "object " + std::to_string(v) +
                                       " has no class: its pixels are background in the class mask"));
        mask::IndexedMask own{m->width, m->height, std::vector<uint8_t>(m->pixels.size(), 0)};
        for (size_t i = 0; i < m->pixels.size(); ++i)
            own.pixels[i] = m->pixels[i] == v;
        out.push_back(instances::fromBinary(own, best - 1));
    }
    return out;
}

Result<ParsedLabels> parseVoc(const Format &format, const std::string &path,
                             const FormatImportOptions &o)
{
    const fs::path root = fs::absolute(path).lexically_normal();
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        return fail(Error::notFound(root.string() + ": not a folder"));
    if (auto c = format.check(o.settings); !c)
        return fail(c.error());
    const std::vector<fs::path> xmls = filesWithExtension(root / "Annotations", ".xml");
    fs::path maskDir = root / "SegmentationClass";
    std::vector<fs::path> pngs = filesWithExtension(maskDir, ".png");
    if (pngs.empty()) { // labelme keeps .npy arrays in SegmentationClass and the PNGs beside them
        maskDir = root / "SegmentationClassPNG";
        pngs = filesWithExtension(maskDir, ".png");
    }
    // Boxes or masks: the option, else the type of the job named, else what the folder holds (boxes first).
    const std::string labels = format.setting(o.settings, "labels");
    bool masks = labels == "masks" || labels == "instances";
    bool objects = labels == "instances";
    if (labels == "auto") {
        const auto existing = o.job.empty() ? std::nullopt : existingJobType(o, o.job);
        if (existing) {
            objects = *existing == TaskType::InstanceSegmentation;
            masks = *existing == TaskType::SemanticSegmentation || objects;
        }
        else if (!o.job.empty() && o.job.ends_with("-ref"))
            masks = true;
        else
            masks = xmls.empty() && !pngs.empty();
    }
    if (!masks && xmls.empty())
        return fail(Error::invalid((root / "Annotations").string() + ": no .xml annotations"));
    if (masks && pngs.empty())
        return fail(
            Error::invalid(root.string() + ": no masks in SegmentationClass/ or SegmentationClassPNG/"));
    auto splits = readSplits(root, masks);
    if (!splits)
        return fail(splits.error());
    const fs::path jpegs = root / "JPEGImages";

    fs::path objectDir = root / "SegmentationObject";
    if (objects && filesWithExtension(objectDir, ".png").empty())
        objectDir = root / "SegmentationObjectPNG";
    if (objects && filesWithExtension(objectDir, ".png").empty())
        return fail(Error::invalid(root.string() + ": no object masks in SegmentationObject/ or SegmentationObjectPNG/"));
    auto writer = LabelCollector::begin(objects ? TaskType::InstanceSegmentation
                                        : masks ? TaskType::SemanticSegmentation
                                                : TaskType::BoundingBox,
                                        o, masks ? "voc-ref" : "voc", root.string());
    if (!writer)
        return fail(writer.error());
    const bool jobIsNew = true; // every name, in order: a new job keeps them all (applyParsed maps an old one's)
    // Class names by value (masks) or in class_names.txt's order (boxes; a new job takes them all, in order).
    std::string namesSource;
    std::vector<std::string> names;
    if (masks || fs::exists(root / "class_names.txt", ec)) {
        auto n = maskClassNames(root, namesSource);
        if (!n)
            return fail(n.error());
        names = std::move(*n);
    }
    if (jobIsNew)
        for (size_t v = 1; v < names.size(); ++v)
            if (auto id = (*writer)->classId(names[v], {}, ""); !id)
                return fail(Error{id.error().code, at(namesSource) + id.error().message});
    auto place = [&](const std::string &image, const std::string &stem,
                     const std::string &where) -> Result<Item> {
        auto item = (*writer)->imageItem(image);
        if (!item)
            return fail(Error{item.error().code, where + item.error().message});
        if (auto s = splits->find(stem); s != splits->end())
            if (auto r = (*writer)->setSplit(item->id, s->second); !r)
                return fail(r.error());
        return item;
    };
    const int64_t total = int64_t(masks ? pngs.size() : xmls.size());
    int64_t done = 0;

    if (!masks) {
        for (const fs::path &file : xmls) {
            const std::string where = at(file.string());
            auto a = parseAnnotation(file.string());
            if (!a)
                return fail(a.error());
            const std::string stem = file.stem().string();
            std::optional<std::string> image;
            for (const fs::path &dir : {jpegs, file.parent_path()})
                if (!a->filename.empty() && fs::is_regular_file(dir / a->filename, ec) && !image)
                    image = (dir / a->filename).string();
            if (!image)
                image = findImage(jpegs.string(),
                                  a->filename.empty() ? stem : fs::path(a->filename).stem().string());
            if (!image)
                return fail(Error::invalid(where + "filename '" + a->filename + "': no such image in " +
                                           jpegs.string() + " or beside the annotation"));
            auto item = place(*image, stem, where);
            if (!item)
                return fail(item.error());
            const int w = item->width > 0 ? item->width : a->width,
                      h = item->height > 0 ? item->height : a->height;
            if (w <= 0 || h <= 0)
                return fail(Error::invalid(where +
                                           "the image's size is unknown (no size/width and height, and " +
                                           *image + " is not readable)"));
            if (a->width > 0 && item->width > 0 && (a->width != item->width || a->height != item->height))
                (*writer)->report().warnings.push_back(where + "size says " + std::to_string(a->width) + "x" +
                                                       std::to_string(a->height) + " but " + *image + " is " +
                                                       std::to_string(item->width) + "x" +
                                                       std::to_string(item->height));
            Payload p;
            for (size_t k = 0; k < a->objects.size(); ++k) {
                const VocObject &obj = a->objects[k];
                if (obj.name.empty())
                    return fail(Error::invalid(where + element(k, "name") + ": missing or empty"));
                if (!obj.hasBox)
                    return fail(Error::invalid(where + element(k) + ": no bndbox"));
                for (int c = 0; c < 4; ++c)
                    if (!obj.has[c])
                        return fail(Error::invalid(where + element(k, "bndbox") + ": no " + kCoords[c]));
                const double limit[4] = {double(w), double(h), double(w), double(h)};
                for (int c = 0; c < 4; ++c)
                    if (obj.coord[c] < 0 || obj.coord[c] > limit[c])
                        return fail(
                            Error::invalid(where + element(k, "bndbox/") + kCoords[c] + ": " +
                                           fixedDecimals(obj.coord[c], 2) + " is outside the image (" +
                                           (c % 2 ? "height " : "width ") + std::to_string(int(limit[c])) +
                                           "; VOC counts pixels from 1)"));
                for (int c = 0; c < 2; ++c)
                    if (obj.coord[c + 2] < obj.coord[c])
                        return fail(Error::invalid(where + element(k, "bndbox/") + kCoords[c + 2] + ": " +
                                                   kCoords[c + 2] + " " + fixedDecimals(obj.coord[c + 2], 2) +
                                                   " is less than " + kCoords[c] + " " +
                                                   fixedDecimals(obj.coord[c], 2)));
                auto cls = (*writer)->classId(obj.name, {}, where + element(k, "name") + ": ");
                if (!cls)
                    return fail(
                        Error{cls.error().code, where + element(k, "name") + ": " + cls.error().message});
                Box b;
                b.classId = *cls;
                b.left = std::max(0.0, obj.coord[0] - 1);
                b.top = std::max(0.0, obj.coord[1] - 1);
                b.width = obj.coord[2] - b.left;
                b.height = obj.coord[3] - b.top;
                p.boxes.push_back(b);
            }
            p.imageWidth = w;
            p.imageHeight = h;
            p.imageDepth = 3;
            if (auto r = (*writer)->put(*item, std::move(p)); !r)
                return fail(r.error());
            ++(*writer)->report().lines;
            if (o.progress && (++done & 0xff) == 0 && !o.progress(done, total))
                return fail(Error::cancelled());
        }
        return (*writer)->commit();
    }

    // Masks: VOC values to stored values (class id + 1), each class resolved when first met.
    std::vector<int> stored(256, -1);
    stored[0] = stored[255] = 0;
    std::vector<std::pair<uint32_t, int>> colors; // RGB masks in VOC's colours
    for (size_t v = 0; v < 256; ++v)
        colors.emplace_back(vocPalette()[v], int(v));
    for (const fs::path &file : pngs) {
        const std::string where = at(file.string());
        const std::string stem = file.stem().string();
        auto bytes = readFile(file.string());
        if (!bytes)
            return fail(bytes.error());
        auto m = mask::decode(*bytes, colors);
        if (!m)
            return fail(Error::invalid(where + m.error().message));
        std::vector<uint8_t> lut(256, 0);
        bool seen[256] = {};
        for (uint8_t v : m->pixels)
            seen[v] = true;
        for (size_t v = 0; v < 256; ++v) {
            if (!seen[v])
                continue;
            if (stored[v] < 0) {
                if (v >= names.size()) {
                    const size_t i =
                        size_t(std::find(m->pixels.begin(), m->pixels.end(), uint8_t(v)) - m->pixels.begin());
                    return fail(Error::invalid(where + "pixel (" + std::to_string(i % size_t(m->width)) +
                                               ", " + std::to_string(i / size_t(m->width)) + ") has value " +
                                               std::to_string(v) + ", which is no class of " + namesSource +
                                               " (0-" + std::to_string(names.size() - 1) + ", 255 void)"));
                }
                auto id = (*writer)->classId(names[v], {}, where + "value " + std::to_string(v) + ": ");
                if (!id)
                    return fail(Error{id.error().code,
                                      where + "value " + std::to_string(v) + ": " + id.error().message});
                stored[v] = *id + 1;
            }
            lut[v] = uint8_t(stored[v]);
        }
        mask::applyLut(*m, lut);
        const auto image = findImage(jpegs.string(), stem);
        if (!image)
            return fail(Error::invalid(where + "no image " + stem + ".jpg, .png, ... in " + jpegs.string()));
        auto item = place(*image, stem, where);
        if (!item)
            return fail(item.error());
        if (auto s = mask::checkSize(*m, item->width, item->height); !s)
            return fail(Error::invalid(where + s.error().message));
        Payload p;
        if (objects) {
            auto made = vocObjects(objectDir / file.filename(), *m);
            if (!made)
                return fail(made.error());
            p.instances = std::move(*made);
            p.imageWidth = m->width;
            p.imageHeight = m->height;
            p.imageDepth = 3;
        } else {
            auto png = mask::encodeStored(*m, (*writer)->job().classes);
            if (!png)
                return fail(png.error());
            p.mask = std::move(*png);
        }
        if (auto r = (*writer)->put(*item, std::move(p)); !r)
            return fail(r.error());
        ++(*writer)->report().lines;
        if (o.progress && (++done & 0xff) == 0 && !o.progress(done, total))
            return fail(Error::cancelled());
    }
    return (*writer)->commit();
}

} // namespace

Format voc()
{
    Format f;
    f.id = "voc";
    f.name = "Pascal VOC";
    f.description =
        "Pascal VOC: boxes as Annotations/STEM.xml (1-based inclusive pixels: xmin = round(left) + 1, xmax = "
        "round(left + width); boxes clipped to the image), class masks as SegmentationClass/STEM.png (value "
        "k = the "
        "job's k-th class, 0 background, VOC's colour map; 255 void is read as background), images in "
        "JPEGImages/ under their own names, class_names.txt (_background_ first), and the splits in "
        "ImageSets/Main (boxes) or ImageSets/Segmentation (masks) as train/val/test/trainval.txt. Objects "
        "(instance jobs) add SegmentationObject/STEM.png (value k = the k-th object; a later object has the "
        "pixels where two overlap). Import "
        "also "
        "reads labelme's SegmentationClassPNG/; masks without class_names.txt are VOC's 20 classes; "
        "difficult, "
        "truncated and pose are not kept";
    f.summary = "Pascal VOC's folders: the images, an XML file per image with its boxes, and lists of the "
                "training, validation and test images. Read by many detection tools.";
    f.taskSummaries[TaskType::SemanticSegmentation] =
        "Pascal VOC's folders: the images, a mask picture per image coloured by class, and lists of the "
        "training, validation and test images. Read by many segmentation tools.";
    f.taskSummaries[TaskType::InstanceSegmentation] =
        "Pascal VOC's folders: the images, a class mask and an object mask per image (SegmentationClass, "
        "SegmentationObject), and lists of the training, validation and test images.";
    f.tasks = {TaskType::BoundingBox, TaskType::SemanticSegmentation, TaskType::InstanceSegmentation};
    f.writesFolder = true;
    f.readsFolder = true;
    f.options = {imageFilesOption(),
                 {.key = "labels",
                  .description =
                      "import: the boxes (Annotations/), the masks (SegmentationClass/) or the objects "
                      "(SegmentationObject/ with the class each object's pixels mostly have in "
                      "SegmentationClass/; outlines along pixel edges); auto: the job's type, else boxes when "
                      "there are any",
                  .defaultValue = "auto",
                  .choices = {"auto", "boxes", "masks", "instances"},
                  .use = FormatOption::Use::Import,
                  .label = "Read",
                  .choiceLabels = {"Decide from the job or the folder", "The boxes", "The masks", "The objects"}}};
    f.parse = [f](const std::string &path, const FormatImportOptions &o) { return parseVoc(f, path, o); };
    f.write = [f](const ProjectStore &store, const FormatExportOptions &o) { return writeVoc(f, store, o); };
    return f;
}

} // namespace gw::datasets::formats
