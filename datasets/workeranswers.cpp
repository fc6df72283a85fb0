#include "datasets/workeranswers.h"

#include "datasets/consolidateshapes.h"
#include "datasets/groundtruth.h"
#include "datasets/mask.h"
#include "datasets/json.h"
#include "datasets/payload.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <set>

namespace gw::datasets {

namespace {

bool singleLabelClassification(const Job &job)
{
    return job.type == TaskType::ImageClassification || job.type == TaskType::TextClassification;
}

/// Writes a consolidated label unless the item's current label is that already; whether it wrote.
Result<bool> writeConsolidated(ProjectStore &store, WriteTransaction &tx, int64_t jobId, int64_t item, Payload p,
                               std::optional<double> confidence, const std::string &author,
                               const std::string &extra = std::string())
{
    auto current = store.currentAnnotation(jobId, item);
    if (!current)
        return fail(current.error());
    if (*current && (*current)->provenance.source == Source::Consolidated
        && encodePayload((*current)->payload) == encodePayload(p) && (*current)->payload.mask == p.mask
        && (*current)->provenance.confidence == confidence && (*current)->extra == extra)
        return false;
    // A reviewer's fix (review.h) stands over the answers it was made from.
    if (*current && (*current)->provenance.source == Source::Human
        && (*current)->extra.find("\"fixedIn\"") != std::string::npos)
        return false;
    Annotation a;
    a.jobId = jobId;
    a.itemId = item;
    a.payload = std::move(p);
    a.provenance.confidence = confidence;
    a.provenance.source = Source::Consolidated;
    a.provenance.humanAnnotated = true;
    a.provenance.author = author;
    a.provenance.createdUs = nowUs();
    a.extra = extra;
    if (auto w = tx.putAnnotation(a); !w)
        return fail(w.error());
    return true;
}

/// A verdict job's consolidated verdict keeps what Ground Truth keeps (§6.6): the workers' non-empty comments as
/// worker-feedback, and the version of the reviewed label the answers were about.
struct VerdictNotes
{
    json::Array feedback;
    int64_t of = 0;

