#pragma once

// What the format readers and writers share: walking a job's labelled items for export, output folders that
// appear whole or not at all, and writing imported labels into a job in one transaction.

#include "datasets/formats/format.h"
#include "datasets/formats/parsedlabels.h"
#include "datasets/importpolicy.h"
#include "datasets/output.h"
#include "datasets/text/csv.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace gw::datasets::formats {

/// "file: " or "file:line: " for messages.
std::string at(const std::string &file, int64_t line = 0);

/// The task type of an existing job by name (FormatImportOptions::jobType), nullopt when there is none.
std::optional<TaskType> existingJobType(const FormatImportOptions &options, const std::string &job);

/// The job an export writes, refused when the format does not carry its task type.
Result<Job> exportJob(const ProjectStore &store, const Format &format, const FormatExportOptions &options);

/// One item to export with its current label in the job (none when unlabelled).
struct ExportEntry
{
    const Item *item = nullptr;
    const Annotation *label = nullptr;
    std::string mediaPath; ///< absolute local path (or the URI as stored)
};

/// Calls fn for each item of the job's media kind, in id order, honouring options.splits and
/// options.onlyLabeled, with progress (cancel → Error::cancelled). fn returning an error stops the walk.
Result<int64_t> forEachEntry(const ProjectStore &store, const Job &job, const FormatExportOptions &options,
                             const std::function<Result<>(const ExportEntry &)> &fn);

/// Writes the augmented copies of a labelled image into augmentDir (with a line each in augmentation.jsonl
/// saying where it came from) and calls fn with each copy as an item of its own (a negative id derived from
/// the source item and the copy), its label moved with the pixels, and the copy's file. augmentDir is the final
/// path; while it is staged in `output`, the files go to its staging copy.
Result<> forEachAugmentedCopy(const Job &job, const AugmentOptions &augment, const std::string &augmentDir,
                              const OutputSet *output, const Item &source, const Annotation &label,
                              const std::string &mediaPath,
                              const std::function<Result<>(const Item &, const Annotation &, const std::string &)> &fn);

/// A folder output being staged: files are written below staging() and appear at target() when the
/// export's outputs are committed.
class StagedFolder
{
public:
    const std::string &staging() const { return m_staging; }
    const std::string &target() const { return m_target; }
    /// staging()/relative, with its parent folders created.
    Result<std::string> path(const std::string &relative) const;
    /// Writes a whole file below staging().
    Result<> write(const std::string &relative, std::string_view bytes) const;
    /// Where a file given by its final path is while staged (to read back an augmented copy).
    std::string physical(const std::string &finalPath) const;

private:
    friend class WriterOutput;
    std::string m_target, m_staging;
    const OutputSet *m_set = nullptr;
};

/// A writer's outputs: the export's OutputSet when it runs inside exportDataset (which commits them together
/// with the version record), else a set of the writer's own that finish() commits. Either way the one output
/// policy of output.h holds: nothing that is there is replaced unless it is an earlier output and the rules
/// allow it.
class WriterOutput
{
public:
    explicit WriterOutput(OutputSet *shared, bool overwrite = false);
    ~WriterOutput();
    Result<StagedFolder> folder(const std::string &target);
    /// The staging path to write the file at.
    Result<std::string> file(const std::string &target);
    /// Commits the writer's own set (nothing to do with a shared one).
    Result<> finish();

private:
    std::unique_ptr<OutputSet> m_own;
    OutputSet *m_set = nullptr;
};


/// Writes a file atomically (QSaveFile).
Result<> writeFileAtomically(const std::string &path, std::string_view bytes);
/// Reads a whole file.
Result<std::string> readFile(const std::string &path);

/// Reads a CSV/TSV file into records (quoted fields may span lines); the first is the header. Errors name
/// the file and line.
Result<std::vector<std::vector<std::string>>> readCsv(const std::string &path, char delimiter = ',');

