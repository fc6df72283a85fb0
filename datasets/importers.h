#pragma once

// Bringing media into a project: image folders (recursive), text files (.txt, .csv/.tsv, .jsonl) and
// Ground Truth manifests, chosen by what the path is. Each file is imported in one transaction.

#include "datasets/manifest.h"

namespace gw::datasets {

struct SourceOptions : ImportOptions
{
    enum class TxtMode { Line, File };
    TxtMode txtMode = TxtMode::Line; ///< .txt: one item per line, or one per file
    std::string column;              ///< .csv/.tsv: the text column (default: "text" or "source" if present)
    std::string field;               ///< .jsonl: the text field (a .jsonl without it is read as a manifest)
};

/// Imports a folder (images recursively; with TxtMode::File also .txt files), an image, a text file or a
/// manifest. Missing or unreadable images are flagged and listed, not fatal.
Result<ImportReport> importPath(ProjectStore &store, const std::string &path, const SourceOptions &options);

/// Indexes a folder of images (recursively) for opening it as a project, a chunk at a time, each chunk in a
/// transaction of its own and all of them in one import batch: first the folder's first `firstChunk` images
/// in natural order (found without listing the whole tree), then the rest in chunks of `chunk`. Items land in
/// the natural order of the whole folder, as importPath adds them; images the project already has are not
/// added again, so indexing a half-indexed folder again finishes it. Headers are read on gw::workPool() while
/// the chunk before is written: call it from a thread of another pool.
struct FolderIndexOptions
{
    size_t firstChunk = 64;
    size_t chunk = 1024;
    /// After each committed chunk: the folder's images in the project now (a prefix in natural order, added
    /// now or before) and the images in the folder (-1 while the folder is still being listed).
    std::function<void(int64_t done, int64_t total)> committed;
    /// Asked between folders and before each chunk is written: true stops (that chunk is not written).
    std::function<bool()> cancelled;
};

struct FolderIndexReport : ImportReport
{
    int64_t files = -1;     ///< images in the folder; -1 when it was not listed to the end
    int64_t done = 0;       ///< of those, in the project (a prefix in natural order)
    bool cancelled = false; ///< stopped on request: what was committed stays
};

Result<FolderIndexReport> indexFolder(ProjectStore &store, const std::string &dir, const FolderIndexOptions &options);

/// "img2" before "img10": runs of digits compare by value, the rest byte by byte (the order items of a folder
/// are added in, by full path).
bool naturalLess(const std::string &a, const std::string &b);

/// The images (and with texts, the .txt files) in a folder and its subfolders, absolute paths in natural
/// order; at most `limit` of them, the first ones (only the folders those are in are read and sorted).
Result<std::vector<std::string>> listFolder(const std::string &dir, bool images, bool texts,
                                            size_t limit = SIZE_MAX, const std::function<bool()> &cancelled = {});

Result<ImportReport> importImageFiles(ProjectStore &store, const std::vector<std::string> &files,
                                      const std::string &description, const ImportOptions &options);
Result<ImportReport> importTextFile(ProjectStore &store, const std::string &path, const SourceOptions &options);

} // namespace gw::datasets
