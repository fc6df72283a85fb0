#pragma once

// Training runs as separate processes, and the experiments they make up. A run is a row of the project's
// `runs` table (parameters, status, final metrics, process, host, directory) and a run directory beside the
// project (NAME.runs/run-<id>/) where its process writes as it goes:
//
//   log.txt        every log line
//   metrics.jsonl  every metric value: {"name", "step", "value", "t" (seconds since the start)}
//   process.txt    the process's own stdout/stderr (a crash message lands here)
//   model/         the built-in trainers' model.pt (TorchScript) and metrics.json; a script's SM_MODEL_DIR
//   stop           created to ask the run to stop (also works for a run on another machine of the team)
//
// The process is `gw run-exec PROJECT RUN`, started detached in a session of its own, so a crash of a run
// never takes the app down and runs go on when the window closes; the app reads the files to show a run and
// re-attaches to running runs when it opens again (refreshRuns notices runs whose process died).
//
// Kinds: "train" (a built-in trainer on a dataset version), "script" (any program, SageMaker's way:
// scriptrun.h), "search" (a hyperparameter search whose trials are "train" runs with it as parent).

#include "activelearning/models.h"
#include "datasets/json.h"
#include "datasets/processinfo.h"
#include "datasets/projectstore.h"

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gw::activelearning {

/// One point of a metric's curve.
struct MetricPoint
{
    std::string name;
    int step = 0;
    double value = 0;
    double seconds = 0;
};

/// What a new run does; the parameters are stored as the run's params JSON.
struct RunRequest
{
    std::string kind = "train";                       ///< "train", "script" or "search"
    int64_t versionId = 0;                            ///< the dataset version trained on (script: train channel)
    std::string job;                                  ///< the labels' job (train; empty: the version's only job)
    std::map<std::string, std::string> hyperparameters; ///< strings, as SageMaker passes them
    // script
    std::string command;
    std::vector<std::pair<std::string, std::string>> metricDefinitions; ///< name, regex
    std::vector<std::pair<std::string, std::string>> channels;          ///< name, manifest
    // search
    std::string method = "random";                    ///< "random" or "grid"
    int trials = 6;                                   ///< random: trials; grid: at most this many
    std::map<std::string, std::string> ranges;        ///< hyperparameter → "log:MIN:MAX", "linear:MIN:MAX", "int:MIN:MAX", "choice:A,B,C"
    int64_t parent = 0;
};

/// The run directory of a run id: NAME.runs/run-<id> beside the project file.
std::string runDirectory(const datasets::ProjectStore &store, int64_t runId);

/// Records a run ("queued", with its directory made) and returns it; nothing runs yet.
Result<datasets::Run> createRun(datasets::ProjectStore &store, const RunRequest &request);
/// The request a run was created from (its params).
Result<RunRequest> requestOf(const datasets::Run &run);

/// Runs a recorded run in this process to its end: what `gw run-exec` does. Sets the run's status, process and
/// host, writes its files, and records its final metrics and status ("done", "failed", "stopped").
/// `stop` is polled (with the run's stop file); `echo` receives every log line too.
Result<datasets::Run> executeRun(datasets::ProjectStore &store, int64_t runId, const std::atomic<bool> &stop,
                                 const std::function<void(const std::string &line)> &echo = {});

/// Starts `program run-exec PROJECT RUN` detached (own session, stdout/stderr to process.txt) and records its
/// process id. `program` is the gw executable (gwProgram()).
Result<int64_t> launchRun(datasets::ProjectStore &store, int64_t runId, const std::string &program);
/// The gw executable: beside the running program, else on PATH, else the build tree's.
std::string gwProgram();

/// Asks a run to stop: its stop file, and on this host SIGTERM to the process (which stops its children and
/// records the run as stopped; a training stops at the end of its epoch). Asked again while that is pending,
/// the process and its command are killed at once (the run is then recorded as failed).
Result<> stopRun(datasets::ProjectStore &store, int64_t runId);
/// Marks queued or running runs of this host whose process is gone as failed (crashed or killed); returns
/// how many. A run of another host is left as it is.
Result<int> refreshRuns(datasets::ProjectStore &store);
/// Whether the process of a run of this host is still there.
bool runProcessAlive(const datasets::Run &run);
using datasets::hostName;

/// Reads a run's files incrementally: call read() again to get what was appended since.
class RunFollower
{
public:
    explicit RunFollower(std::string runDir = {});
    /// New complete log lines and metric points since the last call.
    void read(std::vector<std::string> &lines, std::vector<MetricPoint> &points);

private:
    std::string m_dir;
    int64_t m_logOffset = 0, m_metricsOffset = 0;
};

/// Every metric point a run wrote so far.
std::vector<MetricPoint> readMetrics(const std::string &runDir);

/// Runs side by side: one row per field (kind, status, dataset version, every hyperparameter any of them set,
/// final metrics), one column per run; "" where a run has no value.
struct ComparisonRow
{
    std::string field;
    std::vector<std::string> values;
};
std::vector<ComparisonRow> compareRuns(const std::vector<datasets::Run> &runs);
/// A run's final metric for tables: validation accuracy, test accuracy, ... ("" when it has none).
std::string runMetricText(const datasets::Run &run, const std::string &metric);
/// Duration in seconds (to now while it runs).
double runSeconds(const datasets::Run &run);

/// The median stopping rule: stop a trial at its latest step when its best objective so far is worse than the
/// median of the completed trials' running averages up to that step (objective maximised). Only from
/// minSteps on and with at least minTrials completed trials.
bool medianStoppingRule(const std::vector<double> &trial, const std::vector<std::vector<double>> &completed,
                        int minSteps = 2, int minTrials = 2);

/// The hyperparameter sets of a search (deterministic for the seed). Fails on a malformed range.
Result<std::vector<std::map<std::string, std::string>>> searchTrials(const RunRequest &search, uint64_t seed);

/// The model automated labeling of a job starts from: a run id, or 0. Stored in the project, for everyone.
Result<int64_t> startModelRun(datasets::ProjectStore &store, const std::string &job);
/// Chooses (runId > 0) or clears (0) it; the run must be a finished built-in training of that job's classes.
Result<> setStartModelRun(datasets::ProjectStore &store, const std::string &job, int64_t runId);
/// The model file of a finished built-in training run, checked against a job's classes.
Result<std::string> runModelFor(datasets::ProjectStore &store, int64_t runId, const datasets::Job &job);

} // namespace gw::activelearning
