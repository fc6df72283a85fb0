// Ground Truth's worker-response folders (groundtruth.md §4.2): every answer of a job written out in that
// layout, and such a folder read in as each worker's answers, for every task type.

#include "datasets/workeranswers.h"

#include "datasets/groundtruth.h"
#include "datasets/json.h"
#include "datasets/mask.h"
#include "datasets/output.h"
#include "datasets/payload.h"

#include <QByteArray>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

namespace gw::datasets {

namespace fs = std::filesystem;

namespace {

struct Response
{
    int64_t itemId = 0;
    std::string worker;
    int64_t submittedUs = 0;
    Payload payload;
};

/// A class of the job by the name an answer gives it.
Result<int> classNamed(const Job &job, const json::Value *name)
{
    if (!name || !name->isString())
        return fail(Error::invalid("an answer names no class (\"label\")"));
    const LabelClass *cls = job.classByName(name->toString());
    if (!cls)
        return fail(Error::invalid("'" + name->toString() + "' is not a class of job '" + job.name + "'"));
    return cls->id;
}

/// A number of an answer's object (GT writes integers, and some tools decimals).
Result<double> number(const json::Value &o, const char *key)
{
    const json::Value *v = o.find(key);
    if (!v || !v->isNumber())
        return fail(Error::invalid(std::string("an answer without a number \"") + key + "\""));
    return v->toDouble();
}

/// The label of one answer's answerContent, as Ground Truth's built-in task forms write it (groundtruth.md §4.2;
/// the inverse of answerContent below): the form element's object holds "label", "labels", "boundingBoxes",
/// "entities" or "labeledImage".
Result<Payload> payloadOfAnswer(const Job &job, const json::Value &content)
{
    const json::Value &form = content.toObject().begin()->second;
    if (!form.isObject())
        return fail(Error::invalid("an answer whose answerContent holds no object"));
    Payload p;
    switch (job.type) {
    case TaskType::ImageClassification:
    case TaskType::TextClassification: {
        auto id = classNamed(job, form.find("label"));
        if (!id)
            return fail(id.error());
        p.classes = {*id};
        p.classConfidence = {std::nullopt};
        break;
    }
    case TaskType::ImageClassificationMultiLabel:
    case TaskType::TextClassificationMultiLabel: {
        const json::Value *labels = form.find("labels");
        if (!labels || !labels->isArray())
            return fail(Error::invalid("a multi-label answer without a \"labels\" list"));
        for (const json::Value &name : labels->toArray()) {
            auto id = classNamed(job, &name);
            if (!id)
                return fail(id.error());
            if (std::find(p.classes.begin(), p.classes.end(), *id) == p.classes.end()) {
                p.classes.push_back(*id);
                p.classConfidence.push_back(std::nullopt);
            }
        }
        break;
    }
    case TaskType::BoundingBox: {
        const json::Value *boxes = form.find("boundingBoxes");
        if (!boxes || !boxes->isArray())
            return fail(Error::invalid("a bounding-box answer without \"boundingBoxes\""));
        for (const json::Value &b : boxes->toArray()) {
            auto id = classNamed(job, b.find("label"));
            auto left = number(b, "left"), top = number(b, "top"), width = number(b, "width"), height = number(b, "height");
            if (!id)
                return fail(id.error());
            for (auto *n : {&left, &top, &width, &height})
                if (!*n)
                    return fail(n->error());
            p.boxes.push_back({*id, *left, *top, *width, *height, std::nullopt});
        }
        if (const json::Value *size = form.find("inputImageProperties")) {
            p.imageWidth = int(size->find("width") ? size->find("width")->toInt() : 0);
            p.imageHeight = int(size->find("height") ? size->find("height")->toInt() : 0);
            p.imageDepth = 3;
        }
        break;
    }
    case TaskType::NamedEntityRecognition: {
        const json::Value *entities = form.find("entities");
        if (!entities || !entities->isArray())
            return fail(Error::invalid("an entity answer without \"entities\""));
        for (const json::Value &e : entities->toArray()) {
            auto id = classNamed(job, e.find("label"));
            auto start = number(e, "startOffset"), end = number(e, "endOffset");
            if (!id)
                return fail(id.error());
            if (!start || !end)
                return fail((!start ? start : end).error());
            p.spans.push_back({*id, int64_t(*start), int64_t(*end), std::nullopt});
        }
        break;
    }
    case TaskType::SemanticSegmentation: {
        const json::Value *image = form.find("labeledImage");
        const json::Value *data = image ? image->find("pngImageData") : nullptr;
        if (!data || !data->isString())
            return fail(Error::invalid("a segmentation answer without labeledImage.pngImageData"));
        const QByteArray png = QByteArray::fromBase64(QByteArray::fromStdString(data->toString()));
        // A colour PNG is read through the answer's labelMappings (class → colour), a palette PNG by its indices.
        std::vector<std::pair<uint32_t, int>> colours{{0xffffff, 0}, {0x000000, 0}};
        if (const json::Value *mappings = form.find("labelMappings"); mappings && mappings->isObject())
            for (const auto &[name, colour] : mappings->toObject()) {
                const LabelClass *cls = job.classByName(name);
                const json::Value *hex = colour.find("color");
                auto rgb = hex && hex->isString() ? mask::parseHexColor(hex->toString()) : std::nullopt;
                if (cls && rgb)
                    colours.emplace_back(*rgb, job.positionOf(cls->id) + 1);
            }
        auto decoded = mask::decode(png.toStdString(), colours);
        if (!decoded)
            return fail(Error::invalid("the answer's mask: " + decoded.error().message));
        auto stored = mask::storedFromGroundTruth(std::move(*decoded), job.classes);
        if (!stored)
            return fail(Error::invalid("the answer's mask: " + stored.error().message));
        p.mask = std::move(*stored);
        break;
    }
    case TaskType::InstanceSegmentation:
        return fail(Error::invalid("Ground Truth has no instance segmentation form, so there are no worker responses "
                                   "of that type to read"));
    }
    return p;
}

} // namespace

Result<ResponsesReport> importWorkerResponses(ProjectStore &store, const Job &job, const std::string &dir)
{
    std::error_code ec;
    fs::path root = fs::path(dir) / "worker-response";
    if (!fs::is_directory(root, ec))
        root = dir;
    if (!fs::is_directory(root, ec))
        return fail(Error::notFound(dir + ": no such folder"));
    // The items in import order: INDEX is a line of the input manifest they came from.
    std::vector<int64_t> items;
    ItemFilter filter;
    filter.kind = taskInfo(job.type).image ? MediaKind::Image : MediaKind::Text;
    if (auto r = store.forEachItem(filter, [&](const Item &it) {
            items.push_back(it.id);
            return true;
        });
        !r)
        return fail(r.error());
    ResponsesReport report;
    std::vector<Response> responses;
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator it(root, ec), end; it != end && !ec; it.increment(ec))
        if (it->is_regular_file(ec) && it->path().extension() == ".json")
            files.push_back(it->path());
    if (ec)
        return fail(Error::io(root.string() + ": " + ec.message()));
    std::sort(files.begin(), files.end());
    std::set<std::string> workers;
    for (const fs::path &file : files) {
        const std::string where = file.string();
        const std::string indexText = file.parent_path().filename().string();
        char *endp = nullptr;
        const long long index = std::strtoll(indexText.c_str(), &endp, 10);
        if (indexText.empty() || *endp != '\0' || index < 0)
            return fail(Error::invalid(where + ": not in a folder named after an item's index (worker-response/iteration-N/INDEX/)"));
        if (index >= (long long)items.size())
            return fail(Error::invalid(where + ": item index " + indexText + " is past the project's "
                                       + std::to_string(items.size()) + " items of this kind"));
        std::ifstream in(file, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        json::Value v;
        json::ParseError error;
        if (!in || !json::parse(text.str(), v, &error))
            return fail(Error::invalid(where + ": not a worker-response file (" + error.message + ")"));
        const json::Value *answers = v.find("answers");
        if (!answers || !answers->isArray())
            return fail(Error::invalid(where + ": no \"answers\" list"));
        ++report.files;
        for (const json::Value &a : answers->toArray()) {
            const json::Value *content = a.find("answerContent");
            const json::Value *worker = a.find("workerId");
            if (!content || !content->isObject() || content->toObject().empty() || !worker || !worker->isString())
                return fail(Error::invalid(where + ": an answer without answerContent or workerId"));
            // {"<the form element's name>": {"label": "<class>"}} and the like for each task type
            auto payload = payloadOfAnswer(job, *content);
            if (!payload)
                return fail(Error::invalid(where + ": " + payload.error().message));
            Response r;
            r.itemId = items[size_t(index)];
            auto item = store.item(r.itemId);
            if (!item)
                return fail(item.error());
            if (job.type == TaskType::BoundingBox && payload->imageWidth == 0) {
                payload->imageWidth = item->width;
                payload->imageHeight = item->height;
                payload->imageDepth = 3;
            }
            if (const std::string problem = gt::validatePayload(job, *item, *payload); !problem.empty())
                return fail(Error::invalid(where + ": " + problem));
            r.worker = worker->toString();
            r.payload = std::move(*payload);
            const json::Value *when = a.find("submissionTime");
            r.submittedUs = when && when->isString() ? gt::parseCreationDate(when->toString()).value_or(0) : 0;
            responses.push_back(std::move(r));
            workers.insert(responses.back().worker);
            ++report.answers;
        }
    }
    report.workers = int64_t(workers.size());
    // What is there already (the same worker's answer for the item, submitted at the same time) is not added.
    std::set<std::tuple<int64_t, std::string, int64_t>> known;
    if (auto r = store.forEachHumanVersion(job.id, [&](const Annotation &a) {
            known.emplace(a.itemId, a.provenance.author, a.provenance.createdUs);
            return true;
        });
        !r)
        return fail(r.error());
    std::stable_sort(responses.begin(), responses.end(), [](const Response &a, const Response &b) {
        return std::tie(a.itemId, a.submittedUs) < std::tie(b.itemId, b.submittedUs);
    });
    auto tx = store.begin();
    if (!tx)
        return fail(tx.error());
    for (const Response &r : responses) {
        if (!known.emplace(r.itemId, r.worker, r.submittedUs).second)
            continue;
        Annotation a;
        a.jobId = job.id;
        a.itemId = r.itemId;
        a.payload = r.payload;
        a.provenance.source = Source::Human;
        a.provenance.humanAnnotated = true;
        a.provenance.author = r.worker;
        a.provenance.createdUs = r.submittedUs ? r.submittedUs : nowUs();
        if (auto w = (*tx)->putAnnotation(a); !w)
            return fail(w.error());
        ++report.added;
    }
    if (auto c = (*tx)->commit(); !c)
        return fail(c.error());
    return report;
}

namespace {

/// answerContent of one answer, as Ground Truth's built-in task forms write it (groundtruth.md §4.2).
Result<json::Object> answerContent(const Job &job, const Payload &p)
{
    auto name = [&](int classId) {
        const LabelClass *c = job.classById(classId);
        return c ? c->name : std::to_string(classId);
    };
    json::Object form;
    switch (job.type) {
    case TaskType::ImageClassification:
    case TaskType::TextClassification: {
        json::Object o;
        o.set("label", p.classes.empty() ? std::string() : name(p.classes.front()));
        form.set(job.type == TaskType::ImageClassification ? "crowd-image-classifier" : "crowd-classifier", std::move(o));
        break;
    }
    case TaskType::ImageClassificationMultiLabel:
    case TaskType::TextClassificationMultiLabel: {
        json::Array labels;
        for (int id : p.classes)
            labels.emplace_back(name(id));
        json::Object o;
        o.set("labels", std::move(labels));
        form.set(job.type == TaskType::ImageClassificationMultiLabel ? "crowd-image-classifier-multi-select"
                                                                      : "crowd-classifier-multi-select",
                 std::move(o));
        break;
    }
    case TaskType::BoundingBox: {
        json::Array boxes;
        for (const Box &b : p.boxes) {
            json::Object o;
            o.set("height", b.height);
            o.set("label", name(b.classId));
            o.set("left", b.left);
            o.set("top", b.top);
            o.set("width", b.width);
            boxes.emplace_back(std::move(o));
        }
        json::Object size, o;
        size.set("height", p.imageHeight);
        size.set("width", p.imageWidth);
        o.set("boundingBoxes", std::move(boxes));
        o.set("inputImageProperties", std::move(size));
        form.set("boundingBox", std::move(o));
        break;
    }
    case TaskType::NamedEntityRecognition: {
        json::Array entities;
        for (const Span &sp : p.spans) {
            json::Object o;
            o.set("endOffset", sp.end);
            o.set("label", name(sp.classId));
            o.set("startOffset", sp.start);
            entities.emplace_back(std::move(o));
        }
        json::Object o;
        o.set("entities", std::move(entities));
        form.set("crowd-entity-annotation", std::move(o));
        break;
    }
    case TaskType::SemanticSegmentation: {
        auto decoded = mask::decode(p.mask);
        if (!decoded)
            return fail(decoded.error());
        auto png = mask::groundTruthFromStored(p.mask, job.classes);
        if (!png)
            return fail(png.error());
        json::Object size, mappings, image, o;
        size.set("height", decoded->height);
        size.set("width", decoded->width);
        for (const LabelClass &c : job.classes) {
            json::Object colour;
            colour.set("color", c.color);
            mappings.set(c.name, std::move(colour));
        }
        image.set("pngImageData", QByteArray::fromStdString(*png).toBase64().toStdString());
        o.set("inputImageProperties", std::move(size));
        o.set("labelMappings", std::move(mappings));
        o.set("labeledImage", std::move(image));
        form.set("crowd-semantic-segmentation", std::move(o));
        break;
    }
    case TaskType::InstanceSegmentation:
        return fail(Error::invalid("Ground Truth has no instance segmentation form to write worker responses for: "
                                   "export the job's labels instead"));
    }
    return form;
}

/// Ground Truth's time of an answer: 2019-04-18T16:11:15.123Z.
std::string submissionTime(int64_t us)
{
    const std::string t = gt::formatCreationDate(us); // 2019-04-18T16:11:15.123456
    return t.substr(0, std::min<size_t>(t.size(), 23)) + (t.size() == 19 ? ".000Z" : "Z");
}

} // namespace

Result<ResponsesExport> exportWorkerResponses(ProjectStore &store, const Job &job, const std::string &outDir,
                                              bool overwrite)
{
    std::map<int64_t, size_t> indexOf; // item → its place among the items of the job's kind
    {
        ItemFilter filter;
        filter.kind = taskInfo(job.type).image ? MediaKind::Image : MediaKind::Text;
        size_t i = 0;
        if (auto r = store.forEachItem(filter, [&](const Item &it) {
                indexOf[it.id] = i++;
                return true;
            });
            !r)
            return fail(r.error());
    }
    std::map<int64_t, std::vector<Annotation>> byItem;
    if (auto r = store.forEachAnswer(job.id, [&](const Annotation &a) {
            byItem[a.itemId].push_back(a);
            return true;
        });
        !r)
        return fail(r.error());
    OutputSet outputs(outputRulesFor(store, overwrite));
    auto staged = outputs.addFolder(outDir);
    if (!staged)
        return fail(staged.error());
    ResponsesExport report;
    for (auto &[item, answers] : byItem) {
        auto index = indexOf.find(item);
        if (index == indexOf.end())
            continue; // not of the job's kind
        std::sort(answers.begin(), answers.end(), [](const Annotation &a, const Annotation &b) {
            return a.provenance.createdUs < b.provenance.createdUs;
        });
        json::Array list;
        for (const Annotation &a : answers) {
            auto content = answerContent(job, a.payload);
            if (!content)
                return fail(Error{content.error().code, "item " + std::to_string(item) + ", " + a.provenance.author
                                                            + "'s answer: " + content.error().message});
            json::Object o;
            o.set("answerContent", std::move(*content));
            o.set("submissionTime", submissionTime(a.provenance.createdUs));
            if (a.provenance.timeSpentMs > 0) // not known for answers read from older Ground Truth files
                o.set("timeSpentInSeconds", double(a.provenance.timeSpentMs) / 1000.0);
            o.set("workerId", a.provenance.author);
            list.emplace_back(std::move(o));
            ++report.answers;
        }
        std::string stamp = gt::formatCreationDate(answers.back().provenance.createdUs).substr(0, 19);
        stamp[10] = '_';
        const fs::path folder = fs::path(*staged) / "worker-response" / "iteration-1" / std::to_string(index->second);
        std::error_code ec;
        fs::create_directories(folder, ec);
        if (ec)
            return fail(Error::io(folder.string() + ": " + ec.message()));
        json::Object file;
        file.set("answers", std::move(list));
        const fs::path path = folder / (stamp + ".json");
        if (auto w = writeNewFile(path.string(), json::toString(json::Value(std::move(file))) + "\n",
                                  (fs::path(outDir) / fs::relative(path, *staged)).string());
            !w)
            return fail(w.error());
        ++report.files;
    }
    if (auto r = outputs.commit(); !r)
        return fail(r.error());
    return report;
}

} // namespace gw::datasets
