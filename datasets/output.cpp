#include "datasets/output.h"

#include "datasets/fileerrors.h"
#include "datasets/media.h"
#include "datasets/processinfo.h"
#include "datasets/projectstore.h"

#include <QFile>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <unordered_set>

namespace gw::datasets {

namespace fs = std::filesystem;

namespace {

/// rename(2) that never replaces what is at `to` unless `replace`; file systems without RENAME_NOREPLACE
/// (EINVAL) get a check first.
int moveInto(const fs::path &from, const fs::path &to, bool replace)
{
    if (replace)
        return ::rename(from.c_str(), to.c_str());
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL)
        return -1;
    struct stat st{};
    if (::lstat(to.c_str(), &st) == 0) {
        errno = EEXIST;
        return -1;
    }
    return ::rename(from.c_str(), to.c_str());
}

constexpr std::string_view kStagingPrefix = ".gw-staging-";
constexpr const char *kStagingTag = ".gw-staging";
constexpr std::string_view kMarkerHeader = "{\"groundwork_output\":1";

/// Removes the staging folders beside `parent` whose process is gone (killed during an earlier output).
void removeStaleStaging(const fs::path &parent)
{
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(parent, ec)) {
        const std::string name = e.path().filename().string();
        if (!name.starts_with(kStagingPrefix) || !e.is_directory(ec) || e.is_symlink(ec))
            continue;
        // .gw-staging-PID-START-RANDOM, holding the tag file: nothing else is ever taken for one.
        long pid = 0;
        unsigned long long start = 0;
        if (std::sscanf(name.c_str() + kStagingPrefix.size(), "%ld-%llu-", &pid, &start) != 2 || pid <= 0)
            continue;
        if (!fs::exists(e.path() / kStagingTag, ec))
            continue;
        if (processStartTicks(pid) == int64_t(start))
            continue; // still being written
        fs::remove_all(e.path(), ec);
    }
}

bool isSqliteFile(const fs::path &p)
{
    QFile f(QString::fromStdString(p.string()));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    return f.read(16) == QByteArray("SQLite format 3", 16);
}

/// The files (not folders) below `dir`, relative, with '/'.
/// Calls `visit` with the path (relative, '/'-separated) of every file below `dir`, in directory order.
template<typename Visit>
void forEachFileBelow(const fs::path &dir, std::error_code &ec, const Visit &visit)
{
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (it->is_directory(ec) && !it->is_symlink(ec))
            continue;
        visit(it->path().lexically_relative(dir).generic_string());
    }
}

std::vector<std::string> filesBelow(const fs::path &dir, std::error_code &ec)
{
    std::vector<std::string> out;
    forEachFileBelow(dir, ec, [&](std::string &&f) { out.push_back(std::move(f)); });
    return out;
}

std::string listSome(const std::vector<std::string> &names)
{
    std::string s;
    for (size_t i = 0; i < names.size() && i < 3; ++i)
        s += (i ? ", " : "") + names[i];
    if (names.size() > 3)
        s += " and " + std::to_string(names.size() - 3) + " more";
    return s;
}

/// Whether `inner` is `outer` or below it (both absolute and normalised).
bool within(const fs::path &inner, const fs::path &outer)
{
    auto i = inner.begin(), o = outer.begin();
    for (; o != outer.end(); ++o, ++i)
        if (i == inner.end() || *i != *o)
            return false;
    return true;
}

fs::path canonicalOr(const fs::path &p)
{
    std::error_code ec;
    fs::path c = fs::weakly_canonical(p, ec);
    return ec ? p : c;
}

} // namespace

std::string OutputSet::finalPath(const std::string &target)
{
    fs::path p = fs::absolute(fs::path(target)).lexically_normal();
    // "yolo/" and "." name the folder itself.
    while (!p.has_filename() && p.has_relative_path())
        p = p.parent_path();
    return p.string();
}

bool isProjectFile(const std::string &projectPath, const std::string &path)
{
    const fs::path project = fs::absolute(projectPath).lexically_normal();
    const fs::path p = fs::absolute(path).lexically_normal();
    auto sameFamily = [](const fs::path &a, const fs::path &proj) {
        return a.parent_path() == proj.parent_path() && a.filename().string().starts_with(proj.filename().string());
    };
    std::error_code ec;
    return sameFamily(p, project) || sameFamily(canonicalOr(p), canonicalOr(project)) || fs::equivalent(p, project, ec);
}

