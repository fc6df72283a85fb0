#pragma once

// Reads a text file line by line through a large buffer: no per-line allocation, "\r\n" and a missing last
// newline tolerated, a UTF-8 byte order mark on the first line skipped.

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
    /// The next line without its terminator; the view is valid until the next call.
    bool next(std::string_view &line);
    Result<> status() const;
    int64_t bytesRead() const { return m_consumed; }
    int64_t size() const { return m_size; }

private:
    bool fill();

    std::FILE *m_file = nullptr;
    std::string m_path;
    std::string m_buf;
    size_t m_begin = 0, m_end = 0;
    int64_t m_consumed = 0, m_size = 0;
    bool m_eof = false, m_first = true, m_error = false;
};

} // namespace gw::datasets
