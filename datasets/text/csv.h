#pragma once

// CSV and TSV read in one place, strictly (RFC 4180): a field is quoted as a whole or not at all, a quote
// inside a quoted field is doubled, and nothing follows a closing quote but the delimiter or the end of the
// record. A lenient reader would silently merge rows at a stray quote; this one names the file and line.

#include "datasets/linereader.h"
#include "datasets/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace gw::datasets::csv {

struct Split
{
    enum class State { Complete, Incomplete, Invalid };
    State state = State::Complete;
    std::string problem;   ///< Invalid: what is wrong
    size_t offset = 0;     ///< Invalid: where, in the record
};

/// Splits one record (several lines joined by '\n' when a quoted field spans them) into fields.
/// Incomplete: a quoted field is still open, the next line belongs to it.
Split split(std::string_view record, char delimiter, std::vector<std::string> &fields);

/// Reads a CSV/TSV file record by record over a LineReader (so every line is checked to be UTF-8); blank
/// lines between records are skipped. An ill-formed record stops the reading: status() names file and line.
class Reader
{
public:
    Result<> open(const std::string &path, char delimiter);
    /// The next record; false at the end or on an error.
    bool next(std::vector<std::string> &fields);
    /// The line the record returned last starts on.
    int64_t recordLine() const { return m_recordLine; }
    Result<> status() const;
    int64_t bytesRead() const { return m_lines.bytesRead(); }
    int64_t size() const { return m_lines.size(); }

private:
    LineReader m_lines;
    std::string m_path, m_record, m_error;
    char m_delimiter = ',';
    int64_t m_recordLine = 0;
};

/// A field as written: quoted when it holds the delimiter, a quote or a line break.
std::string field(std::string_view s, char delimiter = ',');

} // namespace gw::datasets::csv
