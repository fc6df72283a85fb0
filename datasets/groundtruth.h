#pragma once

// Ground Truth label attributes: one task type's label value and its "-metadata" object, read into an
// Annotation and written back exactly as the reference (shared/reference/groundtruth.md §2-3) describes.

#include "datasets/json.h"
#include "datasets/result.h"
#include "datasets/types.h"

#include <functional>
#include <map>
#include <string>

namespace gw::datasets::gt {

/// "YYYY-MM-DDTHH:MM:SS.ffffff" in UTC, as Ground Truth writes creation-date.
std::string formatCreationDate(int64_t us);
/// The same into a buffer of at least 26 characters; returns the length (26).
size_t writeCreationDate(int64_t us, char *out);
/// Accepts that form and other ISO-8601 variants (Z, +0000, +00:00, no fraction, millisecond fraction).
std::optional<int64_t> parseCreationDate(std::string_view s);
/// "labeling-job/<lower-case name>".
std::string defaultJobName(std::string_view labelAttribute);
/// Number of Unicode code points in UTF-8 text (NER offsets count code points).
int64_t codePointCount(std::string_view utf8);

/// What decoding needs besides the JSON: the job (whose class list may grow when it was created by this
/// import), the item, and how to find mask files.
/// Ground Truth has no instance segmentation: an instance job's label is written as the semantic segmentation
/// label Ground Truth reads (the class map PNG, objects drawn in order) with the objects themselves in the
/// metadata under this key: [{"class-name", "class-index" (the class map's value - 1), "polygons": [[x1, y1, ...],
/// ...], "holes" (when any), "rle" (painted objects: pycocotools's compressed RLE over the image), "pixels":
/// "labelme" (an outline read from LabelMe, whose pixels are LabelMe's: types.h), "confidence" (automatic
/// labels)}, ...] in drawing order. Reading a manifest back, a label with the key makes an instance
/// job; an instance job reading a label without it takes one object per 4-connected region of each class.
inline constexpr const char *kInstancesKey = "groundwork-instances";

struct DecodeContext
{
    Job *job = nullptr;
    bool mayAddClasses = false;   ///< the job is being created from this manifest
    const Item *item = nullptr;
    std::string manifestDir;      ///< relative mask paths are resolved against it
    std::string projectDir;       ///< mask paths are stored relative to it when below it
    std::function<void(const std::string &)> warn;
};

/// Reads one label attribute (its value and metadata) into an annotation with source "imported".
Result<Annotation> decodeLabel(const json::Value &label, const json::Value &metadata, DecodeContext &ctx);

/// What encoding a job's labels needs again and again, computed once per export.
struct JobEncoding
{
    std::string labelKey;    ///< "LAN":
    std::string metadataKey; ///< ,"LAN-metadata":
    std::string jobName;     ///< quoted default job-name
    std::string type;        ///< quoted type
    bool idsArePositions = true;
    std::map<int, std::string> quotedNames; ///< class id -> quoted name
};
JobEncoding prepareJob(const Job &job);

struct EncodeContext
{
    const Job *job = nullptr;
    const JobEncoding *encoding = nullptr; ///< optional: prepared once for many labels
    const Item *item = nullptr;
    /// Segmentation: called with the mask PNG in Ground Truth indices; returns the URI to write.
    std::function<Result<std::string>(const std::string &pngBytes)> writeMask;
    /// Segmentation: maps a stored maskUri to what the manifest should say (or "" when it cannot be used).
    std::function<std::string(const std::string &maskUri)> maskReference;
};

/// Appends `"LAN":<label>,"LAN-metadata":{...}` (no surrounding braces or leading comma).
Result<> encodeLabel(const Annotation &a, EncodeContext &ctx, std::string &out);

/// Validates a payload against its job and item: known classes, boxes inside the image, spans inside the
/// text, one class for single-label tasks. Empty when valid.
std::string validatePayload(const Job &job, const Item &item, const Payload &p);

} // namespace gw::datasets::gt
