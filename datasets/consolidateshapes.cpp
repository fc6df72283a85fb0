#include "datasets/consolidateshapes.h"

#include "datasets/instances.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <tuple>

namespace gw::datasets::consolidation {

namespace {

double round2(double v)
{
    return std::round(v * 100.0) / 100.0;
}

/// Greedy one-to-one matching of pairs (score, a, b) with score ≥ minScore, best first; the matched pairs.
std::vector<std::pair<size_t, size_t>> matchGreedy(std::vector<std::tuple<double, size_t, size_t>> pairs,
                                                    size_t na, size_t nb, double minScore)
{
    std::sort(pairs.begin(), pairs.end(), [](const auto &x, const auto &y) {
        if (std::get<0>(x) != std::get<0>(y))
            return std::get<0>(x) > std::get<0>(y);
        return std::tie(std::get<1>(x), std::get<2>(x)) < std::tie(std::get<1>(y), std::get<2>(y));
    });
    std::vector<bool> usedA(na), usedB(nb);
    std::vector<std::pair<size_t, size_t>> out;
    for (const auto &[score, a, b] : pairs) {
        if (score < minScore || usedA[a] || usedB[b])
            continue;
        usedA[a] = usedB[b] = true;
        out.emplace_back(a, b);
    }
    return out;
}

double jaccard(const Span &a, const Span &b)
{
    const int64_t inter = std::max<int64_t>(0, std::min(a.end, b.end) - std::max(a.start, b.start));
    const int64_t uni = (a.end - a.start) + (b.end - b.start) - inter;
    return uni > 0 ? double(inter) / double(uni) : 0.0;
}

/// The mode of values; the (lower) median when several values are the most frequent.
int64_t modeOrMedian(std::vector<int64_t> values)
{
    std::sort(values.begin(), values.end());
    std::map<int64_t, int> count;
    for (int64_t v : values)
        ++count[v];
    int best = 0, tied = 0;
    int64_t mode = values.front();
    for (const auto &[v, n] : count) {
        if (n > best) {
            best = n;
            mode = v;
            tied = 1;
        } else if (n == best) {
            ++tied;
        }
    }
    return tied == 1 ? mode : values[(values.size() - 1) / 2];
}

} // namespace

std::vector<LabelSet> multiLabel(const std::vector<LabelSetAnswer> &answers, int classes, bool majority,
                                 const Options &options)
{
    std::map<int64_t, std::vector<const LabelSetAnswer *>> byItem;
    for (const LabelSetAnswer &a : answers)
        byItem[a.item].push_back(&a);
    auto chose = [](const LabelSetAnswer &a, int c) {
        return std::find(a.labels.begin(), a.labels.end(), c) != a.labels.end();
    };
    // Per class, the probability each item has it (Dawid-Skene with two classes: absent, present).
    std::vector<std::map<int64_t, double>> present(size_t(std::max(classes, 0)));
    if (!majority)
        for (int c = 0; c < classes; ++c) {
            std::vector<Answer> binary;
            bool anyone = false;
            for (const LabelSetAnswer &a : answers) {
                const bool has = chose(a, c);
                anyone = anyone || has;
                binary.push_back({a.item, a.worker, has ? 1 : 0});
            }
            if (!anyone)
                continue;
            for (const Consolidated &item : dawidSkene(binary, 2, options).items)
                present[size_t(c)][item.item] =
                    item.answers < 2 ? 0.0 : std::min(round2(item.posterior[1]), options.confidenceCap);
        }
    std::vector<LabelSet> out;
    for (const auto &[item, list] : byItem) {
        LabelSet set;
        set.item = item;
        set.answers = int(list.size());
        for (int c = 0; c < classes; ++c) {
            const int votes = int(std::count_if(list.begin(), list.end(), [&](const LabelSetAnswer *a) { return chose(*a, c); }));
            if (majority ? 2 * votes > set.answers : votes > 0) {
                set.labels.push_back(c);
                set.confidence.push_back(majority ? round2(double(votes) / set.answers) : present[size_t(c)][item]);
            }
        }
        out.push_back(std::move(set));
    }
    return out;
}

double iou(const Box &a, const Box &b)
{
    const double w = std::min(a.left + a.width, b.left + b.width) - std::max(a.left, b.left);
    const double h = std::min(a.top + a.height, b.top + b.height) - std::max(a.top, b.top);
    if (w <= 0 || h <= 0)
        return 0.0;
    const double inter = w * h, uni = a.width * a.height + b.width * b.height - inter;
    return uni > 0 ? inter / uni : 0.0;
}

std::vector<Box> boxes(const std::vector<std::vector<Box>> &perWorker, double minIou)
{
    struct Cluster
    {
        int classId = 0;
        std::vector<Box> members;
        Box mean;
    };
    std::vector<Cluster> clusters;
    auto updateMean = [](Cluster &c) {
        Box m;
        m.classId = c.classId;
        for (const Box &b : c.members) {
            m.left += b.left;
            m.top += b.top;
            m.width += b.width;
            m.height += b.height;
        }
        const double n = double(c.members.size());
        m.left /= n;
        m.top /= n;
        m.width /= n;
        m.height /= n;
        c.mean = m;
    };
    for (const std::vector<Box> &answer : perWorker) {
        // This worker's boxes against the clusters so far (none of which holds a box of theirs yet).
        std::vector<std::tuple<double, size_t, size_t>> pairs;
        for (size_t b = 0; b < answer.size(); ++b)
            for (size_t c = 0; c < clusters.size(); ++c)
                if (clusters[c].classId == answer[b].classId)
                    pairs.emplace_back(iou(answer[b], clusters[c].mean), b, c);
        std::vector<bool> joined(answer.size());
        const size_t before = clusters.size();
        for (const auto &[b, c] : matchGreedy(std::move(pairs), answer.size(), before, minIou)) {
            clusters[c].members.push_back(answer[b]);
            joined[b] = true;
        }
        for (size_t c = 0; c < before; ++c)
            updateMean(clusters[c]);
        for (size_t b = 0; b < answer.size(); ++b)
            if (!joined[b]) {
                Cluster c;
                c.classId = answer[b].classId;
                c.members.push_back(answer[b]);
                updateMean(c);
                clusters.push_back(std::move(c));
            }
    }
    const double n = double(perWorker.size());
    std::vector<Box> out;
    for (const Cluster &c : clusters) {
        if (2 * c.members.size() < perWorker.size())
            continue; // fewer than half the workers drew it
        double overlap = 0;
        for (const Box &b : c.members)
            overlap += iou(b, c.mean);
        Box b = c.mean;
        b.confidence = round2(double(c.members.size()) / n * overlap / double(c.members.size()));
        out.push_back(b);
    }
    return out;
}

std::vector<Span> spans(const std::vector<std::vector<Span>> &perWorker, double minJaccard)
{
    struct Cluster
    {
        std::vector<Span> members;
    };
    std::vector<Cluster> clusters;
    auto representative = [](const Cluster &c) {
        std::vector<int64_t> starts, ends;
        for (const Span &s : c.members) {
            starts.push_back(s.start);
            ends.push_back(s.end);
        }
        Span r;
        r.start = modeOrMedian(starts);
        r.end = std::max(r.start + 1, modeOrMedian(ends));
        return r;
    };
    for (const std::vector<Span> &answer : perWorker) {
        std::vector<std::tuple<double, size_t, size_t>> pairs;
        const size_t before = clusters.size();
        std::vector<Span> reps;
        for (const Cluster &c : clusters)
            reps.push_back(representative(c));
        for (size_t s = 0; s < answer.size(); ++s)
            for (size_t c = 0; c < before; ++c)
                pairs.emplace_back(jaccard(answer[s], reps[c]), s, c);
        std::vector<bool> joined(answer.size());
        for (const auto &[s, c] : matchGreedy(std::move(pairs), answer.size(), before, minJaccard)) {
            clusters[c].members.push_back(answer[s]);
            joined[s] = true;
        }
        for (size_t s = 0; s < answer.size(); ++s)
            if (!joined[s])
                clusters.push_back(Cluster{{answer[s]}});
    }
    const size_t n = perWorker.size();
    std::vector<Span> out;
    for (const Cluster &c : clusters) {
        if (2 * c.members.size() < n)
            continue;
        std::map<int, int> votes;
        for (const Span &s : c.members)
            ++votes[s.classId];
        int best = -1, bestVotes = 0;
        for (const auto &[cls, v] : votes)
            if (v > bestVotes) { // ties: the lowest class id (the map is ordered)
                best = cls;
                bestVotes = v;
            }
        Span s = representative(c);
        s.classId = best;
        s.confidence = round2(double(bestVotes) / double(n));
        out.push_back(s);
    }
    std::sort(out.begin(), out.end(), [](const Span &a, const Span &b) { return std::tie(a.start, a.end) < std::tie(b.start, b.end); });
    return out;
}

std::optional<MaskVote> masks(const std::vector<mask::IndexedMask> &perWorker, bool smooth)
{
    if (perWorker.empty())
        return std::nullopt;
    const int w = perWorker.front().width, h = perWorker.front().height;
    for (const mask::IndexedMask &m : perWorker)
        if (m.width != w || m.height != h || m.pixels.size() != size_t(w) * size_t(h))
            return std::nullopt;
    const size_t pixels = size_t(w) * size_t(h);
    std::vector<int> values;
    {
        std::vector<bool> seen(256);
        for (const mask::IndexedMask &m : perWorker)
            for (uint8_t v : m.pixels)
                seen[v] = true;
        for (int v = 0; v < 256; ++v)
            if (seen[size_t(v)])
                values.push_back(v);
    }
    // Votes per value; smoothed: summed over each pixel's 3 × 3 neighbourhood (fewer at the border).
    std::vector<std::vector<uint16_t>> votes(values.size(), std::vector<uint16_t>(pixels, 0));
    std::vector<int> slot(256, -1);
    for (size_t i = 0; i < values.size(); ++i)
        slot[size_t(values[i])] = int(i);
    for (const mask::IndexedMask &m : perWorker)
        for (size_t p = 0; p < pixels; ++p)
            ++votes[size_t(slot[m.pixels[p]])][p];
    std::vector<uint16_t> total(pixels, uint16_t(perWorker.size()));
    if (smooth) {
        auto boxSum = [&](std::vector<uint16_t> &v) {
            std::vector<uint16_t> rows(pixels);
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    const size_t p = size_t(y) * size_t(w) + size_t(x);
                    rows[p] = uint16_t(v[p] + (x > 0 ? v[p - 1] : 0) + (x + 1 < w ? v[p + 1] : 0));
                }
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    const size_t p = size_t(y) * size_t(w) + size_t(x);
                    v[p] = uint16_t(rows[p] + (y > 0 ? rows[p - size_t(w)] : 0) + (y + 1 < h ? rows[p + size_t(w)] : 0));
                }
        };
        for (std::vector<uint16_t> &v : votes)
            boxSum(v);
        boxSum(total);
    }
    MaskVote out;
    out.mask.width = w;
    out.mask.height = h;
    out.mask.pixels.resize(pixels);
    double share = 0;
    for (size_t p = 0; p < pixels; ++p) {
        size_t best = 0;
        for (size_t i = 1; i < values.size(); ++i)
            if (votes[i][p] > votes[best][p]) // ties: the lower value
                best = i;
        out.mask.pixels[p] = uint8_t(values[best]);
        share += double(votes[best][p]) / double(total[p]);
    }
    out.confidence = pixels ? share / double(pixels) : 0.0;
    return out;
}

