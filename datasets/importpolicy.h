#pragma once

// What every import does when the project already has the item or a label for it — one rule for Ground Truth
// manifests, other tools' formats and text files:
// - a text already in the project is found, not added again (like an image by its path), unless duplicates
//   are asked for;
// - an imported label becomes current only when it is not older than the project's current label and is not
//   automatic over a person's — `--replace` takes the file's label anyway; an identical label adds no version.

#include "datasets/manifest.h"

#include <optional>
#include <unordered_map>

namespace gw::datasets {

/// The project's text items by content, so that a text imported again is found instead of added twice.
/// Holds a 64-bit hash per text (not the texts); a hash match is confirmed against the stored text.
class TextIndex
{
public:
    explicit TextIndex(const ProjectStore &store) : m_store(store) {}
    /// The item that holds exactly this text, if any (including texts added through add()).
    Result<std::optional<int64_t>> find(const std::string &text);
    void add(const std::string &text, int64_t itemId);

private:
    const ProjectStore &m_store;
    bool m_loaded = false;
    std::unordered_multimap<uint64_t, int64_t> m_ids;
    std::unordered_map<int64_t, std::string> m_added; ///< texts added by this import
};

enum class LabelOutcome {
    New,       ///< the item had no label: this one is current
    Replaced,  ///< it supersedes the project's label (history keeps that one)
    Kept,      ///< the project's label is newer, or a person's while this one is automatic: not made current
    Unchanged, ///< the same label as the project's current one: no new version
};

/// Puts an imported label (its createdUs: when it was made, as the file says) under the rule above.
/// itemExisted: the item was in the project before this import (a new item has no label to compare with).
Result<LabelOutcome> putImportedLabel(const ProjectStore &store, WriteTransaction &tx, Annotation &label,
                                      bool itemExisted, bool replace);
/// Counts an outcome in an import report.
void countLabel(ImportReport &report, LabelOutcome outcome);

} // namespace gw::datasets
