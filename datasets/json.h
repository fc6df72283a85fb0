#pragma once

// A small JSON DOM for manifests: keeps object key order (unknown manifest keys are written back as they
// came), tells integers from doubles, and prints numbers in the shortest form that reads back to the same
// double (Ground Truth writes 164.60000000000002, never 164.6000). QJsonDocument sorts keys and is slower.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace gw::json {

class Value;
using Member = std::pair<std::string, Value>;
using Array = std::vector<Value>;

/// An object is an ordered list of members; lookups are linear, which is fastest for manifest-sized objects.
class Object
{
public:
    const Value *find(std::string_view key) const;
    Value *find(std::string_view key);
    bool contains(std::string_view key) const { return find(key) != nullptr; }
    /// Sets key (replacing an existing value in place, else appending).
    Value &set(std::string key, Value value);
    bool remove(std::string_view key);
    // Defined below Value: a vector of pairs holding Value needs Value complete (clang instantiates eagerly).
    std::vector<Member> &members();
    const std::vector<Member> &members() const;
    size_t size() const;
    bool empty() const;
    std::vector<Member>::const_iterator begin() const;
    std::vector<Member>::const_iterator end() const;

private:
    std::vector<Member> m_members;
};

enum class Type { Null, Bool, Int, Double, String, Array, Object };

class Value
{
public:
    Value() = default;
    Value(std::nullptr_t) {}
    Value(bool b) : m_v(b) {}
    Value(int i) : m_v(int64_t(i)) {}
    Value(int64_t i) : m_v(i) {}
    Value(double d) : m_v(d) {}
    Value(const char *s) : m_v(std::string(s)) {}
    Value(std::string s) : m_v(std::move(s)) {}
    Value(std::string_view s) : m_v(std::string(s)) {}
    Value(Array a) : m_v(std::make_shared<Array>(std::move(a))) {}
    Value(Object o) : m_v(std::make_shared<Object>(std::move(o))) {}

    Type type() const { return Type(m_v.index()); }
    bool isNull() const { return type() == Type::Null; }
    bool isBool() const { return type() == Type::Bool; }
    bool isInt() const { return type() == Type::Int; }
    bool isNumber() const { return type() == Type::Int || type() == Type::Double; }
    bool isString() const { return type() == Type::String; }
    bool isArray() const { return type() == Type::Array; }
    bool isObject() const { return type() == Type::Object; }

    bool toBool(bool def = false) const { return isBool() ? std::get<bool>(m_v) : def; }
    int64_t toInt(int64_t def = 0) const;
    double toDouble(double def = 0) const;
    const std::string &toString() const;
    const Array &toArray() const;
    const Object &toObject() const;
    Array &array();   ///< Mutable access; the value must be an array.
    Object &object(); ///< Mutable access; the value must be an object.

    /// Member lookup on an object value (nullptr when not an object or missing).
    const Value *find(std::string_view key) const { return isObject() ? toObject().find(key) : nullptr; }

    friend bool operator==(const Value &a, const Value &b);

private:
    // Containers are shared and copied on write only through array()/object(); values are small to move.
    std::variant<std::monostate, bool, int64_t, double, std::string, std::shared_ptr<Array>,
                 std::shared_ptr<Object>>
        m_v;
};

inline std::vector<Member> &Object::members() { return m_members; }
inline const std::vector<Member> &Object::members() const { return m_members; }
inline size_t Object::size() const { return m_members.size(); }
inline bool Object::empty() const { return m_members.empty(); }
inline std::vector<Member>::const_iterator Object::begin() const { return m_members.begin(); }
inline std::vector<Member>::const_iterator Object::end() const { return m_members.end(); }

/// Equality of JSON values with object key order ignored (the round-trip tests compare this way).
bool equalIgnoringOrder(const Value &a, const Value &b);

struct ParseError
{
    size_t offset = 0;
    std::string message;
};

/// Parses one JSON text; trailing whitespace is allowed, anything else after the value is an error.
bool parse(std::string_view text, Value &out, ParseError *error = nullptr);

/// Compact serialization (no spaces), numbers in shortest round-trip form, integral doubles as integers.
void write(const Value &v, std::string &out);
std::string toString(const Value &v);

/// Appends a JSON string literal (quotes and escapes) for s, which is UTF-8.
void appendQuoted(std::string &out, std::string_view s);
/// Appends a number in shortest round-trip form; whole values below 2^53 print without a decimal point.
void appendNumber(std::string &out, double d);
void appendInt(std::string &out, int64_t i);

} // namespace gw::json
