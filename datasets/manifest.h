#pragma once

// Ground Truth manifests in and out of a project: input manifests (source-ref / source plus any keys),
// output (augmented) manifests with one or several label attributes per line, for all seven task types.

#include "datasets/augment.h"
#include "datasets/projectstore.h"

#include <functional>
#include <string>
#include <vector>

namespace gw::datasets {

class ExportRecorder;
class OutputSet;

/// Progress of long work: done and total units (bytes or rows); returns false to cancel.
using ProgressFn = std::function<bool(int64_t done, int64_t total)>;

struct ImportOptions
{
    bool skipBad = false;        ///< import the good lines, list the bad ones (default: the whole file or nothing)
    bool labelsOnly = false;     ///< import-labels: lines must match items already in the project
    std::vector<std::string> jobs; ///< label attributes to take (empty: every one found)
    bool checkMedia = true;      ///< read image headers of local files (size, missing, corrupt)
    bool replace = false;        ///< an imported label becomes current even over a newer or a person's label
    bool keepDuplicates = false; ///< add a text again although the project (or the file) already has it
    ProgressFn progress;
};

struct ImportReport
{
    int64_t lines = 0;
    int64_t itemsAdded = 0;
    int64_t itemsMatched = 0; ///< lines that went to items already in the project
    int64_t labels = 0;          ///< labels made current (new or replacing the project's)
    int64_t labelsReplaced = 0;  ///< of those, the ones that superseded a label of the project
    int64_t labelsKept = 0;      ///< not made current: the project's label is newer or a person's (see --replace)
    int64_t labelsUnchanged = 0; ///< the same as the project's current label: no new version
    int64_t flagged = 0;      ///< missing or unreadable images
    std::vector<std::string> skipped;  ///< "file:line: message" for lines left out (--skip-bad)
    std::vector<std::string> warnings; ///< "file:line: message"
    std::vector<std::string> jobsCreated;
};

/// Imports a JSON Lines manifest. All or nothing per file unless skipBad; the error names file and line.
Result<ImportReport> importManifest(ProjectStore &store, const std::string &path, const ImportOptions &options);

struct ExportOptions
{
    std::string outPath;
    std::vector<std::string> jobs; ///< label attributes to write (empty: every job)
    bool onlyLabeled = false;      ///< leave out lines with none of the chosen labels
    std::vector<std::string> splits; ///< only items in these splits (empty: every item)
    ProgressFn progress;
    ExportRecorder *recorder = nullptr;                   ///< told every item and label written
    const std::vector<VersionEntry> *snapshot = nullptr; ///< write these items and annotation versions instead
    AugmentOptions augment;  ///< copies > 0 (one job only): each labelled image is followed by its copies
    std::string augmentDir;  ///< where the copies' files go
    OutputSet *output = nullptr; ///< the export's outputs (exportDataset); null: the writer commits its own
    bool overwrite = false;      ///< without output: replace an earlier output at outPath (output.h)
};

struct ExportReport
{
    int64_t lines = 0;
    int64_t labels = 0;
    int64_t masksWritten = 0;
};

/// Writes an output manifest: one line per item in import order, each with its kept keys and the chosen
/// jobs' labels. Written atomically: a failed export leaves no partial file behind.
Result<ExportReport> exportManifest(const ProjectStore &store, const ExportOptions &options);

} // namespace gw::datasets