Result<> refuseProjectFileAsInput(const std::string &projectPath, const std::string &path)
{
    if (!isProjectFile(projectPath, path))
        return {};
    return fail(Error::invalid(path + ": is the project itself (or one of its files); it cannot be imported into "
                                      "itself"));
}

bool isStagingPath(const std::string &path)
{
    for (const auto &part : fs::path(path))
        if (part.string().starts_with(kStagingPrefix))
            return true;
    return false;
}

OutputRules outputRulesFor(const ProjectStore &store, bool overwrite)
{
    OutputRules r;
    r.overwrite = overwrite;
    r.projectPath = store.path();
    const std::string projectDir = store.projectDir();
    r.mediaAt = [&store, projectDir](const std::string &absolute) -> Result<std::optional<std::string>> {
        // Items below the project's folder are stored relative to it, others absolute; symbolic links in
        // either spelling are tried too.
        std::vector<std::string> prefixes = {absolute};
        const std::string canonical = canonicalOr(absolute).string();
        if (canonical != absolute)
            prefixes.push_back(canonical);
        for (const std::string &p : std::vector<std::string>(prefixes)) {
            const std::string rel = media::toManifest(projectDir, p);
            if (!rel.empty() && fs::path(rel).is_relative() && rel != "." && !rel.starts_with("../"))
                prefixes.push_back(rel);
        }
        for (const std::string &p : prefixes) {
            auto found = store.itemUnder(p);
            if (!found || *found)
                return found;
        }
        return std::optional<std::string>();
    };
    return r;
}

// ---- checking a target ----

