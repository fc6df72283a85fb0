// Semantic masks as palette PNGs with a class table: masks/<image>.png (pixel value 0 = background, k = the
// job's k-th class), classes.csv (value, name, colour) and index.csv (image, mask, split). The palette holds
// the class colours, so the masks look right in any image viewer.

#include "datasets/formats/builtin.h"
#include "datasets/formats/formatutil.h"
#include "datasets/mask.h"
#include "datasets/media.h"

#include <QString>

#include <filesystem>
#include <map>
#include <set>

namespace gw::datasets::formats {

namespace fs = std::filesystem;

namespace {

/// Value 0 in the masks' palette and in classes.csv: black, as most segmentation tools draw it.
constexpr uint32_t kBackgroundRgb = 0x000000;

Result<ExportReport> writeMasks(const Format &format, const ProjectStore &store, const FormatExportOptions &o)
{
    auto job = exportJob(store, format, o);
    if (!job)
        return fail(job.error());
    WriterOutput output(o.output, o.overwrite);
    auto out = output.folder(o.outPath);
    if (!out)
        return fail(out.error());
    const std::string finalDir = fs::absolute(o.outPath).lexically_normal().string();
    std::string classes = "value,name,color\n0,background," + mask::hexColor(kBackgroundRgb) + "\n";
    for (size_t i = 0; i < job->classes.size(); ++i)
        classes += std::to_string(i + 1) + "," + csv::field(job->classes[i].name) + "," + job->classes[i].color + "\n";
    std::string index = "image,mask,split\n";
    std::set<std::string> taken;
    ExportReport report;
    FormatExportOptions labelled = o;
    labelled.onlyLabeled = true;
    auto r = forEachEntry(store, *job, labelled, [&](const ExportEntry &e) -> Result<> {
        const Payload &p = e.label->payload;
        if (p.mask.empty())
            return fail(Error::invalid("the mask of item " + std::to_string(e.item->id) + " (" + e.item->uri +
                                       ") is only referenced (" + p.maskUri + "), its pixels are not in the project"));
        auto png = mask::groundTruthFromStored(p.mask, job->classes, kBackgroundRgb);
        if (!png)
            return fail(png.error());
        const fs::path image(e.mediaPath);
        std::string name = "masks/" + image.stem().string() + ".png";
        if (!taken.insert(name).second) {
            name = "masks/" + image.stem().string() + "-" + std::to_string(e.item->id) + ".png";
            taken.insert(name);
        }
        if (auto w = out->write(name, *png); !w)
            return fail(w.error());
        // Local images relative to the output folder (with ../ when outside it), so the two can move together.
        const std::string imageRef =
            media::isUri(e.mediaPath) ? e.mediaPath : fs::path(e.mediaPath).lexically_relative(finalDir).string();
        index += csv::field(imageRef) + "," +
                 name + "," + csv::field(e.item->split) + "\n";
        ++report.lines;
        ++report.labels;
        ++report.masksWritten;
        return {};
    });
    if (!r)
        return fail(r.error());
    if (auto w = out->write("classes.csv", classes); !w)
        return fail(w.error());
    if (auto w = out->write("index.csv", index); !w)
        return fail(w.error());
    if (auto c = output.finish(); !c)
        return fail(c.error());
    return report;
}

int column(const std::vector<std::string> &header, const std::string &name)
{
    for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == name)
            return int(i);
    return -1;
}

Result<ParsedLabels> parseMasks(const std::string &path, const FormatImportOptions &o)
{
    const fs::path root = fs::absolute(path).lexically_normal();
    const std::string classesPath = (root / "classes.csv").string(), indexPath = (root / "index.csv").string();
    auto classRows = readCsv(classesPath);
    if (!classRows)
        return fail(classRows.error());
    auto indexRows = readCsv(indexPath);
    if (!indexRows)
        return fail(indexRows.error());
    if (classRows->empty() || column(classRows->front(), "value") < 0 || column(classRows->front(), "name") < 0)
        return fail(Error::invalid(at(classesPath, 1) + "expected the columns value,name[,color]"));
    if (indexRows->empty() || column(indexRows->front(), "image") < 0 || column(indexRows->front(), "mask") < 0)
        return fail(Error::invalid(at(indexPath, 1) + "expected the columns image,mask[,split]"));
    auto writer = LabelCollector::begin(TaskType::SemanticSegmentation, o, "mask-ref", root.string());
    if (!writer)
        return fail(writer.error());

    // Pixel value → stored value (class id + 1).
    const auto &ch = classRows->front();
    const int vCol = column(ch, "value"), nCol = column(ch, "name"), cCol = column(ch, "color");
    std::vector<uint8_t> lut(256, 0);
    std::vector<bool> known(256, false);
    known[0] = true;
    for (size_t r = 1; r < classRows->size(); ++r) {
        const auto &row = (*classRows)[r];
        const std::string where = at(classesPath, int64_t(r + 1));
        if (int(row.size()) <= std::max(vCol, nCol))
            return fail(Error::invalid(where + "too few fields"));
        bool ok = false;
        const int value = QString::fromStdString(row[size_t(vCol)]).toInt(&ok);
        if (!ok || value < 0 || value > 255)
            return fail(Error::invalid(where + "value '" + row[size_t(vCol)] + "' is not a pixel value 0-255"));
        if (value == 0)
            continue; // background
        const std::string color = cCol >= 0 && int(row.size()) > cCol ? row[size_t(cCol)] : std::string();
        if (!color.empty() && !mask::parseHexColor(color))
            return fail(Error::invalid(where + "color '" + color + "' is not #rrggbb"));
        auto id = (*writer)->classId(row[size_t(nCol)], color, where);
        if (!id)
            return fail(Error{id.error().code, where + id.error().message});
        lut[size_t(value)] = uint8_t(*id + 1);
        known[size_t(value)] = true;
    }

    const auto &ih = indexRows->front();
    const int iCol = column(ih, "image"), mCol = column(ih, "mask"), sCol = column(ih, "split");
    for (size_t r = 1; r < indexRows->size(); ++r) {
        const auto &row = (*indexRows)[r];
        const std::string where = at(indexPath, int64_t(r + 1));
        if (int(row.size()) <= std::max(iCol, mCol))
            return fail(Error::invalid(where + "too few fields"));
        const std::string image = media::fromManifest(root.string(), row[size_t(iCol)]);
        const std::string maskPath = media::fromManifest(root.string(), row[size_t(mCol)]);
        auto bytes = readFile(maskPath);
        if (!bytes)
            return fail(Error{bytes.error().code, where + bytes.error().message});
        auto m = mask::decode(*bytes);
        if (!m)
            return fail(Error::invalid(where + maskPath + ": " + m.error().message));
        for (size_t i = 0; i < m->pixels.size(); ++i)
            if (!known[m->pixels[i]])
                return fail(Error::invalid(where + maskPath + ": pixel (" + std::to_string(i % size_t(m->width)) + ", " +
                                           std::to_string(i / size_t(m->width)) + ") has value " +
                                           std::to_string(m->pixels[i]) + ", which classes.csv does not list"));
        mask::applyLut(*m, lut);
        auto item = (*writer)->imageItem(image);
        if (!item)
            return fail(Error{item.error().code, where + item.error().message});
        if (auto s = mask::checkSize(*m, item->width, item->height); !s)
            return fail(Error::invalid(where + maskPath + ": " + s.error().message));
        auto png = mask::encodeStored(*m, (*writer)->job().classes);
        if (!png)
            return fail(png.error());
        Payload p;
        p.mask = std::move(*png); // no maskUri: the file's values are positions in classes.csv, not ids
        if (auto w = (*writer)->put(*item, std::move(p)); !w)
            return fail(w.error());
        if (sCol >= 0 && int(row.size()) > sCol && !row[size_t(sCol)].empty())
            if (auto w = (*writer)->setSplit(item->id, row[size_t(sCol)]); !w)
                return fail(w.error());
        ++(*writer)->report().lines;
    }
    return (*writer)->commit();
}

} // namespace

Format maskPngs()
{
    Format f;
    f.id = "mask-pngs";
    f.name = "Mask PNGs";
    f.description = "semantic masks as palette PNGs (masks/IMAGE.png; 0 = background, k = the job's k-th class), "
                    "classes.csv (value,name,color) and index.csv (image,mask,split)";
    f.summary =
        "A mask picture per image in which each pixel's value is its class (0 is background), with a "
        "list of the classes and their colours and a table pairing each image with its mask. Read by most "
        "segmentation trainers.";
    f.tasks = {TaskType::SemanticSegmentation};
    f.writesFolder = true;
    f.readsFolder = true;
    f.writesUnlabeled = false; // an image without a mask has no mask picture
    f.parse = parseMasks;
    f.write = [f](const ProjectStore &store, const FormatExportOptions &o) { return writeMasks(f, store, o); };
    return f;
}

} // namespace gw::datasets::formats
