// gw-sampledata: turns sample data that Debian packages ship into labeling
// datasets for Groundwork's demos and manual tests (driven by
// scripts/sample-data.sh).
//
//   gw-sampledata digits SRC_PNG OUTDIR
//       Slices OpenCV's digits.png (2000x1000 px: 50 rows x 100 columns of
//       20x20 digit cells, every 5 rows = 500 cells being one class 0..9 in
//       order) into OUTDIR/<class>/<n>.png and writes OUTDIR/truth.jsonl with
//       {"source-ref":"<class>/<n>.png","class":"<digit>"} lines.
//
//   gw-sampledata detection DIGITS_PNG PHOTO_DIR OUTDIR [COUNT [SEED]]
//       Composes a detection and segmentation set with exact answers: the
//       digits pasted onto crops of the .jpg photos in PHOTO_DIR (256 x 256,
//       1-5 digits each; datasets/composed.h): OUTDIR/images/, OUTDIR/masks/
//       (class maps) and OUTDIR/annotations.json (COCO, boxes and RLE masks).
//
//   apt-cache dumpavail | gw-sampledata packages OUTDIR
//       Writes OUTDIR/packages.jsonl ({"source","section","package"} per
//       package with a description, first stanza wins) and OUTDIR/packages.csv
//       (package,section,text; RFC 4180 quoting) with the same rows.
//
// Only OpenCV core/imgcodecs, no Qt: the tool must build even when the GUI
// stack does not. Outputs are written to a temporary name and renamed, so a
// reader never sees half a file.

#include "datasets/composed.h"
#include "datasets/text/csv.h"
#include "datasets/text/utf8.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr const char *kProg = "gw-sampledata";

// An error whose message already names the file it is about.
struct Failure : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

// JSON string literal (with the quotes). UTF-8 passes through; bytes that are
// not valid UTF-8 become U+FFFD so every line stays valid JSON.
std::string jsonString(std::string_view s)
{
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            out += buf;
            ++i;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
        } else if (const std::size_t len = gw::datasets::utf8::sequenceLength(s, i); len > 0) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER
            ++i;
        }
    }
    out += '"';
    return out;
}

// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD.
std::string validUtf8(std::string_view s)
{
    return gw::datasets::utf8::sanitized(s);
}

std::string_view trim(std::string_view s)
{
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

void makeDirs(const fs::path &dir)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw Failure("cannot create directory " + dir.string() + ": " + ec.message());
}

// Writes a text file under a temporary name, then renames it into place.
class AtomicFile
{
public:
    explicit AtomicFile(fs::path path) : path_(std::move(path)), tmp_(path_.string() + ".tmp")
    {
        out_.open(tmp_, std::ios::binary | std::ios::trunc);
        if (!out_)
            throw Failure("cannot open " + tmp_.string() + " for writing");
    }
    AtomicFile(const AtomicFile &) = delete;
    AtomicFile &operator=(const AtomicFile &) = delete;
    ~AtomicFile()
    {
        if (!committed_) {
            out_.close();
            std::error_code ec;
            fs::remove(tmp_, ec);
        }
    }
    std::ofstream &stream() { return out_; }
    void commit()
    {
        out_.flush();
        out_.close();
        if (!out_)
            throw Failure("cannot write " + tmp_.string());
        std::error_code ec;
        fs::rename(tmp_, path_, ec);
        if (ec)
            throw Failure("cannot rename " + tmp_.string() + " to " + path_.string() + ": " + ec.message());
        committed_ = true;
    }

private:
    fs::path path_;
    fs::path tmp_;
    std::ofstream out_;
    bool committed_ = false;
};

int cmdDigits(const fs::path &src, const fs::path &outDir)
{
    constexpr int kCell = 20, kCols = 100, kRows = 50, kRowsPerClass = 5;
    constexpr int kPerClass = kCols * kRowsPerClass; // 500

    if (!fs::is_regular_file(src))
        throw Failure("no such file: " + src.string());
    const cv::Mat img = cv::imread(src.string(), cv::IMREAD_GRAYSCALE);
    if (img.empty())
        throw Failure("cannot decode image " + src.string());
    if (img.cols != kCols * kCell || img.rows != kRows * kCell)
        throw Failure(src.string() + ": expected " + std::to_string(kCols * kCell) + "x" +
                      std::to_string(kRows * kCell) + " px, got " + std::to_string(img.cols) + "x" +
                      std::to_string(img.rows));

    for (int cls = 0; cls < 10; ++cls)
        makeDirs(outDir / std::to_string(cls));

    AtomicFile truth(outDir / "truth.jsonl");
    int written = 0;
    for (int cls = 0; cls < 10; ++cls) {
        for (int n = 0; n < kPerClass; ++n) {
            const int row = cls * kRowsPerClass + n / kCols;
            const int col = n % kCols;
            const cv::Mat cell = img(cv::Rect(col * kCell, row * kCell, kCell, kCell)).clone();
            const std::string rel = std::to_string(cls) + "/" + std::to_string(n) + ".png";
            const fs::path file = outDir / rel;
            bool ok = false;
            try {
                ok = cv::imwrite(file.string(), cell);
            } catch (const cv::Exception &e) {
                throw Failure("cannot write " + file.string() + ": " + e.what());
            }
            if (!ok)
                throw Failure("cannot write " + file.string());
            truth.stream() << "{\"source-ref\":" << jsonString(rel)
                           << ",\"class\":" << jsonString(std::to_string(cls)) << "}\n";
            ++written;
        }
    }
    truth.commit();
    std::cout << kProg << ": wrote " << written << " digit images and " << (outDir / "truth.jsonl").string()
              << "\n";
    return 0;
}