namespace {

struct Check
{
    TargetState state;
    bool exists = false, emptyFolder = false;
};

Check check(const fs::path &final, bool folder, const OutputRules &rules)
{
    Check c;
    auto refuse = [&](std::string m) {
        c.state = {TargetState::Kind::Refused, std::move(m)};
        return c;
    };
    const std::string name = final.string();
    if (!final.has_filename() || final == final.root_path())
        return refuse(name + ": cannot be an output; choose a new folder inside it");
    if (isStagingPath(name))
        return refuse(name + ": is inside another export that is being written");
    std::error_code ec;
    if (!rules.projectPath.empty()) {
        const fs::path project = fs::absolute(rules.projectPath).lexically_normal();
        const fs::path cp = canonicalOr(project), cf = canonicalOr(final);
        const std::string base = project.filename().string();
        if (isProjectFile(rules.projectPath, final.string()))
            return refuse(name + ": is the project or one of its files (" + base +
                          ", -wal, -shm, .cache, .runs): choose another name");
        if (folder && (within(project, final) || within(cp, cf)))
            return refuse(name + ": holds the project " + base + "; an export never writes over it: choose a new "
                                 "folder");
    }
    const fs::file_status st = fs::symlink_status(final, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        return refuse(name + ": " + describeFileError(ec.value()));
    if (!folder && fs::is_directory(st))
        return refuse(name + ": is a folder; this format writes one file: give a file name (e.g. " +
                      (final / "annotations.json").string() + ")");
    if (rules.mediaAt) {
        auto media = rules.mediaAt(final.string());
        if (!media)
            return refuse(name + ": cannot check it against the project's images: " + media.error().message);
        if (*media)
            return refuse(name + (folder ? ": holds images of the project (" : ": is an image of the project (") +
                          **media + "); an export never writes over them: choose a new folder");
    }
    if (!fs::exists(st))
        return c; // free
    c.exists = true;
    if (fs::is_symlink(st))
        return refuse(name + ": is a symbolic link; give the path it points to");
    if (folder) {
        if (!fs::is_directory(st))
            return refuse(name + ": exists and is not a folder; choose a folder name");
        const auto files = filesBelow(final, ec);
        if (ec)
            return refuse(name + ": cannot list it: " + describeFileError(ec.value()));
        if (files.empty()) {
            c.emptyFolder = true;
            return c;
        }
        QFile marker(QString::fromStdString((final / kOutputMarker).string()));
        if (!marker.open(QIODevice::ReadOnly))
            return refuse(name + ": is not empty and holds no Groundwork export; an export never deletes files "
                                 "it did not write: choose a new or empty folder");
        const QByteArray header = marker.readLine();
        if (!header.startsWith(QByteArray(kMarkerHeader.data(), qsizetype(kMarkerHeader.size()))))
            return refuse(name + ": its " + kOutputMarker + " is not a Groundwork export's: choose a new or empty folder");
        std::unordered_set<std::string> written = {kOutputMarker};
        while (!marker.atEnd()) {
            QByteArray line = marker.readLine();
            if (line.endsWith('\n'))
                line.chop(1);
            written.insert(line.toStdString());
        }
        std::vector<std::string> foreign;
        for (const std::string &f : files)
            if (!written.count(f))
                foreign.push_back(f);
        if (!foreign.empty())
            return refuse(name + ": holds files the earlier export did not write (" + listSome(foreign) +
                          "); move them away or choose another folder");
        c.state = {TargetState::Kind::Replaceable, name + ": holds an earlier Groundwork export"};
        return c;
    }
    if (!fs::is_regular_file(st))
        return refuse(name + ": is not a regular file");
    if (isSqliteFile(final))
        return refuse(name + ": is an SQLite database (a project?); an export never replaces one");
    c.state = {TargetState::Kind::Replaceable, name + ": exists"};
    return c;
}

} // namespace

TargetState inspectTarget(const std::string &target, bool folder, const OutputRules &rules)
{
    return check(fs::path(OutputSet::finalPath(target)), folder, rules).state;
}

namespace {

Result<> allowed(const TargetState &state, bool folder, const OutputRules &rules)
{
    if (state.kind == TargetState::Kind::Refused)
        return fail(Error::invalid(state.message));
    if (state.kind == TargetState::Kind::Replaceable && !rules.overwrite)
        return fail(Error::conflict(state.message + "; add --overwrite to replace it" +
                                    (folder ? " (everything in it was written by that export)" : "")));
    return {};
}

} // namespace

Result<> checkTarget(const std::string &target, bool folder, const OutputRules &rules)
{
    return allowed(inspectTarget(target, folder, rules), folder, rules);
}

// ---- staging and committing ----

struct OutputSet::Target
{
    fs::path final, staged;
    bool folder = false;
};

OutputSet::OutputSet(OutputRules rules)
    : m_rules(std::move(rules))
{
}

OutputSet::~OutputSet()
{
    std::error_code ec;
    for (const auto &[parent, staging] : m_staging)
        fs::remove_all(staging, ec);
}

Result<std::string> OutputSet::stagingFor(const std::string &parent)
{
    for (const auto &[p, s] : m_staging)
        if (p == parent)
            return s;
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec)
        return fail(Error::io(parent + ": cannot create the folder: " + describeFileError(ec.value())));
    removeStaleStaging(parent);
    std::random_device rd;
    const std::string name = std::string(kStagingPrefix) + std::to_string(::getpid()) + "-" +
                             std::to_string(processStartTicks(::getpid())) + "-" + std::to_string(rd() % 1000000);
    const fs::path staging = fs::path(parent) / name;
    fs::create_directory(staging, ec);
    if (ec)
        return fail(Error::io(staging.string() + ": cannot create: " + describeFileError(ec.value())));
    std::ofstream(staging / kStagingTag) << "a Groundwork output being written; removed when its process is gone\n";
    m_staging.emplace_back(parent, staging.string());
    return staging.string();
}

