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
};

struct ExportOutcome
{
    ExportReport report;
    DatasetVersion version;
};

/// Writes a dataset through the format registry and records it as a new version.
Result<ExportOutcome> exportDataset(ProjectStore &store, const DatasetExport &request);
/// Writes a recorded version again (same format, settings and content) to outPath; the content hash is
/// checked against the recorded one.
Result<ExportOutcome> exportVersion(ProjectStore &store, int64_t versionId, const std::string &outPath,
                                    const ProgressFn &progress = {});

} // namespace gw::datasets
