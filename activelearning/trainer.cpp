#include "activelearning/trainer.h"

#include "activelearning/imagecache.h"
#include "activelearning/scriptrun.h"
#include "datasets/media.h"

#include <QDir>
#include <QFile>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <set>

namespace gw::activelearning {

using namespace gw::datasets;

ClassificationReport classificationReport(const std::vector<int> &truth, const std::vector<int> &predicted,
                                          const std::vector<std::string> &classNames)
{
    const size_t n = classNames.size();
    ClassificationReport r;
    r.items = int64_t(std::min(truth.size(), predicted.size()));
    r.confusion.assign(n, std::vector<int64_t>(n, 0));
    int64_t right = 0;
    for (size_t i = 0; i < size_t(r.items); ++i) {
        if (truth[i] < 0 || size_t(truth[i]) >= n || predicted[i] < 0 || size_t(predicted[i]) >= n)
            continue;
        ++r.confusion[size_t(truth[i])][size_t(predicted[i])];
        right += truth[i] == predicted[i];
    }
    r.accuracy = r.items ? double(right) / double(r.items) : 0;
    double f1Sum = 0;
    int counted = 0;
    for (size_t c = 0; c < n; ++c) {
        ClassScore s;
        s.name = classNames[c];
        int64_t predictedAs = 0;
        for (size_t t = 0; t < n; ++t) {
            s.support += r.confusion[c][t];
            predictedAs += r.confusion[t][c];
        }
        const double tp = double(r.confusion[c][c]);
        s.precision = predictedAs ? tp / double(predictedAs) : 0;
        s.recall = s.support ? tp / double(s.support) : 0;
        s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
        if (s.support || predictedAs) {
            f1Sum += s.f1;
            ++counted;
        }
        r.classes.push_back(std::move(s));
    }
    r.macroF1 = counted ? f1Sum / counted : 0;
    return r;
}

json::Value toJson(const ClassificationReport &report)
{
    json::Object o;
    o.set("items", report.items);
    o.set("accuracy", report.accuracy);
    o.set("macro_f1", report.macroF1);
    json::Array classes;
    for (const ClassScore &s : report.classes) {
        json::Object c;
        c.set("class", s.name);
        c.set("precision", s.precision);
        c.set("recall", s.recall);
        c.set("f1", s.f1);
        c.set("support", s.support);
        classes.emplace_back(std::move(c));
    }
    o.set("classes", std::move(classes));
    json::Array confusion;
    for (const auto &row : report.confusion) {
        json::Array r;
        for (int64_t v : row)
            r.emplace_back(v);
        confusion.emplace_back(std::move(r));
    }
    o.set("confusion", std::move(confusion));
    return o;
}

std::optional<ClassificationReport> classificationReportFromJson(const json::Value &v)
{
    const json::Value *classes = v.find("classes"), *confusion = v.find("confusion");
    if (!classes || !classes->isArray() || !confusion || !confusion->isArray())
        return std::nullopt;
    ClassificationReport r;
    r.items = v.find("items") ? v.find("items")->toInt() : 0;
    r.accuracy = v.find("accuracy") ? v.find("accuracy")->toDouble() : 0;
    r.macroF1 = v.find("macro_f1") ? v.find("macro_f1")->toDouble() : 0;
    for (const json::Value &c : classes->toArray()) {
        ClassScore s;
        if (const auto *x = c.find("class"); x && x->isString())
            s.name = x->toString();
        s.precision = c.find("precision") ? c.find("precision")->toDouble() : 0;
        s.recall = c.find("recall") ? c.find("recall")->toDouble() : 0;
        s.f1 = c.find("f1") ? c.find("f1")->toDouble() : 0;
        s.support = c.find("support") ? c.find("support")->toInt() : 0;
        r.classes.push_back(std::move(s));
    }
    for (const json::Value &row : confusion->toArray()) {
        if (!row.isArray() || row.toArray().size() != r.classes.size())
            return std::nullopt;
        std::vector<int64_t> counts;
        for (const json::Value &x : row.toArray())
            counts.push_back(x.toInt());
        r.confusion.push_back(std::move(counts));
    }
    if (r.confusion.size() != r.classes.size())
        return std::nullopt;
    return r;
}

namespace {

struct Rows
{
    std::vector<int> rows, labels;
    void add(int row, int label)
    {
        rows.push_back(row);
        labels.push_back(label);
    }
};

/// The labelled items of a dataset version for one job, by split.
struct VersionData
{
    Job job;
    std::vector<Item> items; ///< row order
    Rows train, validation, test;
    int64_t skipped = 0;     ///< entries without a usable label, or missing / corrupt media
};

Result<VersionData> readVersion(ProjectStore &store, const TrainingSpec &spec, const TrainingEvents &events)
{
    auto versions = store.datasetVersions();
    if (!versions)
        return fail(versions.error());
    const auto version = std::find_if(versions->begin(), versions->end(),
                                      [&](const DatasetVersion &v) { return v.id == spec.versionId; });
    if (version == versions->end())
        return fail(Error::notFound("dataset version " + std::to_string(spec.versionId) +
                                    " does not exist (gw versions lists them)"));
    auto entries = store.datasetVersionEntries(spec.versionId);
    if (!entries)
        return fail(entries.error());
    // The job: named, or the only one whose labels the version holds.
    std::map<int64_t, Annotation> labels; // annotation id → annotation
    std::set<int64_t> jobIds;
    for (const VersionEntry &e : *entries) {
        if (!e.annotationId)
            continue;
        auto a = store.annotationById(e.annotationId);
        if (!a)
            return fail(a.error());
        jobIds.insert(a->jobId);
        labels.emplace(e.annotationId, std::move(*a));
    }
    auto jobs = store.jobs();
    if (!jobs)
        return fail(jobs.error());
    VersionData d;
    if (!spec.job.empty()) {
        auto job = store.job(spec.job);
        if (!job)
            return fail(job.error());
        d.job = *job;
    } else if (jobIds.size() == 1) {
        for (const Job &j : *jobs)
            if (j.id == *jobIds.begin())
                d.job = j;
    } else {
        std::string names;
        for (const Job &j : *jobs)
            if (jobIds.count(j.id))
                names += (names.empty() ? "" : ", ") + j.name;
        return fail(Error::invalid(jobIds.empty() ? "dataset version " + std::to_string(spec.versionId) + " holds no labels"
                                                  : "dataset version " + std::to_string(spec.versionId) +
                                                        " holds labels of several jobs (" + names + "): choose one"));
    }
    const TaskInfo &task = taskInfo(d.job.type);
    if (task.multiLabel || (d.job.type != TaskType::ImageClassification && d.job.type != TaskType::TextClassification))
        return fail(Error::invalid("job " + d.job.name + " is a " + std::string(task.title) +
                                   " job; the built-in trainers handle single-label image and text classification "
                                   "(a training script can take any job: gw run-script)"));
    bool anyValidation = false;
    for (const VersionEntry &e : *entries) {
        auto label = labels.find(e.annotationId);
        if (label == labels.end() || label->second.jobId != d.job.id || label->second.payload.classes.empty()) {
            ++d.skipped;
            continue;
        }
        const int position = d.job.positionOf(label->second.payload.classes.front());
        auto item = store.item(e.itemId);
        if (!item)
            return fail(item.error());
        if (position < 0 || (item->flags & (ItemMissing | ItemCorrupt))) {
            ++d.skipped;
            continue;
        }
        const int row = int(d.items.size());
        d.items.push_back(std::move(*item));
        if (e.split == "validation") {
            d.validation.add(row, position);
            anyValidation = true;
        } else if (e.split == "test") {
            d.test.add(row, position);
        } else {
            d.train.add(row, position);
        }
    }
    if (d.skipped && events.log)
        events.log(std::to_string(d.skipped) + " entries of the version left out: no label of job " + d.job.name +
                   ", an unknown class, or a missing or corrupt file");
    if (!anyValidation && spec.holdOut > 0 && d.train.rows.size() >= 10) {
        // No validation split: a seeded share of train is held out so that early stopping has something to watch.
        std::vector<size_t> order(d.train.rows.size());
        std::iota(order.begin(), order.end(), 0);
        std::mt19937_64 rng(spec.model.seed + 7);
        std::shuffle(order.begin(), order.end(), rng);
        const size_t held = std::max<size_t>(1, size_t(std::lround(spec.holdOut * double(order.size()))));
        Rows train;
        for (size_t i = 0; i < order.size(); ++i)
            (i < held ? d.validation : train).add(d.train.rows[order[i]], d.train.labels[order[i]]);
        d.train = std::move(train);
        if (events.log)
            events.log("the version has no validation split: " + std::to_string(held) +
                       " training items are held out for validation");
    }
    return d;
}

} // namespace

json::Value toJson(const TrainingResult &r)
{
    json::Object o;
    o.set("task", r.task);
    o.set("job", r.job);
    json::Array classes;
    for (const std::string &c : r.classes)
        classes.emplace_back(c);
    o.set("classes", std::move(classes));
    json::Object items;
    items.set("train", r.trainItems);
    items.set("validation", r.validationItems);
    items.set("test", r.testItems);
    o.set("items", std::move(items));
    o.set("epochs", r.train.epochs);
    o.set("best_epoch", r.train.bestEpoch);
    if (r.stopped)
        o.set("stopped", true);
    if (r.validationItems) {
        o.set("validation_loss", r.train.validationLoss);
        o.set("validation_accuracy", r.train.validationAccuracy);
    }
    o.set("train_seconds", r.train.seconds);
    o.set("epochs_per_second", r.epochsPerSecond);
    json::Array curve;
    for (const EpochReport &e : r.curve) {
        json::Object p;
        p.set("epoch", e.epoch);
        p.set("train_loss", e.trainLoss);
        if (!std::isnan(e.validationLoss)) {
            p.set("validation_loss", e.validationLoss);
            p.set("validation_accuracy", e.validationAccuracy);
        }
        curve.emplace_back(std::move(p));
    }
    o.set("curve", std::move(curve));
    if (r.test)
        o.set("test", toJson(*r.test));
    o.set("model", r.modelPath);
    return o;
}

Result<TrainingResult> trainClassifier(ProjectStore &store, const TrainingSpec &spec, const TrainingEvents &events,
                                       std::vector<EpochReport> *curveOut)
{
    auto data = readVersion(store, spec, events);
    if (!data)
        return fail(data.error());
    TrainingResult r;
    const bool image = taskInfo(data->job.type).image;
    r.task = image ? "image" : "text";
    r.jobId = data->job.id;
    r.job = data->job.name;
    for (const LabelClass &c : data->job.classes)
        r.classes.push_back(c.name);
    r.trainItems = int64_t(data->train.rows.size());
    r.validationItems = int64_t(data->validation.rows.size());
    r.testItems = int64_t(data->test.rows.size());
    if (r.trainItems == 0)
        return fail(Error::invalid("dataset version " + std::to_string(spec.versionId) + " has no labeled training items of job " +
                                   data->job.name));
    auto say = [&](const std::string &line) {
        if (events.log)
            events.log(line);
    };
    say("job " + data->job.name + " (" + r.task + " classification, " + std::to_string(r.classes.size()) + " classes): " +
        std::to_string(r.trainItems) + " train, " + std::to_string(r.validationItems) + " validation, " +
        std::to_string(r.testItems) + " test items");

    Result<std::unique_ptr<ItemClassifier>> model = fail(Error::internal("no model"));
    if (image) {
        std::vector<std::string> paths;
        for (const Item &it : data->items)
            paths.push_back(media::resolve(store.projectDir(), it.uri));
        ImageFeatureCache cache;
        std::vector<std::string> problems;
        const std::string cacheDir =
            spec.cacheDir.empty() ? ImageFeatureCache::cacheDirForProject(store.path()) : spec.cacheDir;
        auto inputs = cache.load(paths, spec.imageChannels, spec.imageSize, spec.imageSize, cacheDir, {}, &problems);
        if (!inputs)
            return fail(inputs.error());
        for (const std::string &p : problems)
            say(p);
        say("images: " + std::to_string(cache.lastStats().decoded) + " decoded, " +
            std::to_string(cache.lastStats().reused) + " from the cache");
        // An image that cannot be read is a row of zeros: it neither trains nor counts in the evaluation.
        const ImageFeatureCache::Stats stats = cache.lastStats();
        if (const std::vector<int> &bad = stats.unreadableRows; !bad.empty()) {
            const std::set<int> skip(bad.begin(), bad.end());
            for (Rows *rows : {&data->train, &data->validation, &data->test}) {
                Rows kept;
                for (size_t i = 0; i < rows->rows.size(); ++i)
                    if (!skip.count(rows->rows[i]))
                        kept.add(rows->rows[i], rows->labels[i]);
                *rows = std::move(kept);
            }
            r.trainItems = int64_t(data->train.rows.size());
            r.validationItems = int64_t(data->validation.rows.size());
            r.testItems = int64_t(data->test.rows.size());
            say(std::to_string(bad.size()) + " unreadable images left out; " + std::to_string(r.trainItems) +
                " train, " + std::to_string(r.validationItems) + " validation, " + std::to_string(r.testItems) +
                " test items remain");
            if (r.trainItems == 0)
                return fail(Error::invalid("no readable training image in dataset version " + std::to_string(spec.versionId)));
        }
        model = makeImageClassifier(*inputs);
    } else {
        std::vector<std::string> texts;
        for (const Item &it : data->items)
            texts.push_back(it.text);
        model = makeTextClassifier(std::move(texts));
    }
    if (!model)
        return fail(model.error());
    if (!spec.model.initialModel.empty())
        say("starting from " + spec.model.initialModel);

    std::vector<EpochReport> curve;
    ModelOptions options = spec.model;
    options.keepBestOnStop = true;
    auto trained = (*model)->train(
        data->train.rows, data->train.labels, data->validation.rows, data->validation.labels, int(r.classes.size()),
        options, [&](const EpochReport &e) {
            curve.push_back(e);
            std::string line = "epoch " + std::to_string(e.epoch) + "/" + std::to_string(e.maxEpochs) +
                               " train_loss=" + formatNumber(e.trainLoss);
            if (!std::isnan(e.validationLoss))
                line += " validation_loss=" + formatNumber(e.validationLoss) +
                        " validation_accuracy=" + formatNumber(e.validationAccuracy) + (e.best ? " (best)" : "");
            say(line);
            return !events.epoch || events.epoch(e);
        });
    if (curveOut)
        *curveOut = curve;
    if (!trained)
        return fail(trained.error());
    r.train = *trained;
    r.stopped = trained->stopped;
    r.curve = std::move(curve);
    if (r.stopped)
        say("stopped after epoch " + std::to_string(r.train.epochs) + ": the best epoch so far is the model");
    r.epochsPerSecond = r.train.seconds > 0 ? r.train.epochs / r.train.seconds : 0;
    say("best epoch " + std::to_string(r.train.bestEpoch) + " of " + std::to_string(r.train.epochs) + "; " +
        formatNumber(r.epochsPerSecond, 2) + " epochs/s");

    if (!data->test.rows.empty()) {
        auto logits = (*model)->logits(data->test.rows);
        if (!logits)
            return fail(logits.error());
        const size_t k = r.classes.size();
        std::vector<int> predicted;
        for (size_t i = 0; i < data->test.rows.size(); ++i) {
            const float *row = logits->data() + i * k;
            predicted.push_back(int(std::max_element(row, row + k) - row));
        }
        r.test = classificationReport(data->test.labels, predicted, r.classes);
        say("test: accuracy=" + formatNumber(r.test->accuracy) + " macro_f1=" + formatNumber(r.test->macroF1) + " on " +
            std::to_string(r.test->items) + " items");
    } else {
        say("the version has no test split: no test evaluation");
    }

    if (!spec.outDir.empty()) {
        if (!QDir().mkpath(QString::fromStdString(spec.outDir)))
            return fail(Error::io(spec.outDir + ": cannot create the model folder"));
        r.modelPath = spec.outDir + "/model.pt";
        r.metricsPath = spec.outDir + "/metrics.json";
        json::Object meta;
        meta.set("task", r.task + "-classification");
        meta.set("job", data->job.name);
        meta.set("dataset_version", spec.versionId);
        json::Array classes;
        for (const std::string &c : r.classes)
            classes.emplace_back(c);
        meta.set("classes", std::move(classes));
        if (image) {
            json::Array input{json::Value(int64_t(spec.imageChannels)), json::Value(int64_t(spec.imageSize)),
                              json::Value(int64_t(spec.imageSize))};
            meta.set("input", std::move(input));
            meta.set("input_note", "pixels in [0, 1], grey (1 channel) or RGB, the image scaled to fit with its aspect "
                                   "ratio kept, centred on black");
        }
        if (auto saved = (*model)->save(r.modelPath, json::toString(json::Value(std::move(meta)))); !saved)
            return fail(saved.error());
        if (auto written = writeFileAtomically(r.metricsPath, json::toString(toJson(r)) + "\n"); !written)
            return fail(written.error());
        say("model: " + r.modelPath);
    }
    return r;
}

} // namespace gw::activelearning
