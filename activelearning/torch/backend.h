#pragma once

// The contract between gw::activelearning and the libtorch module (libgw_torch.so), which is loaded the
// first time a model is made. Programs that never train (most of `gw`, the GUI until automated labeling
// starts) do not pay for loading libtorch. Both sides are built together from this tree, so the table holds
// plain C++ types; kModelBackendAbi changes whenever the table or models.h changes shape.

#include "activelearning/models.h"

namespace gw::activelearning {

inline constexpr int kModelBackendAbi = 5;
inline constexpr const char *kModelBackendSymbol = "gw_model_backend";

struct ModelBackend
{
    int abi = kModelBackendAbi;
    std::unique_ptr<ItemClassifier> (*makeText)(std::vector<std::string> texts) = nullptr;
    std::unique_ptr<ItemClassifier> (*makeImage)(std::shared_ptr<const ImageInputs> inputs) = nullptr;
    Result<std::unique_ptr<ItemClassifier>> (*makeEmbedding)(std::shared_ptr<const ImageInputs> inputs,
                                                             const std::string &torchScriptPath,
                                                             int threads) = nullptr;
    std::unique_ptr<BoxDetector> (*makeDetector)(std::shared_ptr<const ImageInputs> inputs) = nullptr;
};

namespace torchbackend {
std::unique_ptr<ItemClassifier> makeText(std::vector<std::string> texts);
std::unique_ptr<ItemClassifier> makeImage(std::shared_ptr<const ImageInputs> inputs);
Result<std::unique_ptr<ItemClassifier>> makeEmbedding(std::shared_ptr<const ImageInputs> inputs,
                                                      const std::string &torchScriptPath, int threads);
std::unique_ptr<BoxDetector> makeDetector(std::shared_ptr<const ImageInputs> inputs);
} // namespace torchbackend

} // namespace gw::activelearning
