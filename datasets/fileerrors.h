#pragma once

// What a failed file operation means for a person, and what to do about it: "the disk is full: free some
// space, then try again" instead of "write failed: Unknown error". One place, used by every writer, the
// store's SQLite errors and the import readers.

#include <string>

namespace gw::datasets {

/// The cause of an errno value in plain words, with what to do where there is something to do.
std::string describeFileError(int err);

/// The errno of the last failed call (QFile and friends leave it set), described; `fallback` when errno
/// says nothing (0).
std::string describeLastFileError(const std::string &fallback = "the write failed");

} // namespace gw::datasets
