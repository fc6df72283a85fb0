#pragma once

// Chained jobs (reference §3.7, §3.8, §6.6, §7): a review job accepts or rejects another job's labels, and a
// rejected item goes back to that job's queue; Ground Truth's verification job gives a verdict class per label of
// boxes or masks; its adjustment job edits starting from the previous label under a new name. Verdicts are
// single-label classification labels of the chained job (so they are handed out, consolidated and exported like
// any), with the reviewer's comment as Ground Truth's worker-feedback.

#include "datasets/projectstore.h"

#include <optional>
#include <string>
#include <vector>

namespace gw::datasets::review {

/// A job of `kind` on `parent`, ready for ProjectStore::createJob: a review job's verdicts are "accept" and
/// "reject" (Enter and Backspace); a verification job's are `verdicts` (default "correct", "incorrect"); an
/// adjustment job has the parent's task type and classes.
Result<Job> chainedJob(JobKind kind, const Job &parent, std::string name, std::vector<std::string> verdicts = {});

/// The class of a review job that sends the item back ("reject"); -1 for other jobs.
int rejectClass(const Job &job);

/// Records a verdict on the parent's current label of an item, in one transaction: the verdict is the reviewer's
/// label in `job` (the comment, if any, becomes Ground Truth's worker-feedback; the extra field names the parent
/// version reviewed as "of", and "fixed" when the reviewer wrote that version). A rejection in a review job needs a
/// reason and sends the item back to the parent's queue (WriteTransaction::sendBack). Fails when the parent has no
/// label, or (Conflict) when seenVersion is given and the parent's label is no longer that version.
Result<Annotation> recordVerdict(ProjectStore &store, const Job &job, int64_t itemId, int classId,
                                 const std::string &comment, const Provenance &reviewer, int64_t seenVersion = 0);

/// What a reviewer said of an item whose label was sent back.
struct Rejection
{
    std::string reviewer;
    std::string reason;
    std::string reviewJob;
    int64_t atUs = 0;
};
/// The rejection behind the item's current state in a labeling job (its label was sent back and not given again).
Result<std::optional<Rejection>> rejectionOf(const ProjectStore &store, int64_t jobId, int64_t itemId);

/// The verdict job's current verdict on an item, if it is about the parent's current label (nullopt: to review).
Result<std::optional<Annotation>> currentVerdict(const ProjectStore &store, const Job &job, int64_t itemId);

/// An adjustment job: the label an adjustment of the item starts from (the parent's current label, as a label of
/// `job` not yet stored: id 0), when the job has none of its own.
Result<std::optional<Annotation>> startingLabel(const ProjectStore &store, const Job &job, int64_t itemId);
/// An adjustment job: sets Ground Truth's "adjustment-status" of a label about to be written ("adjusted" when it
/// differs from the parent's current label) and names the version it started from. Other jobs: unchanged.
Result<> markAdjustment(const ProjectStore &store, const Job &job, Annotation &label);

} // namespace gw::datasets::review