namespace {

/// F1 of shapes matched one to one with the same class and a score ≥ minScore (1 when both are empty).
template<typename Shape, typename Score>
double matchedF1(const std::vector<Shape> &answer, const std::vector<Shape> &consolidated, double minScore,
                 const Score &score)
{
    if (answer.empty() && consolidated.empty())
        return 1.0;
    std::vector<std::tuple<double, size_t, size_t>> pairs;
    for (size_t a = 0; a < answer.size(); ++a)
        for (size_t c = 0; c < consolidated.size(); ++c)
            if (answer[a].classId == consolidated[c].classId)
                pairs.emplace_back(score(answer[a], consolidated[c]), a, c);
    const size_t matched = matchGreedy(std::move(pairs), answer.size(), consolidated.size(), minScore).size();
    return 2.0 * double(matched) / double(answer.size() + consolidated.size());
}

} // namespace

double boxAgreement(const std::vector<Box> &answer, const std::vector<Box> &consolidated, double minIou)
{
    return matchedF1(answer, consolidated, minIou, iou);
}

double spanAgreement(const std::vector<Span> &answer, const std::vector<Span> &consolidated, double minJaccard)
{
    return matchedF1(answer, consolidated, minJaccard, jaccard);
}

double answerAgreement(TaskType type, const Payload &a, const Payload &b)
{
    switch (type) {
    case TaskType::BoundingBox: return boxAgreement(a.boxes, b.boxes);
    case TaskType::InstanceSegmentation: return boxAgreement(instances::outlineBoxes(a), instances::outlineBoxes(b));
    case TaskType::NamedEntityRecognition: return spanAgreement(a.spans, b.spans);
    case TaskType::SemanticSegmentation: {
        auto x = mask::decode(a.mask), y = mask::decode(b.mask);
        if (!x || !y || x->pixels.size() != y->pixels.size() || x->pixels.empty())
            return 0.0;
        size_t same = 0;
        for (size_t i = 0; i < x->pixels.size(); ++i)
            same += x->pixels[i] == y->pixels[i];
        return double(same) / double(x->pixels.size());
    }
    default: {
        std::vector<int> x = a.classes, y = b.classes, both;
        std::sort(x.begin(), x.end());
        std::sort(y.begin(), y.end());
        x.erase(std::unique(x.begin(), x.end()), x.end());
        y.erase(std::unique(y.begin(), y.end()), y.end());
        std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(both));
        const size_t either = x.size() + y.size() - both.size();
        return either ? double(both.size()) / double(either) : 1.0;
    }
    }
}

const char *agreementMeasure(TaskType type)
{
    switch (type) {
    case TaskType::BoundingBox: return "box F1 (IoU >= 0.5)";
    case TaskType::InstanceSegmentation: return "object F1 (box IoU >= 0.5)";
    case TaskType::NamedEntityRecognition: return "span F1 (overlap >= 0.5)";
    case TaskType::SemanticSegmentation: return "pixels in common";
    case TaskType::ImageClassificationMultiLabel:
    case TaskType::TextClassificationMultiLabel: return "labels in common (Jaccard)";
    default: return "same class";
    }
}

} // namespace gw::datasets::consolidation
