// Runs: recording them, executing one in this process (built-in training, script), following their files,
// comparing them, and the model automated labeling starts from. Processes: runprocess.cpp; searches: search.cpp.

#include "activelearning/runs.h"

#include "activelearning/runexec.h"
#include "activelearning/scriptrun.h"
#include "datasets/teamserver.h"
#include "datasets/versions.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <set>

#ifndef GW_VERSION
#define GW_VERSION "unknown"
#endif

namespace gw::activelearning {

using namespace gw::datasets;
using namespace gw::activelearning::detail;

namespace detail {

namespace {
const std::set<std::string> kBuiltInHyperparameters = {"epochs",   "batch_size",  "learning_rate", "patience", "seed",
                                                        "threads",  "image_size", "channels",      "augment"};

} // namespace

bool isBuiltInHyperparameter(const std::string &name) { return kBuiltInHyperparameters.count(name) > 0; }

std::string knownHyperparameters()
{
    std::string out;
    for (const std::string &k : kBuiltInHyperparameters)
        out += (out.empty() ? "" : ", ") + k;
    return out;
}

json::Object stringMap(const std::map<std::string, std::string> &m)
{
    json::Object o;
    for (const auto &[k, v] : m)
        o.set(k, v);
    return o;
}

std::map<std::string, std::string> readStringMap(const json::Value *v)
{
    std::map<std::string, std::string> out;
    if (v && v->isObject())
        for (const auto &[k, x] : v->toObject())
            out[k] = x.isString() ? x.toString() : json::toString(x);
    return out;
}


Result<TrainingSpec> trainingSpec(const ProjectStore &store, const RunRequest &r, const std::string &dir)
{
    TrainingSpec spec;
    spec.versionId = r.versionId;
    spec.job = r.job;
    spec.outDir = dir + "/model";
    spec.model.seed = 1;
    for (const auto &[k, v] : r.hyperparameters) {
        if (!kBuiltInHyperparameters.count(k))
            return fail(Error::invalid("unknown hyperparameter '" + k + "' for the built-in trainer (it takes " +
                                       knownHyperparameters() + ")"));
        {
            if (k == "learning_rate" && v == "default")
                continue; // the model's own
            double x = 0;
            if (k == "augment") {
                if (v != "true" && v != "false" && v != "1" && v != "0")
                    return fail(Error::invalid("hyperparameter augment=" + v + ": true or false"));
                x = double(v == "true" || v == "1");
            } else if (!parseNumber(v, x)) {
                return fail(Error::invalid("hyperparameter " + k + "=" + v + ": not a number"));
            }
            const bool integral = k != "learning_rate";
            const double most = k == "seed" ? 9007199254740992.0 : k == "batch_size" ? 65536 : k == "threads" ? 256
                                : k == "image_size" ? 4096 : 100000;
            if (integral && k != "augment" && (!(x >= (k == "seed" ? 0 : 1) && x <= most) || x != std::floor(x)))
                return fail(Error::invalid("hyperparameter " + k + "=" + v + ": expected a whole number from " +
                                           (k == "seed" ? "0" : "1") + " to " + formatNumber(most, 0)));
            if (k == "learning_rate" && !(x > 0 && x < 10))
                return fail(Error::invalid("hyperparameter learning_rate=" + v + ": expected a number in (0, 10)"));
            if (k == "epochs")
                spec.model.maxEpochs = int(x);
            else if (k == "batch_size")
                spec.model.batchSize = int(x);
            else if (k == "learning_rate")
                spec.model.learningRate = x;
            else if (k == "patience")
                spec.model.patience = int(x);
            else if (k == "seed")
                spec.model.seed = uint64_t(x);
            else if (k == "threads")
                spec.model.threads = int(x);
            else if (k == "image_size")
                spec.imageSize = int(x);
            else if (k == "channels") {
                if (x != 1 && x != 3)
                    return fail(Error::invalid("hyperparameter channels=" + v + ": 1 (grey) or 3 (RGB)"));
                spec.imageChannels = int(x);
            } else if (k == "augment")
                spec.model.augment = x != 0;
        }
    }
    (void)store;
    return spec;
}

/// A built-in training run, recording as it goes; `epochHook` may stop it (returns false).
Outcome executeTraining(ProjectStore &store, const RunRequest &request, const std::string &dir, Recorder &rec,
                        const std::function<bool(const std::vector<double> &objective)> &epochHook)
{
    Outcome out;
    auto spec = trainingSpec(store, request, dir);
    if (!spec) {
        out.status = "failed";
        out.metrics.set("failure", spec.error().message);
        rec.log("failed: " + spec.error().message);
        return out;
    }
    TrainingEvents events;
    events.log = [&](const std::string &line) { rec.log(line); };
    events.epoch = [&](const EpochReport &e) {
        rec.metric("train_loss", e.epoch, e.trainLoss);
        if (!std::isnan(e.validationLoss)) {
            rec.metric("validation_loss", e.epoch, e.validationLoss);
            rec.metric("validation_accuracy", e.epoch, e.validationAccuracy);
            out.objective.push_back(e.validationAccuracy);
        }
        return !epochHook || epochHook(out.objective);
    };
    std::vector<EpochReport> curve;
    auto r = trainClassifier(store, *spec, events, &curve);
    if (r) {
        out.status = r->stopped ? "stopped" : "done";
        out.metrics = json::Value(toJson(*r)).toObject();
        out.jobId = r->jobId;
        if (r->test)
            rec.metric("test_accuracy", r->train.epochs, r->test->accuracy);
        return out;
    }
    out.status = r.error().code == Error::Code::Cancelled ? "stopped" : "failed";
    out.metrics.set("epochs", int64_t(curve.size()));
    if (!out.objective.empty())
        out.metrics.set("validation_accuracy", *std::max_element(out.objective.begin(), out.objective.end()));
    if (out.status == "failed") {
        out.metrics.set("failure", r.error().message);
        rec.log("failed: " + r.error().message);
    }
    return out;
}

Outcome executeScript(ProjectStore &store, const Run &run, const RunRequest &request, Recorder &rec,
                      const std::function<bool()> &stopRequested)
{
    Outcome out;
    ScriptRunSpec spec;
    spec.command = request.command;
    spec.runDir = run.dir;
    spec.jobName = "run-" + std::to_string(run.id);
    spec.hyperparameters = request.hyperparameters;
    spec.metricDefinitions = request.metricDefinitions;
    spec.channels = request.channels;
    if (request.versionId) {
        const std::string manifest = run.dir + "/train.manifest";
        auto v = exportVersion(store, request.versionId, manifest);
        if (!v) {
            out.status = "failed";
            out.metrics.set("failure", v.error().message);
            rec.log("failed: " + v.error().message);
            return out;
        }
        spec.channels.insert(spec.channels.begin(), {"train", manifest});
    }
    spec.onLog = [&](const std::string &line) { rec.log(line); };
    spec.onMetric = [&](const std::string &name, int step, double value) { rec.metric(name, step, value); };
    spec.shouldStop = stopRequested;
    // The command's process group, so that its tree can still be stopped should this process die first.
    spec.onStart = [&](int64_t pid) {
        QFile f(QString::fromStdString(run.dir + "/command.pgid"));
        if (f.open(QIODevice::WriteOnly))
            f.write(QByteArray::number(qint64(pid)));
    };
    auto r = runScript(spec);
    QFile::remove(QString::fromStdString(run.dir + "/command.pgid"));
    if (!r) {
        out.status = "failed";
        out.metrics.set("failure", r.error().message);
        rec.log("failed: " + r.error().message);
        return out;
    }
    for (const auto &[name, values] : r->metrics) {
        json::Array series;
        for (double v : values)
            series.emplace_back(v);
        out.metrics.set(name, std::move(series));
    }
    out.metrics.set("exit_code", int64_t(r->exitCode));
    if (!r->failure.empty())
        out.metrics.set("failure", r->failure);
    else if (!r->stopped && !r->succeeded())
        out.metrics.set("failure", "the command exited with code " + std::to_string(r->exitCode));
    out.status = r->stopped ? "stopped" : r->succeeded() ? "done" : "failed";
    rec.log("exit code " + std::to_string(r->exitCode) + (r->failure.empty() ? "" : "; failure: " + r->failure));
    return out;
}

} // namespace detail

namespace {

/// The complete lines appended to a file since offset (at most `limit` bytes of them), moving offset on.
bool readFileFrom(const std::string &path, int64_t &offset, std::string &out, int64_t limit = INT64_MAX)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    if (f.size() < offset)
        offset = 0; // rewritten
    if (!f.seek(offset))
        return false;
    const QByteArray bytes = f.read(std::min<int64_t>(limit, f.size() - offset));
    const qsizetype end = bytes.lastIndexOf('\n');
    if (end < 0)
        return true;
    out.assign(bytes.constData(), size_t(end + 1));
    offset += end + 1;
    return true;
}

std::vector<MetricPoint> parsePoints(const std::string &text)
{
    std::vector<MetricPoint> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string::npos)
            nl = text.size();
        json::Value v;
        if (json::parse(std::string_view(text).substr(start, nl - start), v) && v.find("name") && v.find("value"))
            out.push_back({v.find("name")->toString(), int(v.find("step") ? v.find("step")->toInt() : 0),
                           v.find("value")->toDouble(), v.find("t") ? v.find("t")->toDouble() : 0});
        start = nl + 1;
    }
    return out;
}

