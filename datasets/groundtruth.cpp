#include "datasets/groundtruth.h"

#include "datasets/instances.h"
#include "datasets/mask.h"
#include "datasets/payload.h"
#include "datasets/media.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace gw::datasets::gt {

// ---------------------------------------------------------------------------------------------------------
// Small helpers

size_t writeCreationDate(int64_t us, char *out)
{
    // Civil date from days since the epoch (H. Hinnant's algorithm): no gmtime, no printf on the export path.
    int64_t secs = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
    const int64_t frac = us - secs * 1000000;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t sod = secs - days * 86400;
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const int64_t doe = days - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const int64_t y = yoe + era * 400 + (m <= 2);
    auto put = [&](char *p, int64_t v, int width) {
        for (int i = width - 1; i >= 0; --i, v /= 10)
            p[i] = char('0' + v % 10);
    };
    put(out, y, 4);
    out[4] = '-';
    put(out + 5, m, 2);
    out[7] = '-';
    put(out + 8, d, 2);
    out[10] = 'T';
    put(out + 11, sod / 3600, 2);
    out[13] = ':';
    put(out + 14, sod / 60 % 60, 2);
    out[16] = ':';
    put(out + 17, sod % 60, 2);
    out[19] = '.';
    put(out + 20, frac, 6);
    return 26;
}

std::string formatCreationDate(int64_t us)
{
    char buf[32];
    return std::string(buf, writeCreationDate(us, buf));
}

std::optional<int64_t> parseCreationDate(std::string_view s)
{
    int Y, M, D, h, m, sec;
    if (s.size() < 19 || std::sscanf(std::string(s.substr(0, 19)).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &Y, &M, &D, &h, &m,
                                     &sec) != 6)
        return std::nullopt;
    size_t i = 19;
    int64_t fracUs = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        int digits = 0;
        int64_t scale = 100000;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
            if (digits < 6)
                fracUs += int64_t(s[i] - '0') * scale;
            scale /= 10;
            ++digits;
            ++i;
        }
        if (digits == 0)
            return std::nullopt;
    }
    int64_t offsetSecs = 0;
    if (i < s.size()) {
        if (s[i] == 'Z') {
            ++i;
        } else if (s[i] == '+' || s[i] == '-') {
            const int sign = s[i] == '-' ? -1 : 1;
            std::string rest(s.substr(i + 1));
            rest.erase(std::remove(rest.begin(), rest.end(), ':'), rest.end());
            if (rest.size() != 4 || !std::all_of(rest.begin(), rest.end(), ::isdigit))
                return std::nullopt;
            offsetSecs = sign * (std::stoi(rest.substr(0, 2)) * 3600 + std::stoi(rest.substr(2)) * 60);
            i = s.size();
        }
    }
    if (i != s.size())
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    const int64_t t = int64_t(timegm(&tm)) - offsetSecs;
    return t * 1000000 + fracUs;
}

