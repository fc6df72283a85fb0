#pragma once

// The automated-labeling loop for single-label image and text classification. People label a random probe
// and a random validation sample; each iteration trains a model on the other human labels, calibrates it on
// the validation set, picks the lowest confidence whose 95% lower bound of accuracy reaches the target,
// auto-labels the unlabeled items above it, sends a random audit sample of those auto-labels and the most
// uncertain (and mutually different) items to people, and records itself as a run.

#include "activelearning/calibration.h"
#include "activelearning/models.h"
#include "datasets/projectstore.h"

#include <functional>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

namespace gw::activelearning {

struct LoopOptions
{
    double target = 0.95;          ///< required accuracy of auto-labels
    double probeFraction = 0.01;   ///< random items people label first (at least probeMin)
    int probeMin = 10;
    double validationFraction = 0.05; ///< random human-labelled items kept for calibration (at least validationMin)
    int validationMin = 150;
    int batchSize = 250;           ///< uncertain items queued for people per iteration
    double auditFraction = 0.03;   ///< share of each round's auto-labels sent to people to check
    int64_t humanBudget = -1;      ///< stop when people have labelled this many (-1: no limit)
    double stopAtLabeledFraction = 1.0; ///< stop when this share of items is labelled
    int64_t minAboveThreshold = 30; ///< validation items that must lie above a threshold
    uint64_t seed = 1;
    ModelOptions model;
    int imageChannels = 1, imageSize = 28;
    std::string featureExtractor;  ///< optional TorchScript .pt for image embeddings
    std::string cacheDir;          ///< feature cache (default: <project>.cache)
};

/// The queue roles the loop gives items (stored as assignments of the worker kLoopWorker; see projectstore.h).
namespace roles = datasets::roles;
using datasets::kLoopWorker;

struct IterationReport
{
    int64_t runId = 0;
    int iteration = 0;
    int64_t items = 0;
    int64_t humanLabels = 0;
    int64_t autoLabeledNow = 0, autoLabeledTotal = 0;
    int64_t queuedForPeople = 0;      ///< waiting for a human label after this iteration
    int64_t unlabeled = 0;
    bool trained = false;
    std::string note;                  ///< why nothing was trained or auto-labelled, when that happened
    double temperature = 1;
    double validationAccuracy = 0;
    std::optional<double> threshold;
    double estimatedAccuracy = 0;      ///< lower bound at the threshold
    double validationAccuracyAbove = 0;
    std::optional<double> auditedAccuracy; ///< realised on audited auto-labels so far
    int64_t audited = 0;
    double trainSeconds = 0, scoreSeconds = 0;
    std::vector<ThresholdPoint> curve;
    bool stop = false;
    std::string stopReason;
    int64_t unreadable = 0;            ///< images that could not be decoded: left out of training and scoring
    int64_t startModelRun = 0;         ///< the training run whose model this round started from (0: none)
    std::string startModelNote;        ///< why a chosen start model was not used
};

class AutoLabeler
{
public:
    AutoLabeler(datasets::ProjectStore &store, datasets::Job job, LoopOptions options);

    /// The figures of a recorded round (a runs row of kind "autolabel"), as iterate() returned them.
    static IterationReport reportOf(const datasets::Run &run);
    /// Refuses jobs the loop does not handle.
    static Result<> supports(const datasets::Job &job);
    /// First call: draws the probe and validation samples and queues them for people. Later calls: no-op.
    Result<> start();
    /// Items waiting for people, most useful first (validation and probe, then audits, then uncertain ones).
    Result<std::vector<int64_t>> humanQueue() const;
    /// One iteration: train, calibrate, auto-label, audit, queue. Progress reports the training epochs.
    Result<IterationReport> iterate(const TrainProgress &progress = {});

private:
    struct State;
    Result<State> readState() const;
    Result<IterationReport> runIteration(const TrainProgress &progress, datasets::Run &run);
    Result<std::unique_ptr<ItemClassifier>> makeModel();
    Result<> loadItems();

    datasets::ProjectStore &m_store;
    datasets::Job m_job;
    LoopOptions m_opt;
    std::vector<datasets::Item> m_items;   ///< every item of the job's kind, by id
    std::map<int64_t, int> m_rowOf;
    std::shared_ptr<const ImageInputs> m_images;
    std::set<int> m_unreadable; ///< rows whose image could not be decoded: never trained on, scored or queued
};

} // namespace gw::activelearning
