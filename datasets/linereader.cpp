#include "datasets/linereader.h"

#include "datasets/fileerrors.h"
#include "datasets/text/utf8.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace gw::datasets {

LineReader::~LineReader()
{
    if (m_file)
        std::fclose(m_file);
}

Result<> LineReader::open(const std::string &path)
{
    m_path = path;
    struct stat st{};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        return fail(Error::invalid(path + ": is a folder, not a file"));
    m_file = std::fopen(path.c_str(), "rb");
    if (!m_file)
        return fail(errno == ENOENT ? Error::notFound(path + ": no such file")
                                    : Error::io(path + ": cannot open: " + describeFileError(errno)));
    m_size = int64_t(st.st_size);
    // 1 MB for big files; a small file gets a buffer its size (it grows when a line needs more).
    m_buf.resize(std::clamp<size_t>(size_t(st.st_size) + 1, 4096, 1 << 20));
    return {};
}

bool LineReader::fill()
{
    // Move the unread tail to the front, grow when one line fills the whole buffer.
    if (m_begin > 0) {
        std::memmove(m_buf.data(), m_buf.data() + m_begin, m_end - m_begin);
        m_end -= m_begin;
        m_begin = 0;
    }
    if (m_end == m_buf.size())
        m_buf.resize(m_buf.size() * 2);
    const size_t n = std::fread(m_buf.data() + m_end, 1, m_buf.size() - m_end, m_file);
    if (n == 0) {
        m_eof = true;
        m_error = std::ferror(m_file) != 0;
        return false;
    }
    m_end += n;
    return true;
}

bool LineReader::next(std::string_view &line)
{
    if (!m_file)
        return false;
    size_t scanFrom = m_begin;
    while (true) {
        const char *nl = static_cast<const char *>(std::memchr(m_buf.data() + scanFrom, '\n', m_end - scanFrom));
        if (nl) {
            const size_t pos = size_t(nl - m_buf.data());
            size_t len = pos - m_begin;
            const char *start = m_buf.data() + m_begin;
            m_consumed += int64_t(len + 1);
            m_begin = pos + 1;
            if (len > 0 && start[len - 1] == '\r')
                --len;
            line = std::string_view(start, len);
            break;
        }
        if (m_eof) {
            if (m_begin == m_end)
                return false;
            size_t len = m_end - m_begin;
            const char *start = m_buf.data() + m_begin;
            m_consumed += int64_t(len);
            m_begin = m_end;
            if (len > 0 && start[len - 1] == '\r')
                --len;
            line = std::string_view(start, len);
            break;
        }
        const size_t scanned = m_end - m_begin;
        fill();
        scanFrom = m_begin + scanned;
    }
    if (m_first) {
        m_first = false;
        if (line.starts_with("\xEF\xBB\xBF"))
            line.remove_prefix(3);
    }
    ++m_line;
    if (const size_t bad = utf8::firstInvalid(line); bad != std::string_view::npos) {
        m_invalid = m_path + ":" + std::to_string(m_line) + ": invalid UTF-8 at byte " + std::to_string(bad + 1) +
                    " (the file must be UTF-8 text)";
        m_begin = m_end = 0;
        m_eof = true;
        std::fclose(m_file);
        m_file = nullptr;
        return false;
    }
    return true;
}

Result<> LineReader::status() const
{
    if (!m_invalid.empty())
        return fail(Error::invalid(m_invalid));
    if (m_error)
        return fail(Error::io(m_path + ": cannot read: " + describeLastFileError("read error")));
    return {};
}

} // namespace gw::datasets
