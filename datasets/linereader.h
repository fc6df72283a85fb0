#pragma once

// Reads a text file line by line through a large buffer: no per-line allocation, "\r\n" and a missing last
// newline tolerated, a UTF-8 byte order mark on the first line skipped. Every line is checked to be UTF-8
// (the one check every line-based reader gets): the first ill-formed line stops the reading, and status()
// says "file:line: invalid UTF-8 at byte N".

#include "datasets/result.h"

#include <cstdio>
#include <string>
#include <string_view>

namespace gw::datasets {

class LineReader
{
public:
    LineReader() = default;
    ~LineReader();
    LineReader(const LineReader &) = delete;
    LineReader &operator=(const LineReader &) = delete;

    Result<> open(const std::string &path);
    /// The next line without its terminator; the view is valid until the next call. False at the end, on a
    /// read error and on a line that is not UTF-8 (status() tells).
    bool next(std::string_view &line);
    Result<> status() const;
    /// The 1-based number of the line next() returned last.
    int64_t lineNumber() const { return m_line; }
    int64_t bytesRead() const { return m_consumed; }
    int64_t size() const { return m_size; }

private:
    bool fill();

    std::FILE *m_file = nullptr;
    std::string m_path;
    std::string m_buf;
    size_t m_begin = 0, m_end = 0;
    int64_t m_consumed = 0, m_size = 0, m_line = 0;
    bool m_eof = false, m_first = true, m_error = false;
    std::string m_invalid; ///< the message of an ill-formed line
};

} // namespace gw::datasets