std::string defaultJobName(std::string_view lan)
{
    std::string s = "labeling-job/";
    for (char c : lan)
        s += char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

int64_t codePointCount(std::string_view utf8)
{
    int64_t n = 0;
    for (unsigned char c : utf8)
        if ((c & 0xC0) != 0x80)
            ++n;
    return n;
}

namespace {

std::string num(double d)
{
    std::string s;
    json::appendNumber(s, d);
    return s;
}

std::string quoted(std::string_view s)
{
    std::string out;
    json::appendQuoted(out, s);
    return out;
}

/// Writes a JSON object whose known keys come in our order with raw JSON values. Without extras it streams
/// straight into out (the export hot path); with extras (kept keys of an imported label) it collects the
/// members so that an extra can replace a known key in place or add one at the end.
class RawObject
{
public:
    RawObject(std::string &out, const json::Value *extras)
        : m_out(out), m_extras(extras && !extras->toObject().empty() ? extras : nullptr)
    {
        if (!m_extras)
            m_out += '{';
    }
    /// key must be a plain ASCII key (no escaping needed).
    void add(std::string_view key, std::string_view raw)
    {
        if (m_extras) {
            m_members.emplace_back(std::string(key), std::string(raw));
            return;
        }
        if (m_count++)
            m_out += ',';
        m_out += '"';
        m_out += key;
        m_out += "\":";
        m_out += raw;
    }
    void finish()
    {
        if (!m_extras) {
            m_out += '}';
            return;
        }
        for (const auto &[k, v] : m_extras->toObject()) {
            auto it = std::find_if(m_members.begin(), m_members.end(), [&](auto &m) { return m.first == k; });
            if (it != m_members.end())
                it->second = json::toString(v);
            else
                m_members.emplace_back(k, json::toString(v));
        }
        m_out += '{';
        for (size_t i = 0; i < m_members.size(); ++i) {
            if (i)
                m_out += ',';
            json::appendQuoted(m_out, m_members[i].first);
            m_out += ':';
            m_out += m_members[i].second;
        }
        m_out += '}';
    }

private:
    std::string &m_out;
    const json::Value *m_extras;
    std::vector<std::pair<std::string, std::string>> m_members;
    int m_count = 0;
};

/// Keys of obj not in known, as an object (nullopt when none).
json::Object unknownKeys(const json::Value &obj, std::initializer_list<std::string_view> known)
{
    json::Object out;
    for (const auto &[k, v] : obj.toObject())
        if (std::find(known.begin(), known.end(), k) == known.end())
            out.set(k, v);
    return out;
}

Error lineError(std::string msg)
{
    return Error::invalid(std::move(msg));
}

/// Index value as written by Ground Truth: an integer, or (in some AWS examples) a string of digits.
std::optional<int> readIndex(const json::Value &v)
{
    // Beyond int's range there is no class of that index (and converting it would wrap or be undefined).
    constexpr double kLimit = double(std::numeric_limits<int>::max());
    if (v.isInt()) {
        const int64_t i = v.toInt();
        return i >= -kLimit && i <= kLimit ? std::optional<int>(int(i)) : std::nullopt;
    }
    if (v.isNumber()) {
        const double d = v.toDouble();
        return d >= -kLimit && d <= kLimit && d == std::floor(d) ? std::optional<int>(int(d)) : std::nullopt;
    }
    if (v.isString()) {
        int i = 0;
        const std::string &s = v.toString();
        auto r = std::from_chars(s.data(), s.data() + s.size(), i);
        if (r.ec == std::errc() && r.ptr == s.data() + s.size())
            return i;
    }
    return std::nullopt;
}

/// Finds (or, for a job made by this import, adds) the class with Ground Truth index `position` and `name`.
Result<int> resolveClass(DecodeContext &ctx, int position, const std::string *name, const char *what)
{
    Job &job = *ctx.job;
    if (position < 0)
        return fail(lineError(std::string(what) + " index " + std::to_string(position) + " is negative"));
    if (name) {
        if (const LabelClass *c = job.classByName(*name)) {
            const int pos = job.positionOf(c->id);
            if (pos != position)
                return fail(lineError(std::string(what) + " " + std::to_string(position) + " is named '" + *name
                                      + "', but '" + *name + "' is class " + std::to_string(pos) + " of job '"
                                      + job.name + "'"));
            return c->id;
        }
        if (!ctx.mayAddClasses)
            return fail(lineError("unknown class '" + *name + "': job '" + job.name + "' has no such class"));
        // Place the class at its Ground Truth index, filling any gap with placeholders named later.
        while (int(job.classes.size()) <= position) {
            const int p = int(job.classes.size());
            job.classes.push_back({p, "class-" + std::to_string(p), defaultClassColor(p), {}, {}});
        }
        LabelClass &slot = job.classes[size_t(position)];
        if (slot.name != "class-" + std::to_string(position))
            return fail(lineError(std::string(what) + " " + std::to_string(position) + " is named '" + *name
                                  + "' here but '" + slot.name + "' earlier in the manifest"));
        slot.name = *name;
        return slot.id;
    }
    if (position < int(job.classes.size()))
        return job.classes[size_t(position)].id;
    if (!ctx.mayAddClasses)
        return fail(lineError(std::string(what) + " index " + std::to_string(position) + " is out of range: job '"
                              + job.name + "' has " + std::to_string(job.classes.size()) + " classes"));
    while (int(job.classes.size()) <= position) {
        const int p = int(job.classes.size());
        job.classes.push_back({p, "class-" + std::to_string(p), defaultClassColor(p), {}, {}});
    }
    return job.classes[size_t(position)].id;
}

std::optional<double> optionalNumber(const json::Value *v)
{
    if (v && v->isNumber())
        return v->toDouble();
    return std::nullopt;
}

const std::string *classMapName(const json::Value &md, int index)
{
    const json::Value *cm = md.find("class-map");
    if (!cm)
        return nullptr;
    const json::Value *n = cm->find(std::to_string(index));
    return n && n->isString() ? &n->toString() : nullptr;
}

std::string readFile(const std::string &path, bool &ok)
{
    std::ifstream f(path, std::ios::binary);
    ok = bool(f);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// ---------------------------------------------------------------------------------------------------------
// Decoding, one function per task family

Result<> decodeSingle(const json::Value &label, const json::Value &md, DecodeContext &ctx, Annotation &a,
                      json::Object &mdExtra)
{
    const auto index = readIndex(label);
    if (!index)
        return fail(lineError("the label of a single-label classification must be a class index"));
    const json::Value *name = md.find("class-name");
    auto id = resolveClass(ctx, *index, name && name->isString() ? &name->toString() : nullptr, "class");
    if (!id)
        return fail(id.error());
    a.payload.classes = {*id};
    a.payload.classConfidence = {std::nullopt};
    a.provenance.confidence = optionalNumber(md.find("confidence"));
    mdExtra = unknownKeys(md, {"confidence", "job-name", "class-name", "human-annotated", "creation-date", "type"});
    return {};
}

Result<> decodeMulti(const json::Value &label, const json::Value &md, DecodeContext &ctx, Annotation &a,
                     json::Object &mdExtra)
{
    if (!label.isArray())
        return fail(lineError("the label of a multi-label classification must be an array of class indices"));
    const json::Value *confMap = md.find("confidence-map");
    for (const json::Value &e : label.toArray()) {
        const auto index = readIndex(e);
        if (!index)
            return fail(lineError("multi-label classes must be integer indices"));
        auto id = resolveClass(ctx, *index, classMapName(md, *index), "class");
        if (!id)
            return fail(id.error());
        if (std::find(a.payload.classes.begin(), a.payload.classes.end(), *id) != a.payload.classes.end())
            return fail(lineError("class " + std::to_string(*index) + " is listed twice"));
        a.payload.classes.push_back(*id);
        a.payload.classConfidence.push_back(
            optionalNumber(confMap ? confMap->find(std::to_string(*index)) : nullptr));
    }
    mdExtra = unknownKeys(md, {"job-name", "class-map", "human-annotated", "creation-date", "confidence-map", "type"});
    return {};
}

Result<> decodeBoxes(const json::Value &label, const json::Value &md, DecodeContext &ctx, Annotation &a,
                     json::Object &labelExtra, json::Object &mdExtra)
{
    if (!label.isObject())
        return fail(lineError("a bounding-box label must be an object with image_size and annotations"));
    const json::Value *size = label.find("image_size");
    if (size && size->isArray() && !size->toArray().empty()) {
        const json::Value &s = size->toArray().front();
        // Sizes as whole numbers a real image can have (a 1e18 would otherwise wrap around in an int).
        auto dimension = [&](const char *key, int64_t fallback) -> std::optional<int> {
            const json::Value *v = s.find(key);
            if (!v)
                return int(fallback);
            const int64_t n = v->toInt(-1);
            if (!v->isNumber() || n < 0 || n > 1000000)
                return std::nullopt;
            return int(n);
        };
        const auto w = dimension("width", 0), h = dimension("height", 0), d = dimension("depth", 3);
        if (!w || !h || !d)
            return fail(lineError("image_size: width, height and depth must be whole numbers from 0 to 1,000,000"));
        a.payload.imageWidth = *w;
        a.payload.imageHeight = *h;
        a.payload.imageDepth = *d;
    } else {
        a.payload.imageWidth = ctx.item->width;
        a.payload.imageHeight = ctx.item->height;
        a.payload.imageDepth = 3;
    }
    const json::Value *anns = label.find("annotations");
    if (anns && !anns->isArray() && !anns->isNull())
        return fail(lineError("'annotations' of a bounding-box label must be an array"));
    const json::Value *objects = md.find("objects");
    const json::Array &objs = objects ? objects->toArray() : json::Array();
    size_t i = 0;
    for (const json::Value &b : anns ? anns->toArray() : json::Array()) {
        const json::Value *cid = b.find("class_id");
        const auto index = cid ? readIndex(*cid) : std::nullopt;
        if (!index)
            return fail(lineError("box " + std::to_string(i + 1) + " has no integer class_id"));
        for (const char *k : {"left", "top", "width", "height"})
            if (!b.find(k) || !b.find(k)->isNumber())
                return fail(lineError("box " + std::to_string(i + 1) + " has no numeric '" + k + "'"));
        auto id = resolveClass(ctx, *index, classMapName(md, *index), "class_id");
        if (!id)
            return fail(id.error());
        Box box{*id, b.find("left")->toDouble(), b.find("top")->toDouble(), b.find("width")->toDouble(),
                b.find("height")->toDouble(), {}};
        if (i < objs.size())
            box.confidence = optionalNumber(objs[i].find("confidence"));
        a.payload.boxes.push_back(box);
        ++i;
    }
    labelExtra = unknownKeys(label, {"image_size", "annotations"});
    mdExtra = unknownKeys(md, {"objects", "class-map", "type", "human-annotated", "creation-date", "job-name"});
    return {};
}

Result<> decodeSegmentation(const json::Value &label, const json::Value &md, DecodeContext &ctx, Annotation &a,
                            json::Object &mdExtra)
{
    if (!label.isString() || label.toString().empty())
        return fail(lineError("a semantic-segmentation label must be the URI of a PNG mask"));
    const json::Value *cmap = md.find("internal-color-map");
    if (!cmap || !cmap->isObject())
        return fail(lineError("semantic-segmentation metadata has no internal-color-map"));
    // Ground Truth pixel value k -> stored value (class id + 1); colours for RGB masks.
    std::vector<uint8_t> lut(256, 0);
    std::vector<std::pair<uint32_t, int>> colorToIndex;
    for (const auto &[key, entry] : cmap->toObject()) {
        const auto k = readIndex(json::Value(key));
        if (!k || *k < 0 || *k > 255)
            return fail(lineError("internal-color-map key '" + key + "' is not a pixel value 0-255"));
        const json::Value *hex = entry.find("hex-color");
        std::optional<uint32_t> rgb;
        if (hex)
            rgb = mask::parseHexColor(hex->toString());
        if (rgb)
            colorToIndex.emplace_back(*rgb, *k);
        if (*k == 0) {
            if (!a.provenance.confidence)
                a.provenance.confidence = optionalNumber(entry.find("confidence"));
            continue;
        }
        const json::Value *name = entry.find("class-name");
        auto id = resolveClass(ctx, *k - 1, name && name->isString() ? &name->toString() : nullptr, "mask value");
        if (!id)
            return fail(id.error());
        if (ctx.mayAddClasses && rgb)
            ctx.job->classes[size_t(ctx.job->positionOf(*id))].color = mask::hexColor(*rgb);
        lut[size_t(*k)] = uint8_t(*id + 1);
        if (!a.provenance.confidence)
            a.provenance.confidence = optionalNumber(entry.find("confidence"));
    }
    const std::string &ref = label.toString();
    const std::string where = media::fromManifest(ctx.manifestDir, ref);
    a.payload.maskUri = media::isUri(where) ? where : media::storedUri(ctx.projectDir, where);
    if (!media::isUri(where)) {
        bool ok = false;
        const std::string bytes = readFile(where, ok);
        if (!ok) {
            if (ctx.warn)
                ctx.warn("mask " + where + " not found: kept as a reference only");
        } else {
            auto m = mask::decode(bytes, colorToIndex);
            if (!m)
                return fail(lineError(where + ": " + m.error().message));
            if (auto r = mask::checkSize(*m, ctx.item->width, ctx.item->height); !r)
                return fail(lineError(where + ": " + r.error().message));
            for (uint8_t p : m->pixels)
                if (p != 0 && lut[p] == 0)
                    return fail(lineError(where + ": pixel value " + std::to_string(p)
                                          + " is not in the internal-color-map"));
            mask::applyLut(*m, lut);
            auto png = mask::encodeStored(*m, ctx.job->classes);
            if (!png)
                return fail(png.error());
            a.payload.mask = std::move(*png);
        }
    }
    mdExtra = unknownKeys(md, {"internal-color-map", "type", "human-annotated", "creation-date", "job-name"});
    return {};
}

/// An instance job's label: the class map (decodeSegmentation) and the objects kept beside it (kInstancesKey),
/// or, from a plain semantic segmentation label, one object per region of each class.
Result<> decodeInstances(const json::Value &label, const json::Value &md, DecodeContext &ctx, Annotation &a,
                         json::Object &mdExtra)
{
    if (auto r = decodeSegmentation(label, md, ctx, a, mdExtra); !r)
        return r;
    mdExtra.remove(kInstancesKey);
    Payload &p = a.payload;
    const json::Value *list = md.find(kInstancesKey);
    std::optional<mask::IndexedMask> classMap;
    if (!p.mask.empty()) {
        auto m = mask::decode(p.mask);
        if (!m)
            return fail(lineError(m.error().message));
        classMap = std::move(*m);
    }
    p.imageWidth = ctx.item->width > 0 ? ctx.item->width : classMap ? classMap->width : 0;
    p.imageHeight = ctx.item->width > 0 ? ctx.item->height : classMap ? classMap->height : 0;
    if (!list) {
        if (!classMap)
            return fail(lineError("the mask " + p.maskUri + " of an instance segmentation label is needed to find its "
                                  "objects (it has no " + kInstancesKey + "), but it cannot be read"));
        p.instances = instances::fromClassMap(*classMap);
    } else {
        if (!list->isArray())
            return fail(lineError(std::string(kInstancesKey) + " should be an array of objects"));
        const json::Array &objects = list->toArray();
        for (size_t i = 0; i < objects.size(); ++i) {
            const std::string at = std::string(kInstancesKey) + "[" + std::to_string(i) + "]: ";
            const json::Value &o = objects[i];
            const json::Value *index = o.find("class-index");
            const json::Value *name = o.find("class-name");
            if (!index || !readIndex(*index))
                return fail(lineError(at + "no \"class-index\""));
            auto id = resolveClass(ctx, int(*readIndex(*index)), name && name->isString() ? &name->toString() : nullptr,
                                   "object class");
            if (!id)
                return fail(id.error());
            Instance object;
            object.classId = *id;
            for (const char *key : {"polygons", "holes"}) {
                const json::Value *rings = o.find(key);
                if (!rings)
                    continue;
                if (!rings->isArray())
                    return fail(lineError(at + "\"" + key + "\" should be an array of [x1, y1, x2, y2, ...]"));
                for (const json::Value &ring : rings->toArray()) {
                    std::vector<double> xy;
                    for (const json::Value &d : ring.toArray()) {
                        if (!d.isNumber())
                            return fail(lineError(at + "\"" + key + "\" holds something that is not a number"));
                        xy.push_back(d.toDouble());
                    }
                    (std::string_view(key) == "polygons" ? object.polygons : object.holes).push_back(std::move(xy));
                }
            }
            if (const json::Value *rle = o.find("rle")) {
                if (!rle->isString())
                    return fail(lineError(at + "\"rle\" should be pycocotools's compressed RLE string"));
                object.rle = rle->toString();
            }
            if (const json::Value *pixels = o.find("pixels")) {
                if (!pixels->isString() || pixels->toString() != "labelme")
                    return fail(lineError(at + "\"pixels\" should be \"labelme\" (or left out)"));
                object.labelmePixels = true;
            }
            object.confidence = optionalNumber(o.find("confidence"));
            p.instances.push_back(std::move(object));
        }
    }
    // The class map is derived from the objects, so the objects are the label — unless the PNG was edited since
    // (another tool, by hand): then its pixels are what the file says, one object per region.
    if (list && classMap) {
        auto drawn = instances::classMap(p, classMap->width, classMap->height);
        if (!drawn || drawn->pixels != classMap->pixels) {
            if (ctx.warn)
                ctx.warn("the mask " + p.maskUri + " differs from its " + kInstancesKey +
                         " (edited since?): its regions are taken as the objects");
            p.instances = instances::fromClassMap(*classMap);
        }
    }
    p.mask.clear();
    p.maskUri.clear();
    return {};
}

Result<> decodeSpans(const json::Value &label, const json::Value &md, DecodeContext &ctx, Annotation &a,
                     json::Object &labelExtra, json::Object &mdExtra)
{
    const json::Value *inner = label.find("annotations");
    if (!inner || !inner->isObject())
        return fail(lineError("a named-entity label must be an object with 'annotations'"));
    // The label list echoes the job's classes: a new job takes them in this order.
    if (const json::Value *labels = inner->find("labels")) {
        for (const json::Value &l : labels->toArray()) {
            const json::Value *n = l.find("label");
            if (!n || !n->isString())
                return fail(lineError("an entry of 'labels' has no 'label' name"));
            const LabelClass *c = ctx.job->classByName(n->toString());
            if (!c && ctx.mayAddClasses) {
                const int id = ctx.job->nextClassId();
                ctx.job->classes.push_back({id, n->toString(), defaultClassColor(int(ctx.job->classes.size())), {}, {}});
                c = &ctx.job->classes.back();
            }
            if (c) {
                if (const json::Value *sn = l.find("shortDisplayName"); sn && ctx.mayAddClasses)
                    ctx.job->classes[size_t(ctx.job->positionOf(c->id))].shortName = sn->toString();
            }
        }
    }
    const json::Value *metaEntities = md.find("entities");
    const json::Array &confs = metaEntities ? metaEntities->toArray() : json::Array();
    const int64_t length = codePointCount(ctx.item->text);
    size_t i = 0;
    const json::Value *entities = inner->find("entities");
    for (const json::Value &e : entities ? entities->toArray() : json::Array()) {
        const json::Value *l = e.find("label"), *s = e.find("startOffset"), *en = e.find("endOffset");
        if (!l || !l->isString() || !s || !s->isInt() || !en || !en->isInt())
            return fail(lineError("entity " + std::to_string(i + 1) + " needs label, startOffset and endOffset"));
        const LabelClass *c = ctx.job->classByName(l->toString());
        if (!c)
            return fail(lineError("unknown entity type '" + l->toString() + "' in entity " + std::to_string(i + 1)));
        Span span{c->id, s->toInt(), en->toInt(), {}};
        if (span.start < 0 || span.end <= span.start || span.end > length)
            return fail(lineError("entity " + std::to_string(i + 1) + " [" + std::to_string(span.start) + ", "
                                  + std::to_string(span.end) + ") is outside the text of "
                                  + std::to_string(length) + " characters"));
        if (i < confs.size())
            span.confidence = optionalNumber(confs[i].find("confidence"));
        a.payload.spans.push_back(span);
        ++i;
    }
    labelExtra = unknownKeys(*inner, {"entities", "labels"});
    mdExtra = unknownKeys(md, {"entities", "job-name", "type", "creation-date", "human-annotated"});
    return {};
}

} // namespace

Result<Annotation> decodeLabel(const json::Value &label, const json::Value &md, DecodeContext &ctx)
{
    Annotation a;
    a.jobId = ctx.job->id;
    a.itemId = ctx.item->id;
    a.provenance.source = Source::Imported;
    const json::Value *human = md.find("human-annotated");
    a.provenance.humanAnnotated = !human || human->toString() != "no";
    a.provenance.author = "import";

    json::Object labelExtra, mdExtra;
    Result<> r;
    switch (ctx.job->type) {
    case TaskType::ImageClassification:
    case TaskType::TextClassification: r = decodeSingle(label, md, ctx, a, mdExtra); break;
    case TaskType::ImageClassificationMultiLabel:
    case TaskType::TextClassificationMultiLabel: r = decodeMulti(label, md, ctx, a, mdExtra); break;
    case TaskType::BoundingBox: r = decodeBoxes(label, md, ctx, a, labelExtra, mdExtra); break;
    case TaskType::SemanticSegmentation: r = decodeSegmentation(label, md, ctx, a, mdExtra); break;
    case TaskType::InstanceSegmentation: r = decodeInstances(label, md, ctx, a, mdExtra); break;
    case TaskType::NamedEntityRecognition: r = decodeSpans(label, md, ctx, a, labelExtra, mdExtra); break;
    }
    if (!r)
        return fail(r.error());
    if (const std::string msg = validatePayload(*ctx.job, *ctx.item, a.payload); !msg.empty())
        return fail(lineError(msg));

    // Keep what we would not write back the same way: the original job-name and creation-date strings.
    const json::Value *jobName = md.find("job-name");
    if (jobName && jobName->toString() != defaultJobName(ctx.job->name))
        mdExtra.set("job-name", *jobName);
    const json::Value *date = md.find("creation-date");
    if (date && date->isString()) {
        const auto us = parseCreationDate(date->toString());
        if (us)
            a.provenance.createdUs = *us;
        if (!us || formatCreationDate(*us) != date->toString())
            mdExtra.set("creation-date", *date);
    }
    if (human && human->toString() != "yes" && human->toString() != "no")
        mdExtra.set("human-annotated", *human);
    if (!labelExtra.empty() || !mdExtra.empty()) {
        json::Object extra;
        if (!labelExtra.empty())
            extra.set("label", json::Value(std::move(labelExtra)));
        if (!mdExtra.empty())
            extra.set("metadata", json::Value(std::move(mdExtra)));
        a.extra = json::toString(json::Value(std::move(extra)));
    }
    return a;
}

// ---------------------------------------------------------------------------------------------------------
// Encoding

namespace {

std::string positionKey(const Job &job, int classId)
{
    return quoted(std::to_string(job.positionOf(classId)));
}

std::string classMap(const Job &job, std::vector<int> ids)
{
    std::sort(ids.begin(), ids.end(), [&](int a, int b) { return job.positionOf(a) < job.positionOf(b); });
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::string s = "{";
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i)
            s += ',';
        s += positionKey(job, ids[i]);
        s += ':';
        s += quoted(job.classById(ids[i])->name);
    }
    return s + "}";
}

std::string confidenceText(const std::optional<double> &c)
{
    return num(c.value_or(0.0));
}

} // namespace

