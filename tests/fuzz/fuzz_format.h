#pragma once

// One harness per dataset format: the input unpacked into a folder beside a few real images, then read.

#include "datasets/formats/format.h"
#include "fuzzutil.h"

namespace gw::fuzz {

/// Reads `input` (a container, see fuzzutil.h) with the format; `file` set: the format reads that one file of
/// the folder, else the folder itself. Images a.png, b.png and c.png (and under images/, JPEGImages/) exist.
inline void readFormat(const char *id, std::string_view input, const char *file = nullptr)
{
    Scratch s;
    const fs::path root = s.dir / "data";
    for (const char *sub : {"", "images/", "images/train/", "images/validation/", "JPEGImages/", "masks/"})
        for (const char *name : {"a.png", "b.png", "c.png"})
            writeImage(root / (std::string(sub) + name));
    unpack(input, root);
    const datasets::Format *format = datasets::findFormat(id);
    datasets::FormatImportOptions o;
    o.addClasses = true;
    (void)format->import(*s.store, (file ? root / file : root).string(), o);
}

} // namespace gw::fuzz
