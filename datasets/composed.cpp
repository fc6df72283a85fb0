#include "datasets/composed.h"

#include "datasets/formats/formatutil.h"
#include "datasets/formats/raster.h"
#include "datasets/json.h"
#include "datasets/mask.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

namespace gw::datasets::composed {

namespace fs = std::filesystem;

namespace {

struct Digit
{
    cv::Mat ink; ///< CV_8UC1 20 × 20, 0 paper .. 255 ink
    int cls = 0;
};

Result<std::vector<Digit>> readDigits(const std::string &path)
{
    const cv::Mat sheet = cv::imread(path, cv::IMREAD_GRAYSCALE);
    if (sheet.empty())
        return fail(Error::notFound(path + ": cannot read OpenCV's digits.png (package opencv-doc)"));
    if (sheet.cols != 2000 || sheet.rows != 1000)
        return fail(Error::invalid(path + ": expected OpenCV's 2000 × 1000 digits.png, not " + std::to_string(sheet.cols)
                                   + " × " + std::to_string(sheet.rows)));
    std::vector<Digit> out;
    for (int row = 0; row < 50; ++row)
        for (int col = 0; col < 100; ++col)
            out.push_back({sheet(cv::Rect(col * 20, row * 20, 20, 20)).clone(), row / 5});
    return out;
}

Result<std::vector<cv::Mat>> readPhotos(const std::string &dir, int side)
{
    std::vector<std::string> paths;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file() && e.path().extension() == ".jpg")
            paths.push_back(e.path().string());
    if (ec)
        return fail(Error::notFound(dir + ": " + ec.message()));
    std::sort(paths.begin(), paths.end()); // the same set in the same order on every machine
    std::vector<cv::Mat> photos;
    for (const std::string &p : paths) {
        cv::Mat m = cv::imread(p, cv::IMREAD_COLOR);
        if (!m.empty() && m.cols >= side && m.rows >= side)
            photos.push_back(std::move(m));
    }
    if (photos.empty())
        return fail(Error::notFound(dir + ": no .jpg photo of at least " + std::to_string(side) + " × " + std::to_string(side)
                                    + " pixels (package opencv-doc)"));
    return photos;
}

std::string numbered(int i, const char *extension)
{
    char name[32];
    std::snprintf(name, sizeof name, "%05d%s", i, extension);
    return name;
}

Result<> writeBytes(const fs::path &path, const std::vector<uchar> &bytes)
{
    return formats::writeFileAtomically(path.string(), std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()));
}

} // namespace

