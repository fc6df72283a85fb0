// Text files: the first byte chooses how the rest is read (CSV, TSV, JSON Lines with a text field, .txt line
// by line or as one item, the text-table and entity formats).
#include "datasets/formats/format.h"
#include "datasets/importers.h"
#include "fuzzutil.h"

using namespace gw;
namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view content(reinterpret_cast<const char *>(data) + 1, size - 1);
    fuzz::Scratch s;
    datasets::SourceOptions o;
    o.column = "text";
    o.field = "text";
    o.skipBad = data[0] & 0x80;
    o.keepDuplicates = data[0] & 0x40;
    switch (data[0] % 8) {
    case 0:
    case 1: {
        const fs::path f = s.dir / (data[0] % 8 == 0 ? "t.csv" : "t.tsv");
        fuzz::writeFile(f, content);
        (void)datasets::importPath(*s.store, f.string(), o);
        break;
    }
    case 2: {
        const fs::path f = s.dir / "t.jsonl";
        fuzz::writeFile(f, content);
        (void)datasets::importPath(*s.store, f.string(), o);
        break;
    }
    case 3:
    case 4: {
        const fs::path f = s.dir / "t.txt";
        fuzz::writeFile(f, content);
        if (data[0] % 8 == 4)
            o.txtMode = datasets::SourceOptions::TxtMode::File;
        (void)datasets::importPath(*s.store, f.string(), o);
        break;
    }
    default: {
        const char *names[] = {"t.csv", "t.jsonl", "t.jsonl"};
        const fs::path f = s.dir / names[data[0] % 8 - 5];
        fuzz::writeFile(f, content);
        const auto *format = datasets::findFormat(data[0] % 8 == 7 ? "ner-jsonl" : "text-table");
        datasets::FormatImportOptions fo;
        fo.addClasses = true;
        (void)format->import(*s.store, f.string(), fo);
        break;
    }
    }
    return 0;
}
