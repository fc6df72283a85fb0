#pragma once

// UTF-8 checked in one place for every text path (lines of manifests, CSV/TSV, JSON Lines and .txt files,
// strings inside JSON): well-formed sequences only — no overlong forms, no surrogates, nothing above
// U+10FFFF (RFC 3629).

#include <cstddef>
#include <string>
#include <string_view>

namespace gw::datasets::utf8 {

/// The length of the well-formed sequence starting at s[i] (1 for ASCII), or 0 when it is not one.
size_t sequenceLength(std::string_view s, size_t i);

/// The offset of the first byte that is not part of well-formed UTF-8, or npos when all of s is valid.
size_t firstInvalid(std::string_view s);

/// s with every ill-formed sequence replaced by U+FFFD (for output that must stay valid whatever was stored).
std::string sanitized(std::string_view s);

/// The 1-based line and byte (within that line) of an offset, for "file:line: invalid UTF-8 at byte N".
struct Position
{
    size_t line = 1, byte = 1;
};
Position positionOf(std::string_view text, size_t offset);

} // namespace gw::datasets::utf8
