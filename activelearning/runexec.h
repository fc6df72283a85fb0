#pragma once

// Inside activelearning/runs*.cpp only: what executing a run is made of, shared by runs.cpp (a run),
// search.cpp (a hyperparameter search, whose trials are trainings) and runprocess.cpp (processes).

#include "activelearning/runs.h"
#include "activelearning/scriptrun.h"
#include "activelearning/trainer.h"
#include "datasets/processinfo.h"

#include <QElapsedTimer>
#include <QFile>

#include <cmath>
#include <functional>

namespace gw::activelearning::detail {

bool isBuiltInHyperparameter(const std::string &name);
std::string knownHyperparameters();
json::Object stringMap(const std::map<std::string, std::string> &m);
std::map<std::string, std::string> readStringMap(const json::Value *v);

/// Appends a run's log lines and metric points to its files as they come (flushed at once: the app and other
/// machines read them while the run goes on).
class Recorder
{
public:
    Recorder(const std::string &dir, std::function<void(const std::string &)> echo)
        : m_log(QString::fromStdString(dir + "/log.txt")), m_metrics(QString::fromStdString(dir + "/metrics.jsonl")),
          m_echo(std::move(echo))
    {
        (void)m_log.open(QIODevice::WriteOnly | QIODevice::Append);
        (void)m_metrics.open(QIODevice::WriteOnly | QIODevice::Append);
        m_clock.start();
    }
    void log(const std::string &line)
    {
        m_log.write(line.data(), qint64(line.size()));
        m_log.write("\n", 1);
        m_log.flush();
        if (m_echo)
            m_echo(line);
    }
    void metric(const std::string &name, int step, double value)
    {
        if (!std::isfinite(value))
            return;
        json::Object o;
        o.set("name", name);
        o.set("step", step);
        o.set("value", value);
        o.set("t", double(m_clock.elapsed()) / 1000.0);
        const std::string line = json::toString(json::Value(std::move(o))) + "\n";
        m_metrics.write(line.data(), qint64(line.size()));
        m_metrics.flush();
    }
    double seconds() const { return double(m_clock.elapsed()) / 1000.0; }

private:
    QFile m_log, m_metrics;
    std::function<void(const std::string &)> m_echo;
    QElapsedTimer m_clock;
};

/// A built-in training's settings from a run's hyperparameters (strings); fails on an unknown or malformed one.
Result<TrainingSpec> trainingSpec(const datasets::ProjectStore &store, const RunRequest &r, const std::string &dir);

/// How a run ended.
struct Outcome
{
    std::string status; ///< "done", "failed", "stopped", "stopped-early"
    json::Object metrics;
    std::vector<double> objective; ///< validation accuracy by epoch
    int64_t jobId = 0;
};

/// A built-in training run, recording as it goes; `epochHook` may stop it (returns false).
Outcome executeTraining(datasets::ProjectStore &store, const RunRequest &request, const std::string &dir, Recorder &rec,
                        const std::function<bool(const std::vector<double> &objective)> &epochHook);
/// A hyperparameter search: its trials run one after the other in this process, each a run of its own.
Outcome executeSearch(datasets::ProjectStore &store, const datasets::Run &search, const RunRequest &request,
                      Recorder &rec, const std::function<bool()> &stopRequested);
using datasets::processStartTicks;
/// Signals the process group of a script run's command left behind by a run process that died.
void signalOrphanedCommand(const datasets::Run &run, int signal);

} // namespace gw::activelearning::detail
