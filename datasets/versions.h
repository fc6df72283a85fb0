#pragma once

// Dataset versions: every export freezes what it wrote — the items with their splits and the exact annotation
// versions, a SHA-256 content hash over them and the export settings, and the lineage (jobs, human / auto /
// imported labels, the automated-labeling runs behind the auto-labels) — so that `gw export --version V`
// writes the same bytes again however the labels have changed since.

#include "datasets/formats/format.h"

#include <QCryptographicHash>

#include <map>
#include <set>

namespace gw::datasets {

/// Collects, while an export walks its items, what the version records. Writers call add() once per
/// item with each label they write (or none).
class ExportRecorder
{
public:
    void add(const Item &item, const Annotation *label);
    std::vector<VersionEntry> entries;
    std::string hash(const std::string &settings); ///< hex SHA-256 of the settings and everything added
    std::map<std::string, int64_t> sources;       ///< "human", "auto", ... → labels
    std::set<int64_t> runs;                       ///< autolabel runs whose labels were written
    std::set<int64_t> jobs;

private:
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
};

struct DatasetExport
{
    std::string format = "groundtruth";
    std::vector<std::string> jobs; ///< groundtruth: any number (none: every job); other formats: one
    FormatExportOptions options;   ///< outPath, splits, onlyLabeled, settings, progress (job: from jobs)
    std::string versionName;       ///< optional, for people
    bool overwrite = false;        ///< replace an earlier Groundwork output at the target (output.h)
};

struct ExportOutcome
{
    ExportReport report;
    DatasetVersion version;
};

/// Writes a dataset through the format registry and records it as a new version. The outputs follow the one
/// output policy (output.h) and appear together with their version record or not at all.
Result<ExportOutcome> exportDataset(ProjectStore &store, const DatasetExport &request);
/// Writes a recorded version again (same format, settings and content) to outPath; the content hash is
/// checked against the recorded one.
Result<ExportOutcome> exportVersion(ProjectStore &store, int64_t versionId, const std::string &outPath,
                                    const ProgressFn &progress = {}, bool overwrite = false);
/// The outputs an export writes for a request (the main one first; augmented copies, masks beside it), for a
/// dialog that asks before it replaces anything.
std::vector<std::pair<std::string, bool>> exportTargets(const DatasetExport &request); // (path, folder)

/// The paths a version was written to (empty for versions recorded before schema 6).
std::vector<std::string> versionOutputs(const DatasetVersion &version);

/// Versions recorded by an export that did not finish (killed between recording and moving its outputs in
/// place): kept when their outputs are there, removed otherwise. Exports and listings call it first.
Result<> settlePendingVersions(ProjectStore &store);

} // namespace gw::datasets
