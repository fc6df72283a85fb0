#pragma once

// Work packages: labeling apart from the project, without a server. A package is a small project of its own
// holding the items handed to one worker (ProjectStore::takeWork, leased for days) and the job's definition;
// the worker labels it offline in the app or with gw; merging brings their answers back into the project as
// that worker's answers, under the times they were given. Answers are versions, so merging never conflicts:
// an answer older than an item's current label goes into the history only (WriteTransaction::addAnswer).
// Merging the same package again adds nothing; a package of another project is refused; a merge is one
// transaction, so a merge killed half-way leaves the project as it was.

#include "datasets/projectstore.h"

#include <functional>
#include <string>

namespace gw::datasets {

struct PackageRequest
{
    std::string job;
    std::string worker;
    std::string out;         ///< the package file to create (NAME.gwproj); never replaces anything
    int items = 100;         ///< how many items to hand the worker (fewer when no more need answers)
    bool copyMedia = false;  ///< copy the images into a folder beside the package (NAME-media) rather than
                             ///< referring to them where they are
    int64_t leaseUs = 14LL * 24 * 3600 * 1000000; ///< how long the items stay the worker's
};

struct PackageReport
{
    std::string path;   ///< the package, as written
    std::string id;     ///< the package's id (also in its settings)
    int64_t items = 0;
    int64_t copied = 0; ///< media files copied
};

/// Hands the worker up to request.items items of the job and writes them with the job into a new project at
/// request.out (staged, moved into place whole; an existing file is never replaced). Recorded in the change log.
Result<PackageReport> makePackage(ProjectStore &store, const PackageRequest &request);

struct MergeReport
{
    std::string worker;      ///< whose package it was
    std::string job;
    int64_t answers = 0;     ///< answers in the package
    int64_t added = 0;       ///< stored now
    int64_t already = 0;     ///< merged before
    int64_t behindNewer = 0; ///< of those added, kept in the history behind a newer label
};

/// Brings a package's answers back (see above). progress(done, total) is called as answers are checked.
Result<MergeReport> mergePackage(ProjectStore &store, const std::string &packagePath,
                                 const std::function<void(int64_t, int64_t)> &progress = {});

/// The project's id (setting "project.id"), made when first asked for: packages name the project they came from.
Result<std::string> projectId(ProjectStore &store);

} // namespace gw::datasets
