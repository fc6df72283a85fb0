#pragma once

// Setting human labels: validates a payload against its job and item and commits it at once, superseding the
// item's previous label. The CLI's `gw label` and the GUI's tools both end here.

#include "datasets/projectstore.h"

#include <string>
#include <vector>

namespace gw::labeling {

using datasets::Item;
using datasets::Job;
using datasets::Payload;

/// What a person asked for, by class name: parsed into a payload against a job.
struct LabelRequest
{
    std::vector<std::string> classes; ///< classification
    std::vector<std::string> boxes;   ///< "class,left,top,width,height"
    std::vector<std::string> spans;   ///< "class,start,end" (code points, end exclusive)
    std::string maskFile;             ///< PNG: palette/grey indices in Ground Truth numbering, or class colours
};

/// Builds the payload; errors name the offending value.
Result<Payload> buildPayload(const Job &job, const Item &item, const LabelRequest &request,
                             const std::string &projectDir);

class Labeler
{
public:
    Labeler(datasets::ProjectStore &store, std::string author) : m_store(store), m_author(std::move(author)) {}

    /// Validates and stores the payload as the item's current human label in the job.
    Result<datasets::Annotation> setLabel(const Job &job, const Item &item, Payload payload, int64_t timeSpentMs = 0);
    /// Removes the item's label (recorded as a deletion in its history).
    Result<> clearLabel(const Job &job, const Item &item);

private:
    datasets::ProjectStore &m_store;
    std::string m_author;
};

} // namespace gw::labeling
