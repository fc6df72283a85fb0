#include "datasets/filesystem.h"

#include <sys/statfs.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gw::datasets {

namespace {

/// The type of the mount holding path, from /proc/self/mountinfo (the longest mount point that is a prefix).
std::string mountType(const std::string &path)
{
    std::error_code ec;
    const std::string target = std::filesystem::weakly_canonical(path, ec).string();
    std::ifstream in("/proc/self/mountinfo");
    std::string line, best, bestType;
    while (std::getline(in, line)) {
        // id parent major:minor root mount-point options [optional...] - type source super-options
        std::istringstream f(line);
        std::string id, parent, dev, root, point;
        f >> id >> parent >> dev >> root >> point;
        const size_t dash = line.find(" - ");
        if (dash == std::string::npos)
            continue;
        std::istringstream rest(line.substr(dash + 3));
        std::string type;
        rest >> type;
        const bool under = target == point || point == "/"
                           || (target.compare(0, point.size(), point) == 0 && target.size() > point.size()
                               && target[point.size()] == '/');
        if (under && point.size() >= best.size()) {
            best = point;
            bestType = type;
        }
    }
    return bestType;
}

} // namespace

std::string networkFilesystemName(int64_t fType, const std::string &fuseType)
{
    switch (uint32_t(fType)) {
    case 0x6969: return "nfs";
    case 0x517B: return "smb";
    case 0xFF534D42: return "cifs";
    case 0xFE534D42: return "smb2";
    case 0x01021997: return "9p";
    case 0x00C36400: return "ceph";
    case 0x5346414F: return "afs";
    case 0x6B414653: return "afs";
    case 0x73757245: return "coda";
    case 0x0BD00BD0: return "lustre";
    case 0x7461636F: return "ocfs2";
    case 0x01161970: return "gfs2";
    case 0x65735546: { // FUSE: network ones by their type; local ones (ntfs-3g, exfat, ...) are fine
        for (const char *net : {"sshfs", "rclone", "s3fs", "gcsfuse", "goofys", "davfs", "curlftpfs", "glusterfs",
                                "moosefs", "mfs", "lizardfs", "juicefs", "seaweedfs", "cephfs", "smbnetfs", "gvfsd-fuse"})
            if (fuseType == std::string("fuse.") + net || fuseType == std::string("fuseblk.") + net)
                return fuseType;
        return {};
    }
    default: return {};
    }
}

std::string networkFilesystem(const std::string &path)
{
    if (const char *forced = std::getenv("GW_TEST_NETWORK_FS"); forced && *forced)
        return forced;
    struct statfs s{};
    if (statfs(path.c_str(), &s) != 0)
        return {};
    return networkFilesystemName(int64_t(s.f_type), uint32_t(s.f_type) == 0x65735546 ? mountType(path) : std::string());
}

} // namespace gw::datasets
