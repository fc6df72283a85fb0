#include "datasets/types.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace gw::datasets {

const std::vector<TaskInfo> &allTasks()
{
    static const std::vector<TaskInfo> tasks = {
        {TaskType::ImageClassification, "image-classification", "groundtruth/image-classification",
         "Image classification (single label)", true, false},
        {TaskType::ImageClassificationMultiLabel, "image-classification-multilabel",
         "groundtruth/image-classification-multilabel", "Image classification (multi-label)", true, true},
        {TaskType::BoundingBox, "bounding-box", "groundtruth/object-detection", "Bounding boxes", true, true},
        {TaskType::SemanticSegmentation, "semantic-segmentation", "groundtruth/semantic-segmentation",
         "Semantic segmentation", true, true},
        {TaskType::TextClassification, "text-classification", "groundtruth/text-classification",
         "Text classification (single label)", false, false},
        {TaskType::TextClassificationMultiLabel, "text-classification-multilabel",
         "groundtruth/text-classification-multilabel", "Text classification (multi-label)", false, true},
        {TaskType::NamedEntityRecognition, "named-entity-recognition", "groundtruth/text-span",
         "Named entity recognition", false, true},
        // Ground Truth has no instance type: its manifests carry the class map it understands (a semantic
        // segmentation label) and the objects in the label's metadata (groundtruth.h).
        {TaskType::InstanceSegmentation, "instance-segmentation", "groundtruth/semantic-segmentation",
         "Instance segmentation", true, true},
    };
    return tasks;
}

const TaskInfo &taskInfo(TaskType t)
{
    return allTasks()[size_t(t)];
}

std::optional<TaskType> taskFromId(std::string_view id)
{
    for (const TaskInfo &t : allTasks())
        if (t.id == id)
            return t.type;
    // Accept the Ground Truth spellings people know too.
    if (id == "object-detection")
        return TaskType::BoundingBox;
    if (id == "ner" || id == "text-span")
        return TaskType::NamedEntityRecognition;
    return std::nullopt;
}

std::optional<TaskType> taskFromGtType(std::string_view gtType, bool text)
{
    if (gtType == "groundtruth/image-classification" || gtType == "groundtruth/text-classification")
        return text ? TaskType::TextClassification : TaskType::ImageClassification;
    if (gtType == "groundtruth/image-classification-multilabel"
        || gtType == "groundtruth/text-classification-multilabel")
        return text ? TaskType::TextClassificationMultiLabel : TaskType::ImageClassificationMultiLabel;
    if (gtType == "groundtruth/object-detection")
        return TaskType::BoundingBox;
    if (gtType == "groundtruth/semantic-segmentation")
        return TaskType::SemanticSegmentation;
    if (gtType == "groundtruth/text-span")
        return TaskType::NamedEntityRecognition;
    if (gtType == "groundtruth/label-verification") // a verdict class per item (reference §3.7)
        return text ? TaskType::TextClassification : TaskType::ImageClassification;
    return std::nullopt;
}

std::string_view jobKindName(JobKind k)
{
    switch (k) {
    case JobKind::Labeling: return "labeling";
    case JobKind::Review: return "review";
    case JobKind::Verification: return "verification";
    case JobKind::Adjustment: return "adjustment";
    }
    return "labeling";
}

std::optional<JobKind> jobKindFromName(std::string_view s)
{
    for (JobKind k : {JobKind::Labeling, JobKind::Review, JobKind::Verification, JobKind::Adjustment})
        if (jobKindName(k) == s)
            return k;
    return std::nullopt;
}

const LabelClass *Job::classById(int id) const
{
    for (const LabelClass &c : classes)
        if (c.id == id)
            return &c;
    return nullptr;
}

const LabelClass *Job::classByName(std::string_view name) const
{
    for (const LabelClass &c : classes)
        if (c.name == name)
            return &c;
    return nullptr;
}

int Job::positionOf(int classId) const
{
    for (size_t i = 0; i < classes.size(); ++i)
        if (classes[i].id == classId)
            return int(i);
    return -1;
}

