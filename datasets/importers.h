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

Result<ImportReport> importImageFiles(ProjectStore &store, const std::vector<std::string> &files,
                                      const std::string &description, const ImportOptions &options);
Result<ImportReport> importTextFile(ProjectStore &store, const std::string &path, const SourceOptions &options);

} // namespace gw::datasets
