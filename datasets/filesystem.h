#pragma once

// Which file system a project lies on. A project on a network file system (NFS, SMB/CIFS, sshfs and other
// network FUSE mounts, 9p, Ceph, AFS, Lustre, ...) is safe from one computer at a time only: SQLite's WAL index
// lives in shared memory, which other computers do not see, and network file locks are unreliable. The store
// therefore claims such a project for its computer while it is open (ProjectStore, sqlitestore_p.h).

#include <cstdint>
#include <string>

namespace gw::datasets {

/// The network file system `path` (a folder or a file in it) lies on, e.g. "nfs", "cifs", "fuse.sshfs"; empty
/// for a local one. GW_TEST_NETWORK_FS, when set, is returned for every path (tests only: no network mount
/// can be made here).
std::string networkFilesystem(const std::string &path);

/// The name of a network file system from statfs's f_type (FUSE: fuseType, the mount's type in
/// /proc/self/mountinfo such as "fuse.sshfs"); empty for local ones.
std::string networkFilesystemName(int64_t fType, const std::string &fuseType);

} // namespace gw::datasets
