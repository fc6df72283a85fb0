#pragma once

// What the torch models share when they train: epochs over a shuffled order, a validation pass after each,
// early stopping on the validation loss with the best epoch's weights kept, and progress reports. The module
// is only named here, so the header does not pull libtorch into its includers.

#include "activelearning/models.h"

#include <functional>
#include <utility>
#include <vector>

namespace torch::nn {
class Module;
} // namespace torch::nn

namespace gw::activelearning::torchtraining {

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