std::string settingKey(const std::string &job) { return "autolabel.start_model." + job; }


} // namespace

std::string runDirectory(const ProjectStore &store, int64_t runId)
{
    // A team project's runs are kept on the computer that runs them (the run records its host).
    const std::string local = teamserver::localSidecar(store.path(), ".runs");
    return (local.empty() ? store.path() + ".runs" : local) + "/run-" + std::to_string(runId);
}


Result<Run> createRun(ProjectStore &store, const RunRequest &r)
{
    if (r.kind != "train" && r.kind != "script" && r.kind != "search")
        return fail(Error::invalid("unknown kind of run: " + r.kind + " (train, script or search)"));
    if (r.kind == "script" && r.command.empty())
        return fail(Error::invalid("a script run needs a command"));
    if (r.kind != "script") {
        if (!r.versionId)
            return fail(Error::invalid("a training run needs a dataset version (gw versions lists them)"));
        if (auto spec = trainingSpec(store, r, ""); !spec)
            return fail(spec.error());
        if (r.kind == "search") {
            // Every trial's settings must make a valid training, so a search does not fail half-way.
            auto trials = searchTrials(r, 1);
            if (!trials)
                return fail(trials.error());
            for (const auto &set : *trials) {
                RunRequest trial = r;
                for (const auto &[k, v] : set)
                    trial.hyperparameters[k] = v;
                if (auto spec = trainingSpec(store, trial, ""); !spec)
                    return fail(Error::invalid("a trial of the search would be invalid: " + spec.error().message));
            }
        }
    }
    if (r.versionId) {
        auto versions = store.datasetVersions();
        if (!versions)
            return fail(versions.error());
        if (std::none_of(versions->begin(), versions->end(), [&](const DatasetVersion &v) { return v.id == r.versionId; }))
            return fail(Error::notFound("dataset version " + std::to_string(r.versionId) +
                                        " does not exist (gw versions lists them)"));
    }
    // Every setting a built-in training uses is recorded, defaults included, so runs compare and repeat exactly.
    RunRequest recorded = r;
    if (r.kind != "script") {
        const TrainingSpec defaults;
        const std::map<std::string, std::string> effective = {
            {"epochs", std::to_string(defaults.model.maxEpochs)}, {"patience", std::to_string(defaults.model.patience)},
            {"batch_size", std::to_string(defaults.model.batchSize)}, {"learning_rate", "default"}, {"seed", "1"},
            {"threads", std::to_string(defaults.model.threads)}, {"image_size", std::to_string(defaults.imageSize)},
            {"channels", std::to_string(defaults.imageChannels)}, {"augment", defaults.model.augment ? "true" : "false"}};
        for (const auto &[k, v] : effective)
            if (!recorded.ranges.count(k))
                recorded.hyperparameters.emplace(k, v);
    }
    Run run;
    run.kind = r.kind;
    run.status = "queued";
    run.parent = r.parent;
    if (!r.job.empty()) {
        auto job = store.job(r.job);
        if (!job)
            return fail(job.error());
        run.jobId = job->id;
    }
    json::Object p;
    if (r.versionId)
        p.set("dataset_version", r.versionId);
    if (!r.job.empty())
        p.set("job", r.job);
    p.set("hyperparameters", stringMap(recorded.hyperparameters));
    if (r.kind == "script") {
        p.set("command", r.command);
        json::Array defs;
        for (const auto &[name, regex] : r.metricDefinitions) {
            json::Object d;
            d.set("Name", name);
            d.set("Regex", regex);
            defs.emplace_back(std::move(d));
        }
        p.set("metric_definitions", std::move(defs));
        json::Array channels;
        for (const auto &[name, manifest] : r.channels) {
            json::Object c;
            c.set("name", name);
            c.set("manifest", manifest);
            channels.emplace_back(std::move(c));
        }
        p.set("channels", std::move(channels));
    } else {
        p.set("trainer", "built-in");
        p.set("code", std::string("groundwork ") + GW_VERSION); // the trainer's code is this program's
    }
    if (r.kind == "search") {
        p.set("method", r.method);
        p.set("trials", r.trials);
        p.set("ranges", stringMap(r.ranges));
    }
    run.params = json::toString(json::Value(std::move(p)));
    auto id = store.addRun(run);
    if (!id)
        return fail(id.error());
    run.id = *id;
    run.dir = runDirectory(store, run.id);
    // A folder already there for a new id is left from a project that was deleted and made again.
    QDir(QString::fromStdString(run.dir)).removeRecursively();
    if (!QDir().mkpath(QString::fromStdString(run.dir + "/model")))
        return fail(Error::io(run.dir + ": cannot create the run directory"));
    if (auto u = store.updateRun(run); !u)
        return fail(u.error());
    return run;
}

