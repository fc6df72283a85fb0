#pragma once

// A job's labels in another task type, as a new job: objects → class masks (drawn in order) or boxes (each
// object's tight box), class masks → objects (one per 4-connected region of a class), boxes → objects (a
// rectangle each). The new job has the same classes (same ids, colours and keys); each label keeps its
// provenance (who made it, when, how sure), since it says the same thing in another form.

#include "datasets/projectstore.h"
#include "datasets/result.h"
#include "datasets/types.h"

#include <functional>
#include <string>

namespace gw::datasets {

/// Whether labels of one type can become labels of the other.
bool canConvert(TaskType from, TaskType to);

/// One label in the other type, for an image of width × height.
Result<Payload> convertLabel(const Payload &label, TaskType from, TaskType to, int width, int height);

struct ConvertReport
{
    Job job;             ///< the new job
    int64_t labels = 0;  ///< labels written (one per labelled item, also when nothing is left: no objects)
};

/// Creates job newName of type `to` from job `from`'s current labels, all in one transaction: the new job
/// appears with every label or not at all. progress(done, total) false cancels.
Result<ConvertReport> convertJob(ProjectStore &store, const Job &from, const std::string &newName, TaskType to,
                                 const std::function<bool(int64_t, int64_t)> &progress = {});

} // namespace gw::datasets
