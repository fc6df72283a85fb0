#include "activelearning/torch/training.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

namespace gw::activelearning::torchtraining {

namespace {

/// Copies of a module's parameters and buffers, and putting them back.
std::vector<torch::Tensor> snapshot(const torch::nn::Module &module)
{
    std::vector<torch::Tensor> copy;
    for (const auto &p : module.parameters())
        copy.push_back(p.detach().clone());
    for (const auto &b : module.buffers())
        copy.push_back(b.detach().clone());
    return copy;
}

void restore(torch::nn::Module &module, const std::vector<torch::Tensor> &copy)
{
    torch::NoGradGuard noGrad;
    size_t i = 0;
    for (auto &p : module.parameters())
        p.copy_(copy[i++]);
    for (auto &b : module.buffers())
        b.copy_(copy[i++]);
}

} // namespace

Result<TrainReport> earlyStoppingLoop(torch::nn::Module &module, size_t trainRows, bool validate,
                                      const ModelOptions &opt,
                                      const std::function<double(const std::vector<int> &order)> &trainEpoch,
                                      const std::function<std::pair<double, double>()> &evaluate,
                                      const TrainProgress &progress)
{
    const auto started = std::chrono::steady_clock::now();
    std::mt19937_64 rng(opt.seed);
    std::vector<int> order(trainRows);
    std::iota(order.begin(), order.end(), 0);
    TrainReport report;
    std::vector<torch::Tensor> best;
    double bestLoss = INFINITY;
    for (int epoch = 1; epoch <= opt.maxEpochs; ++epoch) {
        module.train();
        std::shuffle(order.begin(), order.end(), rng);
        EpochReport e{epoch, opt.maxEpochs, trainEpoch(order), NAN, NAN, !validate};
        report.epochs = epoch;
        bool stop = false;
        if (validate) {
            module.eval();
            std::tie(e.validationLoss, e.validationAccuracy) = evaluate();
            if (e.validationLoss < bestLoss) {
                bestLoss = e.validationLoss;
                best = snapshot(module);
                e.best = true;
                report.bestEpoch = epoch;
                report.validationLoss = e.validationLoss;
                report.validationAccuracy = e.validationAccuracy;
            }
            stop = epoch - report.bestEpoch >= opt.patience;
        }
        if (progress && !progress(e)) {
            if (!opt.keepBestOnStop)
                return fail(Error::cancelled());
            report.stopped = true;
            break;
        }
        if (stop)
            break;
    }
    if (!validate)
        report.bestEpoch = report.epochs;
    else if (!best.empty())
        restore(module, best);
    module.eval();
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

} // namespace gw::activelearning::torchtraining
