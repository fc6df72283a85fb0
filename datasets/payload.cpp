#include "datasets/payload.h"

#include "datasets/instances.h"
#include "datasets/json.h"
#include "datasets/mask.h"

#include <algorithm>
#include <charconv>

namespace gw::datasets {

namespace {

json::Value optionalNumber(const std::optional<double> &d)
{
    return d ? json::Value(*d) : json::Value();
}

std::optional<double> readOptional(const json::Value &v)
{
    if (v.isNumber())
        return v.toDouble();
    return std::nullopt;
}

} // namespace

std::string encodePayload(const Payload &p)
{
    json::Object o;
    if (!p.classes.empty()) {
        json::Array c;
        for (int id : p.classes)
            c.emplace_back(id);
        o.set("c", std::move(c));
        if (std::any_of(p.classConfidence.begin(), p.classConfidence.end(), [](auto &x) { return x.has_value(); })) {
            json::Array cc;
            for (const auto &x : p.classConfidence)
                cc.push_back(optionalNumber(x));
            o.set("cc", std::move(cc));
        }
    }
    if (!p.boxes.empty() || p.imageWidth > 0) {
        json::Array b;
        for (const Box &x : p.boxes) {
            json::Array e{json::Value(x.classId), json::Value(x.left), json::Value(x.top), json::Value(x.width),
                          json::Value(x.height)};
            if (x.confidence)
                e.emplace_back(*x.confidence);
            b.emplace_back(std::move(e));
        }
        o.set("b", std::move(b));
        o.set("is", json::Array{json::Value(p.imageWidth), json::Value(p.imageHeight), json::Value(p.imageDepth)});
    }
    if (!p.spans.empty()) {
        json::Array s;
        for (const Span &x : p.spans) {
            json::Array e{json::Value(x.classId), json::Value(x.start), json::Value(x.end)};
            if (x.confidence)
                e.emplace_back(*x.confidence);
            s.emplace_back(std::move(e));
        }
        o.set("s", std::move(s));
    }
    if (!p.instances.empty()) { // the image's size (for painted objects) is "is", written above
        json::Array is;
        for (const Instance &x : p.instances) {
            json::Array e{json::Value(x.classId), json::Value(instances::ringsToJson(x.polygons)),
                          json::Value(instances::ringsToJson(x.holes)), json::Value(x.rle)};
            const bool labelme = x.labelmePixels && !x.painted();
            if (x.confidence || labelme)
                e.emplace_back(x.confidence ? json::Value(*x.confidence) : json::Value());
            if (labelme)
                e.emplace_back(std::string("labelme")); // whose pixels the outline has (types.h)
            is.emplace_back(std::move(e));
        }
        o.set("i", std::move(is));
    }
    if (!p.maskUri.empty())
        o.set("mu", p.maskUri);
    return json::toString(json::Value(std::move(o)));
}

Result<> decodePayloadInto(std::string_view text, std::string_view mask, Payload &p)
{
    p.classes.clear();
    p.classConfidence.clear();
    p.boxes.clear();
    p.spans.clear();
    p.instances.clear();
    p.imageWidth = p.imageHeight = p.imageDepth = 0;
    p.maskUri.clear();
    p.mask.assign(mask);
    // Fast path for the most common payload, a single-label classification {"c":[N]}.
    if (text.size() >= 8 && text.starts_with("{\"c\":[") && text.ends_with("]}")) {
        int id = 0;
        const char *b = text.data() + 6, *e = text.data() + text.size() - 2;
        auto r = std::from_chars(b, e, id);
        if (r.ec == std::errc() && r.ptr == e) {
            p.classes.push_back(id);
            p.classConfidence.push_back(std::nullopt);
            return {};
        }
    }
    json::Value v;
    json::ParseError err;
    if (!json::parse(text, v, &err) || !v.isObject())
        return fail(Error::internal("stored annotation payload is not valid JSON: " + err.message));
    if (const json::Value *c = v.find("c"))
        for (const json::Value &e : c->toArray())
            p.classes.push_back(int(e.toInt()));
    if (const json::Value *cc = v.find("cc"))
        for (const json::Value &e : cc->toArray())
            p.classConfidence.push_back(readOptional(e));
    p.classConfidence.resize(p.classes.size());
    if (const json::Value *b = v.find("b")) {
        for (const json::Value &e : b->toArray()) {
            const json::Array &a = e.toArray();
            if (a.size() < 5)
                return fail(Error::internal("stored box has fewer than 5 numbers"));
            Box box{int(a[0].toInt()), a[1].toDouble(), a[2].toDouble(), a[3].toDouble(), a[4].toDouble(), {}};
            if (a.size() > 5)
                box.confidence = readOptional(a[5]);
            p.boxes.push_back(box);
        }
    }
    if (const json::Value *is = v.find("is")) {
        const json::Array &a = is->toArray();
        if (a.size() == 3) {
            p.imageWidth = int(a[0].toInt());
            p.imageHeight = int(a[1].toInt());
            p.imageDepth = int(a[2].toInt());
        }
    }
    if (const json::Value *s = v.find("s")) {
        for (const json::Value &e : s->toArray()) {
            const json::Array &a = e.toArray();
            if (a.size() < 3)
                return fail(Error::internal("stored span has fewer than 3 numbers"));
            Span span{int(a[0].toInt()), a[1].toInt(), a[2].toInt(), {}};
            if (a.size() > 3)
                span.confidence = readOptional(a[3]);
            p.spans.push_back(span);
        }
    }
    if (const json::Value *is = v.find("i")) {
        for (const json::Value &e : is->toArray()) {
            const json::Array &a = e.toArray();
            if (a.size() < 4 || !a[1].isArray() || !a[2].isArray())
                return fail(Error::internal("stored object has fewer than 4 parts"));
            Instance in;
            in.classId = int(a[0].toInt());
            for (int k : {1, 2})
                for (const json::Value &ring : a[size_t(k)].toArray()) {
                    std::vector<double> xy;
                    xy.reserve(ring.toArray().size());
                    for (const json::Value &d : ring.toArray())
                        xy.push_back(d.toDouble());
                    (k == 1 ? in.polygons : in.holes).push_back(std::move(xy));
                }
            in.rle = a[3].toString();
            if (a.size() > 4)
                in.confidence = readOptional(a[4]);
            in.labelmePixels = a.size() > 5 && a[5].isString() && a[5].toString() == "labelme";
            p.instances.push_back(std::move(in));
        }
    }
    if (const json::Value *mu = v.find("mu"))
        p.maskUri = mu->toString();
    return {};
}

Result<Payload> decodePayload(std::string_view text, std::string mask)
{
    Payload p;
    if (auto r = decodePayloadInto(text, mask, p); !r)
        return fail(r.error());
    return p;
}

std::vector<int> payloadClassIds(const Payload &p)
{
    std::vector<int> ids = p.classes;
    for (const Box &b : p.boxes)
        ids.push_back(b.classId);
    for (const Span &s : p.spans)
        ids.push_back(s.classId);
    for (const Instance &i : p.instances)
        ids.push_back(i.classId);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

bool sameLabel(const Payload &a, const Payload &b)
{
    std::vector<int> ca = a.classes, cb = b.classes;
    std::sort(ca.begin(), ca.end());
    std::sort(cb.begin(), cb.end());
    if (ca != cb || a.boxes.size() != b.boxes.size() || a.spans.size() != b.spans.size()
        || a.instances.size() != b.instances.size())
        return false;
    for (size_t i = 0; i < a.instances.size(); ++i) {
        const Instance &x = a.instances[i], &y = b.instances[i];
        if (x.classId != y.classId || x.polygons != y.polygons || x.holes != y.holes || x.rle != y.rle
            || (x.labelmePixels && !x.painted()) != (y.labelmePixels && !y.painted()))
            return false;
    }
    for (size_t i = 0; i < a.boxes.size(); ++i) {
        const Box &x = a.boxes[i], &y = b.boxes[i];
        if (x.classId != y.classId || x.left != y.left || x.top != y.top || x.width != y.width || x.height != y.height)
            return false;
    }
    for (size_t i = 0; i < a.spans.size(); ++i)
        if (a.spans[i].classId != b.spans[i].classId || a.spans[i].start != b.spans[i].start
            || a.spans[i].end != b.spans[i].end)
            return false;
    if (a.mask.empty() || b.mask.empty())
        return a.mask.empty() && b.mask.empty() && a.maskUri == b.maskUri;
    if (a.mask == b.mask)
        return true;
    auto ma = mask::decode(a.mask), mb = mask::decode(b.mask);
    return ma && mb && ma->width == mb->width && ma->height == mb->height && ma->pixels == mb->pixels;
}

Result<std::string> storedClassList(const Payload &p)
{
    if (!p.mask.empty())
        return mask::classIdsJson(p.mask);
    if (p.instances.empty())
        return std::string();
    std::vector<int> ids;
    for (const Instance &i : p.instances)
        ids.push_back(i.classId);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::string s = "[";
    for (size_t i = 0; i < ids.size(); ++i)
        s += (i ? "," : "") + std::to_string(ids[i]);
    return s + "]";
}

} // namespace gw::datasets
