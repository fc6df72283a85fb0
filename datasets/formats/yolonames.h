#pragma once

// YOLO class names: data.yaml (names as [a, b], a block list "- a", or a map "0: a"; nc checked), else
// classes.txt, else obj.names — just the YAML forms YOLO datasets use, without a YAML library.

#include "datasets/result.h"

#include <filesystem>
#include <string>
#include <vector>

namespace gw::datasets::formats::yolofiles {

struct NameTable
{
    std::vector<std::string> names;
    std::string file; ///< where they came from, for messages
};

/// The class names of a YOLO folder; errors name the file and line.
Result<NameTable> readNames(const std::filesystem::path &root);
/// A class name as a YAML scalar (quoted when YAML would read it as something else).
std::string yamlName(const std::string &name);

} // namespace gw::datasets::formats::yolofilesfiles
