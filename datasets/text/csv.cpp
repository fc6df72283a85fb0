#include "datasets/text/csv.h"

#include <algorithm>

namespace gw::datasets::csv {

Split split(std::string_view rec, char delim, std::vector<std::string> &fields)
{
    fields.clear();
    std::string f;
    enum class At { Start, Plain, Quoted, AfterQuote } at = At::Start;
    auto invalid = [](std::string problem, size_t offset) {
        return Split{Split::State::Invalid, std::move(problem), offset};
    };
    for (size_t i = 0; i < rec.size(); ++i) {
        const char c = rec[i];
        switch (at) {
        case At::Start:
        case At::Plain:
            if (c == delim) {
                fields.push_back(std::move(f));
                f.clear();
                at = At::Start;
            } else if (c == '"') {
                if (at == At::Plain)
                    return invalid("a quote inside a field that does not start with one (quote the whole field "
                                   "and write the quote twice)",
                                   i);
                at = At::Quoted;
            } else if (c == '\r' && i + 1 == rec.size()) {
                // the end of a CRLF line
            } else {
                f += c;
                at = At::Plain;
            }
            break;
        case At::Quoted:
            if (c == '"') {
                if (i + 1 < rec.size() && rec[i + 1] == '"') {
                    f += '"';
                    ++i;
                } else {
                    at = At::AfterQuote;
                }
            } else {
                f += c;
            }
            break;
        case At::AfterQuote:
            if (c == delim) {
                fields.push_back(std::move(f));
                f.clear();
                at = At::Start;
            } else if (c == '\r' && i + 1 == rec.size()) {
            } else {
                return invalid("text after the closing quote of a field (a quote inside a quoted field is written "
                               "twice)",
                               i);
            }
            break;
        }
    }
    if (at == At::Quoted)
        return {Split::State::Incomplete, {}, 0};
    fields.push_back(std::move(f));
    return {};
}

Result<> Reader::open(const std::string &path, char delimiter)
{
    m_path = path;
    m_delimiter = delimiter;
    return m_lines.open(path);
}

bool Reader::next(std::vector<std::string> &fields)
{
    if (!m_error.empty())
        return false;
    m_record.clear();
    std::string_view line;
    while (m_lines.next(line)) {
        if (m_record.empty()) {
            if (line.find_first_not_of(" \t\r") == std::string_view::npos)
                continue; // blank lines between records
            m_recordLine = m_lines.lineNumber();
        } else {
            m_record += '\n';
        }
        m_record.append(line);
        const Split s = split(m_record, m_delimiter, fields);
        if (s.state == Split::State::Incomplete)
            continue; // a quoted field goes on over the next line
        if (s.state == Split::State::Invalid) {
            const auto newlines = std::count(m_record.begin(), m_record.begin() + std::ptrdiff_t(s.offset), '\n');
            const int64_t line = m_recordLine + newlines;
            m_error = m_path + ":" + std::to_string(line) + ": " + s.problem;
            if (line != m_recordLine)
                m_error += "; the record starts on line " + std::to_string(m_recordLine) +
                           ", where a quote opened a field that runs on";
            return false;
        }
        return true;
    }
    if (!m_record.empty())
        m_error = m_path + ":" + std::to_string(m_recordLine) +
                  ": a quoted field opened on this line is not closed before the end of the file";
    return false;
}

Result<> Reader::status() const
{
    if (!m_error.empty())
        return fail(Error::invalid(m_error));
    return m_lines.status();
}

std::string field(std::string_view s, char delimiter)
{
    if (s.find_first_of(std::string{delimiter, '"', '\n', '\r'}) == std::string_view::npos)
        return std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

} // namespace gw::datasets::csv