/// Imports labels read from another tool's files: finds or creates the job, maps class names to ids,
/// finds the items by media path (adding the ones the project lacks) and puts the labels, all in one
/// transaction that commit() ends. Nothing is written when any step fails.
class LabelWriter
{
public:
    static Result<std::unique_ptr<LabelWriter>> begin(ProjectStore &store, TaskType type,
                                                      const FormatImportOptions &options,
                                                      const std::string &defaultJobName,
                                                      const std::string &source);
    const Job &job() const { return m_job; }
    /// The class id of a name: a class of the job, or a new one when the job is new or addClasses is set;
    /// otherwise an error listing the job's classes.
    Result<int> classId(const std::string &name, const std::string &color = {});
    /// The item of an image file (absolute path, or a URI), added to the project when it is not there yet
    /// (with its header as `known` says, when the reader read it already).
    Result<Item> imageItem(const std::string &pathOrUri, const media::ImageInfo *known = nullptr);
    /// A text item with this text, added when it is not there yet.
    Result<Item> textItem(const std::string &text);
    /// Puts an item in a split.
    Result<> setSplit(int64_t itemId, const std::string &split) { return m_tx->setSplit(itemId, split); }
    /// Puts a label on an item (source "imported", as old as the file it came from), under the import rule of
    /// importpolicy.h: an older label does not replace the project's newer one unless options.replace.
    Result<> put(const Item &item, Payload payload);
    ImportReport &report() { return m_report; }
    /// Saves the job (with any new classes) and commits.
    Result<ImportReport> commit();

private:
    LabelWriter(ProjectStore &store) : m_store(store), m_texts(store) {}
    ProjectStore &m_store;
    std::unique_ptr<WriteTransaction> m_tx;
    Job m_job;
    bool m_jobIsNew = false;
    bool m_addClasses = false;
    bool m_checkMedia = true;
    int64_t m_batch = 0;
    std::unordered_map<std::string, int64_t> m_itemsByUri;
    TextIndex m_texts;
    std::unordered_set<int64_t> m_newItems; ///< items this import added (no earlier label to compare with)
    bool m_replace = false, m_keepDuplicates = false;
    int64_t m_labelTimeUs = 0;
    ImportReport m_report;
};

/// The reader's side of an import (the same calls as LabelWriter, without a store). Items get provisional ids
/// (their position + 1); classes provisional ids (their position).
class LabelCollector
{
public:
    static Result<std::unique_ptr<LabelCollector>> begin(TaskType type, const FormatImportOptions &options,
                                                         const std::string &defaultJobName,
                                                         const std::string &source);
    /// A job holding the classes met so far (to encode masks with their colours).
    const Job &job() const { return m_job; }
    /// The provisional id of a class name (a new one the first time; a name that can be no class is refused).
    /// `where` ("file:line: ") is where the reader met it: named should the project refuse the class. The
    /// first non-empty one is kept.
    Result<int> classId(const std::string &name, const std::string &color = {}, const std::string &where = {});
    /// The item of an image file (absolute path, or a URI); its size read from the file's header.
    Result<Item> imageItem(const std::string &pathOrUri);
    /// The item of a text.
    Result<Item> textItem(const std::string &text);
    Result<> setSplit(int64_t itemId, const std::string &split);
    Result<> put(const Item &item, Payload payload);
    ImportReport &report() { return m_parsed.report; }
    /// Ends the reading: what was found.
    Result<ParsedLabels> commit();

private:
    LabelCollector() = default;
    Item itemOf(size_t index) const;

    ParsedLabels m_parsed;
    Job m_job;
    std::vector<std::string> m_where; ///< per class: where it was met (see classId)
    bool m_checkMedia = true;
    std::map<std::string, size_t> m_images, m_texts; ///< media → entry
};

/// Writes what a reader found into the project in one transaction (see above); the report counts both.
Result<ImportReport> applyParsed(ProjectStore &store, ParsedLabels parsed, const FormatImportOptions &options);

} // namespace gw::datasets::formats