Result<std::string> OutputSet::add(const std::string &target, bool folder)
{
    if (m_committed)
        return fail(Error::internal("output already committed"));
    const fs::path final(finalPath(target));
    for (const auto &t : m_targets)
        if (t->final == final || within(t->final, final) || within(final, t->final))
            return fail(Error::invalid(final.string() + ": is written twice by one export (" + t->final.string() + ")"));
    if (auto ok = allowed(check(final, folder, m_rules).state, folder, m_rules); !ok)
        return fail(ok.error());
    auto staging = stagingFor(final.parent_path().string());
    if (!staging)
        return fail(staging.error());
    auto t = std::make_unique<Target>();
    t->final = final;
    t->staged = fs::path(*staging) / final.filename();
    t->folder = folder;
    if (folder) {
        std::error_code ec;
        fs::create_directory(t->staged, ec);
        if (ec)
            return fail(Error::io(t->staged.string() + ": cannot create: " + describeFileError(ec.value())));
    }
    const std::string staged = t->staged.string();
    m_targets.push_back(std::move(t));
    return staged;
}

Result<std::string> OutputSet::addFile(const std::string &target)
{
    return add(target, false);
}

Result<std::string> OutputSet::addFolder(const std::string &target)
{
    return add(target, true);
}

std::string OutputSet::physical(const std::string &finalPathGiven) const
{
    const fs::path p = fs::absolute(finalPathGiven).lexically_normal();
    for (const auto &t : m_targets)
        if (within(p, t->final))
            return (t->staged / p.lexically_relative(t->final)).string();
    return finalPathGiven;
}

Result<std::vector<OutputSet::Placed>> OutputSet::placed() const
{
    std::vector<Placed> out;
    for (const auto &t : m_targets) {
        struct stat st{};
        if (::lstat(t->staged.c_str(), &st) != 0)
            return fail(Error::io(t->staged.string() + ": " + describeFileError(errno)));
        out.push_back({t->final.string(), uint64_t(st.st_dev), uint64_t(st.st_ino)});
    }
    return out;
}

namespace {

/// Moves every entry of `from` into the existing folder `to` (the marker first, so that a crash half-way
/// leaves a folder the next export may replace); returns the names moved.
Result<std::vector<fs::path>> moveEntries(const fs::path &from, const fs::path &to)
{
    std::vector<fs::path> names, moved;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(from, ec))
        names.push_back(e.path().filename());
    if (ec)
        return fail(Error::io(from.string() + ": " + describeFileError(ec.value())));
    std::stable_partition(names.begin(), names.end(), [](const fs::path &n) { return n == kOutputMarker; });
    for (const fs::path &n : names) {
        if (moveInto(from / n, to / n, false) != 0) {
            const int err = errno;
            for (const fs::path &m : moved) // put back what moved already
                fs::rename(to / m, from / m, ec);
            return fail(Error::io((to / n).string() + ": cannot move into place: " + describeFileError(err)));
        }
        moved.push_back(n);
    }
    return moved;
}

