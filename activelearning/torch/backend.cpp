// The entry point of libgw_torch.so: the table of model factories that gw::activelearning looks up.

#include "activelearning/torch/backend.h"

extern "C" __attribute__((visibility("default"))) const gw::activelearning::ModelBackend *gw_model_backend()
{
    using namespace gw::activelearning;
    static const ModelBackend table{kModelBackendAbi, torchbackend::makeText, torchbackend::makeImage,
                                    torchbackend::makeEmbedding, torchbackend::makeDetector};
    return &table;
}