int Job::nextClassId() const
{
    int next = 0;
    for (const LabelClass &c : classes)
        next = std::max(next, c.id + 1);
    return next;
}

std::string_view sourceName(Source s)
{
    switch (s) {
    case Source::Human: return "human";
    case Source::Auto: return "auto";
    case Source::Consolidated: return "consolidated";
    case Source::Imported: return "imported";
    }
    return "human";
}

std::optional<Source> sourceFromName(std::string_view s)
{
    for (Source v : {Source::Human, Source::Auto, Source::Consolidated, Source::Imported})
        if (sourceName(v) == s)
            return v;
    return std::nullopt;
}

std::string validateLabelAttributeName(std::string_view name, TaskType type)
{
    static const std::regex pattern("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,126}");
    const std::string n(name);
    if (n.empty())
        return "the label attribute name is empty";
    if (!std::regex_match(n, pattern))
        return "'" + n + "' is not a valid label attribute name: use 1-127 letters, digits and hyphens, "
               "starting and ending with a letter or digit";
    if (n.ends_with("-metadata"))
        return "'" + n + "' is not a valid label attribute name: it may not end with '-metadata'";
    if (n == "source" || n == "source-ref")
        return "'" + n + "' is reserved by Ground Truth and cannot name a job";
    // An instance job leaves in Ground Truth manifests as a class map too, under the same rule.
    const bool ref = n.ends_with("-ref");
    const bool masks = type == TaskType::SemanticSegmentation || type == TaskType::InstanceSegmentation;
    if (masks && !ref)
        return "'" + n + "' is not a valid name for a " + (type == TaskType::SemanticSegmentation ? "semantic" : "instance")
               + " segmentation job: it must end with '-ref' (e.g. '" + n + "-ref'), as Ground Truth names the "
               "attribute of a mask";
    if (!masks && ref)
        return "'" + n + "' may not end with '-ref': only segmentation jobs use that suffix";
    return {};
}

std::string classNameProblem(std::string_view name)
{
    const std::string quoted = "'" + std::string(name) + "'";
    if (name.empty())
        return "a class needs a name";
    if (name.front() == ' ' || name.back() == ' ')
        return "class name " + quoted + " starts or ends with a space";
    if (name.find(',') != std::string_view::npos)
        return "class name " + quoted + " holds a comma, which separates classes in lists (--classes, CSV)";
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7f)
            return "class name " + quoted + " holds a control character (a line break or a tab)";
    return {};
}

std::string classNameProblem(std::string_view name, TaskType type)
{
    std::string folded = trimmedName(name);
    std::transform(folded.begin(), folded.end(), folded.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if ((type == TaskType::SemanticSegmentation || type == TaskType::InstanceSegmentation) && folded == "background")
        return "class name '" + std::string(name) + "' is taken by the background of segmentation masks (pixel "
               "value 0, which needs no class): give the class another name";
    return classNameProblem(name);
}

std::string trimmedName(std::string_view name)
{
    const size_t b = name.find_first_not_of(" \t");
    if (b == std::string_view::npos)
        return {};
    const size_t e = name.find_last_not_of(" \t");
    return std::string(name.substr(b, e - b + 1));
}

void assignDefaultKeys(std::vector<LabelClass> &classes)
{
    auto taken = [&](const std::string &key) {
        return std::any_of(classes.begin(), classes.end(), [&](const LabelClass &c) { return c.shortcut == key; });
    };
    // Keys are stored as Qt's portable text: letters upper case.
    for (LabelClass &c : classes) {
        if (!c.shortcut.empty())
            continue;
        std::string name = c.name;
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        if (name.size() != 1 || !std::isalnum(static_cast<unsigned char>(name[0])))
            continue;
        const std::string key(1, char(std::toupper(static_cast<unsigned char>(name[0]))));
        if (!taken(key))
            c.shortcut = key;
    }
    for (LabelClass &c : classes) {
        if (!c.shortcut.empty())
            continue;
        for (const char *digit : {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"})
            if (!taken(digit)) {
                c.shortcut = digit;
                break;
            }
    }
}

std::string defaultClassColor(int position)
{
    static const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    return palette[position % 10];
}

} // namespace gw::datasets
