#pragma once

// The one output policy of every writer (exports in every format, reports, requests; CLI and GUI): an output
// is built in a staging folder beside its target and moved into place whole; it touches nothing it did not
// create. A target that exists is replaced only when it is an earlier Groundwork output (a folder with the
// marker file an export writes, listing every file it wrote; or a file) and the user asked for it
// (`--overwrite`, or the app's question). The project file, its -wal/-shm/-journal, its sidecar folders
// (NAME.gwproj.cache, NAME.gwproj.runs) and imported media are never targets, nor inside one. Staging
// folders of processes that died (kill -9, power loss) are removed by the next output beside them.

#include "datasets/result.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gw::datasets {

class ProjectStore;

/// What an output may replace and what it must leave alone.
struct OutputRules
{
    bool overwrite = false;                  ///< the user asked to replace an earlier output at the target
    std::string projectPath;                 ///< empty: no project (its files and sidecars are protected)
    /// An imported media file at or below an absolute path, if any (the project's items); null: not checked.
    std::function<Result<std::optional<std::string>>(const std::string &absolutePath)> mediaAt;
    std::string description;                 ///< what writes it, for the marker ("COCO export of p.gwproj")
};

/// The rules for outputs of this project: its files protected, its media looked up in the store.
OutputRules outputRulesFor(const ProjectStore &store, bool overwrite);

/// What is at a target now, for a dialog that asks before it replaces anything.
struct TargetState
{
    enum class Kind {
        Free,        ///< nothing there, or an empty folder: written without asking
        Replaceable, ///< an earlier Groundwork output: replaced when the user agrees (overwrite)
        Refused,     ///< never written: the project, media, someone else's files, ...
    };
    Kind kind = Kind::Free;
    std::string message; ///< why (Replaceable: what would be replaced; Refused: what to do instead)
};
/// Looks at a target without changing anything (rules.overwrite is ignored).
TargetState inspectTarget(const std::string &target, bool folder, const OutputRules &rules);
/// Whether an output may be written at the target under the rules: an error saying why not (Conflict when
/// rules.overwrite would allow it), before any work is done.
Result<> checkTarget(const std::string &target, bool folder, const OutputRules &rules);

/// The name of the marker file a folder output holds: a JSON header line, then every path it wrote.
inline constexpr const char *kOutputMarker = ".groundwork-output";

/// The outputs of one export: each target (a file or a folder) is built under one staging folder beside it;
/// commit() moves them all into place. Destroyed without commit, it leaves everything as it was.
class OutputSet
{
public:
    explicit OutputSet(OutputRules rules);
    ~OutputSet();
    OutputSet(const OutputSet &) = delete;
    OutputSet &operator=(const OutputSet &) = delete;

    /// Checks the target against the rules and returns where to write it (inside the staging folder). A
    /// folder's staging copy exists on return; a file's parent folder does.
    Result<std::string> addFile(const std::string &target);
    Result<std::string> addFolder(const std::string &target);

    /// Where the file of a final path is written while staged (the path itself when it is not in an output):
    /// to read a file back, e.g. an augmented copy that an image folder copies.
    std::string physical(const std::string &finalPath) const;
    /// The final (absolute, normalised) path of a target as it was given.
    static std::string finalPath(const std::string &target);

    /// Where each output landed: its path and, for telling it apart from anything else later, its inode.
    struct Placed
    {
        std::string path;
        uint64_t device = 0, inode = 0;
    };
    /// The outputs as they will be once committed (inodes survive the rename). Valid after the writers ran.
    Result<std::vector<Placed>> placed() const;

    /// Moves every output into place (replacing earlier outputs only as the rules allow), then removes what
    /// it replaced. beforeMove runs when everything is written and checked, before anything moves: an error
    /// there leaves everything as it was.
    Result<> commit(const std::function<Result<>()> &beforeMove = {});

    bool empty() const { return m_targets.empty(); }

private:
    struct Target;
    Result<std::string> add(const std::string &target, bool folder);
    Result<std::string> stagingFor(const std::string &parent);

    OutputRules m_rules;
    std::vector<std::unique_ptr<Target>> m_targets;
    std::vector<std::pair<std::string, std::string>> m_staging; ///< parent folder → its staging folder
    bool m_committed = false;
};

/// Whether path is the project file or one of its own (-wal, -shm, -journal, the .cache and .runs folders),
/// by name or by inode. No reader may open those: closing any descriptor of them drops SQLite's locks.
bool isProjectFile(const std::string &projectPath, const std::string &path);
/// An error naming the file when an import is asked to read the project's own files; nothing otherwise.
Result<> refuseProjectFileAsInput(const std::string &projectPath, const std::string &path);

/// Whether the path is, or is inside, an output that is being staged right now (a `.gw-staging-*` folder).
bool isStagingPath(const std::string &path);

/// Writes bytes into a new file (a staging path), with a message a person can act on when it fails that
/// names the file as the user knows it (shownAs; default: path).
Result<> writeNewFile(const std::string &path, std::string_view bytes, const std::string &shownAs = {});
/// One file output (a report, a request), staged and moved into place under the rules.
Result<> writeOutputFile(const std::string &target, std::string_view bytes, const OutputRules &rules);

} // namespace gw::datasets
