#include "datasets/splits.h"

#include "datasets/json.h"
#include "datasets/mask.h"

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>
#include <unordered_map>

namespace gw::datasets {

namespace {

constexpr const char *kUnlabelled = "(unlabeled)";

/// The stratum of a label: what the split should keep in proportion.
std::string signature(const Job &job, const Payload &p)
{
    std::set<int> ids;
    switch (job.type) {
    case TaskType::ImageClassification:
    case TaskType::ImageClassificationMultiLabel:
    case TaskType::TextClassification:
    case TaskType::TextClassificationMultiLabel: ids.insert(p.classes.begin(), p.classes.end()); break;
    case TaskType::BoundingBox:
        for (const Box &b : p.boxes)
            ids.insert(b.classId);
        if (ids.empty())
            return "(no objects)";
        break;
    case TaskType::SemanticSegmentation: {
        auto present = mask::classIds(p.mask);
        if (!present)
            return "(mask not readable)";
        ids.insert(present->begin(), present->end());
        if (ids.empty())
            return "(background only)";
        break;
    }
    case TaskType::InstanceSegmentation:
        for (const Instance &i : p.instances)
            ids.insert(i.classId);
        if (ids.empty())
            return "(no objects)";
        break;
    case TaskType::NamedEntityRecognition:
        for (const Span &s : p.spans)
            ids.insert(s.classId);
        if (ids.empty())
            return "(no entities)";
        break;
    }
    std::string out;
    for (int id : ids) {
        const LabelClass *c = job.classById(id);
        out += (out.empty() ? "" : " + ") + (c ? c->name : "class " + std::to_string(id));
    }
    return out.empty() ? std::string(kUnlabelled) : out;
}

int splitIndex(const std::string &name)
{
    for (size_t i = 0; i < kSplitNames.size(); ++i)
        if (name == kSplitNames[i])
            return int(i);
    return -1;
}

struct Group
{
    std::vector<size_t> members; ///< indices into the item list
    std::string stratum;
    int fixed = -1;              ///< a split a member already has (keepExisting)
};

} // namespace

Result<SplitReport> assignSplits(ProjectStore &store, const SplitOptions &o)
{
    std::array<double, 3> ratios = o.ratios;
    const double sum = ratios[0] + ratios[1] + ratios[2];
    if (sum <= 0 || std::any_of(ratios.begin(), ratios.end(), [](double r) { return r < 0; }))
        return fail(Error::invalid("split ratios must be zero or more, and not all zero"));
    for (double &r : ratios)
        r /= sum;

    std::optional<Job> job;
    ItemFilter filter;
    if (!o.job.empty()) {
        auto j = store.job(o.job);
        if (!j)
            return fail(j.error());
        job = *j;
        filter.kind = taskInfo(job->type).image ? MediaKind::Image : MediaKind::Text;
    }
    std::vector<Item> items;
    if (auto r = store.forEachItem(filter, [&](const Item &it) {
            items.push_back(it);
            return true;
        });
        !r)
        return fail(r.error());
    std::unordered_map<int64_t, std::string> strata;
    if (job)
        if (auto r = store.forEachAnnotation(job->id, [&](const Annotation &a) {
                strata[a.itemId] = signature(*job, a.payload);
                return true;
            });
            !r)
            return fail(r.error());

    // Groups: by key when asked, else one item each.
    std::vector<Group> groups;
    std::unordered_map<std::string, size_t> groupOf;
    for (size_t i = 0; i < items.size(); ++i) {
        const Item &it = items[i];
        std::string key;
        if (o.groupBy == SplitOptions::GroupBy::Folder) {
            if (it.kind != MediaKind::Image)
                return fail(Error::invalid("texts have no folder to group by: group by a field instead"));
            key = "folder:" + std::filesystem::path(it.uri).parent_path().string();
        } else if (o.groupBy == SplitOptions::GroupBy::Field) {
            json::Value extra;
            if (!it.extra.empty() && json::parse(it.extra, extra))
                if (const json::Value *v = extra.find(o.field))
                    key = "field:" + (v->isString() ? v->toString() : json::toString(*v));
        }
        if (key.empty()) {
            groups.push_back({{i}, {}, -1});
            continue;
        }
        auto [at, added] = groupOf.emplace(key, groups.size());
        if (added)
            groups.push_back({{i}, {}, -1});
        else
            groups[at->second].members.push_back(i);
    }

    SplitReport report;
    report.groups = int64_t(groups.size());
    // A group's stratum is its members' most common one; a group with a member already split stays there.
    std::map<std::string, std::vector<size_t>> byStratum;
    std::map<std::string, std::array<double, 3>> counts;
    for (size_t g = 0; g < groups.size(); ++g) {
        Group &group = groups[g];
        std::map<std::string, int> seen;
        for (size_t m : group.members) {
            auto s = strata.find(items[m].id);
            ++seen[s == strata.end() ? std::string(kUnlabelled) : s->second];
            if (o.keepExisting && group.fixed < 0)
                group.fixed = splitIndex(items[m].split);
        }
        group.stratum = std::max_element(seen.begin(), seen.end(), [](const auto &a, const auto &b) {
                            return a.second < b.second;
                        })->first;
        if (group.fixed >= 0)
            counts[group.stratum][size_t(group.fixed)] += double(group.members.size());
        else
            byStratum[group.stratum].push_back(g);
    }

    std::mt19937_64 rng(o.seed);
    for (auto &[stratum, members] : byStratum) {
        // A reproducible shuffle (std::shuffle's draws are the library's choice).
        for (size_t i = members.size(); i > 1; --i)
            std::swap(members[i - 1], members[size_t(rng() % i)]);
        std::array<double, 3> &have = counts[stratum];
        double total = have[0] + have[1] + have[2];
        for (size_t g : members)
            total += double(groups[g].members.size());
        for (size_t g : members) {
            // The split furthest below its share of this stratum.
            int best = -1;
            double bestDeficit = 0;
            for (int s = 0; s < 3; ++s) {
                if (ratios[size_t(s)] <= 0)
                    continue;
                const double deficit = ratios[size_t(s)] * total - have[size_t(s)];
                if (best < 0 || deficit > bestDeficit + 1e-9) {
                    best = s;
                    bestDeficit = deficit;
                }
            }
            groups[g].fixed = best;
            have[size_t(best)] += double(groups[g].members.size());
        }
    }

    auto tx = store.begin();
    if (!tx)
        return fail(tx.error());
    for (const Group &group : groups) {
        const std::string name = kSplitNames[size_t(group.fixed)];
        for (size_t m : group.members) {
            Item &it = items[m];
            ++report.items[size_t(group.fixed)];
            ++report.strata[group.stratum][size_t(group.fixed)];
            if (it.split == name) {
                report.kept += o.keepExisting ? 1 : 0;
                continue;
            }
            if (auto r = (*tx)->setSplit(it.id, name); !r)
                return fail(r.error());
        }
    }
    if (auto r = (*tx)->commit(); !r)
        return fail(r.error());
    const std::string detail = "train " + std::to_string(report.items[0]) + ", validation " +
                               std::to_string(report.items[1]) + ", test " + std::to_string(report.items[2]) +
                               " (seed " + std::to_string(o.seed) + (o.job.empty() ? "" : ", stratified by " + o.job) +
                               ")";
    (void)store.logChange(o.author, "split", detail);
    return report;
}

} // namespace gw::datasets
