#pragma once

// Confidence that means what it says: temperature scaling of logits fitted on the human-labelled validation
// set (one parameter, so it cannot overfit a small set), and the threshold search that turns a target
// accuracy into the lowest confidence whose lower bound of accuracy reaches it.

#include <cstdint>
#include <optional>
#include <vector>

namespace gw::activelearning {

/// Softmax of logits / temperature, row by row (rows × classes).
std::vector<float> softmax(const std::vector<float> &logits, int classes, double temperature = 1.0);
/// Mean negative log-likelihood of the labels under softmax(logits / temperature).
double negativeLogLikelihood(const std::vector<float> &logits, const std::vector<int> &labels, int classes,
                             double temperature);
/// The temperature in [0.05, 20] that minimises the validation NLL (golden-section search on log T).
double fitTemperature(const std::vector<float> &logits, const std::vector<int> &labels, int classes);

/// Wilson score lower bound of a proportion (successes of n) at z (1.96: 95%, two-sided).
double wilsonLowerBound(int64_t successes, int64_t n, double z = 1.96);
/// One-sided Clopper-Pearson (exact binomial) lower bound at confidence level (0.95).
double clopperPearsonLowerBound(int64_t successes, int64_t n, double level = 0.95);

struct ThresholdPoint
{
    double threshold = 0;   ///< items with confidence >= threshold
    int64_t count = 0;      ///< validation items above it
    int64_t correct = 0;
    double accuracy = 0;
    double lowerBound = 0;  ///< Wilson, 95%
};

struct ThresholdChoice
{
    std::optional<double> threshold; ///< nullopt: no threshold qualifies, auto-label nothing
    ThresholdPoint at;               ///< the figures at the chosen threshold
    std::vector<ThresholdPoint> curve; ///< every candidate, highest threshold first (for the chart)
};

/// The lowest confidence t at which the 95% Wilson lower bound of accuracy over validation items with
/// confidence >= t reaches target, with at least minCount items above t.
ThresholdChoice chooseThreshold(const std::vector<double> &confidence, const std::vector<bool> &correct,
                                double target, int64_t minCount = 20);

} // namespace gw::activelearning
