#pragma once

// What a model says about people's labels: every human-labelled item is scored by a model that did not train
// on it (k-fold, out of fold), so that items the model contradicts with confidence surface as suspected label
// errors; and the items are mapped to two dimensions — PCA via Eigen of the features a model trained on all of
// them computes (the layer before its class layer) — to see the classes as clusters and where they run into each
// other. Single-label image and text classification.

#include "activelearning/models.h"
#include "datasets/manifest.h"

#include <array>
#include <vector>

namespace gw::activelearning {

struct InsightOptions
{
    int folds = 3;
    uint64_t seed = 1;
    int threads = 2;
    int maxSuspects = 50;
    int imageSize = 28;
    datasets::ProgressFn progress; ///< folds done, folds in all
};

struct SuspectedError
{
    int64_t itemId = 0;
    int given = 0, predicted = 0; ///< class ids
    double confidence = 0;        ///< the model's probability for its own class
    double givenProbability = 0;  ///< … and for the class people gave
};

struct ModelInsights
{
    std::vector<SuspectedError> suspects; ///< most confident contradictions first
    std::vector<int64_t> items;           ///< the mapped items
    std::vector<int> classes;             ///< their human class ids
    std::vector<std::array<float, 2>> map; ///< their 2-D positions
    std::array<double, 2> explained{};    ///< share of the variance each axis explains
    int featureDimension = 0;             ///< of the model's features the map projects
    double outOfFoldAccuracy = 0;
    int folds = 0;
    double seconds = 0;
};

/// The two principal components of rows (n × d, row-major): positions and explained variance shares.
std::pair<std::vector<std::array<float, 2>>, std::array<double, 2>> principalComponents(const std::vector<float> &rows,
                                                                                        int d);

Result<ModelInsights> modelInsights(const datasets::ProjectStore &store, const datasets::Job &job,
                                    const InsightOptions &options);

} // namespace gw::activelearning
