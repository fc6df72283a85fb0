#pragma once

// The stored form of an annotation payload: a compact JSON text (the mask PNG is kept beside it as a blob).

#include "datasets/result.h"
#include "datasets/types.h"

#include <string>
#include <string_view>

namespace gw::datasets {

std::string encodePayload(const Payload &p);
/// mask is the blob stored beside the JSON text.
Result<Payload> decodePayload(std::string_view json, std::string mask);

/// Class ids a payload refers to (boxes, spans, classes), each once.
std::vector<int> payloadClassIds(const Payload &p);

} // namespace gw::datasets
