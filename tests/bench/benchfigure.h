#pragma once

// One line per measured figure, for scripts/bench.sh, which runs every benchmark and puts their figures in one
// table beside their targets and the last accepted figures (tests/bench/baseline.tsv). The human-readable
// output of each benchmark stays as it is; these lines come in addition:
//
//   @figure <TAB> bench <TAB> name <TAB> value <TAB> unit <TAB> better (lower|higher) <TAB> target (or "-")

#include <cstdio>
#include <optional>

namespace gw::bench {

enum class Better { Lower, Higher };

/// Prints the figure's line and returns whether it meets its target (true when it has none).
inline bool figure(const char *bench, const char *name, double value, const char *unit, Better better,
                   std::optional<double> target = std::nullopt)
{
    const bool met = !target || (better == Better::Lower ? value <= *target : value >= *target);
    std::printf("@figure\t%s\t%s\t%.6g\t%s\t%s\t", bench, name, value, unit,
                better == Better::Lower ? "lower" : "higher");
    if (target)
        std::printf("%.6g\n", *target);
    else
        std::printf("-\n");
    std::fflush(stdout);
    return met;
}

} // namespace gw::bench
