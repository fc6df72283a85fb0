#include "datasets/convertjob.h"

#include "datasets/groundtruth.h"
#include "datasets/instances.h"
#include "datasets/mask.h"

namespace gw::datasets {

bool canConvert(TaskType from, TaskType to)
{
    if (from == TaskType::InstanceSegmentation)
        return to == TaskType::SemanticSegmentation || to == TaskType::BoundingBox;
    if (to == TaskType::InstanceSegmentation)
        return from == TaskType::SemanticSegmentation || from == TaskType::BoundingBox;
    return false;
}

Result<Payload> convertLabel(const Payload &label, TaskType from, TaskType to, int width, int height)
{
    if (!canConvert(from, to))
        return fail(Error::invalid(std::string(taskInfo(from).id) + " labels cannot become " +
                                   std::string(taskInfo(to).id) + " labels"));
    Payload out;
    if (from == TaskType::InstanceSegmentation) {
        if (width <= 0 || height <= 0)
            return fail(Error::invalid("the image's size is unknown"));
        if (to == TaskType::BoundingBox) {
            auto boxes = instances::boxes(label, width, height);
            if (!boxes)
                return fail(boxes.error());
            out.boxes = std::move(*boxes);
            out.imageWidth = width;
            out.imageHeight = height;
            out.imageDepth = label.imageDepth > 0 ? label.imageDepth : 3;
            return out;
        }
        auto map = instances::classMap(label, width, height);
        if (!map)
            return fail(map.error());
        // The stored palette needs the classes' colours only for looks; the pixels are what counts.
        auto png = mask::encode(*map, std::vector<uint32_t>(256, 0x808080));
        if (!png)
            return fail(png.error());
        out.mask = std::move(*png);
        return out;
    }
    out.imageWidth = width;
    out.imageHeight = height;
    out.imageDepth = 3;
    if (from == TaskType::BoundingBox) {
        for (const Box &b : label.boxes) {
            Instance object;
            object.classId = b.classId;
            object.confidence = b.confidence;
            const double x0 = b.left, y0 = b.top, x1 = b.left + b.width, y1 = b.top + b.height;
            object.polygons.push_back({x0, y0, x1, y0, x1, y1, x0, y1});
            out.instances.push_back(std::move(object));
        }
        return out;
    }
    if (label.mask.empty())
        return fail(Error::invalid("the mask is only referenced (" + label.maskUri + "), its pixels are not in the project"));
    auto m = mask::decode(label.mask);
    if (!m)
        return fail(m.error());
    out.imageWidth = m->width;
    out.imageHeight = m->height;
    out.instances = instances::fromClassMap(*m);
    return out;
}

Result<ConvertReport> convertJob(ProjectStore &store, const Job &from, const std::string &newName, TaskType to,
                                 const std::function<bool(int64_t, int64_t)> &progress)
{
    if (from.givesVerdicts())
        return fail(Error::invalid("job '" + from.name + "' holds verdicts on another job's labels, not labels to convert"));
    if (const std::string problem = validateLabelAttributeName(newName, to); !problem.empty())
        return fail(Error::invalid(problem));
    if (!canConvert(from.type, to))
        return fail(Error::invalid("job '" + from.name + "' holds " + std::string(taskInfo(from.type).title) +
                                   " labels, which cannot become " + std::string(taskInfo(to).title) +
                                   " labels (objects become masks or boxes; masks and boxes become objects)"));
    if (store.job(newName))
        return fail(Error::conflict("the project already has a job named '" + newName + "'"));
    std::vector<int64_t> items;
    if (auto r = store.forEachAnnotation(from.id, [&](const Annotation &a) {
            items.push_back(a.itemId);
            return true;
        });
        !r)
        return fail(r.error());

    ConvertReport report;
    Job job;
    job.name = newName;
    job.type = to;
    job.classes = from.classes;
    job.instructions = from.instructions;
    auto tx = store.begin();
    if (!tx)
        return fail(tx.error());
    if (auto r = (*tx)->saveJob(job); !r)
        return fail(r.error());
    for (size_t i = 0; i < items.size(); ++i) {
        auto current = store.currentAnnotation(from.id, items[i]);
        if (!current)
            return fail(current.error());
        if (!*current)
            continue;
        auto item = store.item(items[i]);
        if (!item)
            return fail(item.error());
        const Payload &p = (*current)->payload;
        const int w = item->width > 0 ? item->width : p.imageWidth, h = item->width > 0 ? item->height : p.imageHeight;
        auto converted = convertLabel(p, from.type, to, w, h);
        if (!converted)
            return fail(Error{converted.error().code,
                              "item " + std::to_string(item->id) + " (" + item->uri + "): " + converted.error().message});
        if (to == TaskType::SemanticSegmentation) { // stored with the classes' colours
            auto m = mask::decode(converted->mask);
            if (!m)
                return fail(m.error());
            auto png = mask::encodeStored(*m, job.classes);
            if (!png)
                return fail(png.error());
            converted->mask = std::move(*png);
        }
        // Checked like any label: a mask of another size than its image makes no valid objects.
        if (const std::string problem = gt::validatePayload(job, *item, *converted); !problem.empty())
            return fail(Error::invalid("item " + std::to_string(item->id) + " (" + item->uri + "): " + problem));
        Annotation a;
        a.jobId = job.id;
        a.itemId = item->id;
        a.payload = std::move(*converted);
        a.provenance = (*current)->provenance;
        if (auto r = (*tx)->putAnnotation(a); !r)
            return fail(r.error());
        ++report.labels;
        if (progress && (i & 0xff) == 0 && !progress(int64_t(i), int64_t(items.size())))
            return fail(Error::cancelled());
    }
    if (auto r = (*tx)->commit(); !r)
        return fail(r.error());
    report.job = job;
    return report;
}

} // namespace gw::datasets
