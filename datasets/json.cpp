#include "datasets/json.h"

#include "datasets/text/utf8.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

namespace gw::json {

// ---- Object ----

const Value *Object::find(std::string_view key) const
{
    for (const auto &m : m_members)
        if (m.first == key)
            return &m.second;
    return nullptr;
}

Value *Object::find(std::string_view key)
{
    for (auto &m : m_members)
        if (m.first == key)
            return &m.second;
    return nullptr;
}

Value &Object::set(std::string key, Value value)
{
    if (Value *v = find(key)) {
        *v = std::move(value);
        return *v;
    }
    m_members.emplace_back(std::move(key), std::move(value));
    return m_members.back().second;
}

bool Object::remove(std::string_view key)
{
    auto it = std::find_if(m_members.begin(), m_members.end(), [&](const Member &m) { return m.first == key; });
    if (it == m_members.end())
        return false;
    m_members.erase(it);
    return true;
}

// ---- Value ----

int64_t Value::toInt(int64_t def) const
{
    if (type() == Type::Int)
        return std::get<int64_t>(m_v);
    if (type() == Type::Double) {
        // A double beyond int64's range (1e300 in a file) has no integer value: converting it is undefined.
        const double d = std::get<double>(m_v);
        return d >= -9223372036854775808.0 && d < 9223372036854775808.0 ? int64_t(d) : def;
    }
    return def;
}

double Value::toDouble(double def) const
{
    if (type() == Type::Double)
        return std::get<double>(m_v);
    if (type() == Type::Int)
        return double(std::get<int64_t>(m_v));
    return def;
}

const std::string &Value::toString() const
{
    static const std::string empty;
    return isString() ? std::get<std::string>(m_v) : empty;
}

const Array &Value::toArray() const
{
    static const Array empty;
    return isArray() ? *std::get<std::shared_ptr<Array>>(m_v) : empty;
}

const Object &Value::toObject() const
{
    static const Object empty;
    return isObject() ? *std::get<std::shared_ptr<Object>>(m_v) : empty;
}

Array &Value::array()
{
    if (!isArray())
        m_v = std::make_shared<Array>();
    auto &p = std::get<std::shared_ptr<Array>>(m_v);
    if (p.use_count() > 1)
        p = std::make_shared<Array>(*p);
    return *p;
}

Object &Value::object()
{
    if (!isObject())
        m_v = std::make_shared<Object>();
    auto &p = std::get<std::shared_ptr<Object>>(m_v);
    if (p.use_count() > 1)
        p = std::make_shared<Object>(*p);
    return *p;
}

bool operator==(const Value &a, const Value &b)
{
    if (a.isNumber() && b.isNumber())
        return a.toDouble() == b.toDouble();
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case Type::Null: return true;
    case Type::Bool: return a.toBool() == b.toBool();
    case Type::String: return a.toString() == b.toString();
    case Type::Array: return a.toArray() == b.toArray();
    case Type::Object: {
        const auto &x = a.toObject().members(), &y = b.toObject().members();
        return x == y;
    }
    default: return false;
    }
}

bool equalIgnoringOrder(const Value &a, const Value &b)
{
    if (a.isObject() && b.isObject()) {
        const Object &x = a.toObject(), &y = b.toObject();
        if (x.size() != y.size())
            return false;
        for (const auto &[k, v] : x) {
            const Value *w = y.find(k);
            if (!w || !equalIgnoringOrder(v, *w))
                return false;
        }
        return true;
    }
    if (a.isArray() && b.isArray()) {
        const Array &x = a.toArray(), &y = b.toArray();
        if (x.size() != y.size())
            return false;
        for (size_t i = 0; i < x.size(); ++i)
            if (!equalIgnoringOrder(x[i], y[i]))
                return false;
        return true;
    }
    // Numbers compare by value and kind: 1 and 1.0 are the same JSON number.
    return a == b;
}

// ---- Parser ----

namespace {

class Parser
{
public:
    explicit Parser(std::string_view s) : m_s(s) {}