/// Flushes a file (or folder entry) to disk, so that a power cut after the rename finds it whole.
void syncPath(const fs::path &p, bool directory)
{
    const int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

Result<> OutputSet::commit(const std::function<Result<>()> &beforeMove)
{
    if (m_committed)
        return {};
    std::error_code ec;
    // Folder outputs get their marker: what they are and every file they hold.
    for (const auto &t : m_targets) {
        if (!t->folder)
            continue;
        // Streamed, in two walks (a count for the header, then the names): a million files must not cost a
        // hundred megabytes of names held at once. The order is the directory's; readers take it as a set.
        size_t count = 0;
        forEachFileBelow(t->staged, ec, [&](std::string &&) { ++count; });
        if (ec)
            return fail(Error::io(t->staged.string() + ": " + describeFileError(ec.value())));
        const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
        const std::string header = std::string(kMarkerHeader) + ",\"written_us\":" + std::to_string(now)
                                   + ",\"files\":" + std::to_string(count) + "}\n";
        QFile marker(QString::fromStdString((t->staged / kOutputMarker).string()));
        bool ok = marker.open(QIODevice::WriteOnly) && marker.write(header.data(), qint64(header.size())) == qint64(header.size());
        forEachFileBelow(t->staged, ec, [&](std::string &&f) {
            if (ok && f != kOutputMarker) {
                f += '\n';
                ok = marker.write(f.data(), qint64(f.size())) == qint64(f.size());
            }
        });
        if (ec)
            return fail(Error::io(t->staged.string() + ": " + describeFileError(ec.value())));
        if (!ok || !marker.flush())
            return fail(Error::io(marker.fileName().toStdString() + ": " + describeFileError(errno)));
    }
    // What was written reaches the disk before it is moved into place, so that a power cut leaves the earlier
    // output or the whole new one: a file output is flushed by itself (as QSaveFile would), a folder of many
    // files with one call for its file system rather than one per file.
    bool folders = false;
    for (const auto &t : m_targets) {
        if (t->folder)
            folders = true;
        else
            syncPath(t->staged, false);
    }
    if (folders)
        for (const auto &[parent, staging] : m_staging) {
            const int fd = ::open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd >= 0) {
                ::syncfs(fd);
                ::close(fd);
            }
        }
    // The targets again, just before the move: another process may have written there meanwhile.
    enum class Action { New, IntoEmptyFolder, Replace };
    std::vector<Action> actions;
    for (const auto &t : m_targets) {
        const Check c = check(t->final, t->folder, m_rules);
        if (auto ok = allowed(c.state, t->folder, m_rules); !ok)
            return fail(ok.error());
        actions.push_back(!c.exists ? Action::New : c.emptyFolder ? Action::IntoEmptyFolder : Action::Replace);
    }
    if (beforeMove)
        if (auto r = beforeMove(); !r)
            return r;
    // Move; on a failure, undo the moves done so far (in reverse) so that nothing is half-replaced.
    struct Done
    {
        size_t target;
        Action action;
        fs::path replaced;              ///< Replace: where the earlier output went
        std::vector<fs::path> entries;  ///< IntoEmptyFolder: what moved in
    };
    std::vector<Done> done;
    auto undo = [&] {
        for (auto d = done.rbegin(); d != done.rend(); ++d) {
            const Target &t = *m_targets[d->target];
            if (d->action == Action::IntoEmptyFolder) {
                for (const fs::path &n : d->entries)
                    fs::rename(t.final / n, t.staged / n, ec);
            } else {
                fs::rename(t.final, t.staged, ec);
                if (!d->replaced.empty())
                    fs::rename(d->replaced, t.final, ec);
            }
        }
    };
    for (size_t i = 0; i < m_targets.size(); ++i) {
        const Target &t = *m_targets[i];
        Done d{i, actions[i], {}, {}};
        if (actions[i] == Action::IntoEmptyFolder) {
            auto moved = moveEntries(t.staged, t.final);
            if (!moved) {
                undo();
                return fail(moved.error());
            }
            d.entries = std::move(*moved);
        } else {
            if (actions[i] == Action::Replace && t.folder) {
                d.replaced = t.staged.parent_path() / (".replaced-" + std::to_string(i));
                if (::rename(t.final.c_str(), d.replaced.c_str()) != 0) {
                    const int err = errno;
                    undo();
                    return fail(Error::io(t.final.string() + ": cannot move the earlier export aside: " +
                                          describeFileError(err)));
                }
            }
            // A file replaces the earlier one in one step; anything else may not be there any more.
            if (moveInto(t.staged, t.final, actions[i] == Action::Replace && !t.folder) != 0) {
                const int err = errno;
                if (!d.replaced.empty())
                    fs::rename(d.replaced, t.final, ec);
                undo();
                return fail(Error::io(t.final.string() + ": cannot move into place: " + describeFileError(err)));
            }
        }
        done.push_back(std::move(d));
    }
    m_committed = true;
    for (const auto &[parent, staging] : m_staging)
        syncPath(parent, true);
    return {};
}

Result<> writeNewFile(const std::string &path, std::string_view bytes, const std::string &shownAs)
{
    QFile file(QString::fromStdString(path));
    errno = 0;
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size())
        || !file.flush()) {
        const std::string why = describeLastFileError(file.errorString().toStdString());
        return fail(Error::io((shownAs.empty() ? path : shownAs) + ": cannot write: " + why));
    }
    return {};
}

Result<> writeOutputFile(const std::string &target, std::string_view bytes, const OutputRules &rules)
{
    OutputSet out(rules);
    auto staged = out.addFile(target);
    if (!staged)
        return fail(staged.error());
    if (auto w = writeNewFile(*staged, bytes, OutputSet::finalPath(target)); !w)
        return w;
    return out.commit();
}

} // namespace gw::datasets
