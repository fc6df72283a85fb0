#pragma once

// Any training program, run SageMaker's way on this machine: a run directory laid out like the training
// container's /opt/ml (input/config/hyperparameters.json with string values, inputdataconfig.json,
// resourceconfig.json, input/data/<channel>/ holding the augmented manifest and the media it references, with
// the references rewritten relative to the channel folder; model/, output/failure), the
// environment variables SageMaker's training toolkit sets (SM_MODEL_DIR, SM_CHANNEL_<NAME>, SM_HPS, ...), the
// user's command as a local process in its own process group, its log captured line by line, metrics taken
// from the log with SageMaker-style regular expressions (the first group is the value), output/failure as the
// failure reason and the exit code as the verdict. A script written for SageMaker runs unchanged with its
// paths pointed at the run directory.

#include "datasets/result.h"

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gw::activelearning {

struct ScriptRunSpec
{
    std::string command; ///< run by /bin/sh -c in the run directory
    std::string runDir;  ///< created; the script's /opt/ml
    std::string jobName = "local-run";
    std::map<std::string, std::string> hyperparameters;
    std::vector<std::pair<std::string, std::string>> metricDefinitions; ///< name, regex
    std::vector<std::pair<std::string, std::string>> channels;          ///< name, manifest to copy in
    std::function<void(const std::string &line)> onLog;                 ///< every log line, as it comes
    /// every metric value as the log yields it: the definition's name, its count so far (1, 2, ...), the value
    std::function<void(const std::string &name, int step, double value)> onMetric;
    std::function<bool()> shouldStop;                                   ///< polled; true stops the process tree
    std::function<void(int64_t pid)> onStart; ///< the command's process id, also its process group's
};

struct ScriptRunResult
{
    int exitCode = -1;
    bool stopped = false;
    std::string failure;                               ///< output/failure, first 1024 characters
    std::map<std::string, std::vector<double>> metrics; ///< every value each definition captured, in order
    double seconds = 0;
    bool succeeded() const { return exitCode == 0 && !stopped; }
};

/// A number in text as programs write it ("0.93", "1e-3", "-2"), read the same in every locale: all of the text
/// but surrounding spaces; false when it is not one.
bool parseNumber(std::string_view text, double &out);

/// A number with a fixed count of decimals ("0.9760"), written the same in every locale.
std::string formatNumber(double v, int decimals = 4);
/// Writes a whole file or nothing (a temporary file renamed into place).
Result<> writeFileAtomically(const std::string &path, const std::string &text);

/// Lays out the run directory and the environment (without running anything); the environment as KEY=VALUE.
Result<std::vector<std::string>> prepareRunDirectory(const ScriptRunSpec &spec);
/// Prepares the run directory, runs the command to its end (or until shouldStop), and reports.
Result<ScriptRunResult> runScript(const ScriptRunSpec &spec);

} // namespace gw::activelearning