    bool run(Value &out, ParseError *err)
    {
        skipWs();
        if (!value(out, 0))
            return fail(err);
        skipWs();
        if (m_pos != m_s.size()) {
            m_error = "unexpected text after the JSON value";
            return fail(err);
        }
        return true;
    }

private:
    bool fail(ParseError *err)
    {
        if (err) {
            err->offset = m_pos;
            err->message = m_error;
        }
        return false;
    }

    bool error(const char *msg)
    {
        if (m_error.empty())
            m_error = msg;
        return false;
    }

    void skipWs()
    {
        while (m_pos < m_s.size()) {
            char c = m_s[m_pos];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
                ++m_pos;
            else
                break;
        }
    }

    bool literal(const char *word)
    {
        size_t n = std::strlen(word);
        if (m_s.substr(m_pos, n) != word)
            return error("invalid literal");
        m_pos += n;
        return true;
    }

    bool value(Value &out, int depth)
    {
        if (depth > 256)
            return error("nesting too deep");
        if (m_pos >= m_s.size())
            return error("unexpected end of input");
        switch (m_s[m_pos]) {
        case '{': return object(out, depth);
        case '[': return array(out, depth);
        case '"': {
            std::string s;
            if (!string(s))
                return false;
            out = Value(std::move(s));
            return true;
        }
        case 't': out = Value(true); return literal("true");
        case 'f': out = Value(false); return literal("false");
        case 'n': out = Value(); return literal("null");
        default: return number(out);
        }
    }

