#pragma once

// The classifiers behind automated labeling, with no libtorch types in sight: rows are indices into the
// inputs a model was made with (texts, or image pixels from the feature cache). Only activelearning/torch/
// includes libtorch.

#include "datasets/result.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gw::activelearning {

struct ModelOptions
{
    uint64_t seed = 0;
    int threads = 2;          ///< CPU threads for training and scoring
    int maxEpochs = 30;
    int patience = 4;         ///< early stopping: epochs without a better validation loss
    int batchSize = 64;
    double learningRate = 0;  ///< 0: the model's default
    bool augment = true;      ///< images: light augmentation while training
    /// A model written by ItemClassifier::save() of the same kind and classes: training starts from its
    /// weights (and, for images, its input normalisation) instead of random ones — a warm start.
    std::string initialModel;
    /// When progress asks to stop: keep the best epoch so far as the trained model and report stopped,
    /// instead of failing with cancelled() and leaving the previous model (automated labeling's choice).
    bool keepBestOnStop = false;
};

struct TrainReport
{
    int epochs = 0;              ///< epochs run
    int bestEpoch = 0;
    double validationLoss = 0;   ///< at the best epoch (cross-entropy)
    double validationAccuracy = 0;
    double seconds = 0;
    bool stopped = false;        ///< stopped by progress before its end (ModelOptions::keepBestOnStop)
};

/// One finished epoch: the training loss averaged over its minibatches and, with a validation set, the
/// validation loss and accuracy (NaN without one).
struct EpochReport
{
    int epoch = 0, maxEpochs = 0;
    double trainLoss = 0;
    double validationLoss = 0, validationAccuracy = 0;
    bool best = false; ///< the best validation loss so far: this epoch's weights are the ones kept
};

/// Progress of training, after every epoch; returns false to stop (train() then fails with cancelled()).
using TrainProgress = std::function<bool(const EpochReport &epoch)>;

class ItemClassifier
{
public:
    virtual ~ItemClassifier() = default;
    /// Trains from scratch (deterministic for options.seed); keeps the weights of the best validation epoch.
    virtual Result<TrainReport> train(const std::vector<int> &trainRows, const std::vector<int> &trainLabels,
                                      const std::vector<int> &validationRows, const std::vector<int> &validationLabels,
                                      int numClasses, const ModelOptions &options, const TrainProgress &progress = {}) = 0;
    /// Logits (rows × numClasses, row-major) of the trained model, before any calibration.
    virtual Result<std::vector<float>> logits(const std::vector<int> &rows) const = 0;
    virtual int numClasses() const = 0;
    /// The model's own features of the rows (the layer before the class layer), rows × dimension,
    /// row-major; dimension is set. For maps of the data (PCA).
    virtual Result<std::vector<float>> embeddings(const std::vector<int> &rows, int &dimension) const = 0;
    /// Writes the trained model as a TorchScript module that runs without Groundwork (torch.jit.load in
    /// Python, torch::jit::load in C++): forward() gives logits, features() the embeddings. Images: input
    /// N×C×H×W in [0, 1] (normalisation inside). Texts: forward(buckets, offsets) over the hashed features
    /// described in "model.json". Two extra files ride along: "groundwork.json" holds `metadata` as given
    /// (classes, dataset version, ...), "model.json" the model's own description (kind, input, features).
    virtual Result<> save(const std::string &path, const std::string &metadata) const = 0;
};

/// A box found in (or given for) one image, in the input's pixels; cls is the class's position.
struct FoundBox
{
    int cls = 0;
    float left = 0, top = 0, width = 0, height = 0;
    float score = 1;
};
using ImageBoxList = std::vector<FoundBox>;

/// Finds boxes in images (automated labeling for bounding-box jobs).
class BoxDetector
{
public:
    virtual ~BoxDetector() = default;
    /// Trains from scratch (deterministic for options.seed), or from options.initialModel's weights; keeps the
    /// weights of the epoch with the best validation loss. Boxes per row, in the input's pixels.
    virtual Result<TrainReport> train(const std::vector<int> &trainRows, const std::vector<ImageBoxList> &trainBoxes,
                                      const std::vector<int> &validationRows,
                                      const std::vector<ImageBoxList> &validationBoxes, int numClasses,
                                      const ModelOptions &options, const TrainProgress &progress = {}) = 0;
    /// The boxes found in each row's image with a score of at least minScore, at most maxBoxes, best first.
    /// mirrored: found on the mirror image and mirrored back (for the agreement feature of imagepass.h).
    virtual Result<std::vector<ImageBoxList>> detect(const std::vector<int> &rows, bool mirrored = false,
                                                     float minScore = 0.05F, int maxBoxes = 50) const = 0;
    virtual int numClasses() const = 0;
};

/// Pixels of images, prepared once (decoded, resized, cached): rows × channels × height × width, in [0, 1].
struct ImageInputs
{
    int channels = 1, height = 28, width = 28;
    std::vector<float> pixels;
    int rows() const
    {
        const int cell = channels * height * width;
        return cell > 0 ? int(pixels.size() / size_t(cell)) : 0;
    }
};

// The factories load the libtorch module (libgw_torch.so) on first use and fail with a clear message when it
// cannot be loaded. Before loading it they set OMP_WAIT_POLICY=passive unless the environment says otherwise:
// OpenMP threads that spin between parallel regions slow training several times over on a busy 2-core machine
// (the GUI thread, a second process) and keep a core at 100% while the model waits for people.

/// fastText-style: hashed word unigrams/bigrams and character 3-5-grams into an embedding bag, then a linear
/// layer. Fast on the CPU.
Result<std::unique_ptr<ItemClassifier>> makeTextClassifier(std::vector<std::string> texts);
/// A small CNN trained from scratch (input normalisation, light augmentation, early stopping).
Result<std::unique_ptr<ItemClassifier>> makeImageClassifier(std::shared_ptr<const ImageInputs> inputs);
/// A TorchScript feature extractor (.pt, input N×C×H×W in [0,1], output N×D) whose embeddings, computed once,
/// feed a trainable linear head.
Result<std::unique_ptr<ItemClassifier>> makeEmbeddingClassifier(std::shared_ptr<const ImageInputs> inputs,
                                                                const std::string &torchScriptPath,
                                                                int threads = 2);

/// A small anchor-free detector trained from scratch (CenterNet-style: a heat map per class, size and offset
/// at a stride of 8 pixels; no non-maximum suppression), with light colour variation while training.
Result<std::unique_ptr<BoxDetector>> makeBoxDetector(std::shared_ptr<const ImageInputs> inputs);

/// Loads the model module now (idempotent); the path it was loaded from, or why it could not be.
Result<std::string> loadModelBackend();

} // namespace gw::activelearning
