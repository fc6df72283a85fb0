#include "activelearning/autolabeler.h"

#include "activelearning/imagecache.h"
#include "activelearning/runs.h"
#include "datasets/json.h"
#include "datasets/media.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <tuple>
#include <set>

namespace gw::activelearning {

using namespace gw::datasets;

namespace {

double secondsSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

bool isHuman(const Annotation &a)
{
    return a.provenance.source == Source::Human || a.provenance.source == Source::Consolidated
           || (a.provenance.source == Source::Imported && a.provenance.humanAnnotated);
}

int rolePriority(const std::string &role)
{
    if (role == roles::validation || role == roles::probe)
        return 0;
    if (role == roles::audit)
        return 1;
    return 2;
}

/// Greedy farthest-point selection among candidates (probability vectors), starting from the most
/// uncertain: a batch of mutually different items rather than fifty near-duplicates.
std::vector<size_t> diverse(const std::vector<std::vector<float>> &points, size_t k)
{
    std::vector<size_t> chosen;
    if (points.empty() || k == 0)
        return chosen;
    std::vector<double> nearest(points.size(), std::numeric_limits<double>::infinity());
    size_t next = 0;
    while (chosen.size() < std::min(k, points.size())) {
        chosen.push_back(next);
        double best = -1;
        const size_t last = chosen.back();
        for (size_t i = 0; i < points.size(); ++i) {
            double d = 0;
            for (size_t c = 0; c < points[i].size(); ++c) {
                const double diff = points[i][c] - points[last][c];
                d += diff * diff;
            }
            nearest[i] = std::min(nearest[i], d);
            // Candidates come sorted by uncertainty: on ties the more uncertain one wins.
            if (nearest[i] > best) {
                best = nearest[i];
                next = i;
            }
        }
        if (best <= 0)
            break; // the rest repeat what is chosen
    }
    // Fill what is left in order of uncertainty: a batch is never short because the model's outputs are alike.
    std::vector<bool> taken(points.size(), false);
    for (size_t c : chosen)
        taken[c] = true;
    for (size_t i = 0; i < points.size() && chosen.size() < std::min(k, points.size()); ++i)
        if (!taken[i])
            chosen.push_back(i);
    return chosen;
}

} // namespace

struct AutoLabeler::State
{
    std::map<int64_t, Annotation> labels;    ///< current labels of the job
    std::map<int64_t, std::string> roles;    ///< queue roles
    std::map<int64_t, size_t> queuedAt;      ///< position in the order the loop queued items
    int64_t human = 0, automatic = 0;
    int iteration = 0;
};

AutoLabeler::AutoLabeler(ProjectStore &store, Job job, LoopOptions options)
    : m_store(store), m_job(std::move(job)), m_opt(std::move(options))
{
    if (m_opt.cacheDir.empty())
        m_opt.cacheDir = ImageFeatureCache::cacheDirForProject(store.path());
}

Result<> AutoLabeler::supports(const Job &job)
{
    if (job.type != TaskType::ImageClassification && job.type != TaskType::TextClassification)
        return fail(Error::invalid("automated labeling handles single-label image and text classification; job '"
                                   + job.name + "' is " + std::string(taskInfo(job.type).id)));
    if (job.classes.size() < 2)
        return fail(Error::invalid("job '" + job.name + "' needs at least two classes"));
    return {};
}

Result<> AutoLabeler::loadItems()
{
    if (!m_items.empty())
        return {};
    ItemFilter f;
    f.kind = taskInfo(m_job.type).image ? MediaKind::Image : MediaKind::Text;
    auto r = m_store.forEachItem(f, [&](const Item &it) {
        if (it.flags & (ItemSetAside | ItemMissing | ItemCorrupt))
            return true; // out of the dataset, or no image to show: neither queued nor auto-labelled
        m_rowOf[it.id] = int(m_items.size());
        m_items.push_back(it);
        return true;
    });
    if (!r)
        return r;
    if (m_items.empty())
        return fail(Error::invalid("the project has no items for job '" + m_job.name + "'"));
    return {};
}

Result<AutoLabeler::State> AutoLabeler::readState() const
{
    State s;
    auto each = m_store.forEachAnnotation(m_job.id, [&](const Annotation &a) {
        if (isHuman(a))
            ++s.human;
        else if (a.provenance.source == Source::Auto)
            ++s.automatic;
        s.labels.emplace(a.itemId, a);
        return true;
    });
    if (!each)
        return fail(each.error());
    auto assigned = m_store.assignments(m_job.id, kLoopWorker);
    if (!assigned)
        return fail(assigned.error());
    for (const Assignment &a : *assigned) {
        s.roles[a.itemId] = a.role;
        s.queuedAt.emplace(a.itemId, s.queuedAt.size());
    }
    auto runs = m_store.runs(m_job.id);
    if (!runs)
        return fail(runs.error());
    for (const Run &r : *runs)
        s.iteration += r.kind == "autolabel" && r.status == "done" ? 1 : 0;
    return s;
}

IterationReport AutoLabeler::reportOf(const Run &run)
{
    IterationReport rep;
    rep.runId = run.id;
    json::Value m;
    if (!json::parse(run.metrics, m) || !m.isObject())
        return rep;
    auto num = [&](const char *key) { const json::Value *v = m.find(key); return v ? v->toDouble() : 0.0; };
    auto count = [&](const char *key) { const json::Value *v = m.find(key); return v ? v->toInt() : int64_t(0); };
    rep.iteration = int(count("iteration"));
    rep.humanLabels = count("human_labels");
    rep.autoLabeledNow = count("auto_labeled_now");
    rep.autoLabeledTotal = count("auto_labeled_total");
    rep.queuedForPeople = count("queued_for_people");
    rep.unlabeled = count("unlabeled");
    rep.items = count("items");
    rep.validationAccuracy = num("validation_accuracy");
    rep.temperature = m.find("temperature") ? num("temperature") : 1.0;
    if (const json::Value *t = m.find("threshold"); t && t->isNumber())
        rep.threshold = t->toDouble();
    rep.estimatedAccuracy = num("estimated_accuracy");
    if (const json::Value *a = m.find("audited_accuracy"); a && a->isNumber())
        rep.auditedAccuracy = a->toDouble();
    rep.audited = count("audited");
    rep.trainSeconds = num("train_seconds");
    rep.scoreSeconds = num("score_seconds");
    rep.trained = m.find("curve") && !m.find("curve")->toArray().empty();
    if (const json::Value *c = m.find("curve"); c && c->isArray())
        for (const json::Value &point : c->toArray()) {
            if (!point.isArray() || point.toArray().size() < 4)
                continue;
            const json::Array &a = point.toArray();
            ThresholdPoint p;
            p.threshold = a[0].toDouble();
            p.count = a[1].toInt();
            p.accuracy = a[2].toDouble();
            p.lowerBound = a[3].toDouble();
            p.correct = int64_t(std::llround(p.accuracy * double(p.count)));
            rep.curve.push_back(p);
        }
    if (const json::Value *n = m.find("note"); n && n->isString())
        rep.note = n->toString();
    if (const json::Value *n = m.find("error"); n && n->isString())
        rep.note = n->toString();
    if (const json::Value *n = m.find("unreadable_items"))
        rep.unreadable = n->toInt();
    if (const json::Value *n = m.find("start_model_run"))
        rep.startModelRun = n->toInt();
    if (const json::Value *n = m.find("start_model_note"); n && n->isString())
        rep.startModelNote = n->toString();
    if (const json::Value *n = m.find("stop_reason"); n && n->isString()) {
        rep.stop = true;
        rep.stopReason = n->toString();
    }
    return rep;
}

Result<> AutoLabeler::start()
{
    if (auto r = supports(m_job); !r)
        return r;
    if (auto r = loadItems(); !r)
        return r;
    auto state = readState();
    if (!state)
        return fail(state.error());
    if (!state->roles.empty())
        return {};
    // Random samples among the items people have not labelled yet.
    std::vector<int64_t> pool;
    for (const Item &it : m_items) {
        auto l = state->labels.find(it.id);
        if (l == state->labels.end() || !isHuman(l->second))
            pool.push_back(it.id);
    }
    std::mt19937_64 rng(m_opt.seed);
    std::shuffle(pool.begin(), pool.end(), rng);
    const size_t n = m_items.size();
    const size_t probe = std::min(pool.size(), std::max<size_t>(size_t(m_opt.probeMin), size_t(std::ceil(m_opt.probeFraction * n))));
    const size_t validation = std::min(pool.size() - probe, std::max<size_t>(size_t(m_opt.validationMin), size_t(std::ceil(m_opt.validationFraction * n))));
    std::vector<Assignment> queued;
    for (size_t i = 0; i < probe + validation; ++i)
        queued.push_back({pool[i], i < probe ? roles::probe : roles::validation});
    return m_store.putAssignments(m_job.id, kLoopWorker, queued);
}

Result<std::vector<int64_t>> AutoLabeler::humanQueue() const
{
    auto state = readState();
    if (!state)
        return fail(state.error());
    // By role (samples, audits, uncertain), then in the order the loop queued them: the uncertain items of a
    // round come most uncertain first.
    std::vector<std::tuple<int, size_t, int64_t>> waiting;
    for (const auto &[item, role] : state->roles) {
        auto l = state->labels.find(item);
        const bool done = l != state->labels.end() && isHuman(l->second);
        if (!done)
            waiting.emplace_back(rolePriority(role), state->queuedAt.at(item), item);
    }
    std::sort(waiting.begin(), waiting.end());
    std::vector<int64_t> out;
    for (const auto &w : waiting)
        out.push_back(std::get<2>(w));
    return out;
}

Result<std::unique_ptr<ItemClassifier>> AutoLabeler::makeModel()
{
    if (!taskInfo(m_job.type).image) {
        std::vector<std::string> texts;
        texts.reserve(m_items.size());
        for (const Item &it : m_items)
            texts.push_back(it.text);
        return makeTextClassifier(std::move(texts));
    }
    if (!m_images) {
        std::vector<std::string> paths;
        for (const Item &it : m_items)
            paths.push_back(media::resolve(m_store.projectDir(), it.uri));
        ImageFeatureCache cache;
        auto inputs = cache.load(paths, m_opt.imageChannels, m_opt.imageSize, m_opt.imageSize, m_opt.cacheDir);
        if (!inputs)
            return fail(inputs.error());
        m_images = *inputs;
        const ImageFeatureCache::Stats stats = cache.lastStats();
        m_unreadable = std::set<int>(stats.unreadableRows.begin(), stats.unreadableRows.end());
    }
    if (!m_opt.featureExtractor.empty())
        return makeEmbeddingClassifier(m_images, m_opt.featureExtractor, m_opt.model.threads);
    return makeImageClassifier(m_images);
}

Result<IterationReport> AutoLabeler::iterate(const TrainProgress &progress)
{
    Run run;
    auto r = runIteration(progress, run);
    if (!r && run.id) {
        // The round is over without its figures: say so in its row rather than leave it "running".
        run.status = r.error().code == Error::Code::Cancelled ? "cancelled" : "failed";
        json::Object metrics;
        metrics.set("error", r.error().message);
        run.metrics = json::toString(json::Value(std::move(metrics)));
        run.finishedUs = nowUs();
        (void)m_store.updateRun(run);
    }
    return r;
}

Result<IterationReport> AutoLabeler::runIteration(const TrainProgress &progress, Run &run)
{
    if (auto r = start(); !r)
        return fail(r.error());
    auto state = readState();
    if (!state)
        return fail(state.error());
    IterationReport rep;
    rep.iteration = state->iteration + 1;
    rep.items = int64_t(m_items.size());
    const int classes = int(m_job.classes.size());

    // Human labels: the validation sample calibrates and chooses the threshold; the rest train.
    std::vector<int> trainRows, trainLabels, valRows, valLabels;
    for (const auto &[item, a] : state->labels) {
        if (!isHuman(a) || a.payload.classes.empty() || !m_rowOf.count(item))
            continue;
        const int position = m_job.positionOf(a.payload.classes.front());
        if (position < 0)
            continue;
        auto role = state->roles.find(item);
        const bool validation = role != state->roles.end() && role->second == roles::validation;
        (validation ? valRows : trainRows).push_back(m_rowOf[item]);
        (validation ? valLabels : trainLabels).push_back(position);
    }
    rep.humanLabels = state->human;
    std::set<int> seenClasses(trainLabels.begin(), trainLabels.end());

    run.kind = "autolabel";
    run.jobId = m_job.id;
    run.status = "running";
    json::Object params;
    params.set("target", m_opt.target);
    params.set("seed", int64_t(m_opt.seed));
    params.set("batch", m_opt.batchSize);
    params.set("audit_fraction", m_opt.auditFraction);
    run.params = json::toString(json::Value(std::move(params)));
    auto runId = m_store.addRun(run);
    if (!runId)
        return fail(runId.error());
    run.id = rep.runId = *runId;

    std::vector<float> probs;     // calibrated, for every item
    std::vector<int> scoredRows;  // rows scored this iteration
    const bool enough = valRows.size() >= size_t(std::max<int64_t>(10, m_opt.minAboveThreshold)) && seenClasses.size() >= 2
                        && trainRows.size() >= size_t(2 * classes);
    if (!enough) {
        rep.note = "waiting for people: " + std::to_string(trainRows.size()) + " training and " + std::to_string(valRows.size())
                   + " validation labels so far";
    } else {
        auto model = makeModel();
        if (!model)
            return fail(model.error());
        // Images that cannot be decoded are rows of zeros: they neither train nor validate.
        auto dropUnreadable = [&](std::vector<int> &rows, std::vector<int> &labels) {
            size_t kept = 0;
            for (size_t i = 0; i < rows.size(); ++i)
                if (!m_unreadable.count(rows[i])) {
                    rows[kept] = rows[i];
                    labels[kept++] = labels[i];
                }
            rows.resize(kept);
            labels.resize(kept);
        };
        dropUnreadable(trainRows, trainLabels);
        dropUnreadable(valRows, valLabels);
        rep.unreadable = int64_t(m_unreadable.size());
        auto t = std::chrono::steady_clock::now();
        // A model chosen with "Use this model for automated labeling" (a finished training run of this job's
        // classes) gives the starting weights; one that does not fit is reported and the round starts afresh.
        ModelOptions modelOptions = m_opt.model;
        if (auto chosen = startModelRun(m_store, m_job.name); chosen && *chosen && m_opt.featureExtractor.empty()) {
            if (auto path = runModelFor(m_store, *chosen, m_job)) {
                modelOptions.initialModel = *path;
                rep.startModelRun = *chosen;
            } else {
                rep.startModelNote = path.error().message;
            }
        }
        auto trained = (*model)->train(trainRows, trainLabels, valRows, valLabels, classes, modelOptions, progress);
        if (!trained && !modelOptions.initialModel.empty() && trained.error().code == Error::Code::Invalid) {
            rep.startModelNote = trained.error().message;
            rep.startModelRun = 0;
            trained = (*model)->train(trainRows, trainLabels, valRows, valLabels, classes, m_opt.model, progress);
        }
        if (!trained)
            return fail(trained.error());
        rep.trainSeconds = secondsSince(t);
        rep.trained = true;
        // Calibrate on the validation set, then choose the threshold from the calibrated confidences.
        auto valLogits = (*model)->logits(valRows);
        if (!valLogits)
            return fail(valLogits.error());
        rep.temperature = fitTemperature(*valLogits, valLabels, classes);
        const std::vector<float> valProbs = softmax(*valLogits, classes, rep.temperature);
        std::vector<double> confidence(valRows.size());
        std::vector<bool> correct(valRows.size());
        int64_t right = 0;
        for (size_t i = 0; i < valRows.size(); ++i) {
            const float *p = valProbs.data() + i * size_t(classes);
            const int best = int(std::max_element(p, p + classes) - p);
            confidence[i] = p[best];
            correct[i] = best == valLabels[i];
            right += correct[i];
        }
        rep.validationAccuracy = double(right) / double(valRows.size());
        const ThresholdChoice choice = chooseThreshold(confidence, correct, m_opt.target, m_opt.minAboveThreshold);
        rep.threshold = choice.threshold;
        rep.curve = choice.curve;
        if (choice.threshold) {
            rep.estimatedAccuracy = choice.at.lowerBound;
            rep.validationAccuracyAbove = choice.at.accuracy;
        } else {
            rep.note = "no confidence threshold reaches the target yet: nothing auto-labeled this round";
        }
        // Score what nobody has labelled and nobody is about to label.
        t = std::chrono::steady_clock::now();
        for (const Item &it : m_items)
            if (!state->labels.count(it.id) && !state->roles.count(it.id) && !m_unreadable.count(m_rowOf[it.id]))
                scoredRows.push_back(m_rowOf[it.id]);
        if (!scoredRows.empty()) {
            auto logits = (*model)->logits(scoredRows);
            if (!logits)
                return fail(logits.error());
            probs = softmax(*logits, classes, rep.temperature);
        }
        rep.scoreSeconds = secondsSince(t);
    }

    // Auto-label above the threshold, audit a random share of it, queue the most useful items for people.
    std::mt19937_64 rng(m_opt.seed + uint64_t(rep.iteration) * 7919);
    std::vector<Assignment> queue;
    std::vector<int64_t> autoLabeled;
    std::vector<std::pair<double, size_t>> uncertain; // (margin, index into scoredRows)
    {
        auto tx = m_store.begin();
        if (!tx)
            return fail(tx.error());
        for (size_t i = 0; i < scoredRows.size(); ++i) {
            const float *p = probs.data() + i * size_t(classes);
            const int best = int(std::max_element(p, p + classes) - p);
            float second = 0;
            for (int k = 0; k < classes; ++k)
                if (k != best)
                    second = std::max(second, p[k]);
            const int64_t item = m_items[size_t(scoredRows[i])].id;
            if (rep.threshold && p[best] >= *rep.threshold) {
                // Someone may have labelled it while the model trained: their label stays.
                auto now = m_store.currentAnnotation(m_job.id, item);
                if (!now)
                    return fail(now.error());
                if (*now)
                    continue;
                Annotation a;
                a.jobId = m_job.id;
                a.itemId = item;
                a.payload.classes = {m_job.classes[size_t(best)].id};
                a.payload.classConfidence = {std::nullopt};
                a.provenance.source = Source::Auto;
                a.provenance.humanAnnotated = false;
                a.provenance.author = "autolabel-run-" + std::to_string(run.id);
                a.provenance.confidence = std::round(double(p[best]) * 1e4) / 1e4;
                if (auto r = (*tx)->putAnnotation(a); !r)
                    return fail(r.error());
                autoLabeled.push_back(item);
            } else {
                uncertain.emplace_back(double(p[best] - second), i);
            }
        }
        if (auto r = (*tx)->commit(); !r)
            return fail(r.error());
    }
    rep.autoLabeledNow = int64_t(autoLabeled.size());
    if (!autoLabeled.empty()) {
        std::shuffle(autoLabeled.begin(), autoLabeled.end(), rng);
        const size_t audits = std::max<size_t>(1, size_t(std::ceil(m_opt.auditFraction * double(autoLabeled.size()))));
        for (size_t i = 0; i < audits && i < autoLabeled.size(); ++i)
            queue.push_back({autoLabeled[i], roles::audit});
    }
    int64_t waiting = 0;
    for (const auto &[item, role] : state->roles) {
        auto l = state->labels.find(item);
        waiting += (l == state->labels.end() || !isHuman(l->second)) ? 1 : 0;
    }
    int64_t room = m_opt.batchSize;
    if (m_opt.humanBudget >= 0)
        room = std::min<int64_t>(room, m_opt.humanBudget - state->human - waiting - int64_t(queue.size()));
    if (room > 0 && rep.trained && !uncertain.empty()) {
        std::sort(uncertain.begin(), uncertain.end());
        const size_t pool = std::min(uncertain.size(), size_t(room) * 4);
        std::vector<std::vector<float>> points;
        for (size_t i = 0; i < pool; ++i) {
            const float *p = probs.data() + uncertain[i].second * size_t(classes);
            points.emplace_back(p, p + classes);
        }
        for (size_t k : diverse(points, size_t(room)))
            queue.push_back({m_items[size_t(scoredRows[uncertain[k].second])].id, roles::uncertain});
    } else if (room > 0 && !rep.trained && waiting == 0) {
        // No model yet and nothing waiting: more random items for people.
        std::vector<int64_t> pool;
        for (const Item &it : m_items)
            if (!state->labels.count(it.id) && !state->roles.count(it.id))
                pool.push_back(it.id);
        std::shuffle(pool.begin(), pool.end(), rng);
        for (size_t i = 0; i < pool.size() && i < size_t(room); ++i)
            queue.push_back({pool[i], roles::uncertain});
    }
    if (!queue.empty())
        if (auto r = m_store.putAssignments(m_job.id, kLoopWorker, queue); !r)
            return fail(r.error());

    // The realised accuracy of audited auto-labels: people's answer against the auto-label it replaced.
    auto after = readState();
    if (!after)
        return fail(after.error());
    int64_t auditedRight = 0;
    for (const auto &[item, role] : after->roles) {
        if (role != roles::audit)
            continue;
        auto l = after->labels.find(item);
        if (l == after->labels.end() || !isHuman(l->second))
            continue;
        auto history = m_store.history(m_job.id, item);
        if (!history)
            return fail(history.error());
        for (auto h = history->rbegin(); h != history->rend(); ++h)
            if (!h->deleted && h->annotation.provenance.source == Source::Auto) {
                ++rep.audited;
                auditedRight += h->annotation.payload.classes == l->second.payload.classes;
                break;
            }
    }
    if (rep.audited > 0)
        rep.auditedAccuracy = double(auditedRight) / double(rep.audited);
    rep.autoLabeledTotal = after->automatic;
    rep.humanLabels = after->human;
    for (const auto &[item, role] : after->roles) {
        auto l = after->labels.find(item);
        rep.queuedForPeople += (l == after->labels.end() || !isHuman(l->second)) ? 1 : 0;
    }
    rep.unlabeled = rep.items - int64_t(after->labels.size());

    // Stopping conditions.
    const double labeledShare = double(after->labels.size()) / double(std::max<int64_t>(1, rep.items));
    if (rep.unlabeled == 0 && rep.queuedForPeople == 0) {
        rep.stop = true;
        rep.stopReason = "every item is labeled";
    } else if (m_opt.humanBudget >= 0 && after->human >= m_opt.humanBudget) {
        rep.stop = true;
        rep.stopReason = "the human-label budget is used up";
    } else if (labeledShare >= m_opt.stopAtLabeledFraction) {
        rep.stop = true;
        rep.stopReason = "the labeled share reached " + std::to_string(int(m_opt.stopAtLabeledFraction * 100)) + "%";
    } else if (rep.queuedForPeople == 0 && rep.autoLabeledNow == 0) {
        rep.stop = true;
        rep.stopReason = "nothing left to queue or auto-label";
    }

    json::Object metrics;
    metrics.set("iteration", rep.iteration);
    metrics.set("human_labels", rep.humanLabels);
    metrics.set("auto_labeled_now", rep.autoLabeledNow);
    metrics.set("auto_labeled_total", rep.autoLabeledTotal);
    metrics.set("queued_for_people", rep.queuedForPeople);
    metrics.set("unlabeled", rep.unlabeled);
    metrics.set("items", rep.items);
    metrics.set("validation_size", int64_t(valRows.size()));
    metrics.set("validation_accuracy", rep.validationAccuracy);
    metrics.set("temperature", rep.temperature);
    metrics.set("threshold", rep.threshold ? json::Value(*rep.threshold) : json::Value());
    metrics.set("estimated_accuracy", rep.estimatedAccuracy);
    metrics.set("audited_accuracy", rep.auditedAccuracy ? json::Value(*rep.auditedAccuracy) : json::Value());
    metrics.set("audited", rep.audited);
    metrics.set("train_seconds", rep.trainSeconds);
    metrics.set("score_seconds", rep.scoreSeconds);
    json::Array curve;
    for (const ThresholdPoint &p : rep.curve)
        curve.emplace_back(json::Array{json::Value(p.threshold), json::Value(p.count), json::Value(p.accuracy),
                                       json::Value(p.lowerBound)});
    metrics.set("curve", std::move(curve));
    if (!rep.note.empty())
        metrics.set("note", rep.note);
    if (rep.unreadable)
        metrics.set("unreadable_items", rep.unreadable);
    if (rep.startModelRun)
        metrics.set("start_model_run", rep.startModelRun);
    if (!rep.startModelNote.empty())
        metrics.set("start_model_note", rep.startModelNote);
    if (rep.stop)
        metrics.set("stop_reason", rep.stopReason);
    run.metrics = json::toString(json::Value(std::move(metrics)));
    run.status = "done";
    run.finishedUs = nowUs();
    if (auto r = m_store.updateRun(run); !r)
        return fail(r.error());
    return rep;
}

} // namespace gw::activelearning