Result<RunRequest> requestOf(const Run &run)
{
    json::Value p;
    if (!json::parse(run.params, p) || !p.isObject())
        return fail(Error::invalid("run " + std::to_string(run.id) + ": its parameters are unreadable"));
    RunRequest r;
    r.kind = run.kind;
    r.parent = run.parent;
    if (const auto *v = p.find("dataset_version"))
        r.versionId = v->toInt();
    if (const auto *v = p.find("job"); v && v->isString())
        r.job = v->toString();
    r.hyperparameters = readStringMap(p.find("hyperparameters"));
    if (const auto *v = p.find("command"); v && v->isString())
        r.command = v->toString();
    if (const auto *defs = p.find("metric_definitions"); defs && defs->isArray())
        for (const json::Value &d : defs->toArray())
            if (d.find("Name") && d.find("Regex"))
                r.metricDefinitions.emplace_back(d.find("Name")->toString(), d.find("Regex")->toString());
    if (const auto *channels = p.find("channels"); channels && channels->isArray())
        for (const json::Value &c : channels->toArray())
            if (c.find("name") && c.find("manifest"))
                r.channels.emplace_back(c.find("name")->toString(), c.find("manifest")->toString());
    if (const auto *v = p.find("method"); v && v->isString())
        r.method = v->toString();
    if (const auto *v = p.find("trials"))
        r.trials = int(v->toInt(r.trials));
    r.ranges = readStringMap(p.find("ranges"));
    return r;
}

