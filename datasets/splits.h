#pragma once

// Train / validation / test splits, stored on the items (exports honour them). Stratified by class — the
// class for single-label jobs, the label set for multi-label ones, the classes present for boxes, masks and
// entities — so that every split sees every class in proportion; grouped by a key (the source folder, or a
// field of the item's kept manifest keys) so that near-copies never straddle splits; reproducible from a seed.

#include "datasets/projectstore.h"

#include <array>
#include <map>
#include <string>

namespace gw::datasets {

inline constexpr std::array<const char *, 3> kSplitNames = {"train", "validation", "test"};

struct SplitOptions
{
    std::array<double, 3> ratios = {0.8, 0.1, 0.1}; ///< train, validation, test; normalised to sum 1
    uint64_t seed = 1;
    std::string job;          ///< stratify by this job's labels (empty: by nothing)
    enum class GroupBy { None, Folder, Field } groupBy = GroupBy::None;
    std::string field;        ///< GroupBy::Field: a key of the items' kept manifest keys (extra)
    bool keepExisting = false; ///< only items without a split are assigned (their groups follow assigned members)
    std::string author;       ///< for the change log
};

struct SplitReport
{
    std::array<int64_t, 3> items{};
    int64_t groups = 0;
    int64_t kept = 0; ///< items that kept their split (keepExisting)
    /// Per stratum (class name, label set, "(unlabelled)") the items in each split.
    std::map<std::string, std::array<int64_t, 3>> strata;
};

/// Assigns every item of the job's media kind (every item when no job is given) to a split, in one
/// transaction; recorded in the change log.
Result<SplitReport> assignSplits(ProjectStore &store, const SplitOptions &options);

} // namespace gw::datasets
