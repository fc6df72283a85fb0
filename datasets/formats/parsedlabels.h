#pragma once

// What a dataset reader found, before anything is written: the classes by name, and the items (image files or
// texts) with their split and label. Readers fill it through a LabelCollector (formatutil.h), without a store,
// so that a file can be checked, previewed and fuzzed on its own; applyParsed then writes it into a project in
// one transaction through a LabelWriter, mapping the classes by name (a class the job lacks is refused unless
// the job is new or the import adds classes) and the items by path or text.

#include "datasets/manifest.h"
#include "datasets/media.h"
#include "datasets/types.h"

#include <optional>
#include <string>
#include <vector>

namespace gw::datasets {

struct ParsedLabels
{
    TaskType type = TaskType::ImageClassification;
    std::string defaultJobName; ///< the job when the options name none
    std::string source;         ///< the file or folder read (its time dates the labels)
    std::vector<LabelClass> classes; ///< in the order met; a class's id is its position here
    std::vector<std::string> classWhere; ///< per class: "file:line: " where the reader met it, for messages
    struct Entry
    {
        MediaKind kind = MediaKind::Image;
        std::string media;          ///< an image's absolute path or URI, or the text
        media::ImageInfo info;      ///< an image's header (read once, by the reader)
        std::string split;          ///< empty: none given
        std::optional<Payload> label; ///< class ids are positions in `classes`; mask pixels position + 1
    };
    std::vector<Entry> entries;
    ImportReport report; ///< what reading found: lines, warnings, skipped lines
};

} // namespace gw::datasets
