#pragma once

// Domain types of a Groundwork project: items, labeling jobs with their classes, annotations with their
// payload per task type, and provenance. Plain values: the store reads and writes them, nothing here does I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gw::datasets {

/// The seven Ground Truth built-in task types, and instance segmentation (which Ground Truth lacks). The order is
/// allTasks()'s; the stored and command-line name is TaskInfo::id.
enum class TaskType {
    ImageClassification,
    ImageClassificationMultiLabel,
    BoundingBox,
    SemanticSegmentation,
    TextClassification,
    TextClassificationMultiLabel,
    NamedEntityRecognition,
    InstanceSegmentation,
};

struct TaskInfo
{
    TaskType type;
    std::string_view id;     ///< CLI and storage name, e.g. "bounding-box"
    std::string_view gtType; ///< Ground Truth metadata "type", e.g. "groundtruth/object-detection"
    std::string_view title;  ///< for people
    bool image;              ///< images (source-ref) rather than text (source)
    bool multiLabel;         ///< several classes per item
};

const TaskInfo &taskInfo(TaskType t);
const std::vector<TaskInfo> &allTasks();
std::optional<TaskType> taskFromId(std::string_view id);
/// Ground Truth type string plus whether the line holds text, since classification types name both.
std::optional<TaskType> taskFromGtType(std::string_view gtType, bool text);

enum class MediaKind { Image = 0, Text = 1 };

/// Status flags of an item's media, found at import or later.
/// ItemSetAside: a person took the item out of the dataset (e.g. a near-duplicate, "keep one"): it is not
/// exported and not used by automated labeling, and comes back when the flag is cleared.
enum ItemFlag : int { ItemOk = 0, ItemMissing = 1, ItemCorrupt = 2, ItemSetAside = 4 };

struct Item
{
    int64_t id = 0;
    MediaKind kind = MediaKind::Image;
    std::string uri;   ///< images: as stored (relative to the project folder, absolute, or a URI)
    std::string text;  ///< texts: the content
    int width = 0;     ///< displayed size (EXIF orientation applied); 0 when unknown
    int height = 0;
    int flags = ItemOk;
    std::string split; ///< "train", "validation", "test" or empty
    int64_t batch = 0; ///< import batch
    std::string extra; ///< unknown manifest keys as a compact JSON object text, empty when none
};

struct LabelClass
{
    int id = 0;            ///< stable within the job; annotations refer to it
    std::string name;
    std::string color;     ///< "#rrggbb"
    std::string shortcut;  ///< a key sequence, e.g. "1" or "Shift+C"
    std::string shortName; ///< NER shortDisplayName, optional
};

/// What a job does with the items: label them, or take another job's labels (its parent) as the thing to work on,
/// as Ground Truth's chained jobs do (reference §3.7, §3.8, §7).
enum class JobKind {
    Labeling,     ///< label the items
    Review,       ///< accept or reject the parent's labels (any task type); a rejected item is labeled again
    Verification, ///< Ground Truth's label verification: a verdict class per label (boxes, masks); nothing is sent back
    Adjustment,   ///< Ground Truth's label adjustment: edit starting from the parent's label, under a new name
};
std::string_view jobKindName(JobKind k); ///< "labeling", "review", "verification", "adjustment"
std::optional<JobKind> jobKindFromName(std::string_view s);

struct Job
{
    int64_t id = 0;
    std::string name; ///< the label attribute name
    TaskType type = TaskType::ImageClassification;
    std::vector<LabelClass> classes; ///< in list order: the position is the Ground Truth class index
    std::string instructions;
    int annotatorsPerItem = 1;
    bool allowOverlap = false; ///< NER: may spans overlap
    int64_t createdUs = 0;
    JobKind kind = JobKind::Labeling;
    int64_t parentId = 0; ///< the job whose labels a review, verification or adjustment job works on
    /// A review or verification job: only the parent's labels with a confidence below this are handed out (labels
    /// consolidated from answers that agree little, automatic labels the model is unsure of); 0: every label.
    double reviewBelow = 0;

    /// Review and verification jobs: their labels are verdicts (a class) on the parent's labels.
    bool givesVerdicts() const { return kind == JobKind::Review || kind == JobKind::Verification; }

    const LabelClass *classById(int id) const;
    const LabelClass *classByName(std::string_view name) const;
    /// Ground Truth index of a class id, -1 when unknown.
    int positionOf(int classId) const;
    int nextClassId() const;
};