JobEncoding prepareJob(const Job &job)
{
    JobEncoding e;
    json::appendQuoted(e.labelKey, job.name);
    e.labelKey += ':';
    e.metadataKey = ",";
    json::appendQuoted(e.metadataKey, job.name + "-metadata");
    e.metadataKey += ':';
    json::appendQuoted(e.jobName, defaultJobName(job.name));
    json::appendQuoted(e.type, job.givesVerdicts() ? std::string_view("groundtruth/label-verification")
                                                   : taskInfo(job.type).gtType);
    e.idsArePositions = true;
    for (size_t p = 0; p < job.classes.size(); ++p) {
        e.idsArePositions = e.idsArePositions && job.classes[p].id == int(p);
        std::string q;
        json::appendQuoted(q, job.classes[p].name);
        e.quotedNames.emplace(job.classes[p].id, std::move(q));
    }
    return e;
}

Result<> encodeLabel(const Annotation &a, EncodeContext &ctx, std::string &out)
{
    const Job &job = *ctx.job;
    JobEncoding local;
    if (!ctx.encoding)
        local = prepareJob(job);
    const JobEncoding &enc = ctx.encoding ? *ctx.encoding : local;
    const Payload &p = a.payload;
    json::Value extra;
    if (!a.extra.empty())
        json::parse(a.extra, extra);
    const json::Value *labelExtra = extra.find("label");
    const json::Value *mdExtra = extra.find("metadata");

    auto position = [&](int id) { return enc.idsArePositions ? id : job.positionOf(id); };
    auto name = [&](int id) -> const std::string & { return enc.quotedNames.at(id); };
    if (!allClassIds(p, [&](int id) { return enc.quotedNames.count(id) > 0; }))
        return fail(Error::internal("annotation " + std::to_string(a.id) + " refers to a removed class"));

    const std::string_view human = a.provenance.humanAnnotated ? "\"yes\"" : "\"no\"";
    char dateBuf[40];
    const size_t dateLen = writeCreationDate(a.provenance.createdUs, dateBuf + 1);
    dateBuf[0] = '"';
    dateBuf[dateLen + 1] = '"';
    const std::string_view date(dateBuf, dateLen + 2);
    std::string num1;

    out += enc.labelKey;
    std::optional<RawObject> md;
    auto metadata = [&]() -> RawObject & {
        out += enc.metadataKey;
        md.emplace(out, mdExtra);
        return *md;
    };
    switch (job.type) {
    case TaskType::ImageClassification:
    case TaskType::TextClassification: {
        if (p.classes.size() != 1)
            return fail(Error::internal("single-label annotation without exactly one class"));
        json::appendInt(out, position(p.classes.front()));
        RawObject &m = metadata();
        json::appendNumber(num1, a.provenance.confidence.value_or(0.0));
        m.add("confidence", num1);
        m.add("job-name", enc.jobName);
        m.add("class-name", name(p.classes.front()));
        m.add("human-annotated", human);
        m.add("creation-date", date);
        m.add("type", enc.type);
        break;
    }
    case TaskType::ImageClassificationMultiLabel:
    case TaskType::TextClassificationMultiLabel: {
        out += '[';
        std::string conf = "{";
        for (size_t i = 0; i < p.classes.size(); ++i) {
            if (i) {
                out += ',';
                conf += ',';
            }
            json::appendInt(out, position(p.classes[i]));
            conf += positionKey(job, p.classes[i]) + ':'
                    + confidenceText(i < p.classConfidence.size() ? p.classConfidence[i] : std::nullopt);
        }
        out += ']';
        RawObject &m = metadata();
        m.add("job-name", enc.jobName);
        m.add("class-map", classMap(job, p.classes));
        m.add("human-annotated", human);
        m.add("creation-date", date);
        m.add("confidence-map", conf + "}");
        m.add("type", enc.type);
        break;
    }
    case TaskType::BoundingBox: {
        const int w = p.imageWidth ? p.imageWidth : ctx.item->width;
        const int h = p.imageHeight ? p.imageHeight : ctx.item->height;
        const int d = p.imageDepth ? p.imageDepth : 3;
        std::string boxes = "[", objects = "[";
        std::vector<int> ids;
        for (size_t i = 0; i < p.boxes.size(); ++i) {
            const Box &b = p.boxes[i];
            if (i) {
                boxes += ',';
                objects += ',';
            }
            boxes += "{\"class_id\":" + std::to_string(position(b.classId)) + ",\"top\":" + num(b.top)
                     + ",\"left\":" + num(b.left) + ",\"height\":" + num(b.height) + ",\"width\":" + num(b.width) + "}";
            objects += "{\"confidence\":" + confidenceText(b.confidence) + "}";
            ids.push_back(b.classId);
        }
        RawObject label(out, labelExtra);
        label.add("image_size", "[{\"width\":" + std::to_string(w) + ",\"height\":" + std::to_string(h)
                                    + ",\"depth\":" + std::to_string(d) + "}]");
        label.add("annotations", boxes + "]");
        label.finish();
        RawObject &m = metadata();
        m.add("objects", objects + "]");
        m.add("class-map", classMap(job, ids));
        m.add("type", enc.type);
        m.add("human-annotated", human);
        m.add("creation-date", date);
        m.add("job-name", enc.jobName);
        break;
    }
    case TaskType::SemanticSegmentation:
    case TaskType::InstanceSegmentation: {
        const bool objects = job.type == TaskType::InstanceSegmentation;
        std::string uri;
        if (!p.maskUri.empty() && ctx.maskReference)
            uri = ctx.maskReference(p.maskUri);
        std::string stored = p.mask;
        if (objects) {
            const int w = ctx.item && ctx.item->width > 0 ? ctx.item->width : p.imageWidth;
            const int h = ctx.item && ctx.item->width > 0 ? ctx.item->height : p.imageHeight;
            if (w <= 0 || h <= 0)
                return fail(Error::invalid("item " + std::to_string(a.itemId)
                                           + ": the image's size is unknown, so its objects cannot become a class map"));
            auto m = instances::classMap(p, w, h);
            if (!m)
                return fail(Error::invalid("item " + std::to_string(a.itemId) + ": " + m.error().message));
            auto png = mask::encodeStored(*m, job.classes);
            if (!png)
                return fail(png.error());
            stored = std::move(*png);
        }
        if (uri.empty()) {
            if (stored.empty())
                return fail(Error::invalid("the mask of item " + std::to_string(a.itemId) + " is not available"));
            // Stored pixel values are class id + 1; Ground Truth wants position + 1.
            auto png = mask::groundTruthFromStored(stored, job.classes);
            if (!png)
                return fail(png.error());
            if (!ctx.writeMask)
                return fail(Error::internal("no place to write masks"));
            auto written = ctx.writeMask(*png);
            if (!written)
                return fail(written.error());
            uri = *written;
        }
        out += quoted(uri);
        const std::string conf = confidenceText(a.provenance.confidence);
        std::string cmap = "{\"0\":{\"class-name\":\"BACKGROUND\",\"hex-color\":\"#ffffff\",\"confidence\":" + conf + "}";
        for (size_t pos = 0; pos < job.classes.size(); ++pos) {
            const LabelClass &c = job.classes[pos];
            cmap += "," + quoted(std::to_string(pos + 1)) + ":{\"class-name\":" + quoted(c.name)
                    + ",\"hex-color\":" + quoted(c.color) + ",\"confidence\":" + conf + "}";
        }
        RawObject &m = metadata();
        m.add("internal-color-map", cmap + "}");
        m.add("type", enc.type);
        m.add("human-annotated", human);
        m.add("creation-date", date);
        m.add("job-name", enc.jobName);
        if (objects) {
            json::Array list;
            for (const Instance &object : p.instances) {
                json::Object o;
                const LabelClass *cls = job.classById(object.classId);
                if (!cls)
                    return fail(Error::internal("annotation " + std::to_string(a.id) + " refers to a removed class"));
                o.set("class-name", cls->name);
                o.set("class-index", int64_t(job.positionOf(object.classId)));
                if (object.painted())
                    o.set("rle", object.rle);
                else
                    o.set("polygons", instances::ringsToJson(object.polygons));
                if (object.labelmePixels && !object.painted())
                    o.set("pixels", std::string("labelme"));
                if (!object.holes.empty())
                    o.set("holes", instances::ringsToJson(object.holes));
                if (object.confidence)
                    o.set("confidence", *object.confidence);
                list.emplace_back(std::move(o));
            }
            m.add(kInstancesKey, json::toString(json::Value(std::move(list))));
        }
        break;
    }
    case TaskType::NamedEntityRecognition: {
        std::string entities = "[", confs = "[";
        for (size_t i = 0; i < p.spans.size(); ++i) {
            const Span &s = p.spans[i];
            if (i) {
                entities += ',';
                confs += ',';
            }
            entities += "{\"endOffset\":" + std::to_string(s.end) + ",\"startOffset\":" + std::to_string(s.start)
                        + ",\"label\":" + name(s.classId) + "}";
            confs += "{\"confidence\":" + confidenceText(s.confidence) + "}";
        }
        std::string labels = "[";
        for (size_t i = 0; i < job.classes.size(); ++i) {
            if (i)
                labels += ',';
            labels += "{\"label\":" + quoted(job.classes[i].name);
            if (!job.classes[i].shortName.empty())
                labels += ",\"shortDisplayName\":" + quoted(job.classes[i].shortName);
            labels += "}";
        }
        out += "{\"annotations\":";
        RawObject inner(out, labelExtra);
        inner.add("entities", entities + "]");
        inner.add("labels", labels + "]");
        inner.finish();
        out += '}';
        RawObject &m = metadata();
        m.add("entities", confs + "]");
        m.add("job-name", enc.jobName);
        m.add("type", enc.type);
        m.add("creation-date", date);
        m.add("human-annotated", human);
        break;
    }
    }
    md->finish();
    return {};
}