Result<Run> executeRun(ProjectStore &store, int64_t runId, const std::atomic<bool> &stop,
                       const std::function<void(const std::string &)> &echo)
{
    auto run = store.run(runId);
    if (!run)
        return fail(run.error());
    if (run->status != "queued") {
        if (run->status == "running" && runProcessAlive(*run) && run->pid != getpid())
            return fail(Error::invalid("run " + std::to_string(runId) + " is already running (process " +
                                       std::to_string(run->pid) + " on " + run->host + ")"));
        if (run->status != "running")
            return fail(Error::invalid("run " + std::to_string(runId) + " has " + run->status +
                                       "; start a new run to train again"));
    }
    auto request = requestOf(*run);
    if (!request)
        return fail(request.error());
    if (run->dir.empty())
        run->dir = runDirectory(store, runId);
    QDir().mkpath(QString::fromStdString(run->dir + "/model"));
    run->pid = getpid();
    run->host = hostName();
    {
        // Who runs it, to tell this process from a later one with the same id (runProcessAlive).
        QFile record(QString::fromStdString(run->dir + "/process.start"));
        if (record.open(QIODevice::WriteOnly | QIODevice::Truncate))
            record.write(QByteArray::number(qint64(run->pid)) + ' ' + QByteArray::number(qint64(processStartTicks(run->pid))));
    }
    const std::string stopFile = run->dir + "/stop";
    if (stop.load() || QFileInfo::exists(QString::fromStdString(stopFile))) {
        // Stopped before it started.
        run->status = "stopped";
        run->finishedUs = nowUs();
        if (auto u = store.updateRun(*run); !u)
            return fail(u.error());
        return *run;
    }
    run->status = "running";
    if (auto u = store.updateRun(*run); !u)
        return fail(u.error());
    Recorder rec(run->dir, echo);
    auto stopRequested = [&] { return stop.load() || QFileInfo::exists(QString::fromStdString(stopFile)); };
    rec.log("run " + std::to_string(runId) + " (" + run->kind + ") started on " + run->host + ", process " +
            std::to_string(run->pid));
    Outcome o;
    if (run->kind == "train")
        o = executeTraining(store, *request, run->dir, rec, [&](const std::vector<double> &) { return !stopRequested(); });
    else if (run->kind == "script")
        o = executeScript(store, *run, *request, rec, stopRequested);
    else if (run->kind == "search")
        o = executeSearch(store, *run, *request, rec, stopRequested);
    else {
        o.status = "failed";
        o.metrics.set("failure", "unknown kind of run: " + run->kind);
    }
    o.metrics.set("seconds", rec.seconds());
    // What the run left in model/ (SM_MODEL_DIR for a script), with sizes.
    json::Array artifacts;
    QDir model(QString::fromStdString(run->dir + "/model"));
    for (const QFileInfo &f : model.entryInfoList(QDir::Files, QDir::Name)) {
        json::Object a;
        a.set("path", "model/" + f.fileName().toStdString());
        a.set("bytes", int64_t(f.size()));
        artifacts.emplace_back(std::move(a));
    }
    o.metrics.set("artifacts", std::move(artifacts));
    rec.log("run " + std::to_string(runId) + " " + o.status + " after " + formatNumber(rec.seconds(), 1) + " s");
    run->status = o.status;
    if (o.jobId)
        run->jobId = o.jobId;
    run->metrics = json::toString(json::Value(std::move(o.metrics)));
    run->finishedUs = nowUs();
    if (auto u = store.updateRun(*run); !u)
        return fail(u.error());
    return *run;
}

