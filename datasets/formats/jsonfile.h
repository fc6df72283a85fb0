#pragma once

// Reading the JSON files of other tools (COCO, LabelMe) with errors that say where: file, line, column and
// byte offset of a syntax error; and element paths ("annotations[12]") for messages.

#include "datasets/formats/formatutil.h"
#include "datasets/json.h"

#include <string>

namespace gw::datasets::formats {

/// Reads and parses a whole JSON file.
inline Result<json::Value> readJsonFile(const std::string &path)
{
    auto text = readFile(path);
    if (!text)
        return fail(text.error());
    json::Value v;
    json::ParseError pe;
    if (!json::parse(*text, v, &pe)) {
        int64_t line = 1, column = 1;
        for (size_t i = 0; i < pe.offset && i < text->size(); ++i) {
            if ((*text)[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        return fail(Error::invalid(at(path, line) + "not valid JSON at column " + std::to_string(column) +
                                   " (offset " + std::to_string(pe.offset) + "): " + pe.message));
    }
    return v;
}

/// "name[i]"
inline std::string element(const std::string &array, size_t index)
{
    return array + "[" + std::to_string(index) + "]";
}

} // namespace gw::datasets::formats
