#pragma once

// One harness per dataset format: the input unpacked into a folder beside a few real images, then read.

#include "datasets/formats/format.h"
#include "datasets/formats/formatutil.h"
#include "fuzzutil.h"

#include <algorithm>

namespace gw::fuzz {

/// Reads `input` (a container, see fuzzutil.h) with the format: parses it without a store, then writes what
/// parsed into a fresh project. `file` set: the format reads that one file of the folder, else the folder.
/// Images a.png, b.png and c.png (and under images/, JPEGImages/, masks/) exist.
inline void readFormat(const char *id, std::string_view input, const char *file = nullptr)
{
    // The files live in a folder of their own; a project is made only for what parsed (most inputs do not).
    static int n = 0;
    const fs::path root = base() / ("data" + std::to_string(++n));
    std::error_code ec;
    fs::remove_all(root, ec);
    for (const char *sub : {"", "images/", "images/train/", "images/validation/", "JPEGImages/", "masks/"})
        for (const char *name : {"a.png", "b.png", "c.png"})
            writeImage(root / (std::string(sub) + name));
    unpack(input, root);
    const datasets::Format *format = datasets::findFormat(id);
    datasets::FormatImportOptions o;
    o.addClasses = true;
    const std::string path = (file ? root / file : root).string();
    auto parsed = format->parse(path, o); // no store: what the file holds
    if (parsed) {
        Scratch s; // and written into a project in one transaction
        (void)datasets::formats::applyParsed(*s.store, std::move(*parsed), o);
    }
    // The same input read as objects, where the format can (its instance segmentation reader).
    for (const datasets::FormatOption &option : format->options)
        if (std::find(option.choices.begin(), option.choices.end(), "instances") != option.choices.end()) {
            datasets::FormatImportOptions objects = o;
            objects.settings[option.key] = "instances";
            if (auto asObjects = format->parse(path, objects)) {
                Scratch s;
                (void)datasets::formats::applyParsed(*s.store, std::move(*asObjects), objects);
            }
        }
    fs::remove_all(root, ec);
}

} // namespace gw::fuzz
