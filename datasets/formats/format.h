#pragma once

// The registry of dataset formats: every way labels leave or enter a project (Ground Truth manifests, COCO,
// Pascal VOC, YOLO, LabelMe, class folders, mask PNGs, text tables) is one Format object with its id, the
// task types it carries, its options, and a reader and/or a writer. `gw export --format`, `gw import
// --format`, and the app's export and import dialogs are generated from this list.
//
// Writers write atomically (a file through QSaveFile, a folder built beside the target and renamed into
// place), so a failed or cancelled export leaves no partial output. Readers check everything before they
// write and then write in one transaction; errors name the file (and line or element).

#include "datasets/augment.h"
#include "datasets/formats/parsedlabels.h"
#include "datasets/manifest.h"
#include "datasets/types.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gw::datasets {

class OutputSet;

/// A format's setting, e.g. COCO's mask encoding; values are strings as typed on the command line.
struct FormatOption
{
    enum class Use
    {
        ExportAndImport,
        Export,
        Import
    };

    // Every member has a default so that a designated initializer may leave any out (-Wextra).
    std::string key = {};         ///< "masks"
    std::string description = {}; ///< one line for --help (and the dialogs' tooltip)
    std::string defaultValue = {};
    std::vector<std::string> choices = {}; ///< empty: free text
    Use use = Use::ExportAndImport;
    /// The dialogs' words for people who do not know the command line: the field's name ("Masks as") and one
    /// per choice, in the order of choices ("Outlines, one per region").
    std::string label = {};
    std::vector<std::string> choiceLabels = {};
    /// The jobs whose export it changes (empty: every job the format carries).
    std::vector<TaskType> tasks = {};

    bool appliesTo(TaskType t) const;
};

struct FormatExportOptions
{
    std::string outPath;                       ///< a file or a folder, as the format writes
    std::string job;                           ///< the job whose labels are written (all formats but manifests carry one)
    std::vector<std::string> splits;           ///< only items in these splits (empty: every item)
    bool onlyLabeled = true;                   ///< leave out items without a label in the job
    std::map<std::string, std::string> settings; ///< the format's options by key (missing: the default)
    ProgressFn progress;                       ///< items done, items in all
    ExportRecorder *recorder = nullptr;        ///< told every item and label written (dataset versions)
    const std::vector<VersionEntry> *snapshot = nullptr; ///< write exactly these (a recorded version)
    AugmentOptions augment;   ///< copies > 0: each labelled image is followed by its augmented copies
    std::string augmentDir;   ///< where the copies' image files are written (set by exportDataset)
    OutputSet *output = nullptr; ///< the export's outputs (exportDataset); null: the writer commits its own
    bool overwrite = false;      ///< without output: replace an earlier output at outPath (output.h)
};

struct FormatImportOptions : ImportOptions
{
    std::string job;        ///< the job the labels go to (created when missing; default: the format's own name)
    bool addClasses = false; ///< an existing job gains the classes it lacks, instead of refusing them
    std::map<std::string, std::string> settings;
    /// The task type of an existing job by name (what the import writes into decides boxes or masks, single or
    /// multi-label); null or nullopt: no such job. Format::import fills it from the project.
    std::function<std::optional<TaskType>(const std::string &job)> jobType;
};

struct Format
{
    std::string id;          ///< "coco", "yolo", ... (what --format takes)
    std::string name;        ///< "COCO JSON"
    std::string description; ///< what it holds and how it is laid out, in detail, for --help and `gw formats`
    /// For people choosing a format in the dialogs: what it is for and what it writes, in plain words,
    /// without command-line syntax. taskSummaries words it for one task type where the general one would
    /// mislead (a COCO file of masks holds no boxes); summaryFor picks.
    std::string summary;
    std::map<TaskType, std::string> taskSummaries;
    std::vector<TaskType> tasks;
    bool writesFolder = false;   ///< export: a folder (else one file)
    bool writesUnlabeled = true; ///< export: items without a label can be written (onlyLabeled off)
    bool readsFolder = false;    ///< import: a folder (else one file)
    std::string fileFilter;      ///< import file dialog filter, e.g. "COCO JSON (*.json)"
    std::vector<FormatOption> options;
    /// Reads a file or folder without a store: what it holds (parsedlabels.h). Every format but the Ground Truth
    /// manifest has one; read is then parse + applyParsed.
    std::function<Result<ParsedLabels>(const std::string &path, const FormatImportOptions &)> parse;
    std::function<Result<ImportReport>(ProjectStore &, const std::string &path, const FormatImportOptions &)> read;
    /// read, after refusing the project's own files as input (what callers use).
    Result<ImportReport> import(ProjectStore &store, const std::string &path, const FormatImportOptions &o) const;
    std::function<Result<ExportReport>(const ProjectStore &, const FormatExportOptions &)> write;

    bool carries(TaskType t) const;
    const std::string &summaryFor(TaskType t) const;
    /// The value of an option: the setting when given, else the default. Unknown keys are refused by check().
    std::string setting(const std::map<std::string, std::string> &settings, const std::string &key) const;
    /// Refuses settings the format does not have and values outside an option's choices.
    Result<> check(const std::map<std::string, std::string> &settings) const;
};

/// Every format, the built-in ones registered on first use (one function, the same for both programs).
const std::vector<Format> &allFormats();
/// nullptr when there is no format with this id.
const Format *findFormat(std::string_view id);

} // namespace gw::datasets