namespace {
constexpr int64_t kFollowTail = 1 << 20;  ///< a new follower starts this far from the end of a long log
constexpr int64_t kFollowChunk = 4 << 20; ///< at most this much is read per call
} // namespace

RunFollower::RunFollower(std::string runDir) : m_dir(std::move(runDir)) {}

void RunFollower::read(std::vector<std::string> &lines, std::vector<MetricPoint> &points)
{
    if (m_dir.empty())
        return;
    std::string text;
    const std::string log = m_dir + "/log.txt";
    if (m_logOffset == 0) {
        // A long log is followed from its last part: the window shows the end, not megabytes of history.
        QFile f(QString::fromStdString(log));
        if (f.size() > kFollowTail && f.open(QIODevice::ReadOnly) && f.seek(f.size() - kFollowTail)) {
            const QByteArray partial = f.readLine(); // the rest of a cut line
            m_logOffset = f.size() - kFollowTail + partial.size();
            lines.push_back("[… the first " + std::to_string(m_logOffset / 1024) + " KB of the log are in " + log + "]");
        }
    }
    if (readFileFrom(log, m_logOffset, text, kFollowChunk)) {
        size_t start = 0;
        while (start < text.size()) {
            const size_t nl = text.find('\n', start);
            lines.push_back(text.substr(start, nl - start));
            start = nl + 1;
        }
    }
    text.clear();
    if (readFileFrom(m_dir + "/metrics.jsonl", m_metricsOffset, text, kFollowChunk)) {
        auto more = parsePoints(text);
        points.insert(points.end(), more.begin(), more.end());
    }
}

std::vector<MetricPoint> readMetrics(const std::string &runDir)
{
    int64_t offset = 0;
    std::string text;
    readFileFrom(runDir + "/metrics.jsonl", offset, text);
    return parsePoints(text);
}

std::string runMetricText(const Run &run, const std::string &metric)
{
    json::Value m;
    if (!json::parse(run.metrics, m) || !m.isObject())
        return {};
    const json::Value *v = nullptr;
    if (metric == "test_accuracy" || metric == "test_macro_f1") {
        if (const json::Value *test = m.find("test"))
            v = test->find(metric == "test_accuracy" ? "accuracy" : "macro_f1");
    } else {
        v = m.find(metric);
    }
    if (!v)
        return {};
    if (v->isNumber())
        return v->isInt() ? std::to_string(v->toInt()) : formatNumber(v->toDouble(), 4);
    if (v->isString())
        return v->toString();
    if (v->isArray() && !v->toArray().empty() && v->toArray().back().isNumber())
        return formatNumber(v->toArray().back().toDouble(), 4); // a script's metric: its last value
    return {};
}

double runSeconds(const Run &run)
{
    const int64_t end = run.finishedUs ? run.finishedUs : nowUs();
    return run.startedUs ? double(end - run.startedUs) / 1e6 : 0;
}