    bool object(Value &out, int depth)
    {
        ++m_pos; // {
        Object obj;
        skipWs();
        if (m_pos < m_s.size() && m_s[m_pos] == '}') {
            ++m_pos;
            out = Value(std::move(obj));
            return true;
        }
        auto &members = obj.members();
        while (true) {
            skipWs();
            if (m_pos >= m_s.size() || m_s[m_pos] != '"')
                return error("expected a quoted key");
            std::string key;
            if (!string(key))
                return false;
            skipWs();
            if (m_pos >= m_s.size() || m_s[m_pos] != ':')
                return error("expected ':' after key");
            ++m_pos;
            skipWs();
            Value v;
            if (!value(v, depth + 1))
                return false;
            for (const auto &m : members)
                if (m.first == key)
                    return error("duplicate key in object");
            members.emplace_back(std::move(key), std::move(v));
            skipWs();
            if (m_pos >= m_s.size())
                return error("unterminated object");
            if (m_s[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_s[m_pos] == '}') {
                ++m_pos;
                break;
            }
            return error("expected ',' or '}' in object");
        }
        out = Value(std::move(obj));
        return true;
    }

    bool array(Value &out, int depth)
    {
        ++m_pos; // [
        Array arr;
        skipWs();
        if (m_pos < m_s.size() && m_s[m_pos] == ']') {
            ++m_pos;
            out = Value(std::move(arr));
            return true;
        }
        while (true) {
            skipWs();
            Value v;
            if (!value(v, depth + 1))
                return false;
            arr.push_back(std::move(v));
            skipWs();
            if (m_pos >= m_s.size())
                return error("unterminated array");
            if (m_s[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_s[m_pos] == ']') {
                ++m_pos;
                break;
            }
            return error("expected ',' or ']' in array");
        }
        out = Value(std::move(arr));
        return true;
    }

    static void appendUtf8(std::string &s, uint32_t cp)
    {
        if (cp < 0x80) {
            s += char(cp);
        } else if (cp < 0x800) {
            s += char(0xC0 | (cp >> 6));
            s += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            s += char(0xE0 | (cp >> 12));
            s += char(0x80 | ((cp >> 6) & 0x3F));
            s += char(0x80 | (cp & 0x3F));
        } else {
            s += char(0xF0 | (cp >> 18));
            s += char(0x80 | ((cp >> 12) & 0x3F));
            s += char(0x80 | ((cp >> 6) & 0x3F));
            s += char(0x80 | (cp & 0x3F));
        }
    }

    bool hex4(uint32_t &cp)
    {
        if (m_pos + 4 > m_s.size())
            return error("truncated \\u escape");
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            char c = m_s[m_pos++];
            cp <<= 4;
            if (c >= '0' && c <= '9')
                cp |= uint32_t(c - '0');
            else if (c >= 'a' && c <= 'f')
                cp |= uint32_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                cp |= uint32_t(c - 'A' + 10);
            else
                return error("invalid \\u escape");
        }
        return true;
    }

    bool string(std::string &out)
    {
        ++m_pos; // opening quote
        size_t start = m_pos;
        // Fast path: no escapes.
        while (m_pos < m_s.size()) {
            char c = m_s[m_pos];
            if (c == '"') {
                out.assign(m_s.data() + start, m_pos - start);
                ++m_pos;
                return true;
            }
            if (c == '\\')
                break;
            if (static_cast<unsigned char>(c) < 0x20)
                return error("control character in string");
            if (static_cast<unsigned char>(c) >= 0x80) {
                const size_t len = datasets::utf8::sequenceLength(m_s, m_pos);
                if (len == 0)
                    return error("invalid UTF-8 in string");
                m_pos += len;
                continue;
            }
            ++m_pos;
        }
        out.assign(m_s.data() + start, m_pos - start);
        while (m_pos < m_s.size()) {
            char c = m_s[m_pos++];
            if (c == '"')
                return true;
            if (static_cast<unsigned char>(c) < 0x20)
                return error("control character in string");
            if (static_cast<unsigned char>(c) >= 0x80) {
                const size_t len = datasets::utf8::sequenceLength(m_s, m_pos - 1);
                if (len == 0) {
                    --m_pos;
                    return error("invalid UTF-8 in string");
                }
                out.append(m_s.data() + m_pos - 1, len);
                m_pos += len - 1;
                continue;
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_pos >= m_s.size())
                break;
            char e = m_s[m_pos++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                uint32_t cp;
                if (!hex4(cp))
                    return false;
                if (cp >= 0xD800 && cp < 0xDC00) {
                    uint32_t lo;
                    if (m_pos + 2 > m_s.size() || m_s[m_pos] != '\\' || m_s[m_pos + 1] != 'u')
                        return error("unpaired surrogate in \\u escape");
                    m_pos += 2;
                    if (!hex4(lo))
                        return false;
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return error("unpaired surrogate in \\u escape");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp < 0xE000) {
                    return error("unpaired surrogate in \\u escape");
                }
                appendUtf8(out, cp);
                break;
            }
            default: return error("invalid escape in string");
            }
        }
        return error("unterminated string");
    }

    bool number(Value &out)
    {
        size_t start = m_pos;
        bool isInteger = true;
        if (m_pos < m_s.size() && m_s[m_pos] == '-')
            ++m_pos;
        if (m_pos >= m_s.size() || !(m_s[m_pos] >= '0' && m_s[m_pos] <= '9'))
            return error("invalid value");
        if (m_s[m_pos] == '0' && m_pos + 1 < m_s.size() && m_s[m_pos + 1] >= '0' && m_s[m_pos + 1] <= '9')
            return error("leading zero in number");
        while (m_pos < m_s.size()) {
            char c = m_s[m_pos];
            if (c >= '0' && c <= '9') {
                ++m_pos;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                isInteger = false;
                ++m_pos;
            } else {
                break;
            }
        }
        const char *b = m_s.data() + start, *e = m_s.data() + m_pos;
        if (isInteger) {
            int64_t i = 0;
            auto r = std::from_chars(b, e, i);
            if (r.ec == std::errc() && r.ptr == e) {
                out = Value(i);
                return true;
            }
        }
        double d = 0;
        auto r = std::from_chars(b, e, d);
        if (r.ec != std::errc() || r.ptr != e)
            return error("invalid number");
        out = Value(d);
        return true;
    }

    std::string_view m_s;
    size_t m_pos = 0;
    std::string m_error;
};

} // namespace

