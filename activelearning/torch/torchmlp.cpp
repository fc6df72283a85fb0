// The libtorch backend: the only translation unit that includes libtorch headers.

#include "activelearning/classifier.h"

#include <torch/torch.h>

#include <string>

namespace gw::activelearning {

namespace {

class TorchMlp final : public Classifier
{
public:
    explicit TorchMlp(int hidden) : m_hidden(hidden) {}

    Result<> train(const TrainingData &data, const TrainOptions &opt) override
    {
        const int n = data.rows();
        if (n == 0 || data.numClasses < 2 || int(data.labels.size()) != n)
            return fail(Error::invalid("training needs labelled rows of at least two classes"));
        try {
            torch::manual_seed(opt.seed);
            torch::set_num_threads(std::max(1, opt.threads));
            m_classes = data.numClasses;
            m_dim = data.featureDim;
            m_net = torch::nn::Sequential(torch::nn::Linear(m_dim, m_hidden), torch::nn::ReLU(),
                                          torch::nn::Linear(m_hidden, m_classes));
            const auto x = torch::from_blob(const_cast<float *>(data.features.data()), {n, m_dim}, torch::kFloat32).clone();
            std::vector<int64_t> labels(data.labels.begin(), data.labels.end());
            const auto y = torch::tensor(labels, torch::kInt64);
            // Normalise features with the training statistics; kept for prediction.
            m_mean = x.mean(0);
            m_std = x.std(0, false).clamp_min(1e-6);
            const auto xn = (x - m_mean) / m_std;
            torch::optim::Adam optimizer(m_net->parameters(),
                                         torch::optim::AdamOptions(opt.learningRate).weight_decay(opt.weightDecay));
            m_net->train();
            for (int epoch = 0; epoch < opt.epochs; ++epoch) {
                optimizer.zero_grad();
                const auto loss = torch::nn::functional::cross_entropy(m_net->forward(xn), y);
                loss.backward();
                optimizer.step();
            }
            m_net->eval();
            return {};
        } catch (const std::exception &e) {
            return fail(Error::internal(std::string("training failed: ") + e.what()));
        }
    }

    Result<std::vector<float>> predictProbabilities(const std::vector<float> &features) const override
    {
        if (!m_net)
            return fail(Error::invalid("the model is not trained"));
        if (features.size() % size_t(m_dim) != 0)
            return fail(Error::invalid("feature vector length does not match the model"));
        try {
            torch::NoGradGuard noGrad;
            const int64_t n = int64_t(features.size()) / m_dim;
            const auto x = torch::from_blob(const_cast<float *>(features.data()), {n, m_dim}, torch::kFloat32);
            const auto p = torch::softmax(m_net->forward((x - m_mean) / m_std), 1).contiguous();
            return std::vector<float>(p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
        } catch (const std::exception &e) {
            return fail(Error::internal(std::string("inference failed: ") + e.what()));
        }
    }

    int numClasses() const override { return m_classes; }

private:
    int m_hidden;
    int m_classes = 0;
    int64_t m_dim = 0;
    mutable torch::nn::Sequential m_net{nullptr};
    torch::Tensor m_mean, m_std;
};

} // namespace

std::unique_ptr<Classifier> makeTorchMlpClassifier(int hiddenUnits)
{
    return std::make_unique<TorchMlp>(hiddenUnits);
}

} // namespace gw::activelearning
