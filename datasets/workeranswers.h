#pragma once

// Several workers' answers in a project: Ground Truth worker-response folders read in as each worker's
// labels, and a job's answers consolidated into one label per item (datasets/consolidation.h). Each worker's
// answer is a human version of the item's label, recorded under the worker's id; the consolidated label is
// the current version (source "consolidated", with its confidence), so every answer stays in the history.

#include "datasets/consolidation.h"
#include "datasets/projectstore.h"

#include <optional>

namespace gw::datasets {

struct ResponsesReport
{
    int64_t files = 0;   ///< response files read
    int64_t answers = 0; ///< answers in them
    int64_t added = 0;   ///< answers stored (the others were there already)
    int64_t workers = 0;
};

/// Reads DIR/worker-response/iteration-N/INDEX/*.json (or DIR itself when it is the worker-response folder)
/// into a job of any task type, each answer read as Ground Truth's built-in form writes it (label, labels,
/// boundingBoxes, entities, labeledImage): INDEX is the item's 0-based place among the project's items of the
/// job's kind in import order (the line of the input manifest they came from). Answers are dated when the
/// worker submitted them. Reading the same folder again adds nothing. A file or answer that cannot be used
/// (malformed JSON, an index past the last item, a class the job lacks, a box outside the image) stops the
/// import with its path, before anything is written.
Result<ResponsesReport> importWorkerResponses(ProjectStore &store, const Job &job, const std::string &dir);

struct ConsolidationReport
{
    int64_t items = 0;     ///< items with answers from two or more workers
    int64_t written = 0;   ///< consolidated labels written (the others were current already)
    int64_t single = 0;    ///< items with one worker's answer (or masks of different sizes): left as they are
    struct Worker
    {
        std::string id;
        int64_t answers = 0;
        double accuracy = 0;  ///< estimated (Dawid-Skene) or agreement with the majority
        double agreement = 0; ///< share of the worker's answers on items two or more answered that match the
                              ///< consolidated label
        int64_t compared = 0; ///< those answers (on items two or more answered)
    };
    std::vector<Worker> workers; ///< by answers, most first
};

enum class ConsolidationMethod { DawidSkene, Majority };

/// Consolidates a job's answers (each worker's latest, forEachAnswer): for items answered by two or more
/// workers a consolidated label (by author) where the current label is not that already. Single-label
/// classification: Dawid-Skene or majority (consolidation.h); the other task types as consolidateshapes.h says.
/// Workers' accuracy: Dawid-Skene's estimate for single-label classification, else their agreement with the
/// consolidated labels (label-set Jaccard, box and span F1, pixel share). With write false nothing is written.
Result<ConsolidationReport> consolidateJob(ProjectStore &store, const Job &job, ConsolidationMethod method,
                                           const std::string &author, bool write = true);

struct ResponsesExport
{
    int64_t files = 0;   ///< one per item with answers
    int64_t answers = 0;
};
/// Writes each worker's answer (forEachAnswer) in Ground Truth's worker-response layout:
/// OUT/worker-response/iteration-1/INDEX/YYYY-MM-DD_HH:MM:SS.json, INDEX the item's place among the project's items
/// of the job's kind (as importWorkerResponses reads it), the time that of the item's latest answer; each answer
/// with answerContent as Ground Truth's built-in forms write it, submissionTime, timeSpentInSeconds and workerId.
/// Every task type. OUT is an output (output.h): staged, moved into place whole, replacing only an earlier output
/// and only with overwrite.
Result<ResponsesExport> exportWorkerResponses(ProjectStore &store, const Job &job, const std::string &outDir,
                                              bool overwrite = false);

/// A worker's answer to an item (ProjectStore::forEachAnswer): their latest version given as a person, unless it
/// is a deletion; nullopt when they have none. What a worker sees of an item while others answer it too.
Result<std::optional<Annotation>> answerOf(const ProjectStore &store, int64_t jobId, int64_t itemId,
                                          const std::string &worker);

/// The workers of a job, for `gw workers` and the workers table: what each answered, how fast, what they hold
/// now, and for single-label classification how reliable they prove (Dawid-Skene) and how often they agree
/// with the consolidated label.
struct WorkerRow
{
    std::string worker;
    int64_t answers = 0;       ///< items answered (a human version by them)
    int64_t queued = 0;        ///< items leased to them now, not answered yet
    double perHour = 0;        ///< answers per clock hour in which they answered
    double medianSeconds = 0;  ///< recorded time per answer (0: none recorded)
    int64_t lastUs = 0;        ///< their latest answer
    std::optional<double> accuracy, agreement;
};
struct WorkersReport
{
    int annotators = 1; ///< the job's annotators per item
    WorkProgress progress;
    std::vector<WorkerRow> workers; ///< by answers, most first; those holding leases without answers too
};
/// Reads only; walks the job's answers once (twice for classification, to estimate accuracy).
Result<WorkersReport> workersOf(ProjectStore &store, const Job &job);

} // namespace gw::datasets
