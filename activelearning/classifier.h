#pragma once

// Model backends for automated labeling, behind an interface with no libtorch types: only the torch
// backend's .cpp files include libtorch, so the rest of the program compiles fast.

#include "datasets/result.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace gw::activelearning {

/// Dense feature vectors with integer class labels.
struct TrainingData
{
    int featureDim = 0;
    int numClasses = 0;
    std::vector<float> features; ///< row-major, rows × featureDim
    std::vector<int> labels;     ///< one per row, 0..numClasses-1
    int rows() const { return featureDim ? int(features.size() / size_t(featureDim)) : 0; }
};

struct TrainOptions
{
    int epochs = 100;
    double learningRate = 0.05;
    double weightDecay = 1e-4;
    uint64_t seed = 0;
    int threads = 1; ///< CPU threads for training and inference
};

/// A classifier over feature vectors that reports class probabilities.
class Classifier
{
public:
    virtual ~Classifier() = default;
    virtual Result<> train(const TrainingData &data, const TrainOptions &options) = 0;
    /// Probabilities, rows × numClasses, row-major.
    virtual Result<std::vector<float>> predictProbabilities(const std::vector<float> &features) const = 0;
    virtual int numClasses() const = 0;
};

/// Softmax regression with one hidden layer, trained with libtorch on the CPU; deterministic for a seed.
std::unique_ptr<Classifier> makeTorchMlpClassifier(int hiddenUnits = 64);

} // namespace gw::activelearning
