#pragma once

// What the libFuzzer harnesses share: a fresh project per input (copied from a template made once), the input
// unpacked into a folder of files, and a few small real images for readers that look at their media.
//
// Several-file inputs (a YOLO or VOC folder, LabelMe's JSON files) are one byte string in which each file
// starts with a line "--gwfile RELATIVE/PATH"; scripts/fuzz.sh packs the golden folders that way for the seed
// corpora. A path that would leave the folder is dropped. Including this header defines LLVMFuzzerInitialize.

#include "datasets/projectstore.h"

#include <cstdio>

#include <QCoreApplication>
#include <QImage>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <unistd.h>

namespace gw::fuzz {

namespace fs = std::filesystem;

/// The folder this process works in (tmpfs when there is one): a template project and one input at a time.
inline const fs::path &base()
{
    static const fs::path dir = [] {
        const fs::path shm("/dev/shm");
        std::error_code ec;
        const fs::path root = fs::is_directory(shm, ec) && ::access("/dev/shm", W_OK) == 0 ? shm : fs::temp_directory_path();
        fs::path d = root / ("gw-fuzz-" + std::to_string(::getpid()));
        fs::create_directories(d);
        std::atexit([] { std::error_code e; fs::remove_all(base(), e); });
        return d;
    }();
    return dir;
}

inline void init(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv); // image plugins, Qt's file engines
    const fs::path tmpl = base() / "template.gwproj";
    auto s = datasets::ProjectStore::open(tmpl.string(), datasets::ProjectStore::OpenMode::Create);
    if (!s) {
        std::fprintf(stderr, "fuzz: %s: %s\n", tmpl.string().c_str(), s.error().message.c_str());
        std::abort();
    }
}

/// Writes a file of the input; a path the folder cannot hold (a file where a folder should be) is skipped.
inline void writeFile(const fs::path &p, std::string_view bytes)
{
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    if (ec || fs::is_directory(p, ec))
        return;
    std::ofstream(p, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

/// A small real image at p (readers read media sizes; boxes are checked against them): a hard link to one
/// made once, so that an input costs no encoding.
inline void writeImage(const fs::path &p)
{
    static const fs::path original = [] {
        const fs::path o = base() / "image.png";
        QImage img(40, 30, QImage::Format_RGB32);
        img.fill(0x336699);
        img.save(QString::fromStdString(o.string()));
        return o;
    }();
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    fs::create_hard_link(original, p, ec);
}

/// One input's world: an empty folder and a fresh project inside it; both gone when it is destroyed.
struct Scratch
{
    fs::path dir;
    std::unique_ptr<datasets::ProjectStore> store;

    Scratch()
    {
        static int n = 0;
        dir = base() / ("in" + std::to_string(++n));
        std::error_code ec;
        fs::remove_all(dir, ec);
        fs::create_directories(dir);
        const fs::path project = dir / "p.gwproj";
        fs::copy_file(base() / "template.gwproj", project, ec);
        auto s = datasets::ProjectStore::open(project.string(), datasets::ProjectStore::OpenMode::OpenExisting);
        if (!s) { // the template itself must open
            std::fprintf(stderr, "fuzz: %s: %s\n", project.string().c_str(), s.error().message.c_str());
            std::abort();
        }
        store = std::move(*s);
    }
    ~Scratch()
    {
        store.reset();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

/// Unpacks a "--gwfile PATH" container into root (see above). Returns how many files it wrote.
inline int unpack(std::string_view data, const fs::path &root)
{
    constexpr std::string_view tag = "--gwfile ";
    int files = 0;
    size_t pos = data.starts_with(tag) ? 0 : data.find("\n--gwfile ");
    if (pos != 0 && pos != std::string_view::npos)
        ++pos;
    while (pos != std::string_view::npos && pos < data.size()) {
        const size_t nameEnd = data.find('\n', pos);
        if (nameEnd == std::string_view::npos)
            break;
        const std::string name(data.substr(pos + tag.size(), nameEnd - pos - tag.size()));
        size_t next = data.find("\n--gwfile ", nameEnd);
        const std::string_view content =
            data.substr(nameEnd + 1, next == std::string_view::npos ? std::string_view::npos : next - nameEnd - 1);
        const fs::path rel = fs::path(name).lexically_normal();
        const bool safe = !name.empty() && rel.is_relative() && !rel.empty() && *rel.begin() != ".."
                          && name.find('\0') == std::string::npos && rel.filename() != "p.gwproj";
        if (safe) {
            writeFile(root / rel, content);
            ++files;
        }
        pos = next == std::string_view::npos ? next : next + 1;
    }
    return files;
}

} // namespace gw::fuzz

/// libFuzzer calls this once before the first input (every harness that includes this header).
extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    gw::fuzz::init(argc, argv);
    return 0;
}
