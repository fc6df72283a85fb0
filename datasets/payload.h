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
/// The same into an existing payload, reusing its storage.
Result<> decodePayloadInto(std::string_view json, std::string_view mask, Payload &out);
/// Whether every class a payload refers to satisfies pred (no allocation).
template<typename Pred>
bool allClassIds(const Payload &p, Pred pred)
{
    for (int id : p.classes)
        if (!pred(id))
            return false;
    for (const Box &b : p.boxes)
        if (!pred(b.classId))
            return false;
    for (const Span &s : p.spans)
        if (!pred(s.classId))
            return false;
    for (const Instance &i : p.instances)
        if (!pred(i.classId))
            return false;
    return true;
}

/// Class ids a payload refers to (boxes, spans, classes, objects), each once.
std::vector<int> payloadClassIds(const Payload &p);

/// Whether two payloads say the same thing: the same classes, boxes, spans and objects (in order), the same mask
/// pixels; confidences and the image size written back are metadata, not the label.
bool sameLabel(const Payload &a, const Payload &b);

/// The classes stored beside a label for the class filter and counts (annotations.mask_classes): those a mask's
/// pixels hold (decoded from the PNG) or the objects' classes, as a JSON array; empty for other payloads, whose
/// classes the filter reads from the payload's text.
Result<std::string> storedClassList(const Payload &p);

} // namespace gw::datasets