bool parse(std::string_view text, Value &out, ParseError *error)
{
    Parser p(text);
    return p.run(out, error);
}

// ---- Writer ----

namespace {

struct EscapeTable
{
    bool needs[256] = {};
    constexpr EscapeTable()
    {
        for (int c = 0; c < 0x20; ++c)
            needs[c] = true;
        needs[int('"')] = needs[int('\\')] = true;
    }
};
constexpr EscapeTable kEscape;

} // namespace

void appendQuoted(std::string &out, std::string_view s)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    size_t run = 0;
    const size_t n = s.size();
    for (size_t i = 0; i < n; ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            // Whatever a project holds, what is written is valid JSON: an ill-formed byte becomes U+FFFD.
            const size_t len = datasets::utf8::sequenceLength(s, i);
            if (len > 0) {
                i += len - 1;
                continue;
            }
            out.append(s.data() + run, i - run);
            out += "\xEF\xBF\xBD";
            run = i + 1;
            continue;
        }
        if (!kEscape.needs[c])
            continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    out.append(s.data() + run, n - run);
    out += '"';
}

void appendInt(std::string &out, int64_t i)
{
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, i);
    out.append(buf, r.ptr);
}

void appendNumber(std::string &out, double d)
{
    if (!std::isfinite(d)) {
        out += "null"; // JSON has no NaN or infinity
        return;
    }
    if (d == std::trunc(d) && std::fabs(d) < 9007199254740992.0) {
        appendInt(out, int64_t(d));
        return;
    }
    // Shortest round-trip digits, laid out as JavaScript's Number#toString does (what Ground Truth's files
    // show): plain decimals for exponents -7 < e < 21, otherwise d.ddde±x without leading exponent zeros.
    char buf[40];
    const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    const std::string_view sci(buf, size_t(r.ptr - buf));
    const size_t ePos = sci.find('e');
    std::string digits;
    bool negative = false;
    for (char c : sci.substr(0, ePos)) {
        if (c == '-')
            negative = true;
        else if (c != '.')
            digits += c;
    }
    int exp10 = 0;
    std::from_chars(sci.data() + ePos + 1 + (sci[ePos + 1] == '+'), sci.data() + sci.size(), exp10);
    const int k = int(digits.size()), n = exp10 + 1;
    if (negative)
        out += '-';
    if (k <= n && n <= 21) {
        out += digits;
        out.append(size_t(n - k), '0');
    } else if (0 < n && n <= 21) {
        out.append(digits, 0, size_t(n));
        out += '.';
        out.append(digits, size_t(n), std::string::npos);
    } else if (-6 < n && n <= 0) {
        out += "0.";
        out.append(size_t(-n), '0');
        out += digits;
    } else {
        out += digits[0];
        if (k > 1) {
            out += '.';
            out.append(digits, 1, std::string::npos);
        }
        out += 'e';
        out += n - 1 >= 0 ? '+' : '-';
        appendInt(out, std::abs(n - 1));
    }
}

void write(const Value &v, std::string &out)
{
    switch (v.type()) {
    case Type::Null: out += "null"; break;
    case Type::Bool: out += v.toBool() ? "true" : "false"; break;
    case Type::Int: appendInt(out, v.toInt()); break;
    case Type::Double: appendNumber(out, v.toDouble()); break;
    case Type::String: appendQuoted(out, v.toString()); break;
    case Type::Array: {
        out += '[';
        bool first = true;
        for (const Value &e : v.toArray()) {
            if (!first)
                out += ',';
            first = false;
            write(e, out);
        }
        out += ']';
        break;
    }
    case Type::Object: {
        out += '{';
        bool first = true;
        for (const auto &[k, e] : v.toObject()) {
            if (!first)
                out += ',';
            first = false;
            appendQuoted(out, k);
            out += ':';
            write(e, out);
        }
        out += '}';
        break;
    }
    }
}

std::string toString(const Value &v)
{
    std::string s;
    write(v, s);
    return s;
}

} // namespace gw::json
