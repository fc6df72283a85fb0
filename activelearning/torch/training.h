#pragma once

// What the torch models share when they train: epochs over a shuffled order, a validation pass after each,
// early stopping on the validation loss with the best epoch's weights kept, and progress reports. One of the
// few headers that include libtorch (activelearning/torch/ only).

#include "activelearning/models.h"

#include <torch/torch.h>

#include <functional>
#include <utility>
#include <vector>

namespace gw::activelearning::torchtraining {

/// Copies of a module's parameters and buffers, and putting them back.
std::vector<torch::Tensor> snapshot(const torch::nn::Module &module);
void restore(torch::nn::Module &module, const std::vector<torch::Tensor> &copy);

/// Runs the epochs: `trainEpoch(order)` is one pass in that order of the training rows (it returns the mean
/// training loss), `evaluate()` the validation loss and accuracy (called only when `validate`). Stops after
/// opt.patience epochs without a better validation loss and leaves the best epoch's weights in `module`.
/// When progress returns false: with opt.keepBestOnStop the best epoch so far is kept and the report says
/// stopped, otherwise it fails with cancelled() (the module is then left as it was at that epoch).
Result<TrainReport> earlyStoppingLoop(torch::nn::Module &module, size_t trainRows, bool validate,
                                      const ModelOptions &opt,
                                      const std::function<double(const std::vector<int> &order)> &trainEpoch,
                                      const std::function<std::pair<double, double>()> &evaluate,
                                      const TrainProgress &progress);

} // namespace gw::activelearning::torchtraining
