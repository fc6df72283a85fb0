#pragma once

// Annotation consolidation: several workers' answers for an item become one label with a confidence.
// Single-label classification follows Ground Truth's "modified Dawid-Skene" EM (reference: groundtruth.md
// §6.1): each worker has a confusion matrix, items a posterior over the classes; the label is the posterior's
// argmax and the confidence its maximum, rounded to two places and capped at 0.95 as Ground Truth's outputs
// are. Majority vote (confidence = the winning share of votes) is the plain alternative.
//
// Pure computation: callers read the answers from a store or from Ground Truth worker-response files.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace gw::datasets::consolidation {

/// One worker's answer for one item: a class index in 0 … classes-1.
struct Answer
{
    int64_t item = 0;
    int worker = 0; ///< a dense worker index (see Workers)
    int label = 0;
};

struct Consolidated
{
    int64_t item = 0;
    int label = 0;
    double confidence = 0;          ///< as written to the manifest (rounded, capped)
    std::vector<double> posterior;  ///< per class, sums to 1
    int answers = 0;
};

struct WorkerQuality
{
    int worker = 0;
    int64_t answers = 0;
    double accuracy = 0; ///< the diagonal share of the worker's expected confusion counts (Dawid-Skene), or the
                         ///< share of answers that agree with the consolidated label (majority vote)
};

struct Outcome
{
    std::vector<Consolidated> items; ///< in item order
    std::vector<WorkerQuality> workers;
    int epochs = 0;
};

struct Options
{
    /// The prior accuracy every worker starts with.
    double workerPrior = 0.7;
    int maxEpochs = 20;
    double tolerance = 1e-8;
    /// Stop as Ground Truth's published code does: its relative change of the (negative) log-likelihood is
    /// signed, so it stops after the second epoch whenever the likelihood improved. Off: iterate until the
    /// absolute relative change is below tolerance.
    bool groundTruthStopping = true;
    /// Ground Truth's outputs never exceed this confidence (unanimous items show 0.95).
    double confidenceCap = 0.95;
};

/// Modified Dawid-Skene EM over answers with labels in 0 … classes-1 (others are ignored). An item with a
/// single answer gets that label with confidence 0 (nothing to weigh it against), as Ground Truth writes.
Outcome dawidSkene(const std::vector<Answer> &answers, int classes, const Options &options = {});

/// Majority vote: the most frequent label (ties: the lowest class index, so results are reproducible),
/// confidence = its votes / all votes, rounded to two places.
Outcome majorityVote(const std::vector<Answer> &answers, int classes);

/// How much workers agree beyond chance on items two or more of them answered: Krippendorff's α (nominal;
/// copes with any number of answers per item) and Fleiss' κ (its generalisation to varying numbers of raters).
/// Both are 1 for full agreement, about 0 for agreement by chance, below 0 for systematic disagreement;
/// nullopt when there are no such items or no variation to measure against.
struct ChanceCorrected
{
    std::optional<double> alpha, kappa;
    int64_t items = 0; ///< items with two or more answers
};
ChanceCorrected chanceCorrectedAgreement(const std::vector<Answer> &answers, int classes);

/// Maps worker ids (strings) to the dense indexes Answer uses.
class Workers
{
public:
    int index(const std::string &id);
    const std::string &id(int index) const { return m_ids[size_t(index)]; }
    int count() const { return int(m_ids.size()); }

private:
    std::vector<std::string> m_ids;
    std::unordered_map<std::string, int> m_index;
};

} // namespace gw::datasets::consolidation