std::vector<ComparisonRow> compareRuns(const std::vector<Run> &runs)
{
    std::vector<ComparisonRow> rows;
    auto row = [&](const std::string &field, const std::function<std::string(const Run &, const RunRequest &)> &f) {
        ComparisonRow r{field, {}};
        bool any = false;
        for (const Run &run : runs) {
            auto request = requestOf(run);
            r.values.push_back(request ? f(run, *request) : std::string());
            any = any || !r.values.back().empty();
        }
        if (any)
            rows.push_back(std::move(r));
    };
    row("kind", [](const Run &r, const RunRequest &) { return r.kind; });
    row("status", [](const Run &r, const RunRequest &) { return r.status; });
    row("dataset version", [](const Run &, const RunRequest &q) { return q.versionId ? std::to_string(q.versionId) : ""; });
    row("command", [](const Run &, const RunRequest &q) { return q.command; });
    std::set<std::string> keys;
    for (const Run &run : runs)
        if (auto q = requestOf(run))
            for (const auto &[k, v] : q->hyperparameters)
                keys.insert(k);
    for (const std::string &k : keys)
        row(k, [&k](const Run &, const RunRequest &q) {
            auto it = q.hyperparameters.find(k);
            return it == q.hyperparameters.end() ? std::string() : it->second;
        });
    // Final metrics: the built-in trainers' and every metric a script run captured.
    std::vector<std::string> metrics = {"epochs", "best_epoch", "validation_accuracy", "validation_loss",
                                        "test_accuracy", "test_macro_f1", "epochs_per_second"};
    for (const Run &run : runs) {
        json::Value m;
        if (run.kind == "script" && json::parse(run.metrics, m) && m.isObject())
            for (const auto &[k, v] : m.toObject())
                if (v.isArray() && std::find(metrics.begin(), metrics.end(), k) == metrics.end())
                    metrics.push_back(k);
    }
    for (const std::string &metric : metrics)
        row(metric == "epochs" ? "epochs run" : metric,
            [&metric](const Run &r, const RunRequest &) { return runMetricText(r, metric); });
    row("failure", [](const Run &r, const RunRequest &) { return runMetricText(r, "failure"); });
    row("seconds", [](const Run &r, const RunRequest &) { return formatNumber(runSeconds(r), 1); });
    return rows;
}

Result<int64_t> startModelRun(ProjectStore &store, const std::string &job)
{
    auto v = store.setting(settingKey(job));
    if (!v)
        return fail(v.error());
    return v->empty() ? int64_t(0) : std::strtoll(v->c_str(), nullptr, 10);
}

Result<> setStartModelRun(ProjectStore &store, const std::string &job, int64_t runId)
{
    auto j = store.job(job);
    if (!j)
        return fail(j.error());
    if (runId > 0)
        if (auto model = runModelFor(store, runId, *j); !model)
            return fail(model.error());
    return store.setSetting(settingKey(job), runId > 0 ? std::to_string(runId) : std::string());
}

Result<std::string> runModelFor(ProjectStore &store, int64_t runId, const Job &job)
{
    auto run = store.run(runId);
    if (!run)
        return fail(run.error());
    const std::string what = "run " + std::to_string(runId);
    if (run->kind != "train")
        return fail(Error::invalid(what + " is a " + run->kind + " run; only a built-in training leaves a model to start from"));
    if (run->status != "done" && run->status != "stopped" && run->status != "stopped-early")
        return fail(Error::invalid(what + " has " + run->status + "; it left no model"));
    const std::string model = run->dir + "/model/model.pt";
    if (!QFileInfo::exists(QString::fromStdString(model)))
        return fail(Error::notFound(model + ": the run's model file is missing"));
    json::Value metrics;
    if (!json::parse(run->metrics, metrics) || !metrics.find("classes") || !metrics.find("classes")->isArray())
        return fail(Error::invalid(what + ": its classes are not recorded"));
    std::vector<std::string> classes, jobClasses;
    for (const json::Value &c : metrics.find("classes")->toArray())
        classes.push_back(c.toString());
    for (const LabelClass &c : job.classes)
        jobClasses.push_back(c.name);
    if (classes != jobClasses) {
        auto list = [](const std::vector<std::string> &v) {
            std::string s;
            for (const auto &x : v)
                s += (s.empty() ? "" : ", ") + x;
            return s;
        };
        return fail(Error::invalid(what + " was trained on the classes " + list(classes) + "; job " + job.name +
                                   " has " + list(jobClasses)));
    }
    return model;
}

} // namespace gw::activelearning
