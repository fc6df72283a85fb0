#pragma once

// The built-in trainers: image or text classification on a dataset version, with the architectures of the
// automated-labeling models (models.h). Trains on the version's train split, keeps the weights of the best
// validation epoch (early stopping), evaluates on its test split (accuracy, per-class precision / recall /
// F1, confusion matrix), and writes the model as TorchScript (model.pt) with a metrics file (metrics.json).

#include "activelearning/models.h"
#include "datasets/json.h"
#include "datasets/projectstore.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gw::activelearning {

struct ClassScore
{
    std::string name;
    double precision = 0, recall = 0, f1 = 0;
    int64_t support = 0; ///< items of the class in the evaluated set
};

struct ClassificationReport
{
    int64_t items = 0;
    double accuracy = 0;
    double macroF1 = 0;
    std::vector<ClassScore> classes;
    std::vector<std::vector<int64_t>> confusion; ///< [true class][predicted class]
};

/// Scores predictions against the truth (class positions 0..classNames.size()-1). A class never predicted
/// has precision 0, a class absent from the truth recall 0 (and both count in the macro F1 only when the
/// class occurs in the truth or the predictions).
ClassificationReport classificationReport(const std::vector<int> &truth, const std::vector<int> &predicted,
                                          const std::vector<std::string> &classNames);
json::Value toJson(const ClassificationReport &report);
std::optional<ClassificationReport> classificationReportFromJson(const json::Value &v);

struct TrainingSpec
{
    int64_t versionId = 0;
    std::string job;            ///< the job whose labels train; empty: the only job the version holds
    ModelOptions model;         ///< epochs, patience, batch, learning rate, seed, threads, warm start
    int imageChannels = 1, imageSize = 28;
    std::string outDir;         ///< receives model.pt and metrics.json
    std::string cacheDir;       ///< decoded pixels (default: the project's cache folder)
    double holdOut = 0.1;       ///< share of train kept for validation when the version has no validation split
};

struct TrainingEvents
{
    std::function<void(const std::string &line)> log;
    /// After every epoch; false stops training (a stop request, or a search's early-stopping rule): the best
    /// epoch so far is evaluated and saved like a finished training's, and the result says stopped.
    std::function<bool(const EpochReport &epoch)> epoch;
};

struct TrainingResult
{
    std::string task;                    ///< "image" or "text"
    int64_t jobId = 0;
    std::string job;
    std::vector<std::string> classes;
    int64_t trainItems = 0, validationItems = 0, testItems = 0;
    TrainReport train;
    std::vector<EpochReport> curve;
    std::optional<ClassificationReport> test;
    std::string modelPath, metricsPath;
    double epochsPerSecond = 0;          ///< training epochs (with their validation pass) per second
    bool stopped = false;                ///< events.epoch stopped it: the best epoch so far is the model
};

/// Trains, evaluates and saves; curve (optional) receives the epochs run even when training fails.
Result<TrainingResult> trainClassifier(datasets::ProjectStore &store, const TrainingSpec &spec,
                                       const TrainingEvents &events, std::vector<EpochReport> *curve = nullptr);

/// The metrics file of a result, as written to metrics.json.
json::Value toJson(const TrainingResult &result);

} // namespace gw::activelearning