Result<Report> write(const Options &o)
{
    if (o.count < 1 || o.side < 32 || o.minDigits < 0 || o.maxDigits < o.minDigits || o.minHeight < 8
        || o.maxHeight < o.minHeight || o.maxHeight > o.side)
        return fail(Error::invalid("composed data set: the counts and sizes do not fit together"));
    std::error_code ec;
    if (fs::exists(o.outDir, ec) && !fs::is_empty(o.outDir, ec))
        return fail(Error::conflict(o.outDir + " is not empty: choose a new or empty folder (nothing in it is replaced)"));
    auto digits = readDigits(o.digitsPng);
    if (!digits)
        return fail(digits.error());
    auto photos = readPhotos(o.photoDir, o.side);
    if (!photos)
        return fail(photos.error());
    const fs::path out(o.outDir);
    fs::create_directories(out / "images", ec);
    fs::create_directories(out / "masks", ec);
    if (ec)
        return fail(Error::io("cannot create " + (out / "images").string() + ": " + ec.message()));

    std::mt19937_64 rng(o.seed);
    auto uniform = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    json::Array images, annotations, categories;
    for (int c = 0; c < 10; ++c) {
        json::Object cat;
        cat.set("id", c + 1);
        cat.set("name", std::to_string(c));
        cat.set("supercategory", "digit");
        categories.emplace_back(std::move(cat));
    }
    Report report;
    report.photos = int(photos->size());
    int64_t annotationId = 0;
    for (int i = 0; i < o.count; ++i) {
        if (o.progress && !o.progress(i, o.count))
            return fail(Error::cancelled());
        // A square crop of a photo at a random scale and place, sometimes mirrored.
        const cv::Mat &photo = (*photos)[size_t(uniform(0, int(photos->size()) - 1))];
        const int crop = uniform(o.side, std::min(photo.cols, photo.rows));
        const cv::Rect at(uniform(0, photo.cols - crop), uniform(0, photo.rows - crop), crop, crop);
        cv::Mat image;
        cv::resize(photo(at), image, cv::Size(o.side, o.side), 0, 0, cv::INTER_AREA);
        if (uniform(0, 1))
            cv::flip(image, image, 1);
        cv::Mat classes = cv::Mat::zeros(o.side, o.side, CV_8UC1);
        std::vector<cv::Rect> placed;
        const int wanted = uniform(o.minDigits, o.maxDigits);
        for (int k = 0, tries = 0; k < wanted && tries < 50; ++tries) {
            const Digit &d = (*digits)[size_t(uniform(0, int(digits->size()) - 1))];
            const int h = uniform(o.minHeight, o.maxHeight);
            const int w = std::max(8, int(std::lround(h * uniform(80, 120) / 100.0))); // a little narrower or wider
            const cv::Rect r(uniform(0, o.side - w), uniform(0, o.side - h), w, h);
            // Digits never overlap (with a pixel of room), so every mask is whole.
            if (std::any_of(placed.begin(), placed.end(), [&](const cv::Rect &p) {
                    return (((p + cv::Size(2, 2)) - cv::Point(1, 1)) & r).area() > 0;
                }))
                continue;
            cv::Mat alpha;
            cv::resize(d.ink, alpha, r.size(), 0, 0, cv::INTER_LINEAR);
            cv::Mat own = alpha >= 128;
            if (cv::countNonZero(own) == 0)
                continue;
            // Ink that stands out from what it is on: light on dark, dark on light, in a random hue.
            const cv::Scalar under = cv::mean(image(r));
            const double luminance = 0.114 * under[0] + 0.587 * under[1] + 0.299 * under[2];
            cv::Mat hsv(1, 1, CV_8UC3, cv::Scalar(uniform(0, 179), uniform(60, 255), luminance < 128 ? uniform(200, 255) : uniform(0, 60)));
            cv::Mat bgr;
            cv::cvtColor(hsv, bgr, cv::COLOR_HSV2BGR);
            const cv::Vec3b ink = bgr.at<cv::Vec3b>(0, 0);
            cv::Mat region = image(r);
            for (int y = 0; y < r.height; ++y)
                for (int x = 0; x < r.width; ++x) {
                    const double a = alpha.at<uchar>(y, x) / 255.0;
                    cv::Vec3b &p = region.at<cv::Vec3b>(y, x);
                    for (int c = 0; c < 3; ++c)
                        p[c] = cv::saturate_cast<uchar>(a * ink[c] + (1 - a) * p[c]);
                }
            classes(r).setTo(d.cls + 1, own);
            // The box is the extent of the mask.
            const cv::Rect tight = cv::boundingRect(own) + r.tl();
            placed.push_back(r);
            ++k;
            mask::IndexedMask one{o.side, o.side, std::vector<uint8_t>(size_t(o.side) * size_t(o.side), 0)};
            for (int y = 0; y < r.height; ++y)
                for (int x = 0; x < r.width; ++x)
                    if (own.at<uchar>(y, x))
                        one.pixels[size_t(r.y + y) * size_t(o.side) + size_t(r.x + x)] = 1;
            json::Array counts;
            for (uint32_t c : raster::encodeRle(one, 1))
                counts.emplace_back(int64_t(c));
            json::Object rle;
            rle.set("counts", std::move(counts));
            rle.set("size", json::Array{o.side, o.side});
            json::Object a;
            a.set("id", ++annotationId);
            a.set("image_id", i + 1);
            a.set("category_id", d.cls + 1);
            a.set("bbox", json::Array{tight.x, tight.y, tight.width, tight.height});
            a.set("area", int64_t(cv::countNonZero(own)));
            a.set("iscrowd", 0);
            a.set("segmentation", std::move(rle));
            annotations.emplace_back(std::move(a));
            ++report.objects;
        }
        std::vector<uchar> bytes;
        cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_QUALITY, 92});
        if (auto w = writeBytes(out / "images" / numbered(i, ".jpg"), bytes); !w)
            return fail(w.error());
        cv::imencode(".png", classes, bytes);
        if (auto w = writeBytes(out / "masks" / numbered(i, ".png"), bytes); !w)
            return fail(w.error());
        json::Object img;
        img.set("id", i + 1);
        img.set("file_name", "images/" + numbered(i, ".jpg"));
        img.set("width", o.side);
        img.set("height", o.side);
        images.emplace_back(std::move(img));
        ++report.images;
    }
    json::Object doc;
    json::Object info;
    info.set("description", "Groundwork's composed digits: OpenCV's handwritten digits pasted onto opencv-doc photos, "
                            "with exact boxes and masks (datasets/composed.h)");
    info.set("seed", int64_t(o.seed));
    doc.set("info", std::move(info));
    doc.set("images", std::move(images));
    doc.set("annotations", std::move(annotations));
    doc.set("categories", std::move(categories));
    if (auto w = formats::writeFileAtomically((out / "annotations.json").string(), json::toString(json::Value(std::move(doc)))); !w)
        return fail(w.error());
    return report;
}

} // namespace gw::datasets::composed
