#include "datasets/review.h"

#include "datasets/json.h"
#include "datasets/payload.h"

#include <algorithm>

namespace gw::datasets::review {

namespace {

constexpr const char *kOf = "of"; ///< the extra key naming the parent version a chained job's label is about

json::Value parsedExtra(const std::string &text)
{
    json::Value v;
    if (text.empty() || !json::parse(text, v) || !v.isObject())
        return json::Value(json::Object());
    return v;
}

} // namespace

Result<Job> chainedJob(JobKind kind, const Job &parent, std::string name, std::vector<std::string> verdicts)
{
    Job j;
    j.name = std::move(name);
    j.kind = kind;
    j.parentId = parent.id;
    j.annotatorsPerItem = 1;
    const bool image = taskInfo(parent.type).image;
    switch (kind) {
    case JobKind::Labeling: return fail(Error::invalid("a labeling job has no parent"));
    case JobKind::Review:
        if (!verdicts.empty())
            return fail(Error::invalid("a review job's verdicts are 'accept' and 'reject'"));
        verdicts = {"accept", "reject"};
        [[fallthrough]];
    case JobKind::Verification:
        if (verdicts.empty())
            verdicts = {"correct", "incorrect"};
        if (verdicts.size() < 2)
            return fail(Error::invalid("a verification job needs at least two verdicts"));
        j.type = image ? TaskType::ImageClassification : TaskType::TextClassification;
        for (size_t i = 0; i < verdicts.size(); ++i) {
            LabelClass c;
            c.id = int(i);
            c.name = verdicts[i];
            c.color = i == 0 ? "#2ca02c" : i == 1 ? "#d62728" : defaultClassColor(int(i));
            j.classes.push_back(std::move(c));
        }
        if (kind == JobKind::Review) {
            // Enter and Backspace do the same in the window; the keys are for the rest.
            j.classes[0].shortcut = "A";
            j.classes[1].shortcut = "R";
        } else {
            assignDefaultKeys(j.classes);
        }
        j.instructions = kind == JobKind::Review
                             ? "Check the label of job '" + parent.name + "': accept it (Enter), fix it and accept, "
                                   "or reject it with a reason (Backspace) to send the item back."
                             : "Is the label of job '" + parent.name + "' right? Choose a verdict for each item.";
        break;
    case JobKind::Adjustment:
        j.type = parent.type;
        j.classes = parent.classes;
        j.allowOverlap = parent.allowOverlap;
        j.instructions = "Adjust the label of job '" + parent.name + "': edit it where it is wrong, Enter keeps it.";
        break;
    }
    return j;
}

int rejectClass(const Job &job)
{
    if (job.kind != JobKind::Review)
        return -1;
    const LabelClass *c = job.classByName("reject");
    return c ? c->id : -1;
}

Result<Annotation> recordVerdict(ProjectStore &store, const Job &job, int64_t itemId, int classId,
                                 const std::string &comment, const Provenance &reviewer, int64_t seenVersion)
{
    if (!job.givesVerdicts())
        return fail(Error::invalid("job '" + job.name + "' does not take verdicts"));
    const LabelClass *cls = job.classById(classId);
    if (!cls)
        return fail(Error::invalid("job '" + job.name + "' has no verdict with id " + std::to_string(classId)));
    const bool reject = classId == rejectClass(job);
    if (reject && comment.find_first_not_of(" \t\r\n") == std::string::npos)
        return fail(Error::invalid("a rejection needs a reason: the annotator sees it when the item comes back"));
    auto tx = store.begin();
    if (!tx)
        return fail(tx.error());
    auto parent = store.currentAnnotation(job.parentId, itemId);
    if (!parent)
        return fail(parent.error());
    if (!*parent)
        return fail(Error::notFound("item " + std::to_string(itemId) + " has no label to review in the parent job"));
    if (seenVersion && (*parent)->id != seenVersion)
        return fail(Error::conflict("the label of item " + std::to_string(itemId) + " was changed by "
                                    + (*parent)->provenance.author + " while you looked at it: look at it again"));
    Annotation verdict;
    verdict.jobId = job.id;
    verdict.itemId = itemId;
    verdict.payload.classes = {classId};
    verdict.payload.classConfidence = {std::nullopt};
    verdict.provenance = reviewer;
    verdict.provenance.createdUs = 0;
    json::Object extra;
    extra.set(kOf, json::Value((*parent)->id));
    if ((*parent)->provenance.source == Source::Human && (*parent)->provenance.author == reviewer.author)
        extra.set("fixed", json::Value(true));
    if (!comment.empty()) {
        json::Object feedback;
        feedback.set("comment", json::Value(comment));
        json::Array list;
        list.push_back(json::Value(std::move(feedback)));
        json::Object md;
        md.set("worker-feedback", json::Value(std::move(list)));
        extra.set("metadata", json::Value(std::move(md)));
    }
    verdict.extra = json::toString(json::Value(std::move(extra)));
    if (auto r = (*tx)->putAnnotation(verdict); !r)
        return fail(r.error());
    if (reject) {
        json::Object why;
        why.set("by", json::Value(reviewer.author));
        why.set("reason", json::Value(comment));
        why.set("job", json::Value(job.name));
        why.set("version", json::Value((*parent)->id));
        json::Object rejected;
        rejected.set("rejected", json::Value(std::move(why)));
        auto sent = (*tx)->sendBack(job.parentId, itemId, reviewer, json::toString(json::Value(std::move(rejected))));
        if (!sent)
            return fail(sent.error());
        if (*sent == 0)
            return fail(Error::internal("item " + std::to_string(itemId) + " could not be sent back"));
    }
    if (auto r = (*tx)->commit(); !r)
        return fail(r.error());
    return verdict;
}

Result<std::optional<Rejection>> rejectionOf(const ProjectStore &store, int64_t jobId, int64_t itemId)
{
    auto history = store.history(jobId, itemId);
    if (!history)
        return fail(history.error());
    // The item's current version (history-only rows, such as an older answer merged later, may come after it).
    auto current = std::find_if(history->rbegin(), history->rend(), [](const auto &e) { return e.supersededUs == 0; });
    if (current == history->rend() || !current->deleted)
        return std::optional<Rejection>();
    const auto &last = *current;
    const json::Value extra = parsedExtra(last.annotation.extra);
    const json::Value *why = extra.find("rejected");
    if (!why || !why->isObject())
        return std::optional<Rejection>();
    Rejection r;
    if (const json::Value *v = why->find("by"))
        r.reviewer = v->toString();
    if (const json::Value *v = why->find("reason"))
        r.reason = v->toString();
    if (const json::Value *v = why->find("job"))
        r.reviewJob = v->toString();
    r.atUs = last.annotation.provenance.createdUs;
    return std::optional<Rejection>(std::move(r));
}

Result<std::optional<Annotation>> currentVerdict(const ProjectStore &store, const Job &job, int64_t itemId)
{
    auto verdict = store.currentAnnotation(job.id, itemId);
    if (!verdict)
        return fail(verdict.error());
    if (!*verdict || !job.parentId)
        return std::optional<Annotation>();
    auto parent = store.currentAnnotation(job.parentId, itemId);
    if (!parent)
        return fail(parent.error());
    const json::Value extra = parsedExtra((*verdict)->extra);
    const json::Value *reviewed = extra.find(kOf);
    // About the label there now, or a rejection that took it away (nothing there since).
    const bool current = *parent ? reviewed && reviewed->toInt() == (*parent)->id
                                 : (*verdict)->payload.classes.size() == 1
                                       && (*verdict)->payload.classes.front() == rejectClass(job);
    if (!current)
        return std::optional<Annotation>();
    return std::move(*verdict);
}

Result<std::optional<Annotation>> startingLabel(const ProjectStore &store, const Job &job, int64_t itemId)
{
    if (job.kind != JobKind::Adjustment)
        return std::optional<Annotation>();
    auto parent = store.currentAnnotation(job.parentId, itemId);
    if (!parent)
        return fail(parent.error());
    if (!*parent)
        return std::optional<Annotation>();
    Annotation a = std::move(**parent);
    a.jobId = job.id;
    a.id = 0;
    a.extra.clear();
    return std::optional<Annotation>(std::move(a));
}

Result<> markAdjustment(const ProjectStore &store, const Job &job, Annotation &label)
{
    if (job.kind != JobKind::Adjustment)
        return {};
    auto parent = store.currentAnnotation(job.parentId, label.itemId);
    if (!parent)
        return fail(parent.error());
    json::Value extra = parsedExtra(label.extra);
    json::Object &o = extra.object();
    json::Value md = o.find("metadata") && o.find("metadata")->isObject() ? *o.find("metadata")
                                                                           : json::Value(json::Object());
    const bool adjusted = !*parent || !sameLabel((*parent)->payload, label.payload);
    md.object().set("adjustment-status", json::Value(adjusted ? "adjusted" : "unadjusted"));
    o.set("metadata", std::move(md));
    if (*parent)
        o.set(kOf, json::Value((*parent)->id));
    label.extra = json::toString(extra);
    return {};
}

} // namespace gw::datasets::review
