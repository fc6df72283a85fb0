#include "datasets/fileerrors.h"

#include <cerrno>
#include <cstring>

namespace gw::datasets {

std::string describeFileError(int err)
{
    switch (err) {
    case ENOSPC:
        return "the disk is full (no space left on the device): free some space, then try again";
    case EDQUOT:
        return "your disk quota is used up: free some space, then try again";
    case EROFS:
        return "the file system is read-only: choose a folder on a writable disk";
    case EACCES:
    case EPERM:
        return "permission denied: choose a folder you can write to, or ask for access";
    case ENOENT:
        return "no such file or folder";
    case ENOTDIR:
        return "a part of the path is not a folder";
    case EISDIR:
        return "is a folder";
    case EEXIST:
    case ENOTEMPTY:
        return "something else appeared there meanwhile; try again";
    case ENAMETOOLONG:
        return "the name is too long for this file system";
    case EXDEV:
        return "the staging folder and the target are on different file systems";
    case EIO:
        return "input/output error (a failing disk or a lost network share): check the disk, then try again";
    case EMFILE:
    case ENFILE:
        return "too many open files: close other programs, then try again";
    case EBUSY:
        return "it is in use (a mount point, or open in another program)";
    case 0:
        return "unknown error";
    default:
        return std::strerror(err);
    }
}

std::string describeLastFileError(const std::string &fallback)
{
    return errno ? describeFileError(errno) : fallback;
}

} // namespace gw::datasets