std::string validatePayload(const Job &job, const Item &item, const Payload &p)
{
    for (int id : payloadClassIds(p))
        if (!job.classById(id))
            return "class id " + std::to_string(id) + " is not a class of job '" + job.name + "'";
    switch (job.type) {
    case TaskType::ImageClassification:
    case TaskType::TextClassification:
        if (p.classes.size() != 1)
            return "a single-label job takes exactly one class";
        break;
    case TaskType::ImageClassificationMultiLabel:
    case TaskType::TextClassificationMultiLabel:
        if (p.classes.empty())
            return "a multi-label label needs at least one class";
        break;
    case TaskType::BoundingBox: {
        // The image's own size (read from the file) is the truth; a declared image_size must agree with it
        // (or be its transpose: EXIF orientation), and only stands in for it when the file could not be read.
        if (item.width > 0 && p.imageWidth > 0
            && !(p.imageWidth == item.width && p.imageHeight == item.height)
            && !(p.imageWidth == item.height && p.imageHeight == item.width))
            return "image_size says " + std::to_string(p.imageWidth) + "x" + std::to_string(p.imageHeight) +
                   ", but the image is " + std::to_string(item.width) + "x" + std::to_string(item.height);
        const double w = item.width > 0 ? item.width : p.imageWidth, h = item.height > 0 ? item.height : p.imageHeight;
        for (size_t i = 0; i < p.boxes.size(); ++i) {
            const Box &b = p.boxes[i];
            const std::string which = "box " + std::to_string(i + 1);
            if (!(b.width > 0) || !(b.height > 0))
                return which + " has no area (width and height must be positive)";
            // Half a pixel of slack: averaged worker boxes may touch the border with rounding.
            constexpr double slack = 0.5;
            if (b.left < -slack || b.top < -slack || (w > 0 && b.left + b.width > w + slack)
                || (h > 0 && b.top + b.height > h + slack))
                return which + " (left " + num(b.left) + ", top " + num(b.top) + ", width " + num(b.width)
                       + ", height " + num(b.height) + ") is outside the " + std::to_string(int(w)) + "x"
                       + std::to_string(int(h)) + " image";
        }
        break;
    }
    case TaskType::SemanticSegmentation:
        if (p.mask.empty() && p.maskUri.empty())
            return "a segmentation label needs a mask";
        break;
    case TaskType::InstanceSegmentation: {
        if (!p.boxes.empty() || !p.classes.empty() || !p.spans.empty() || !p.mask.empty())
            return "an instance segmentation label holds objects only";
        const int w = item.width > 0 ? item.width : p.imageWidth, h = item.width > 0 ? item.height : p.imageHeight;
        if (item.width > 0 && p.imageWidth > 0 && (p.imageWidth != item.width || p.imageHeight != item.height))
            return "the objects were drawn on a " + std::to_string(p.imageWidth) + "x" + std::to_string(p.imageHeight)
                   + " image, but the image is " + std::to_string(item.width) + "x" + std::to_string(item.height);
        for (size_t i = 0; i < p.instances.size(); ++i)
            if (const std::string problem = instances::problem(p.instances[i], w, h); !problem.empty())
                return "object " + std::to_string(i + 1) + " " + problem;
        break;
    }
    case TaskType::NamedEntityRecognition: {
        const int64_t length = codePointCount(item.text);
        std::vector<Span> sorted = p.spans;
        std::sort(sorted.begin(), sorted.end(), [](const Span &a, const Span &b) { return a.start < b.start; });
        for (size_t i = 0; i < sorted.size(); ++i) {
            const Span &s = sorted[i];
            if (s.start < 0 || s.end <= s.start || s.end > length)
                return "span [" + std::to_string(s.start) + ", " + std::to_string(s.end)
                       + ") is outside the text of " + std::to_string(length) + " characters";
            if (!job.allowOverlap && i > 0 && sorted[i - 1].end > s.start)
                return "spans [" + std::to_string(sorted[i - 1].start) + ", " + std::to_string(sorted[i - 1].end)
                       + ") and [" + std::to_string(s.start) + ", " + std::to_string(s.end)
                       + ") overlap, and job '" + job.name + "' does not allow overlapping spans";
        }
        break;
    }
    }
    return {};
}

} // namespace gw::datasets::gt
