#include "labeling/labeler.h"

#include "datasets/review.h"

#include "datasets/groundtruth.h"
#include "datasets/mask.h"
#include "datasets/media.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace gw::labeling {

using namespace gw::datasets;

namespace {

std::vector<std::string> splitComma(const std::string &s)
{
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == ',') {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

template<typename T>
bool parseNumber(const std::string &s, T &out)
{
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

Result<int> classId(const Job &job, const std::string &name)
{
    if (const LabelClass *c = job.classByName(name))
        return c->id;
    std::string known;
    for (const LabelClass &c : job.classes)
        known += (known.empty() ? "" : ", ") + c.name;
    return fail(Error::invalid("unknown class '" + name + "' (job '" + job.name + "' has: " + known + ")"));
}

Result<std::string> maskFromFile(const Job &job, const Item &item, const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    if (!f)
        return fail(Error::notFound(path + ": cannot open the mask"));
    std::ostringstream ss;
    ss << f.rdbuf();
    // Colour masks are read through the class colours (Ground Truth numbering: class k has value k + 1).
    std::vector<std::pair<uint32_t, int>> colors{{0xffffff, 0}, {0x000000, 0}};
    for (size_t pos = 0; pos < job.classes.size(); ++pos)
        if (auto rgb = mask::parseHexColor(job.classes[pos].color))
            colors.emplace_back(*rgb, int(pos + 1));
    auto m = mask::decode(ss.str(), colors);
    if (!m)
        return fail(Error::invalid(path + ": " + m.error().message));
    if (auto r = mask::checkSize(*m, item.width, item.height); !r)
        return fail(Error::invalid(path + ": " + r.error().message));
    auto png = mask::storedFromGroundTruth(std::move(*m), job.classes);
    if (!png)
        return fail(Error::invalid(path + ": " + png.error().message + " of job '" + job.name + "'"));
    return png;
}

} // namespace

Result<Payload> buildPayload(const Job &job, const Item &item, const LabelRequest &req, const std::string &)
{
    Payload p;
    for (const std::string &name : req.classes) {
        auto id = classId(job, name);
        if (!id)
            return fail(id.error());
        p.classes.push_back(*id);
        p.classConfidence.push_back(std::nullopt);
    }
    for (const std::string &spec : req.boxes) {
        const auto parts = splitComma(spec);
        Box b;
        if (parts.size() != 5 || !parseNumber(parts[1], b.left) || !parseNumber(parts[2], b.top)
            || !parseNumber(parts[3], b.width) || !parseNumber(parts[4], b.height))
            return fail(Error::invalid("box '" + spec + "': expected class,left,top,width,height"));
        auto id = classId(job, parts[0]);
        if (!id)
            return fail(id.error());
        b.classId = *id;
        p.boxes.push_back(b);
    }
    if (job.type == TaskType::BoundingBox) {
        p.imageWidth = item.width;
        p.imageHeight = item.height;
        p.imageDepth = 3;
    }
    for (const std::string &spec : req.spans) {
        const auto parts = splitComma(spec);
        Span s;
        if (parts.size() != 3 || !parseNumber(parts[1], s.start) || !parseNumber(parts[2], s.end))
            return fail(Error::invalid("span '" + spec + "': expected class,start,end"));
        auto id = classId(job, parts[0]);
        if (!id)
            return fail(id.error());
        s.classId = *id;
        p.spans.push_back(s);
    }
    if (!req.maskFile.empty()) {
        auto png = maskFromFile(job, item, req.maskFile);
        if (!png)
            return fail(png.error());
        p.mask = std::move(*png);
    }
    // What the task type takes, and nothing else.
    const bool classification = job.type == TaskType::ImageClassification || job.type == TaskType::TextClassification
                                || job.type == TaskType::ImageClassificationMultiLabel
                                || job.type == TaskType::TextClassificationMultiLabel;
    if (!classification && !p.classes.empty())
        return fail(Error::invalid("job '" + job.name + "' is a " + std::string(taskInfo(job.type).id)
                                   + " job: classes alone are not a label for it"));
    if (job.type != TaskType::BoundingBox && !p.boxes.empty())
        return fail(Error::invalid("boxes only label bounding-box jobs"));
    if (job.type != TaskType::NamedEntityRecognition && !p.spans.empty())
        return fail(Error::invalid("spans only label named-entity-recognition jobs"));
    if (job.type != TaskType::SemanticSegmentation && !p.mask.empty())
        return fail(Error::invalid("masks only label semantic-segmentation jobs"));
    if (job.type != TaskType::InstanceSegmentation && !p.instances.empty())
        return fail(Error::invalid("objects only label instance-segmentation jobs"));
    if (taskInfo(job.type).image != (item.kind == MediaKind::Image))
        return fail(Error::invalid("job '" + job.name + "' labels " + (taskInfo(job.type).image ? "images" : "texts")
                                   + ", and item " + std::to_string(item.id) + " is not one"));
    return p;
}

Result<Annotation> Labeler::setLabel(const Job &job, const Item &item, Payload payload, int64_t timeSpentMs)
{
    if (const std::string msg = gt::validatePayload(job, item, payload); !msg.empty())
        return fail(Error::invalid(msg));
    Annotation a;
    a.jobId = job.id;
    a.itemId = item.id;
    a.payload = std::move(payload);
    a.provenance.source = Source::Human;
    a.provenance.humanAnnotated = true;
    a.provenance.author = m_author;
    a.provenance.timeSpentMs = timeSpentMs;
    auto tx = m_store.begin();
    if (!tx)
        return fail(tx.error());
    if (auto r = review::markAdjustment(m_store, job, a); !r)
        return fail(r.error());
    if (auto r = (*tx)->putAnnotation(a); !r)
        return fail(r.error());
    if (auto r = (*tx)->commit(); !r)
        return fail(r.error());
    return a;
}

Result<> Labeler::clearLabel(const Job &job, const Item &item)
{
    Provenance who;
    who.author = m_author;
    auto tx = m_store.begin();
    if (!tx)
        return fail(tx.error());
    if (auto r = (*tx)->clearAnnotation(job.id, item.id, who); !r)
        return r;
    return (*tx)->commit();
}

} // namespace gw::labeling
