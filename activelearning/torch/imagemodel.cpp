// Image classifiers: a small CNN trained from scratch, and a linear head on the embeddings of a TorchScript
// feature extractor. Both share one training loop (minibatches, Adam, early stopping on validation loss).
// One of the few translation units that include libtorch.

#include "activelearning/torch/backend.h"
#include "activelearning/torch/training.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <random>
#include <sstream>

namespace gw::activelearning {

namespace {

constexpr int64_t kScoringChunk = 256;
constexpr int64_t kStatisticsChunk = 1024;

/// Input normalisation fitted on the training rows, kept with the network it was trained with.
struct Normalisation
{
    torch::Tensor mean, std;
};

torch::Tensor indexTensor(const std::vector<int> &rows, size_t begin, size_t end)
{
    return torch::tensor(std::vector<int64_t>(rows.begin() + long(begin), rows.begin() + long(end)),
                         torch::kInt64);
}

/// The training contract shared by the image classifiers: a Sequential over normalised rows of one tensor.
class RowClassifier : public ItemClassifier
{
public:
    Result<TrainReport> train(const std::vector<int> &trainRows, const std::vector<int> &trainLabels,
                              const std::vector<int> &validationRows,
                              const std::vector<int> &validationLabels, int numClasses,
                              const ModelOptions &opt, const TrainProgress &progress) final;
    Result<std::vector<float>> logits(const std::vector<int> &rows) const final;
    Result<std::vector<float>> embeddings(const std::vector<int> &rows, int &dimension) const final;
    int numClasses() const final { return m_classes; }
    Result<> save(const std::string &path, const std::string &metadata) const final;

protected:
    virtual int64_t rowCount() const = 0;
    /// "cnn" or "linear-head": what a saved model holds, checked before a warm start.
    virtual std::string kind() const = 0;
    /// The input of one row, for model.json ("[1, 28, 28]").
    virtual std::string inputShape() const = 0;
    /// Unnormalised inputs of the given rows.
    virtual torch::Tensor rows(const torch::Tensor &index) const = 0;
    virtual Normalisation fitNormalisation(const std::vector<int> &trainRows) const = 0;
    virtual torch::nn::Sequential makeNet(int numClasses) const = 0;
    /// Training-time variation of a batch of unnormalised inputs.
    virtual torch::Tensor augment(const torch::Tensor &batch) const { return batch; }
    virtual double defaultLearningRate() const = 0;
    virtual double weightDecay() const { return 0; }
    virtual std::string what() const = 0;

private:
    Result<> checkArguments(const std::vector<int> &trainRows, const std::vector<int> &trainLabels,
                            const std::vector<int> &validationRows, const std::vector<int> &validationLabels,
                            int numClasses, int maxEpochs) const;
    double trainEpoch(torch::nn::Sequential &net, torch::optim::Optimizer &optimizer, const Normalisation &norm,
                      const std::vector<int> &trainRows, const std::vector<int> &trainLabels,
                      const std::vector<int> &order, const ModelOptions &opt) const;
    Result<> warmStart(torch::nn::Sequential &net, Normalisation &norm, const std::string &path,
                       int numClasses) const;
    std::pair<double, double> evaluate(torch::nn::Sequential &net, const Normalisation &norm,
                                       const std::vector<int> &rows, const std::vector<int> &labels) const;
    torch::Tensor scores(torch::nn::Sequential &net, const Normalisation &norm,
                         const std::vector<int> &rows) const;

