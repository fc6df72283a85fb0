// YOLO class names from data.yaml, classes.txt or obj.names (see yolonames.h).

#include "datasets/formats/yolonames.h"

#include "datasets/formats/formatutil.h"
#include "datasets/formats/imagefiles.h"

#include <algorithm>
#include <map>

namespace gw::datasets::formats::yolofiles {

namespace fs = std::filesystem;

namespace {


/// line without a comment: '#' at the start or after a blank, outside quotes.
std::string_view withoutComment(std::string_view line)
{
    char quote = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quote) {
            if (c == quote)
                quote = 0;
            else if (c == '\\' && quote == '"')
                ++i;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
            return line.substr(0, i);
        }
    }
    return line;
}

/// Position of the first c outside quotes, npos when none.
size_t findOutsideQuotes(std::string_view s, char c)
{
    char quote = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (quote) {
            if (s[i] == quote)
                quote = 0;
            else if (s[i] == '\\' && quote == '"')
                ++i;
        } else if (s[i] == '"' || s[i] == '\'') {
            quote = s[i];
        } else if (s[i] == c) {
            return i;
        }
    }
    return std::string_view::npos;
}

/// A scalar: 'single' ('' is a quote), "double" (\" \\ \n \t), or plain (trimmed).
Result<std::string> yamlScalar(std::string_view s, const std::string &where)
{
    s = trimmed(s);
    if (s.empty() || (s.front() != '"' && s.front() != '\''))
        return std::string(s);
    const char q = s.front();
    std::string out;
    size_t i = 1;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (q == '\'' && c == '\'') {
            if (i + 1 < s.size() && s[i + 1] == '\'') {
                out += '\'';
                ++i;
                continue;
            }
            break;
        }
        if (q == '"' && c == '"')
            break;
        if (q == '"' && c == '\\' && i + 1 < s.size()) {
            const char e = s[++i];
            out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
            continue;
        }
        out += c;
    }
    if (i >= s.size() || !trimmed(s.substr(i + 1)).empty())
        return fail(Error::invalid(where + "the quoted name " + std::string(s) + " is not closed"));
    return out;
}

/// Items of a flow collection's inside ("a, 'b, c'"), split at commas outside quotes.
std::vector<std::string_view> flowItems(std::string_view inside)
{
    std::vector<std::string_view> items;
    while (!trimmed(inside).empty()) {
        const size_t comma = findOutsideQuotes(inside, ',');
        items.push_back(trimmed(inside.substr(0, comma)));
        if (comma == std::string_view::npos)
            break;
        inside.remove_prefix(comma + 1);
    }
    return items;
}


