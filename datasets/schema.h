#pragma once

// The versioned schema of the SQLite project store and its migrations, run when a project is opened.

#include "datasets/result.h"

#include <sqlite3.h>

#include <cstdint>
#include <vector>

namespace gw::datasets::schema {

/// The SQL of each migration; migration i takes a project from version i to i + 1.
const std::vector<const char *> &migrations();
inline int latestVersion() { return int(migrations().size()); }

/// Brings the database to the latest version in one transaction. A new, empty file is initialised only
/// when create is set; a database that is not a Groundwork project, or is newer than this program, is refused.
Result<> migrate(sqlite3 *db, bool create, int targetVersion = -1);
/// The stored schema version: 0 for an empty file, kUnreadableVersion when it is not a number.
int version(sqlite3 *db);
inline constexpr int kUnreadableVersion = -1;

/// SQLite's application_id of a Groundwork project ("GWK1"), set from schema version 6 on.
inline constexpr int32_t kApplicationId = 1196903217;

} // namespace gw::datasets::schema