    torch::nn::Sequential m_net{nullptr};
    Normalisation m_norm;
    int m_classes = 0;
};

Result<> RowClassifier::checkArguments(const std::vector<int> &trainRows, const std::vector<int> &trainLabels,
                                       const std::vector<int> &validationRows,
                                       const std::vector<int> &validationLabels, int numClasses,
                                       int maxEpochs) const
{
    if (numClasses < 2)
        return fail(Error::invalid("training needs at least two classes"));
    if (maxEpochs < 1)
        return fail(Error::invalid("training needs at least one epoch"));
    if (trainRows.empty())
        return fail(Error::invalid("training needs labeled " + what()));
    if (trainRows.size() != trainLabels.size() || validationRows.size() != validationLabels.size())
        return fail(Error::invalid("every training and validation row needs one label"));
    for (const auto *rows : {&trainRows, &validationRows}) {
        for (int r : *rows) {
            if (r < 0 || r >= rowCount())
                return fail(
                    Error::invalid("row " + std::to_string(r) + " is not one of the model's " + what()));
        }
    }
    for (const auto *labels : {&trainLabels, &validationLabels}) {
        for (int l : *labels) {
            if (l < 0 || l >= numClasses)
                return fail(Error::invalid("label " + std::to_string(l) + " is outside 0.." +
                                           std::to_string(numClasses - 1)));
        }
    }
    return {};
}

Result<TrainReport> RowClassifier::train(const std::vector<int> &trainRows,
                                         const std::vector<int> &trainLabels,
                                         const std::vector<int> &validationRows,
                                         const std::vector<int> &validationLabels, int numClasses,
                                         const ModelOptions &opt, const TrainProgress &progress)
{
    if (auto ok = checkArguments(trainRows, trainLabels, validationRows, validationLabels, numClasses,
                                 opt.maxEpochs);
        !ok)
        return fail(ok.error());
    const auto started = std::chrono::steady_clock::now();
    try {
        torch::AutoGradMode gradients(true); // whatever the calling thread's mode
        torch::manual_seed(opt.seed);
        torch::set_num_threads(std::max(1, opt.threads));
        Normalisation norm = fitNormalisation(trainRows);
        torch::nn::Sequential net = makeNet(numClasses);
        if (!opt.initialModel.empty()) {
            if (auto ok = warmStart(net, norm, opt.initialModel, numClasses); !ok)
                return fail(ok.error());
        }
        const double lr = opt.learningRate > 0 ? opt.learningRate : defaultLearningRate();
        torch::optim::Adam optimizer(net->parameters(),
                                     torch::optim::AdamOptions(lr).weight_decay(weightDecay()));
        auto report = torchtraining::earlyStoppingLoop(
            *net, trainRows.size(), !validationRows.empty(), opt,
            [&](const std::vector<int> &order) { return trainEpoch(net, optimizer, norm, trainRows, trainLabels, order, opt); },
            [&] { return evaluate(net, norm, validationRows, validationLabels); }, progress);
        if (!report)
            return fail(report.error()); // cancelled: the previous model stays in place
        m_net = net;
        m_norm = norm;
        m_classes = numClasses;
        report->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return *report;
    } catch (const std::exception &e) {
        return fail(Error::internal("training on " + what() + " failed: " + e.what()));
    }
}

double RowClassifier::trainEpoch(torch::nn::Sequential &net, torch::optim::Optimizer &optimizer,
                                 const Normalisation &norm, const std::vector<int> &trainRows,
                                 const std::vector<int> &trainLabels, const std::vector<int> &order,
                                 const ModelOptions &opt) const
{
    const size_t batch = size_t(std::max(1, opt.batchSize));
    double lossSum = 0;
    for (size_t begin = 0; begin < order.size(); begin += batch) {
        const size_t end = std::min(order.size(), begin + batch);
        std::vector<int64_t> index, labels;
        for (size_t i = begin; i < end; ++i) {
            index.push_back(trainRows[size_t(order[i])]);
            labels.push_back(trainLabels[size_t(order[i])]);
        }
        torch::Tensor x = rows(torch::tensor(index, torch::kInt64));
        if (opt.augment)
            x = augment(x);
        const auto loss = torch::nn::functional::cross_entropy(net->forward((x - norm.mean) / norm.std),
                                                               torch::tensor(labels, torch::kInt64));
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        lossSum += loss.item<double>() * double(end - begin);
    }
    return order.empty() ? 0.0 : lossSum / double(order.size());
}

/// The layers of a trained Sequential as TorchScript: parameters and buffers become attributes l<i>_<name>,
/// each layer one line of `features` (every layer but the class layer) and `forward`.
Result<> RowClassifier::save(const std::string &path, const std::string &metadata) const
{
    if (!m_net)
        return fail(Error::invalid("the model is not trained"));
    try {
        torch::jit::Module module("GroundworkClassifier");
        module.register_buffer("input_mean", m_norm.mean.detach().clone());
        module.register_buffer("input_std", m_norm.std.detach().clone());
        std::string features = "def features(self, x):\n    x = (x - self.input_mean) / self.input_std\n";
        std::string last;
        const auto children = m_net->children();
        for (size_t i = 0; i < children.size(); ++i) {
            const std::string l = "self.l" + std::to_string(i) + "_";
            auto attribute = [&](const std::string &name, const torch::Tensor &t, bool buffer) {
                module.register_parameter("l" + std::to_string(i) + "_" + name, t.detach().clone(), buffer);
            };
            std::string line;
            auto pair = [](const auto *a) { return "[" + std::to_string((**a)[0]) + ", " + std::to_string((**a)[1]) + "]"; };
            auto optionalBias = [&](const torch::Tensor &bias) {
                if (!bias.defined())
                    return std::string("None");
                attribute("bias", bias, false);
                return l + "bias";
            };
            if (auto *conv = children[i]->as<torch::nn::Conv2d>()) {
                const auto *padding = c10::get_if<torch::ExpandingArray<2>>(&conv->options.padding());
                if (!padding)
                    return fail(Error::internal("cannot write a convolution with 'same'/'valid' padding as TorchScript"));
                attribute("weight", conv->weight, false);
                const std::string bias = optionalBias(conv->bias);
                line = "x = torch.conv2d(x, " + l + "weight, " + bias + ", " + pair(&conv->options.stride()) + ", " +
                       pair(padding) + ", " + pair(&conv->options.dilation()) + ", " +
                       std::to_string(conv->options.groups()) + ")";
            } else if (auto *bn = children[i]->as<torch::nn::BatchNorm2d>()) {
                attribute("weight", bn->weight, false);
                attribute("bias", bn->bias, false);
                attribute("running_mean", bn->running_mean, true);
                attribute("running_var", bn->running_var, true);
                char eps[32];
                std::snprintf(eps, sizeof eps, "%.9g", bn->options.eps());
                line = "x = torch.batch_norm(x, " + l + "weight, " + l + "bias, " + l + "running_mean, " + l +
                       "running_var, False, 0.0, " + eps + ", False)";
            } else if (children[i]->as<torch::nn::ReLU>()) {
                line = "x = torch.relu(x)";
            } else if (auto *pool = children[i]->as<torch::nn::MaxPool2d>()) {
                line = "x = torch.max_pool2d(x, " + pair(&pool->options.kernel_size()) + ", " +
                       pair(&pool->options.stride()) + ", " + pair(&pool->options.padding()) + ", " +
                       pair(&pool->options.dilation()) + ", " + (pool->options.ceil_mode() ? "True" : "False") + ")";
            } else if (children[i]->as<torch::nn::Dropout>()) {
                continue; // identity at inference
            } else if (auto *flatten = children[i]->as<torch::nn::Flatten>()) {
                line = "x = torch.flatten(x, " + std::to_string(flatten->options.start_dim()) + ", " +
                       std::to_string(flatten->options.end_dim()) + ")";
            } else if (auto *linear = children[i]->as<torch::nn::Linear>()) {
                attribute("weight", linear->weight, false);
                line = "x = torch.linear(x, " + l + "weight, " + optionalBias(linear->bias) + ")";
            } else {
                return fail(Error::internal("cannot write a " + children[i]->name() + " layer as TorchScript"));
            }
            if (i + 1 == children.size())
                last = line;
            else
                features += "    " + line + "\n";
        }
        module.define(features + "    return x\n\ndef forward(self, x):\n    x = self.features(x)\n    " + last +
                      "\n    return x\n");
        torch::jit::ExtraFilesMap extra;
        extra["groundwork.json"] = metadata;
        extra["model.json"] = "{\"kind\": \"" + kind() + "\", \"input\": " + inputShape() +
                              ", \"classes\": " + std::to_string(m_classes) + "}";
        module.save(path, extra);
        return {};
    } catch (const std::exception &e) {
        return fail(Error::io(path + ": writing the model failed: " + e.what()));
    }
}

/// Copies a saved model's attributes into a freshly made net of the same architecture.
Result<> RowClassifier::warmStart(torch::nn::Sequential &net, Normalisation &norm, const std::string &path,
                                  int numClasses) const
{
    try {
        torch::jit::ExtraFilesMap extra{{"model.json", ""}};
        torch::jit::Module module = torch::jit::load(path, c10::nullopt, extra);
        const std::string description = extra["model.json"];
        if (description.find("\"kind\": \"" + kind() + "\"") == std::string::npos)
            return fail(Error::invalid(path + ": not a " + kind() + " model of Groundwork (" + description + ")"));
        if (description.find("\"classes\": " + std::to_string(numClasses) + "}") == std::string::npos)
            return fail(Error::invalid(path + ": the model has a different number of classes (" + description +
                                       "), this job has " + std::to_string(numClasses)));
        torch::NoGradGuard noGrad;
        auto copy = [&](const std::string &name, torch::Tensor into) -> Result<> {
            if (!module.hasattr(name))
                return fail(Error::invalid(path + ": the model has no " + name));
            const torch::Tensor t = module.attr(name).toTensor();
            if (t.sizes() != into.sizes())
                return fail(Error::invalid(path + ": " + name + " has another shape than this model's (the "
                                           "images' size or channels differ)"));
            into.copy_(t);
            return {};
        };
        for (const auto &[name, dst] : {std::pair{"input_mean", norm.mean}, std::pair{"input_std", norm.std}})
            if (auto ok = copy(name, dst); !ok)
                return ok;
        const auto children = net->children();
        for (size_t i = 0; i < children.size(); ++i) {
            const std::string prefix = "l" + std::to_string(i) + "_";
            for (const auto &p : children[i]->named_parameters(false))
                if (auto ok = copy(prefix + p.key(), p.value()); !ok)
                    return ok;
            for (const auto &b : children[i]->named_buffers(false))
                if (b.key() != "num_batches_tracked")
                    if (auto ok = copy(prefix + b.key(), b.value()); !ok)
                        return ok;
        }
        return {};
    } catch (const std::exception &e) {
        return fail(Error::invalid(path + ": cannot start from this model: " + e.what()));
    }
}

torch::Tensor RowClassifier::scores(torch::nn::Sequential &net, const Normalisation &norm,
                                    const std::vector<int> &rowList) const
{
    torch::NoGradGuard noGrad;
    net->eval();
    std::vector<torch::Tensor> parts;
    for (size_t begin = 0; begin < rowList.size(); begin += size_t(kScoringChunk)) {
        const size_t end = std::min(rowList.size(), begin + size_t(kScoringChunk));
        parts.push_back(net->forward((rows(indexTensor(rowList, begin, end)) - norm.mean) / norm.std));
    }
    return torch::cat(parts).contiguous();
}

std::pair<double, double> RowClassifier::evaluate(torch::nn::Sequential &net, const Normalisation &norm,
                                                  const std::vector<int> &rowList,
                                                  const std::vector<int> &labels) const
{
    const auto logits = scores(net, norm, rowList);
    const auto target = torch::tensor(std::vector<int64_t>(labels.begin(), labels.end()), torch::kInt64);
    const double loss = torch::nn::functional::cross_entropy(logits, target).item<double>();
    const double accuracy = logits.argmax(1).eq(target).to(torch::kFloat64).mean().item<double>();
    return {loss, accuracy};
}

Result<std::vector<float>> RowClassifier::logits(const std::vector<int> &rowList) const
{
    if (!m_net)
        return fail(Error::invalid("the model is not trained"));
    for (int r : rowList) {
        if (r < 0 || r >= rowCount())
            return fail(Error::invalid("row " + std::to_string(r) + " is not one of the model's " + what()));
    }
    if (rowList.empty())
        return std::vector<float>{};
    try {
        torch::nn::Sequential net = m_net;
        const auto out = scores(net, m_norm, rowList);
        return std::vector<float>(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
    } catch (const std::exception &e) {
        return fail(Error::internal("scoring " + what() + " failed: " + e.what()));
    }
}

Result<std::vector<float>> RowClassifier::embeddings(const std::vector<int> &rowList, int &dimension) const
{
    if (!m_net)
        return fail(Error::invalid("the model is not trained"));
    for (int r : rowList)
        if (r < 0 || r >= rowCount())
            return fail(Error::invalid("row " + std::to_string(r) + " is not one of the model's " + what()));
    try {
        torch::NoGradGuard noGrad;
        torch::nn::Sequential net = m_net;
        net->eval();
        std::vector<torch::Tensor> parts;
        for (size_t begin = 0; begin < rowList.size(); begin += size_t(kScoringChunk)) {
            const size_t end = std::min(rowList.size(), begin + size_t(kScoringChunk));
            torch::Tensor x = (rows(indexTensor(rowList, begin, end)) - m_norm.mean) / m_norm.std;
            auto module = net->begin();
            for (size_t i = 0; i + 1 < net->size(); ++i, ++module) // every layer but the class layer
                x = module->forward(x);
            parts.push_back(x.flatten(1));
        }
        if (parts.empty()) {
            dimension = 0;
            return std::vector<float>{};
        }
        const auto out = torch::cat(parts).contiguous();
        dimension = int(out.size(1));
        return std::vector<float>(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
    } catch (const std::exception &e) {
        return fail(Error::internal("features of " + what() + " failed: " + e.what()));
    }
}

/// A small CNN over the pixels: blocks of conv 3×3 → batch norm → ReLU → max-pool 2 (32 then 64 channels;
/// more blocks for larger images until a side is at most 8), dropout, a hidden layer of 128, the class layer.
class CnnClassifier final : public RowClassifier
{
public:
    explicit CnnClassifier(std::shared_ptr<const ImageInputs> inputs) : m_inputs(std::move(inputs))
    {
        if (m_inputs && m_inputs->rows() > 0)
            m_pixels =
                torch::from_blob(const_cast<float *>(m_inputs->pixels.data()),
                                 {m_inputs->rows(), m_inputs->channels, m_inputs->height, m_inputs->width});
    }

protected:
    int64_t rowCount() const override { return m_inputs ? m_inputs->rows() : 0; }
    torch::Tensor rows(const torch::Tensor &index) const override { return m_pixels.index_select(0, index); }
    double defaultLearningRate() const override { return 2e-3; }
    std::string what() const override { return "images"; }
    std::string kind() const override { return "cnn"; }
    std::string inputShape() const override
    {
        return "[" + std::to_string(m_inputs->channels) + ", " + std::to_string(m_inputs->height) + ", " +
               std::to_string(m_inputs->width) + "]";
    }

    Normalisation fitNormalisation(const std::vector<int> &trainRows) const override
    {
        // Per channel, in chunks so that a large training set is never copied whole.
        const int64_t c = m_inputs->channels;
        auto sum = torch::zeros({c}, torch::kFloat64), squares = torch::zeros({c}, torch::kFloat64);
        for (size_t begin = 0; begin < trainRows.size(); begin += size_t(kStatisticsChunk)) {
            const size_t end = std::min(trainRows.size(), begin + size_t(kStatisticsChunk));
            const auto x = rows(indexTensor(trainRows, begin, end)).to(torch::kFloat64);
            sum += x.sum({0, 2, 3});
            squares += x.square().sum({0, 2, 3});
        }
        const double count = double(trainRows.size()) * m_inputs->height * m_inputs->width;
        const auto mean = sum / count;
        const auto std = (squares / count - mean.square()).clamp_min(1e-6).sqrt();
        return {mean.to(torch::kFloat32).view({1, c, 1, 1}), std.to(torch::kFloat32).view({1, c, 1, 1})};
    }

    torch::nn::Sequential makeNet(int numClasses) const override
    {
        namespace nn = torch::nn;
        nn::Sequential net;
        int64_t channels = m_inputs->channels, h = m_inputs->height, w = m_inputs->width;
        for (int block = 0; block < 5 && (block < 2 || std::min(h, w) > 8); ++block) {
            const int64_t out = block == 0 ? 32 : 64;
            net->push_back(nn::Conv2d(nn::Conv2dOptions(channels, out, 3).padding(1).bias(false)));
            net->push_back(nn::BatchNorm2d(out));
            net->push_back(nn::ReLU());
            if (std::min(h, w) >= 2) {
                net->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2)));
                h /= 2;
                w /= 2;
            }
            channels = out;
        }
        net->push_back(nn::Dropout(0.25));
        net->push_back(nn::Flatten());
        net->push_back(nn::Linear(channels * h * w, 128));
        net->push_back(nn::ReLU());
        net->push_back(nn::Dropout(0.25));
        net->push_back(nn::Linear(128, numClasses));
        return net;
    }