    void add(const std::string &extraText)
    {
        json::Value extra;
        if (extraText.empty() || !json::parse(extraText, extra))
            return;
        if (const json::Value *v = extra.find("of"))
            of = std::max(of, v->toInt());
        const json::Value *md = extra.find("metadata");
        const json::Value *list = md ? md->find("worker-feedback") : nullptr;
        if (list && list->isArray())
            for (const json::Value &f : list->toArray())
                if (const json::Value *c = f.find("comment"); c && c->isString() && !c->toString().empty())
                    feedback.push_back(f);
    }
    std::string extra() const
    {
        json::Object o;
        if (of)
            o.set("of", json::Value(of));
        if (!feedback.empty()) {
            json::Object md;
            md.set("worker-feedback", json::Value(feedback));
            o.set("metadata", json::Value(std::move(md)));
        }
        return o.empty() ? std::string() : json::toString(json::Value(std::move(o)));
    }
};

/// Consolidates the task types besides single-label classification (consolidateshapes.h).
Result<ConsolidationReport> consolidateOthers(ProjectStore &store, const Job &job, ConsolidationMethod method,
                                              const std::string &author, bool write)
{
    std::map<int64_t, std::vector<Annotation>> byItem;
    if (auto r = store.forEachAnswer(job.id, [&](const Annotation &a) {
            byItem[a.itemId].push_back(a);
            return true;
        });
        !r)
        return fail(r.error());
    consolidation::Workers workers;
    std::map<int64_t, consolidation::LabelSet> sets;
    if (job.type == TaskType::ImageClassificationMultiLabel || job.type == TaskType::TextClassificationMultiLabel) {
        std::vector<consolidation::LabelSetAnswer> answers;
        for (const auto &[item, list] : byItem)
            for (const Annotation &a : list) {
                consolidation::LabelSetAnswer x{item, workers.index(a.provenance.author), {}};
                for (int id : a.payload.classes)
                    if (const int pos = job.positionOf(id); pos >= 0)
                        x.labels.push_back(pos);
                answers.push_back(std::move(x));
            }
        for (consolidation::LabelSet &s : consolidation::multiLabel(answers, int(job.classes.size()),
                                                                    method == ConsolidationMethod::Majority))
            sets.emplace(s.item, std::move(s));
    }
    ConsolidationReport report;
    // Masks take a while to decode and vote on, and annotators write meanwhile: their labels are worked out outside
    // any transaction and written a few hundred at a time, each only if nobody answered the item (or took an
    // answer back) since it was read; such an item is left to the next run. The other types are quick: one
    // transaction.
    const bool slow = job.type == TaskType::SemanticSegmentation;
    auto newestHuman = [&](int64_t item) -> Result<int64_t> {
        auto versions = store.history(job.id, item);
        if (!versions)
            return fail(versions.error());
        int64_t newest = 0;
        for (const auto &v : *versions)
            if (v.annotation.provenance.source == Source::Human)
                newest = std::max(newest, v.annotation.id);
        return newest;
    };
    struct Pending
    {
        int64_t item;
        int64_t newestAnswer; ///< the newest version people gave of the item when its answers were read
        Payload payload;
        std::optional<double> confidence;
    };
    std::vector<Pending> pending;
    std::unique_ptr<WriteTransaction> tx;
    auto flush = [&]() -> Result<> {
        if (pending.empty() && !tx)
            return {};
        if (!tx) {
            auto begun = store.begin();
            if (!begun)
                return fail(begun.error());
            tx = std::move(*begun);
        }
        for (Pending &w : pending) {
            auto newest = newestHuman(w.item);
            if (!newest)
                return fail(newest.error());
            if (*newest != w.newestAnswer)
                continue; // answered (or taken back) since: the next run consolidates it
            auto written = writeConsolidated(store, *tx, job.id, w.item, std::move(w.payload), w.confidence, author);
            if (!written)
                return fail(written.error());
            report.written += *written ? 1 : 0;
        }
        pending.clear();
        auto committed = tx->commit();
        tx.reset();
        return committed;
    };
    if (write && !slow) {
        auto begun = store.begin();
        if (!begun)
            return fail(begun.error());
        tx = std::move(*begun);
    }
    std::map<std::string, std::pair<int64_t, double>> agreement; // worker → (answers compared, sum)
    std::map<std::string, int64_t> answered;
    for (const auto &[item, list] : byItem) {
        for (const Annotation &a : list)
            ++answered[a.provenance.author];
        if (list.size() < 2) {
            ++report.single;
            continue;
        }
        Payload p;
        std::optional<double> confidence;
        switch (job.type) {
        case TaskType::BoundingBox: {
            std::vector<std::vector<Box>> perWorker;
            for (const Annotation &a : list)
                perWorker.push_back(a.payload.boxes);
            p.boxes = consolidation::boxes(perWorker);
            p.imageWidth = list.front().payload.imageWidth;
            p.imageHeight = list.front().payload.imageHeight;
            p.imageDepth = list.front().payload.imageDepth;
            break;
        }
        case TaskType::NamedEntityRecognition: {
            std::vector<std::vector<Span>> perWorker;
            for (const Annotation &a : list)
                perWorker.push_back(a.payload.spans);
            p.spans = consolidation::spans(perWorker);
            break;
        }
        case TaskType::SemanticSegmentation: {
            std::vector<mask::IndexedMask> perWorker;
            for (const Annotation &a : list) {
                auto m = mask::decode(a.payload.mask);
                if (!m)
                    return fail(Error::invalid("the mask " + a.provenance.author + " gave item " + std::to_string(item)
                                               + ": " + m.error().message));
                perWorker.push_back(std::move(*m));
            }
            auto vote = consolidation::masks(perWorker, method != ConsolidationMethod::Majority);
            if (!vote) {
                ++report.single; // masks of different sizes: nothing to vote on
                continue;
            }
            auto png = mask::encodeStored(vote->mask, job.classes);
            if (!png)
                return fail(png.error());
            p.mask = std::move(*png);
            confidence = vote->confidence;
            break;
        }
        case TaskType::InstanceSegmentation: {
            // Objects have no vote like boxes' averaged corners: the answer that agrees best with the others
            // (object F1, boxes matched at IoU >= 0.5) is the label, their mean agreement its confidence.
            double best = -1;
            for (const Annotation &a : list) {
                double sum = 0;
                for (const Annotation &b : list)
                    if (&a != &b)
                        sum += consolidation::answerAgreement(job.type, a.payload, b.payload);
                const double mean = sum / double(list.size() - 1);
                if (mean > best) {
                    best = mean;
                    p = a.payload;
                }
            }
            for (Instance &object : p.instances)
                object.confidence.reset();
            confidence = best;
            break;
        }
        default: {
            const consolidation::LabelSet &set = sets.at(item);
            for (size_t i = 0; i < set.labels.size(); ++i) {
                p.classes.push_back(job.classes[size_t(set.labels[i])].id);
                p.classConfidence.push_back(set.confidence[i]);
            }
            break;
        }
        }
        ++report.items;
        double itemAgreement = 0;
        for (const Annotation &a : list) {
            auto &[n, sum] = agreement[a.provenance.author];
            ++n;
            const double agrees = consolidation::answerAgreement(job.type, a.payload, p);
            sum += agrees;
            itemAgreement += agrees;
        }
        // Boxes, entities and label sets carry their confidences inside; the label's own says how well the
        // answers agree with it, so that a review can take the items people agree on least.
        if (!confidence)
            confidence = std::round(itemAgreement / double(list.size()) * 100.0) / 100.0;
        if (!write)
            continue;
        if (!slow) {
            auto written = writeConsolidated(store, *tx, job.id, item, std::move(p), confidence, author);
            if (!written)
                return fail(written.error());
            report.written += *written ? 1 : 0;
            continue;
        }
        auto newest = newestHuman(item);
        if (!newest)
            return fail(newest.error());
        pending.push_back({item, *newest, std::move(p), confidence});
        if (pending.size() >= 64)
            if (auto r = flush(); !r)
                return fail(r.error());
    }
    if (write)
        if (auto r = flush(); !r)
            return fail(r.error());
    for (const auto &[name, n] : answered) {
        ConsolidationReport::Worker w;
        w.id = name;
        w.answers = n;
        if (auto it = agreement.find(name); it != agreement.end() && it->second.first > 0) {
            w.compared = it->second.first;
            w.agreement = it->second.second / double(it->second.first);
            w.accuracy = w.agreement; // no model of each worker here: how well they match the consolidated labels
        }
        report.workers.push_back(w);
    }
    std::stable_sort(report.workers.begin(), report.workers.end(),
                     [](const auto &a, const auto &b) { return a.answers > b.answers; });
    return report;
}

} // namespace

Result<ConsolidationReport> consolidateJob(ProjectStore &store, const Job &job, ConsolidationMethod method,
                                           const std::string &author, bool write)
{
    if (!singleLabelClassification(job))
        return consolidateOthers(store, job, method, author, write);
    // Each worker's answer for each item: their latest version, unless they took it back. Answers are what
    // people gave here or as workers; imported and consolidated labels are not.
    std::map<std::pair<int64_t, std::string>, int> latest;
    std::map<int64_t, VerdictNotes> notes; // verdict jobs: per item
    if (auto r = store.forEachAnswer(job.id, [&](const Annotation &a) {
            if (a.payload.classes.size() == 1
                && job.positionOf(a.payload.classes.front()) >= 0)
                latest[{a.itemId, a.provenance.author}] = job.positionOf(a.payload.classes.front());
            if (job.givesVerdicts())
                notes[a.itemId].add(a.extra);
            return true;
        });
        !r)
        return fail(r.error());
    consolidation::Workers workers;
    std::vector<consolidation::Answer> answers;
    answers.reserve(latest.size());
    for (const auto &[key, label] : latest)
        answers.push_back({key.first, workers.index(key.second), label});
    const int classes = int(job.classes.size());
    const consolidation::Outcome outcome = method == ConsolidationMethod::Majority
                                               ? consolidation::majorityVote(answers, classes)
                                               : consolidation::dawidSkene(answers, classes);
    ConsolidationReport report;
    std::unique_ptr<WriteTransaction> tx;
    if (write) {
        auto begun = store.begin();
        if (!begun)
            return fail(begun.error());
        tx = std::move(*begun);
    }
    std::map<int64_t, int> consolidated; // item -> label index, for items two or more answered
    for (const consolidation::Consolidated &c : outcome.items) {
        if (c.answers < 2) {
            ++report.single;
            continue;
        }
        ++report.items;
        consolidated[c.item] = c.label;
        if (!write)
            continue;
        Payload p;
        p.classes = {job.classes[size_t(c.label)].id};
        p.classConfidence = {std::nullopt};
        // Single-label: the label's confidence, as Ground Truth writes it.
        const auto note = notes.find(c.item);
        auto written = writeConsolidated(store, *tx, job.id, c.item, std::move(p), c.confidence, author,
                                         note == notes.end() ? std::string() : note->second.extra());
        if (!written)
            return fail(written.error());
        if (!*written)
            continue;
        ++report.written;
    }
    if (tx)
        if (auto c = tx->commit(); !c)
            return fail(c.error());
    std::vector<int64_t> agreed(size_t(workers.count()), 0), counted(size_t(workers.count()), 0);
    for (const consolidation::Answer &a : answers)
        if (auto it = consolidated.find(a.item); it != consolidated.end()) {
            ++counted[size_t(a.worker)];
            agreed[size_t(a.worker)] += a.label == it->second;
        }
    for (const consolidation::WorkerQuality &w : outcome.workers)
        report.workers.push_back({workers.id(w.worker), w.answers, w.accuracy,
                                  counted[size_t(w.worker)] ? double(agreed[size_t(w.worker)]) / double(counted[size_t(w.worker)]) : 0.0,
                                  counted[size_t(w.worker)]});
    std::stable_sort(report.workers.begin(), report.workers.end(),
                     [](const auto &a, const auto &b) { return a.answers > b.answers; });
    return report;
}


Result<std::optional<Annotation>> answerOf(const ProjectStore &store, int64_t jobId, int64_t itemId,
                                          const std::string &worker)
{
    auto versions = store.history(jobId, itemId);
    if (!versions)
        return fail(versions.error());
    // Their latest by the time it was given, then by id (as ProjectStore::forEachAnswer).
    const ProjectStore::HistoryEntry *latest = nullptr;
    for (const ProjectStore::HistoryEntry &v : *versions)
        if (v.annotation.provenance.author == worker && v.annotation.provenance.source == Source::Human
            && (!latest || v.annotation.provenance.createdUs >= latest->annotation.provenance.createdUs))
            latest = &v;
    if (!latest || latest->deleted)
        return std::optional<Annotation>();
    return std::optional<Annotation>(latest->annotation);
}

Result<WorkersReport> workersOf(ProjectStore &store, const Job &job)
{
    WorkersReport report;
    report.annotators = std::max(job.annotatorsPerItem, 1);
    auto progress = store.workProgress(job.id);
    if (!progress)
        return fail(progress.error());
    report.progress = *progress;
    struct Tally
    {
        std::set<int64_t> items, hours;
        std::vector<int64_t> spentMs;
        int64_t lastUs = 0;
    };
    std::map<std::string, Tally> tally;
    if (auto r = store.forEachAnswer(job.id, [&](const Annotation &a) {
            Tally &t = tally[a.provenance.author];
            if (t.items.insert(a.itemId).second && a.provenance.timeSpentMs > 0)
                t.spentMs.push_back(a.provenance.timeSpentMs);
            t.hours.insert(a.provenance.createdUs / 3'600'000'000LL);
            t.lastUs = std::max(t.lastUs, a.provenance.createdUs);
            return true;
        });
        !r)
        return fail(r.error());
    auto leases = store.leases(job.id, std::string());
    if (!leases)
        return fail(leases.error());
    std::map<std::string, int64_t> queued;
    for (const Lease &l : *leases)
        ++queued[l.worker];
    std::map<std::string, ConsolidationReport::Worker> quality;
    if (!job.classes.empty()) {
        auto c = consolidateJob(store, job, ConsolidationMethod::DawidSkene, std::string(), false);
        if (!c)
            return fail(c.error());
        for (const ConsolidationReport::Worker &w : c->workers)
            quality[w.id] = w;
    }
    std::set<std::string> names;
    for (const auto &[name, t] : tally)
        names.insert(name);
    for (const auto &[name, n] : queued)
        names.insert(name);
    for (const std::string &name : names) {
        WorkerRow row;
        row.worker = name;
        if (auto t = tally.find(name); t != tally.end()) {
            row.answers = int64_t(t->second.items.size());
            row.perHour = t->second.hours.empty() ? 0.0 : double(row.answers) / double(t->second.hours.size());
            row.lastUs = t->second.lastUs;
            std::vector<int64_t> &spent = t->second.spentMs;
            if (!spent.empty()) {
                std::nth_element(spent.begin(), spent.begin() + ptrdiff_t(spent.size() / 2), spent.end());
                row.medianSeconds = double(spent[spent.size() / 2]) / 1000.0;
            }
        }
        if (auto q = queued.find(name); q != queued.end())
            row.queued = q->second;
        // Accuracy and agreement only mean something where someone else answered the same items.
        if (auto w = quality.find(name); w != quality.end() && w->second.compared > 0) {
            if (singleLabelClassification(job)) // other types have no model of each worker to estimate it from
                row.accuracy = w->second.accuracy;
            row.agreement = w->second.agreement;
        }
        report.workers.push_back(std::move(row));
    }
    std::stable_sort(report.workers.begin(), report.workers.end(),
                     [](const WorkerRow &a, const WorkerRow &b) { return a.answers > b.answers; });
    return report;
}

} // namespace gw::datasets