Result<NameTable> readDataYaml(const std::string &path)
{
    auto text = readFile(path);
    if (!text)
        return fail(text.error());
    std::vector<std::string_view> lines;
    for (std::string_view rest = *text; !rest.empty();) {
        const size_t nl = rest.find('\n');
        lines.push_back(withoutComment(rest.substr(0, nl)));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    std::optional<long long> nc;
    int ncLine = 0, namesLine = 0;
    std::map<long long, std::string> byIndex; // map form
    std::vector<std::string> list;            // list forms
    bool haveNames = false;
    auto addMapEntry = [&](std::string_view entry, const std::string &where) -> Result<> {
        const size_t colon = findOutsideQuotes(entry, ':');
        const auto index =
            colon == std::string_view::npos ? std::nullopt : parseIndex(trimmed(entry.substr(0, colon)));
        if (!index)
            return fail(Error::invalid(where + "expected a names entry 'INDEX: NAME', found '" +
                                       std::string(entry) + "'"));
        auto name = yamlScalar(entry.substr(colon + 1), where);
        if (!name)
            return fail(name.error());
        if (!byIndex.emplace(*index, *name).second)
            return fail(Error::invalid(where + "class " + std::to_string(*index) + " is named twice"));
        return {};
    };
    for (size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        if (trimmed(line).empty() || line.front() == ' ' || line.front() == '\t' || line.front() == '-')
            continue; // blank, or inside a block that is not names
        const std::string where = at(path, int64_t(i + 1));
        const size_t colon = findOutsideQuotes(line, ':');
        if (colon == std::string_view::npos)
            continue;
        const std::string_view key = trimmed(line.substr(0, colon));
        std::string_view value = trimmed(line.substr(colon + 1));
        if (key == "nc") {
            nc = parseIndex(value);
            ncLine = int(i + 1);
            if (!nc)
                return fail(
                    Error::invalid(where + "nc '" + std::string(value) + "' is not a number of classes"));
            continue;
        }
        if (key != "names")
            continue; // train, val, path, ...: the folders are found by walking the dataset
        haveNames = true;
        namesLine = int(i + 1);
        if (value.empty()) { // a block below: "- name" or "INDEX: name", indented (a list may also sit at
                             // column 0)
            bool dashes = false, entries = false;
            while (i + 1 < lines.size()) {
                const std::string_view next = lines[i + 1];
                const std::string_view t = trimmed(next);
                if (t.empty()) {
                    ++i;
                    continue;
                }
                const bool indented = next.front() == ' ' || next.front() == '\t';
                if (!indented && t.front() != '-')
                    break;
                ++i;
                const std::string w = at(path, int64_t(i + 1));
                if (t.front() == '-' && (t.size() == 1 || t[1] == ' ' || t[1] == '\t')) {
                    auto name = yamlScalar(t.substr(1), w);
                    if (!name)
                        return fail(name.error());
                    list.push_back(*name);
                    dashes = true;
                } else if (auto r = addMapEntry(t, w); !r) {
                    return fail(r.error());
                } else {
                    entries = true;
                }
                if (dashes && entries)
                    return fail(Error::invalid(w + "names mixes a list (- name) and a map (INDEX: name)"));
            }
            continue;
        }
        if (value.front() != '[' && value.front() != '{')
            return fail(Error::invalid(where + "names is not a list ([a, b] or - a) or a map (0: a)"));
        // A flow collection, possibly over several lines.
        const char close = value.front() == '[' ? ']' : '}';
        std::string flow(value.substr(1));
        size_t end = findOutsideQuotes(flow, close);
        while (end == std::string::npos && i + 1 < lines.size()) {
            flow += " ";
            flow += lines[++i];
            end = findOutsideQuotes(flow, close);
        }
        if (end == std::string::npos)
            return fail(
                Error::invalid(where + "names: '" + std::string(1, value.front()) + "' is not closed"));
        for (std::string_view item : flowItems(std::string_view(flow).substr(0, end))) {
            if (close == '}') {
                if (auto r = addMapEntry(item, where); !r)
                    return fail(r.error());
            } else if (auto name = yamlScalar(item, where); !name) {
                return fail(name.error());
            } else {
                list.push_back(*name);
            }
        }
    }
    if (!haveNames)
        return fail(Error::invalid(at(path) + "has no names (the class names, e.g. names: [cat, dog])"));
    NameTable t;
    t.file = path;
    t.names = std::move(list);
    long long expected = 0;
    for (auto &[index, name] : byIndex) {
        if (index != expected)
            return fail(Error::invalid(at(path, namesLine) + "names has no entry for class " +
                                       std::to_string(expected)));
        t.names.push_back(std::move(name));
        ++expected;
    }
    for (size_t k = 0; k < t.names.size(); ++k)
        if (t.names[k].empty())
            return fail(Error::invalid(at(path, namesLine) + "class " + std::to_string(k) + " has no name"));
    if (nc && *nc != (long long)t.names.size())
        return fail(Error::invalid(at(path, ncLine) + "nc is " + std::to_string(*nc) + " but names lists " +
                                   std::to_string(t.names.size()) + " classes"));
    return t;
}

/// classes.txt / obj.names: one name per line.
Result<NameTable> readNameList(const std::string &path)
{
    auto text = readFile(path);
    if (!text)
        return fail(text.error());
    NameTable t;
    t.file = path;
    std::vector<std::string> lines;
    for (std::string_view rest = *text; !rest.empty();) {
        const size_t nl = rest.find('\n');
        lines.emplace_back(trimmed(rest.substr(0, nl)));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    while (!lines.empty() && lines.back().empty())
        lines.pop_back();
    for (size_t i = 0; i < lines.size(); ++i)
        if (lines[i].empty())
            return fail(Error::invalid(at(path, int64_t(i + 1)) +
                                       "an empty line: every line names the class of its "
                                       "position (0, 1, ...)"));
    t.names = std::move(lines);
    if (t.names.empty())
        return fail(Error::invalid(at(path) + "names no class"));
    return t;
}

} // namespace

Result<NameTable> readNames(const fs::path &root)
{
    std::error_code ec;
    for (const char *f : {"data.yaml", "data.yml", "dataset.yaml"})
        if (fs::is_regular_file(root / f, ec))
            return readDataYaml((root / f).string());
    for (const char *f : {"classes.txt", "obj.names"})
        if (fs::is_regular_file(root / f, ec))
            return readNameList((root / f).string());
    return fail(
        Error::invalid(root.string() + ": no data.yaml, classes.txt or obj.names naming the classes"));
}

/// A name as a YAML scalar: plain when it cannot be read as anything else, else double-quoted.
std::string yamlName(const std::string &name)
{
    static const std::set<std::string> special = {"true", "false", "yes", "no", "on",
                                                  "off",  "null",  "~",   "y",  "n"};
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    bool plain =
        !name.empty() && !special.count(lower) && !parseNumber(name) && name.front() != ' ' &&
        name.back() != ' ' &&
        (std::isalnum(static_cast<unsigned char>(name.front())) || name.front() == '_' ||
         name.front() == '.' || name.front() == '/' || static_cast<unsigned char>(name.front()) >= 0x80);
    for (unsigned char c : name)
        plain = plain && (std::isalnum(c) || c >= 0x80 ||
                          std::string_view(" _-./()+").find(char(c)) != std::string_view::npos);
    if (plain)
        return name;
    std::string out = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c == '\n' ? std::string("\\n") : c == '\t' ? std::string("\\t") : std::string(1, c);
    }
    return out + "\"";
}

// ---- export ----


} // namespace gw::datasets::formats::yolofilesfiles