    /// Random shifts of up to ±2 px and rotations of up to ±8° in one resampling (zeros shift in), per image.
    torch::Tensor augment(const torch::Tensor &batch) const override
    {
        const int64_t n = batch.size(0);
        const double h = double(batch.size(2)), w = double(batch.size(3));
        const auto angle = (torch::rand({n}) * 2 - 1) * (8.0 * M_PI / 180.0);
        const auto shift = torch::randint(-2, 3, {n, 2}).to(torch::kFloat32);
        const auto cos = angle.cos(), sin = angle.sin();
        // affine_grid works in [-1, 1] coordinates: a pixel is 2/w wide; the rotation is corrected for the
        // aspect ratio so that it stays a rotation on non-square images.
        const auto theta =
            torch::stack({torch::stack({cos, -sin * (h / w), shift.select(1, 0) * (2.0 / w)}, 1),
                          torch::stack({sin * (w / h), cos, shift.select(1, 1) * (2.0 / h)}, 1)},
                         1);
        const auto grid = torch::nn::functional::affine_grid(theta, batch.sizes(), false);
        return torch::nn::functional::grid_sample(batch, grid,
                                                  torch::nn::functional::GridSampleFuncOptions()
                                                      .mode(torch::kBilinear)
                                                      .padding_mode(torch::kZeros)
                                                      .align_corners(false));
    }

private:
    std::shared_ptr<const ImageInputs> m_inputs;
    torch::Tensor m_pixels; ///< a view of m_inputs' pixels, N×C×H×W
};

/// A linear head over fixed embeddings (standardised with the training rows' statistics).
class EmbeddingClassifier final : public RowClassifier
{
public:
    explicit EmbeddingClassifier(torch::Tensor embeddings) : m_embeddings(std::move(embeddings)) {}

protected:
    int64_t rowCount() const override { return m_embeddings.size(0); }
    torch::Tensor rows(const torch::Tensor &index) const override
    {
        return m_embeddings.index_select(0, index);
    }
    double defaultLearningRate() const override { return 3e-3; }
    double weightDecay() const override { return 1e-4; }
    std::string what() const override { return "images"; }
    std::string kind() const override { return "linear-head"; }
    std::string inputShape() const override { return "[" + std::to_string(m_embeddings.size(1)) + "]"; }

