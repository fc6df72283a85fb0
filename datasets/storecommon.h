#pragma once

// What both project stores (the SQLite file, the PostgreSQL team server) do the same way, written once in terms of a
// few primitives each store provides: the rules of chained jobs and class names, and the class edits (rename,
// recolour, re-key, move, add, remove with the labels that use the class). Inside datasets/ only.

#include "datasets/projectstore.h"

#include <functional>

namespace gw::datasets {

class CommonStore : public ProjectStore
{
public:
    Result<Job> createJob(Job job) override;
    Result<> editClass(int64_t jobId, int classId, const ClassEdit &edit, const std::string &author) override;
    Result<LabelClass> addClass(int64_t jobId, LabelClass cls, const std::string &author) override;
    Result<int64_t> removeClass(int64_t jobId, int classId, std::optional<int> reassignTo,
                                const std::string &author) override;
    Result<> forEachItem(const ItemFilter &f, const std::function<bool(const Item &)> &fn) const override;
    Result<> forEachAnnotation(int64_t jobId, const std::function<bool(const Annotation &)> &fn) const override;
    Result<> logChange(const std::string &author, const std::string &what, const std::string &detail) override;

    virtual Result<Job> jobById(int64_t id) const = 0;
    /// Runs fn inside one write transaction of this store and commits it.
    virtual Result<> runInTransaction(const std::function<Result<>(WriteTransaction &)> &fn) = 0;
    /// Adds a line to the change log inside the current transaction.
    virtual Result<> insertChange(const std::string &author, const std::string &what, const std::string &detail) = 0;

    /// A review, verification or adjustment job works on a parent of the same media (reference §7.3).
    Result<> checkChainedJob(const Job &j) const;
    /// Class names (no two alike, none a segmentation job may not have) and the chained-job rules: what a store checks
    /// before it saves a job.
    Result<> checkJob(const Job &j) const;
    /// Applies a class removal to one payload; true when it changed.
    static bool remapPayload(TaskType type, Payload &p, int classId, std::optional<int> to);
    /// The job's settings column (JSON) and back.
    static std::string settingsText(const Job &j);
    static void readSettings(std::string_view text, Job &j);
};

/// Opens or creates a project on a team server (pgstore.cpp): what ProjectStore::open does with a postgresql:// URL.
Result<std::unique_ptr<ProjectStore>> openServerProject(const std::string &url, ProjectStore::OpenMode mode);

} // namespace gw::datasets
