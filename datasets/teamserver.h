#pragma once

// A project on a team server (PostgreSQL): its people and their roles, and moving a project between a file and a
// server. The store itself is ProjectStore::open with a postgresql:// URL (pgstore.cpp).

#include "datasets/projectstore.h"

#include <optional>
#include <string>
#include <string_view>

namespace gw::datasets::teamserver {

/// What a person may do in a team project, enforced by the server itself (GRANTs and row-level security):
/// an annotator reads jobs and classes and writes only their own answers to items handed to them; a reviewer also
/// writes any person's label (reviews, fixes, rejections); a lead changes classes, jobs, assignments, imports, runs
/// automated labeling and exports.
enum class Role { Annotator, Reviewer, Lead };
std::optional<Role> roleFromName(std::string_view name);
std::string_view roleName(Role role);

/// Gives the person `name` a role in the project at url: a new login with the password (stored on the server only
/// as a SCRAM verifier, worked out here, so the password never travels or lands in a server log), or an existing
/// one whose roles in this project are replaced (and whose password changes when one is given). The URL's user must
/// own the project's database and may create roles.
Result<> addUser(const std::string &url, const std::string &name, Role role, const std::string &password);

/// The role of the person a store is connected as: the server's answer for a team project (its owner is a lead), Lead
/// for a project file (whoever may write the file may do everything).
Result<Role> roleOf(const ProjectStore &store);

/// The login a store is connected as on a team server (what its labels are recorded under); empty for a file.
std::string userOf(const ProjectStore &store);

/// What a team project keeps on each computer rather than on the server (its runs' folders, feature caches):
/// a folder named after the project's address (without the password) under the user's data folder
/// ($XDG_DATA_HOME/groundwork/team, else ~/.local/share/...) or, with cache, their cache folder ($XDG_CACHE_HOME,
/// else ~/.cache), ending in suffix. Empty for a project file, whose sidecars sit beside it.
std::string localSidecar(const std::string &location, const std::string &suffix, bool cache = false);

/// Uploads a project file to a new team project: every table as it is (ids, history, runs, versions, the change
/// log), in one transaction, so the server holds all of it or nothing. The URL names an empty database owned by its
/// user. The project's folder becomes the media root of those who have no GW_MEDIA_ROOT of their own.
struct CopyReport
{
    int64_t items = 0, labels = 0, jobs = 0;
};
Result<CopyReport> publish(const std::string &projectFile, const std::string &url);

/// A local copy of a team project (to work offline, or to keep): a new project file with everything the server
/// holds, built beside the target and moved into place whole; an existing file is never replaced.
Result<CopyReport> clone(const std::string &url, const std::string &projectFile);

} // namespace gw::datasets::teamserver