    Normalisation fitNormalisation(const std::vector<int> &trainRows) const override
    {
        const auto x = rows(indexTensor(trainRows, 0, trainRows.size()));
        return {x.mean(0, true), x.std(0, false, true).clamp_min(1e-6)};
    }

    torch::nn::Sequential makeNet(int numClasses) const override
    {
        return torch::nn::Sequential(torch::nn::Linear(m_embeddings.size(1), numClasses));
    }

private:
    torch::Tensor m_embeddings; ///< N×D, computed once
};

std::string shapeText(const torch::Tensor &t)
{
    std::ostringstream s;
    s << t.sizes();
    return s.str();
}

} // namespace

std::unique_ptr<ItemClassifier> torchbackend::makeImage(std::shared_ptr<const ImageInputs> inputs)
{
    return std::make_unique<CnnClassifier>(std::move(inputs));
}

Result<std::unique_ptr<ItemClassifier>> torchbackend::makeEmbedding(std::shared_ptr<const ImageInputs> inputs,
                                                                     const std::string &torchScriptPath,
                                                                     int threads)
{
    if (!inputs || inputs->rows() == 0)
        return fail(Error::invalid("no images to compute embeddings for"));
    std::error_code ec;
    if (!std::filesystem::is_regular_file(torchScriptPath, ec))
        return fail(Error::notFound(torchScriptPath + ": TorchScript model not found"));
    try {
        torch::set_num_threads(std::max(1, threads));
        torch::jit::Module module = torch::jit::load(torchScriptPath);
        module.eval();
        torch::NoGradGuard noGrad;
        const int64_t n = inputs->rows();
        const auto pixels = torch::from_blob(const_cast<float *>(inputs->pixels.data()),
                                             {n, inputs->channels, inputs->height, inputs->width});
        std::vector<torch::Tensor> parts;
        for (int64_t begin = 0; begin < n; begin += kScoringChunk) {
            const auto x = pixels.slice(0, begin, std::min(n, begin + kScoringChunk));
            const torch::jit::IValue out = module.forward({x});
            if (!out.isTensor())
                return fail(Error::invalid(torchScriptPath + ": the model returns a " + out.tagKind() +
                                           ", expected a tensor of embeddings (N×D)"));
            const torch::Tensor t = out.toTensor();
            if (t.dim() != 2 || t.size(0) != x.size(0) || t.size(1) < 1)
                return fail(Error::invalid(torchScriptPath + ": the model's output for " + shapeText(x) +
                                           " is " + shapeText(t) +
                                           ", expected one embedding per image (N×D)"));
            parts.push_back(t.to(torch::kFloat32).contiguous());
        }
        return std::make_unique<EmbeddingClassifier>(torch::cat(parts));
    } catch (const c10::Error &e) {
        return fail(Error::invalid(torchScriptPath + ": " + e.what_without_backtrace()));
    } catch (const std::exception &e) {
        return fail(Error::invalid(torchScriptPath + ": " + e.what()));
    }
}

} // namespace gw::activelearning
