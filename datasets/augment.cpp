#include "datasets/augment.h"

#include "datasets/instances.h"
#include "datasets/mask.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <random>
#include <sstream>

namespace gw::datasets {

namespace {

uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/// Uniform in [a, b], from our own arithmetic so that copies are the same on every standard library.
double uniform(std::mt19937_64 &rng, double a, double b)
{
    return a + (b - a) * (double(rng() >> 11) * 0x1.0p-53);
}

std::string number(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

} // namespace

// ---- options ----

Result<AugmentOptions> AugmentOptions::parse(const std::string &spec)
{
    AugmentOptions o;
    std::map<std::string, double *> numbers = {
        {"hflip", &o.hflip},   {"vflip", &o.vflip},       {"rotate", &o.rotate},     {"crop", &o.crop},
        {"brightness", &o.brightness}, {"contrast", &o.contrast}, {"gamma", &o.gamma}, {"blur", &o.blur},
        {"noise", &o.noise},   {"cutout-size", &o.cutoutSize}, {"min-visible", &o.minVisible}};
    std::string_view rest = spec;
    while (!rest.empty()) {
        const size_t comma = rest.find(',');
        const std::string_view part = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (part.empty())
            continue;
        const size_t eq = part.find('=');
        if (eq == std::string_view::npos)
            return fail(Error::invalid("augmentation: '" + std::string(part) + "' should be key=value"));
        const std::string key(part.substr(0, eq)), value(part.substr(eq + 1));
        auto toNumber = [&](const std::string &text) -> Result<double> {
            try {
                size_t used = 0;
                const double v = std::stod(text, &used);
                if (used == text.size() && std::isfinite(v) && v >= 0)
                    return v;
            } catch (...) {
            }
            return fail(Error::invalid("augmentation: " + key + " takes a number of zero or more, not '" + text + "'"));
        };
        if (key == "copies" || key == "seed" || key == "cutout") {
            auto v = toNumber(value);
            if (!v || *v != std::floor(*v))
                return fail(Error::invalid("augmentation: " + key + " takes a whole number, not '" + value + "'"));
            // Beyond these nothing is sensible (and converting a larger number would be undefined).
            const double most = key == "seed" ? 18446744073709549568.0 : 1000.0;
            if (*v > most)
                return fail(Error::invalid("augmentation: " + key + " is at most " +
                                           (key == "seed" ? std::string("2^64 - 1") : std::string("1000")) +
                                           ", not '" + value + "'"));
            if (key == "copies")
                o.copies = int(*v);
            else if (key == "cutout")
                o.cutout = int(*v);
            else
                o.seed = uint64_t(*v);
            continue;
        }
        if (key == "scale") {
            const size_t colon = value.find(':');
            auto lo = toNumber(value.substr(0, colon));
            auto hi = colon == std::string::npos ? lo : toNumber(value.substr(colon + 1));
            if (!lo || !hi || *lo <= 0 || *hi < *lo)
                return fail(Error::invalid("augmentation: scale takes MIN:MAX with 0 < MIN <= MAX, not '" + value + "'"));
            o.scale = {*lo, *hi};
            continue;
        }
        auto it = numbers.find(key);
        if (it == numbers.end())
            return fail(Error::invalid("augmentation: unknown key '" + key +
                                       "' (copies, seed, hflip, vflip, rotate, scale, crop, brightness, contrast, "
                                       "gamma, blur, noise, cutout, cutout-size, min-visible)"));
        auto v = toNumber(value);
        if (!v)
            return fail(v.error());
        if ((key == "hflip" || key == "vflip" || key == "min-visible" || key == "crop" || key == "cutout-size") && *v > 1)
            return fail(Error::invalid("augmentation: " + key + " is a share between 0 and 1, not '" + value + "'"));
        *it->second = *v;
    }
    return o;
}

std::string AugmentOptions::toString() const
{
    return "copies=" + std::to_string(copies) + ",seed=" + std::to_string(seed) + ",hflip=" + number(hflip) +
           ",vflip=" + number(vflip) + ",rotate=" + number(rotate) + ",scale=" + number(scale[0]) + ":" +
           number(scale[1]) + ",crop=" + number(crop) + ",brightness=" + number(brightness) +
           ",contrast=" + number(contrast) + ",gamma=" + number(gamma) + ",blur=" + number(blur) +
           ",noise=" + number(noise) + ",cutout=" + std::to_string(cutout) + ",cutout-size=" + number(cutoutSize) +
           ",min-visible=" + number(minVisible);
}

// ---- geometry ----

std::string AugmentTransform::describe() const
{
    std::string out;
    if (hflip)
        out += "hflip ";
    if (vflip)
        out += "vflip ";
    out += "rotate " + number(std::round(angle * 100) / 100) + " scale " + number(std::round(scale * 1000) / 1000) +
           " shift " + number(std::round(shiftX * 10) / 10) + "," + number(std::round(shiftY * 10) / 10);
    return out;
}

AugmentTransform drawTransform(const AugmentOptions &o, int width, int height, int64_t itemId, int copy)
{
    std::mt19937_64 rng(mix(o.seed ^ mix(uint64_t(itemId) ^ mix(uint64_t(copy) + 1))));
    AugmentTransform t;
    t.hflip = uniform(rng, 0, 1) < o.hflip;
    t.vflip = uniform(rng, 0, 1) < o.vflip;
    t.angle = o.rotate > 0 ? uniform(rng, -o.rotate, o.rotate) : 0;
    t.scale = uniform(rng, o.scale[0], o.scale[1]);
    t.shiftX = o.crop > 0 ? uniform(rng, -o.crop, o.crop) * width : 0;
    t.shiftY = o.crop > 0 ? uniform(rng, -o.crop, o.crop) * height : 0;
    // In pixel-edge coordinates: flip, then rotate and scale about the centre, then shift.
    const double cx = width / 2.0, cy = height / 2.0;
    const double fx = t.hflip ? -1 : 1, fy = t.vflip ? -1 : 1;
    double c = std::cos(t.angle * std::numbers::pi / 180), s = std::sin(t.angle * std::numbers::pi / 180);
    if (std::fmod(t.angle, 90.0) == 0) { // exact quarter turns, so pixels land on pixels
        c = std::round(c);
        s = std::round(s);
    }
    // p' = centre + scale·R·(F(p) − centre) + shift, with F(p) = (w − x or x, h − y or y).
    const double a = t.scale * c, b = -t.scale * s, d = t.scale * s, e = t.scale * c;
    const double fx0 = t.hflip ? width : 0, fy0 = t.vflip ? height : 0; // F(p) = (fx0 + fx·x, fy0 + fy·y)
    t.matrix = {a * fx, b * fy, a * (fx0 - cx) + b * (fy0 - cy) + cx + t.shiftX,
                d * fx, e * fy, d * (fx0 - cx) + e * (fy0 - cy) + cy + t.shiftY};
    return t;
}

std::array<double, 2> mapPoint(const AugmentTransform &t, double x, double y)
{
    const auto &m = t.matrix;
    return {m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]};
}

std::vector<Box> transformBoxes(const std::vector<Box> &boxes, const AugmentTransform &t, int width, int height,
                                double minVisible)
{
    std::vector<Box> out;
    for (const Box &b : boxes) {
        double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
        for (const auto &[x, y] : {std::pair{b.left, b.top}, std::pair{b.left + b.width, b.top},
                                   std::pair{b.left, b.top + b.height}, std::pair{b.left + b.width, b.top + b.height}}) {
            const auto p = mapPoint(t, x, y);
            x0 = std::min(x0, p[0]);
            y0 = std::min(y0, p[1]);
            x1 = std::max(x1, p[0]);
            y1 = std::max(y1, p[1]);
        }
        const double area = (x1 - x0) * (y1 - y0);
        const double cx0 = std::clamp(x0, 0.0, double(width)), cx1 = std::clamp(x1, 0.0, double(width));
        const double cy0 = std::clamp(y0, 0.0, double(height)), cy1 = std::clamp(y1, 0.0, double(height));
        const double visible = (cx1 - cx0) * (cy1 - cy0);
        if (area <= 0 || visible <= 0 || visible < minVisible * area)
            continue;
        Box moved = b;
        moved.left = cx0;
        moved.top = cy0;
        moved.width = cx1 - cx0;
        moved.height = cy1 - cy0;
        out.push_back(moved);
    }
    return out;
}

// ---- pixels ----

namespace {

/// The 2×3 matrix for OpenCV, which works in pixel-centre coordinates: centre q is edge q + ½.
cv::Mat centreMatrix(const AugmentTransform &t)
{
    const auto &m = t.matrix;
    cv::Mat a(2, 3, CV_64F);
    a.at<double>(0, 0) = m[0];
    a.at<double>(0, 1) = m[1];
    a.at<double>(0, 2) = m[0] * 0.5 + m[1] * 0.5 + m[2] - 0.5;
    a.at<double>(1, 0) = m[3];
    a.at<double>(1, 1) = m[4];
    a.at<double>(1, 2) = m[3] * 0.5 + m[4] * 0.5 + m[5] - 0.5;
    return a;
}

void photometric(cv::Mat &img, const AugmentOptions &o, std::mt19937_64 &rng)
{
    const double contrast = o.contrast > 0 ? uniform(rng, 1 - o.contrast, 1 + o.contrast) : 1;
    const double brightness = o.brightness > 0 ? uniform(rng, -o.brightness, o.brightness) * 255 : 0;
    if (contrast != 1 || brightness != 0)
        img.convertTo(img, -1, contrast, brightness + 128 * (1 - contrast));
    if (o.gamma > 0) {
        const double g = uniform(rng, std::max(0.05, 1 - o.gamma), 1 + o.gamma);
        cv::Mat lut(1, 256, CV_8U);
        for (int i = 0; i < 256; ++i)
            lut.at<uint8_t>(i) = cv::saturate_cast<uint8_t>(std::pow(i / 255.0, g) * 255.0);
        cv::LUT(img, lut, img);
    }
    if (o.blur > 0) {
        const double sigma = uniform(rng, 0, o.blur);
        if (sigma > 0.1)
            cv::GaussianBlur(img, img, cv::Size(), sigma);
    }
    if (o.noise > 0) {
        cv::Mat noise(img.size(), CV_32FC(img.channels()));
        cv::RNG cvRng(rng());
        cvRng.fill(noise, cv::RNG::NORMAL, 0, o.noise * 255);
        cv::Mat f;
        img.convertTo(f, CV_32F);
        f += noise;
        f.convertTo(img, img.type());
    }
    const int side = int(std::min(img.cols, img.rows) * o.cutoutSize);
    for (int i = 0; i < o.cutout && side > 0; ++i) {
        const int x = int(uniform(rng, 0, std::max(0, img.cols - side)));
        const int y = int(uniform(rng, 0, std::max(0, img.rows - side)));
        img(cv::Rect(x, y, side, side)).setTo(cv::Scalar::all(128));
    }
}

} // namespace

Result<AugmentedImage> augmentImage(const std::string &path, const Payload &label, TaskType type,
                                    const std::vector<LabelClass> &classes, const AugmentOptions &o, int64_t itemId,
                                    int copy)
{
    cv::Mat img;
    try {
        img = cv::imread(path, cv::IMREAD_ANYCOLOR); // applies EXIF orientation, as the project's sizes do
    } catch (const cv::Exception &e) {
        return fail(Error::invalid(path + ": " + e.what()));
    }
    if (img.empty())
        return fail(Error::invalid(path + ": cannot decode the image"));
    AugmentedImage out;
    out.transform = drawTransform(o, img.cols, img.rows, itemId, copy);
    const cv::Mat m = centreMatrix(out.transform);
    cv::Mat moved;
    cv::warpAffine(img, moved, m, img.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
    std::mt19937_64 rng(mix(o.seed ^ mix(uint64_t(itemId) * 31 + uint64_t(copy) + 7)));
    photometric(moved, o, rng);

    out.label = label;
    if (type == TaskType::BoundingBox) {
        out.label.boxes = transformBoxes(label.boxes, out.transform, img.cols, img.rows, o.minVisible);
        out.label.imageWidth = img.cols;
        out.label.imageHeight = img.rows;
    } else if (type == TaskType::SemanticSegmentation) {
        if (label.mask.empty())
            return fail(Error::invalid(path + ": the mask is only referenced, its pixels are not in the project"));
        auto decoded = mask::decode(label.mask);
        if (!decoded)
            return fail(decoded.error());
        if (decoded->width != img.cols || decoded->height != img.rows)
            return fail(Error::invalid(path + ": the mask is " + std::to_string(decoded->width) + "×" +
                                       std::to_string(decoded->height) + ", the image " + std::to_string(img.cols) +
                                       "×" + std::to_string(img.rows)));
        cv::Mat src(decoded->height, decoded->width, CV_8U, decoded->pixels.data()), dst;
        cv::warpAffine(src, dst, m, src.size(), cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(0));
        mask::IndexedMask moved{dst.cols, dst.rows, std::vector<uint8_t>(dst.datastart, dst.dataend)};
        auto png = mask::encodeStored(moved, classes);
        if (!png)
            return fail(png.error());
        out.label.mask = std::move(*png);
        out.label.maskUri.clear();
    } else if (type == TaskType::InstanceSegmentation) {
        // Each object's pixels move like a mask's (nearest neighbour) and are outlined again; an object moved
        // wholly out of the image is dropped.
        out.label.instances.clear();
        out.label.imageWidth = img.cols;
        out.label.imageHeight = img.rows;
        for (const Instance &object : label.instances) {
            auto own = instances::binary(object, img.cols, img.rows);
            if (!own)
                return fail(Error::invalid(path + ": " + own.error().message));
            cv::Mat src(own->height, own->width, CV_8U, own->pixels.data()), dst;
            cv::warpAffine(src, dst, m, src.size(), cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(0));
            if (cv::countNonZero(dst) == 0)
                continue;
            mask::IndexedMask movedObject{dst.cols, dst.rows, std::vector<uint8_t>(dst.datastart, dst.dataend)};
            Instance moved = instances::fromBinary(movedObject, object.classId, !object.painted());
            moved.confidence = object.confidence;
            out.label.instances.push_back(std::move(moved));
        }
    }
    std::string ext = path.substr(path.find_last_of('.') + 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    out.extension = ext == "jpg" || ext == "jpeg" ? ".jpg" : ".png";
    std::vector<uint8_t> bytes;
    try {
        if (!cv::imencode(out.extension, moved, bytes,
                          out.extension == ".jpg" ? std::vector<int>{cv::IMWRITE_JPEG_QUALITY, 95} : std::vector<int>{}))
            return fail(Error::internal(path + ": cannot encode the augmented image"));
    } catch (const cv::Exception &e) {
        return fail(Error::internal(path + ": " + e.what()));
    }
    out.encoded.assign(bytes.begin(), bytes.end());
    return out;
}

} // namespace gw::datasets