enum class Source { Human = 0, Auto = 1, Consolidated = 2, Imported = 3 };
std::string_view sourceName(Source s);
std::optional<Source> sourceFromName(std::string_view s);

struct Provenance
{
    Source source = Source::Human;
    bool humanAnnotated = true;     ///< Ground Truth "human-annotated"
    std::string author;             ///< worker name or model run
    std::optional<double> confidence;
    int64_t timeSpentMs = 0;
    int64_t createdUs = 0;          ///< microseconds since the epoch, UTC
};

struct Box
{
    int classId = 0;
    double left = 0, top = 0, width = 0, height = 0;
    std::optional<double> confidence;
};

/// A text span in Unicode code points, end exclusive.
struct Span
{
    int classId = 0;
    int64_t start = 0, end = 0;
    std::optional<double> confidence;
};

/// One object of an instance segmentation label: its class and its pixels, drawn in the payload's order (a later
/// object is on top where two overlap, for the class map made from them). The pixels are either
/// - an outline: the pixels whose centres are inside any of the polygons and inside none of the holes (each
///   polygon filled on its own with the even-odd rule, as raster::fillPolygon does), or
/// - a painted mask (rle not empty): pycocotools's compressed RLE over the payload's imageWidth × imageHeight;
///   polygons and holes are then empty.
/// An outline read from a LabelMe file keeps LabelMe's pixels instead (labelmePixels): its points are at pixel
/// centres and it also covers the pixels its edges pass through, as LabelMe's own tools draw it
/// (raster::fillLabelmePolygon), so it has the pixels LabelMe's users see and labelme2coco counts.
struct Instance
{
    int classId = 0;
    std::vector<std::vector<double>> polygons; ///< each [x1, y1, x2, y2, ...] in pixels, at least 3 points
    std::vector<std::vector<double>> holes;    ///< the same, cut out of the polygons
    std::string rle;
    std::optional<double> confidence;
    bool labelmePixels = false;

    bool painted() const { return !rle.empty(); }
};

/// The label of one item in one job. Which fields are used depends on the task type.
struct Payload
{
    std::vector<int> classes;                    ///< classification: chosen class ids (one when single-label)
    std::vector<std::optional<double>> classConfidence; ///< multi-label: parallel to classes
    std::vector<Box> boxes;
    int imageWidth = 0, imageHeight = 0, imageDepth = 0; ///< boxes: the image_size written back; instances: the size
    std::vector<Instance> instances; ///< instance segmentation, in drawing order
    std::string mask;     ///< segmentation: 8-bit palette PNG bytes, pixel = class id + 1, 0 = background
    std::string maskUri;  ///< segmentation: where the mask came from when it was imported
    std::vector<Span> spans;
};

struct Annotation
{
    int64_t id = 0;
    int64_t jobId = 0;
    int64_t itemId = 0;
    Payload payload;
    Provenance provenance;
    std::string extra; ///< unknown label / metadata keys from an imported manifest (JSON object text)
};

/// Counts for `gw info`.
struct ProjectSummary
{
    int64_t items = 0, images = 0, texts = 0, flagged = 0;
    struct JobCount
    {
        std::string job;
        std::string type;
        int64_t labeled = 0;
        std::vector<std::pair<std::string, int64_t>> bySource; ///< source name → items
        std::vector<std::pair<std::string, int64_t>> byClass;  ///< class name → items carrying it
    };
    std::vector<JobCount> jobs;
};

/// Ground Truth label attribute name rules (§7.2 of the reference); empty when valid.
std::string validateLabelAttributeName(std::string_view name, TaskType type);

/// Default colours (category10) for the class at a position.
std::string defaultClassColor(int position);
/// Keys for the classes that have none: a class whose name is one letter or digit gets that key ("0" labels
/// class "0", "b" class "b"), the others the digits still free in the order 1…9, 0. Keys given stay.
void assignDefaultKeys(std::vector<LabelClass> &classes);

/// What is wrong with a class name, or "" when it is fine: not empty, no space at either end (callers trim
/// what a person typed), no comma (it separates classes in --classes and in CSV lists) and no control
/// characters (line breaks, tabs). Checked by the store for every job it writes.
std::string classNameProblem(std::string_view name);
/// classNameProblem, and in a semantic segmentation job also a name for the background ("Background",
/// " background "): mask value 0 is the background without being a class, and every mask format writes it
/// under that name already, so a class of that name would be a second, different background.
std::string classNameProblem(std::string_view name, TaskType type);
/// A name as typed, without spaces at either end.
std::string trimmedName(std::string_view name);

} // namespace gw::datasets