struct PackageRow
{
    std::string package, section, text;
};

// Parses deb822 stanzas (apt-cache dumpavail) from `in`.
std::vector<PackageRow> parsePackages(std::istream &in)
{
    std::vector<PackageRow> rows;
    std::unordered_set<std::string> seen;
    PackageRow cur;
    std::string field; // field the current continuation lines belong to

    const auto flush = [&] {
        if (!cur.package.empty() && !cur.text.empty() && seen.insert(cur.package).second) {
            // "contrib/net" -> "net", "non-free-firmware/kernel" -> "kernel"
            if (const auto slash = cur.section.rfind('/'); slash != std::string::npos)
                cur.section.erase(0, slash + 1);
            // Same bytes in the JSONL and the CSV, even for broken input.
            cur.package = validUtf8(cur.package);
            cur.section = validUtf8(cur.section);
            cur.text = validUtf8(cur.text);
            rows.push_back(std::move(cur));
        }
        cur = PackageRow{};
        field.clear();
    };

    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (trim(line).empty()) {
            flush();
            continue;
        }
        if (line.front() == ' ' || line.front() == '\t') {
            if (field != "Description")
                continue;
            const std::string_view part = trim(line);
            if (part == ".")
                continue; // paragraph separator in long descriptions
            if (!cur.text.empty())
                cur.text += ' ';
            cur.text += part;
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string::npos) {
            field.clear();
            continue;
        }
        field = line.substr(0, colon);
        const std::string value(trim(std::string_view(line).substr(colon + 1)));
        if (field == "Package")
            cur.package = value;
        else if (field == "Section")
            cur.section = value;
        else if (field == "Description")
            cur.text = value;
    }
    flush();
    if (in.bad())
        throw Failure("error reading standard input");
    return rows;
}

int cmdPackages(const fs::path &outDir)
{
    if (isatty(STDIN_FILENO))
        throw Failure("standard input is a terminal; pipe `apt-cache dumpavail` into it");
    const std::vector<PackageRow> rows = parsePackages(std::cin);
    if (rows.empty())
        throw Failure("no package stanzas with a Description on standard input "
                      "(is the apt cache empty? run apt-get update)");

    makeDirs(outDir);
    AtomicFile jsonl(outDir / "packages.jsonl");
    AtomicFile csv(outDir / "packages.csv");
    csv.stream() << "package,section,text\n";
    for (const PackageRow &r : rows) {
        jsonl.stream() << "{\"source\":" << jsonString(r.text) << ",\"section\":" << jsonString(r.section)
                       << ",\"package\":" << jsonString(r.package) << "}\n";
        csv.stream() << gw::datasets::csv::field(r.package) << ',' << gw::datasets::csv::field(r.section) << ',' << gw::datasets::csv::field(r.text) << '\n';
    }
    jsonl.commit();
    csv.commit();
    std::cout << kProg << ": wrote " << rows.size() << " packages to " << (outDir / "packages.jsonl").string()
              << " and " << (outDir / "packages.csv").string() << "\n";
    return 0;
}

int usage(std::ostream &os, int code)
{
    os << "usage: " << kProg << " digits SRC_PNG OUTDIR\n"
       << "       " << kProg << " detection DIGITS_PNG PHOTO_DIR OUTDIR [COUNT [SEED]]\n"
       << "       apt-cache dumpavail | " << kProg << " packages OUTDIR\n";
    return code;
}

} // namespace

int main(int argc, char **argv)
{
    std::ios::sync_with_stdio(false);
    const std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.size() == 1 && (args[0] == "-h" || args[0] == "--help"))
            return usage(std::cout, 0);
        if (args.size() == 3 && args[0] == "digits")
            return cmdDigits(args[1], args[2]);
        if (args.size() >= 4 && args.size() <= 6 && args[0] == "detection") {
            gw::datasets::composed::Options o;
            o.digitsPng = args[1];
            o.photoDir = args[2];
            o.outDir = args[3];
            if (args.size() > 4)
                o.count = std::stoi(args[4]);
            if (args.size() > 5)
                o.seed = std::stoull(args[5]);
            auto r = gw::datasets::composed::write(o);
            if (!r)
                throw Failure(r.error().message);
            std::cout << kProg << ": wrote " << r->images << " images with " << r->objects << " digits on " << r->photos
                      << " photos into " << o.outDir << "\n";
            return 0;
        }
        if (args.size() == 2 && args[0] == "packages")
            return cmdPackages(args[1]);
        return usage(std::cerr, 2);
    } catch (const Failure &e) {
        std::cerr << kProg << ": error: " << e.what() << "\n";
    } catch (const cv::Exception &e) {
        std::cerr << kProg << ": OpenCV error: " << e.what() << "\n";
    } catch (const std::exception &e) {
        std::cerr << kProg << ": error: " << e.what() << "\n";
    }
    return 1;
}
