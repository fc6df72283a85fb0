// Hyperparameter searches: the trials (random or grid), the median stopping rule, and running a search.

#include "activelearning/runexec.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <random>

#include <unistd.h>

namespace gw::activelearning {

using namespace gw::datasets;
using namespace gw::activelearning::detail;

namespace detail {

Outcome executeSearch(ProjectStore &store, const Run &search, const RunRequest &request, Recorder &rec,
                      const std::function<bool()> &stopRequested)
{
    Outcome out;
    uint64_t seed = 1;
    if (auto s = request.hyperparameters.find("seed"); s != request.hyperparameters.end())
        seed = std::strtoull(s->second.c_str(), nullptr, 10);
    auto trials = searchTrials(request, seed);
    if (!trials) {
        out.status = "failed";
        out.metrics.set("failure", trials.error().message);
        rec.log("failed: " + trials.error().message);
        return out;
    }
    rec.log(std::to_string(trials->size()) + " trials (" + request.method + " search), objective: validation_accuracy "
            "(maximised); trials below the median of completed ones are stopped early");
    std::vector<std::vector<double>> completed;
    json::Array table;
    int64_t bestRun = 0;
    double bestValue = -1;
    bool userStop = false;
    for (size_t i = 0; i < trials->size() && !userStop; ++i) {
        if (stopRequested()) {
            userStop = true;
            break;
        }
        RunRequest trial = request;
        trial.kind = "train";
        trial.parent = search.id;
        trial.ranges.clear();
        for (const auto &[k, v] : (*trials)[i])
            trial.hyperparameters[k] = v;
        auto child = createRun(store, trial);
        if (!child) {
            rec.log("trial " + std::to_string(i + 1) + " not run: " + child.error().message);
            continue;
        }
        child->status = "running";
        child->pid = getpid();
        child->host = hostName();
        {
            // Run by this process, as the search is (runProcessAlive tells it from a recycled process id).
            QFile record(QString::fromStdString(child->dir + "/process.start"));
            if (record.open(QIODevice::WriteOnly | QIODevice::Truncate))
                record.write(QByteArray::number(qint64(child->pid)) + ' ' +
                             QByteArray::number(qint64(processStartTicks(child->pid))));
        }
        (void)store.updateRun(*child);
        std::string settings;
        for (const auto &[k, v] : (*trials)[i])
            settings += (settings.empty() ? "" : " ") + k + "=" + v;
        rec.log("trial " + std::to_string(i + 1) + "/" + std::to_string(trials->size()) + " (run " +
                std::to_string(child->id) + "): " + settings);
        Recorder childRec(child->dir, {});
        bool early = false, trialStopped = false;
        const QString trialStopFile = QString::fromStdString(child->dir + "/stop");
        Outcome o = executeTraining(store, trial, child->dir, childRec, [&](const std::vector<double> &objective) {
            if (stopRequested())
                return false;
            if (QFileInfo::exists(trialStopFile)) { // this trial alone was stopped: the search goes on
                trialStopped = true;
                return false;
            }
            early = medianStoppingRule(objective, completed);
            return !early;
        });
        if (o.status == "stopped" && early) {
            o.status = "stopped-early";
            childRec.log("stopped early: its best validation accuracy is below the median of the completed trials");
        } else if (o.status == "stopped" && !trialStopped) {
            userStop = true;
        }
        if (o.status == "done")
            completed.push_back(o.objective);
        const double best = o.objective.empty() ? 0 : *std::max_element(o.objective.begin(), o.objective.end());
        o.metrics.set("seconds", childRec.seconds());
        child->status = o.status;
        child->jobId = o.jobId;
        child->metrics = json::toString(json::Value(o.metrics));
        child->finishedUs = nowUs();
        (void)store.updateRun(*child);
        if (o.jobId)
            out.jobId = o.jobId;
        json::Object row;
        row.set("run", child->id);
        row.set("hyperparameters", stringMap((*trials)[i]));
        row.set("status", o.status);
        row.set("epochs", int64_t(o.objective.size()));
        row.set("validation_accuracy", best);
        if (const json::Value *test = o.metrics.find("test"); test && test->find("accuracy"))
            row.set("test_accuracy", test->find("accuracy")->toDouble());
        table.emplace_back(std::move(row));
        rec.metric("trial_validation_accuracy", int(i + 1), best);
        rec.log("trial " + std::to_string(i + 1) + " " + o.status + ": best validation_accuracy=" + formatNumber(best) +
                " after " + std::to_string(o.objective.size()) + " epochs");
        if (o.status == "done" && best > bestValue) {
            bestValue = best;
            bestRun = child->id;
        }
    }
    // The results table, best first: in the log (the terminal, the app) and in the metrics.
    std::vector<const json::Value *> rows;
    for (const json::Value &row : table)
        rows.push_back(&row);
    std::stable_sort(rows.begin(), rows.end(), [](const json::Value *a, const json::Value *b) {
        return a->find("validation_accuracy")->toDouble() > b->find("validation_accuracy")->toDouble();
    });
    char line[256];
    rec.log("results, best first:");
    std::snprintf(line, sizeof line, "  %6s  %-13s %6s  %-19s %-13s %s", "run", "status", "epochs", "validation_accuracy",
                  "test_accuracy", "hyperparameters");
    rec.log(line);
    for (const json::Value *row : rows) {
        std::string settings;
        for (const auto &[k, v] : row->find("hyperparameters")->toObject())
            settings += (settings.empty() ? "" : " ") + k + "=" + v.toString();
        const json::Value *test = row->find("test_accuracy");
        std::snprintf(line, sizeof line, "  %6lld  %-13s %6lld  %-19s %-13s %s",
                      static_cast<long long>(row->find("run")->toInt()), row->find("status")->toString().c_str(),
                      static_cast<long long>(row->find("epochs")->toInt()),
                      formatNumber(row->find("validation_accuracy")->toDouble()).c_str(),
                      test ? formatNumber(test->toDouble()).c_str() : "-", settings.c_str());
        rec.log(line);
    }
    out.metrics.set("objective", "validation_accuracy");
    out.metrics.set("method", request.method);
    out.metrics.set("trials", std::move(table));
    if (bestRun) {
        out.metrics.set("best_run", bestRun);
        out.metrics.set("validation_accuracy", bestValue);
        rec.log("best: run " + std::to_string(bestRun) + " with validation_accuracy=" + formatNumber(bestValue));
    }
    out.status = userStop ? "stopped" : bestRun ? "done" : "failed";
    if (!bestRun && !userStop)
        out.metrics.set("failure", "no trial finished");
    return out;
}


} // namespace detail

bool medianStoppingRule(const std::vector<double> &trial, const std::vector<std::vector<double>> &completed,
                        int minSteps, int minTrials)
{
    const size_t step = trial.size();
    if (step < size_t(std::max(1, minSteps)) || completed.size() < size_t(std::max(1, minTrials)))
        return false;
    std::vector<double> averages;
    for (const auto &c : completed) {
        const size_t n = std::min(step, c.size());
        if (n == 0)
            continue;
        double sum = 0;
        for (size_t i = 0; i < n; ++i)
            sum += c[i];
        averages.push_back(sum / double(n));
    }
    if (averages.size() < size_t(std::max(1, minTrials)))
        return false;
    std::sort(averages.begin(), averages.end());
    const size_t m = averages.size();
    const double median = m % 2 ? averages[m / 2] : (averages[m / 2 - 1] + averages[m / 2]) / 2;
    return *std::max_element(trial.begin(), trial.end()) < median;
}

Result<std::vector<std::map<std::string, std::string>>> searchTrials(const RunRequest &search, uint64_t seed)
{
    struct Range
    {
        std::string name, type;
        double lo = 0, hi = 0;
        std::vector<std::string> choices;
    };
    std::vector<Range> ranges;
    for (const auto &[name, text] : search.ranges) {
        if (!isBuiltInHyperparameter(name))
            return fail(Error::invalid("cannot search '" + name + "': the built-in trainer takes " + knownHyperparameters()));
        Range r;
        r.name = name;
        const size_t colon = text.find(':');
        r.type = text.substr(0, colon);
        const std::string rest = colon == std::string::npos ? "" : text.substr(colon + 1);
        if (r.type == "choice") {
            size_t start = 0;
            while (start <= rest.size()) {
                const size_t comma = rest.find(',', start);
                const std::string v = rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                if (!v.empty())
                    r.choices.push_back(v);
                if (comma == std::string::npos)
                    break;
                start = comma + 1;
            }
            if (r.choices.empty())
                return fail(Error::invalid("range " + name + "=" + text + ": choice:A,B,... needs values"));
        } else if (r.type == "log" || r.type == "linear" || r.type == "int") {
            const size_t second = rest.find(':');
            if (second == std::string::npos || !parseNumber(rest.substr(0, second), r.lo) ||
                !parseNumber(rest.substr(second + 1), r.hi))
                r.hi = NAN;
            if (!(r.lo < r.hi) || (r.type == "log" && r.lo <= 0))
                return fail(Error::invalid("range " + name + "=" + text + ": expected " + r.type +
                                           ":MIN:MAX with MIN < MAX" + (r.type == "log" ? " and MIN > 0" : "")));
        } else {
            return fail(Error::invalid("range " + name + "=" + text +
                                       ": the type is log:MIN:MAX, linear:MIN:MAX, int:MIN:MAX or choice:A,B,..."));
        }
        ranges.push_back(std::move(r));
    }
    if (ranges.empty())
        return fail(Error::invalid("a search needs at least one range (for example learning_rate=log:0.0005:0.01)"));
    if (search.method != "random" && search.method != "grid")
        return fail(Error::invalid("search method " + search.method + ": random or grid"));
    const int trials = std::max(1, search.trials);
    // Every built-in hyperparameter but the learning rate is a whole number, whatever the range's type.
    auto format = [](const Range &r, double x) {
        if (r.type == "int" || r.name != "learning_rate")
            return std::to_string(int64_t(std::llround(x)));
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4g", x);
        return std::string(buf);
    };
    std::vector<std::map<std::string, std::string>> out;
    if (search.method == "grid") {
        // Each numeric range gets 3 points (ends and middle, geometric for log); the cartesian product in order.
        std::vector<std::vector<std::string>> axes;
        for (const Range &r : ranges) {
            std::vector<std::string> values = r.choices;
            if (values.empty()) {
                for (int i = 0; i < 3; ++i) {
                    const double t = i / 2.0;
                    const double x = r.type == "log" ? std::exp(std::log(r.lo) + t * (std::log(r.hi) - std::log(r.lo)))
                                                     : r.lo + t * (r.hi - r.lo);
                    const std::string v = format(r, x);
                    if (std::find(values.begin(), values.end(), v) == values.end())
                        values.push_back(v);
                }
            }
            axes.push_back(std::move(values));
        }
        std::vector<size_t> at(axes.size(), 0);
        while (int(out.size()) < trials) {
            std::map<std::string, std::string> set;
            for (size_t i = 0; i < axes.size(); ++i)
                set[ranges[i].name] = axes[i][at[i]];
            out.push_back(std::move(set));
            size_t i = axes.size();
            while (i > 0) {
                --i;
                if (++at[i] < axes[i].size())
                    break;
                at[i] = 0;
                if (i == 0) {
                    i = axes.size() + 1; // wrapped: every combination done
                    break;
                }
            }
            if (i == axes.size() + 1)
                break;
        }
        return out;
    }
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    for (int t = 0; t < trials; ++t) {
        std::map<std::string, std::string> set;
        for (const Range &r : ranges) {
            const double u = unit(rng);
            if (!r.choices.empty())
                set[r.name] = r.choices[std::min(r.choices.size() - 1, size_t(u * double(r.choices.size())))];
            else if (r.type == "log")
                set[r.name] = format(r, std::exp(std::log(r.lo) + u * (std::log(r.hi) - std::log(r.lo))));
            else if (r.type == "int")
                set[r.name] = format(r, std::floor(r.lo + u * (r.hi - r.lo + 1)) > r.hi ? r.hi : std::floor(r.lo + u * (r.hi - r.lo + 1)));
            else
                set[r.name] = format(r, r.lo + u * (r.hi - r.lo));
        }
        out.push_back(std::move(set));
    }
    return out;
}


} // namespace gw::activelearning
