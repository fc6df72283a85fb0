// The box detector: CenterNet's idea (Zhou et al., "Objects as Points", 2019) at a size two CPU cores can
// train in a round. A small CNN brings the image to a stride of 8 pixels (three strided convolutions, then
// dilated ones so that a cell sees about 140 pixels, enough for objects up to about 100 px); a 1×1 head gives,
// per cell, one heat-map logit per class (a Gaussian bump at each object's centre is the target, with the
// penalty-reduced focal loss), the object's size (log of width and height in cells, L1) and the centre's offset
// within the cell (L1). Boxes are the local maxima over a 3×3 window of each cell's surest class: no non-maximum
// suppression.
// One of the few translation units that include libtorch.

#include "activelearning/torch/backend.h"
#include "activelearning/torch/training.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

namespace gw::activelearning {

namespace {

constexpr int kStride = 8;
constexpr int64_t kChunk = 32;

torch::nn::Sequential convBlock(torch::nn::Sequential s, int in, int out, int stride, int dilation)
{
    s->push_back(torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(dilation).dilation(dilation).bias(false)));
    s->push_back(torch::nn::BatchNorm2d(out));
    s->push_back(torch::nn::ReLU());
    return s;
}

class CentreNet : public BoxDetector
{
public:
    explicit CentreNet(std::shared_ptr<const ImageInputs> inputs) : m_inputs(std::move(inputs)) {}

    Result<TrainReport> train(const std::vector<int> &trainRows, const std::vector<ImageBoxList> &trainBoxes,
                              const std::vector<int> &validationRows, const std::vector<ImageBoxList> &validationBoxes,
                              int numClasses, const ModelOptions &opt, const TrainProgress &progress) override;
    Result<std::vector<ImageBoxList>> detect(const std::vector<int> &rows, bool mirrored, float minScore,
                                             int maxBoxes) const override;
    int numClasses() const override { return m_classes; }

private:
    torch::nn::Sequential makeNet(int classes) const
    {
        const int c = m_inputs->channels;
        torch::nn::Sequential s;
        s = convBlock(s, c, 16, 2, 1);
        s = convBlock(s, 16, 32, 2, 1);
        s = convBlock(s, 32, 32, 2, 1);
        s = convBlock(s, 32, 48, 1, 1);
        s = convBlock(s, 48, 48, 1, 2);
        s = convBlock(s, 48, 48, 1, 4);
        s = convBlock(s, 48, 48, 1, 1);
        s->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(48, classes + 4, 1)));
        // The heat map starts at a probability of 0.1 everywhere (CenterNet's prior): training is stable.
        torch::NoGradGuard noGrad;
        auto *head = (*s)[s->size() - 1]->as<torch::nn::Conv2d>();
        head->bias.zero_();
        head->bias.slice(0, 0, classes).fill_(-2.19);
        return s;
    }
    torch::Tensor rows(const std::vector<int> &rowList, size_t begin, size_t end) const
    {
        const int64_t cell = int64_t(m_inputs->channels) * m_inputs->height * m_inputs->width;
        std::vector<torch::Tensor> parts;
        for (size_t i = begin; i < end; ++i)
            parts.push_back(torch::from_blob(const_cast<float *>(m_inputs->pixels.data()) + int64_t(rowList[i]) * cell,
                                             {m_inputs->channels, m_inputs->height, m_inputs->width}, torch::kFloat32));
        return torch::stack(parts);
    }
    /// Targets of a batch: heat maps (B × C × h × w), and at each object's centre cell its size and offset.
    struct Targets
    {
        torch::Tensor heat, index, size, offset, mask; ///< index/size/offset/mask: B × kMaxObjects (× 2)
    };
    Targets targets(const std::vector<const ImageBoxList *> &boxes, int classes) const;
    torch::Tensor loss(const torch::Tensor &out, const Targets &t, int classes) const;
    std::vector<ImageBoxList> decode(const torch::Tensor &out, float minScore, int maxBoxes) const;

    std::shared_ptr<const ImageInputs> m_inputs;
    torch::nn::Sequential m_net{nullptr};
    torch::Tensor m_mean, m_std;
    int m_classes = 0;
};

constexpr int64_t kMaxObjects = 64;

CentreNet::Targets CentreNet::targets(const std::vector<const ImageBoxList *> &boxes, int classes) const
{
    const int64_t h = m_inputs->height / kStride, w = m_inputs->width / kStride, b = int64_t(boxes.size());
    Targets t;
    t.heat = torch::zeros({b, classes, h, w});
    t.index = torch::zeros({b, kMaxObjects}, torch::kInt64);
    t.size = torch::zeros({b, kMaxObjects, 2});
    t.offset = torch::zeros({b, kMaxObjects, 2});
    t.mask = torch::zeros({b, kMaxObjects});
    auto heat = t.heat.accessor<float, 4>();
    auto index = t.index.accessor<int64_t, 2>();
    auto size = t.size.accessor<float, 3>();
    auto offset = t.offset.accessor<float, 3>();
    auto mask = t.mask.accessor<float, 2>();
    for (int64_t i = 0; i < b; ++i) {
        int64_t n = 0;
        for (const FoundBox &box : *boxes[size_t(i)]) {
            if (n >= kMaxObjects || box.width <= 0 || box.height <= 0 || box.cls < 0 || box.cls >= classes)
                continue;
            const float cx = (box.left + box.width / 2) / kStride, cy = (box.top + box.height / 2) / kStride;
            const int64_t px = std::clamp<int64_t>(int64_t(cx), 0, w - 1), py = std::clamp<int64_t>(int64_t(cy), 0, h - 1);
            // A bump about as wide as a fifth of the object's smaller side, at least a cell.
            const double radius = std::max(1.0, 0.2 * std::min(box.width, box.height) / kStride);
            const double sigma = (2 * radius + 1) / 6;
            const int64_t r = int64_t(std::ceil(3 * sigma));
            for (int64_t y = std::max<int64_t>(0, py - r); y <= std::min(h - 1, py + r); ++y)
                for (int64_t x = std::max<int64_t>(0, px - r); x <= std::min(w - 1, px + r); ++x) {
                    const double g = std::exp(-double((x - px) * (x - px) + (y - py) * (y - py)) / (2 * sigma * sigma));
                    heat[i][box.cls][y][x] = std::max(heat[i][box.cls][y][x], float(g));
                }
            index[i][n] = py * w + px;
            size[i][n][0] = std::log(box.width / kStride);
            size[i][n][1] = std::log(box.height / kStride);
            offset[i][n][0] = cx - float(px);
            offset[i][n][1] = cy - float(py);
            mask[i][n] = 1;
            ++n;
        }
    }
    return t;
}

torch::Tensor CentreNet::loss(const torch::Tensor &out, const Targets &t, int classes) const
{
    const auto heat = torch::sigmoid(out.slice(1, 0, classes)).clamp(1e-4, 1 - 1e-4);
    const auto positive = t.heat.eq(1).to(torch::kFloat32);
    const auto negative = 1 - positive;
    const auto positives = positive.sum().clamp_min(1);
    const auto focal = -(torch::log(heat) * torch::pow(1 - heat, 2) * positive
                         + torch::log(1 - heat) * torch::pow(heat, 2) * torch::pow(1 - t.heat, 4) * negative)
                            .sum()
                       / positives;
    // Size and offset where the objects' centres are.
    const int64_t b = out.size(0), cells = out.size(2) * out.size(3);
    const auto regress = out.slice(1, classes, classes + 4).reshape({b, 4, cells});
    const auto at = t.index.unsqueeze(1).expand({b, 4, kMaxObjects});
    const auto picked = regress.gather(2, at).permute({0, 2, 1}); // b × objects × 4
    const auto mask = t.mask.unsqueeze(2);
    const auto objects = t.mask.sum().clamp_min(1);
    const auto sizeLoss = (torch::abs(picked.slice(2, 0, 2) - t.size) * mask).sum() / objects;
    const auto offsetLoss = (torch::abs(picked.slice(2, 2, 4) - t.offset) * mask).sum() / objects;
    return focal + sizeLoss + offsetLoss;
}

std::vector<ImageBoxList> CentreNet::decode(const torch::Tensor &out, float minScore, int maxBoxes) const
{
    const int classes = m_classes;
    // One object per cell, of the class the cell is surest of; a cell is a centre where that is a 3×3 maximum.
    const auto [heat, best] = torch::sigmoid(out.slice(1, 0, classes)).max(1, true);
    const auto peaks = heat * heat.eq(torch::max_pool2d(heat, 3, 1, 1)).to(torch::kFloat32);
    const int64_t b = out.size(0), h = out.size(2), w = out.size(3);
    const int64_t k = std::min<int64_t>(maxBoxes, h * w);
    const auto [scores, where] = peaks.reshape({b, -1}).topk(k, 1);
    const auto regress = out.slice(1, classes, classes + 4).contiguous();
    const auto bestClass = best.squeeze(1).contiguous();
    auto s = scores.accessor<float, 2>();
    auto at = where.accessor<int64_t, 2>();
    auto r = regress.accessor<float, 4>();
    auto c = bestClass.accessor<int64_t, 3>();
    std::vector<ImageBoxList> result;
    result.resize(size_t(b));
    for (int64_t i = 0; i < b; ++i)
        for (int64_t j = 0; j < k; ++j) {
            if (s[i][j] < minScore)
                break;
            const int64_t cell = at[i][j], y = cell / w, x = cell % w, cls = c[i][y][x];
            const float bw = std::exp(r[i][0][y][x]) * kStride, bh = std::exp(r[i][1][y][x]) * kStride;
            const float cx = (float(x) + r[i][2][y][x]) * kStride, cy = (float(y) + r[i][3][y][x]) * kStride;
            result[size_t(i)].push_back({int(cls), cx - bw / 2, cy - bh / 2, bw, bh, s[i][j]});
        }
    return result;
}

Result<TrainReport> CentreNet::train(const std::vector<int> &trainRows, const std::vector<ImageBoxList> &trainBoxes,
                                     const std::vector<int> &validationRows, const std::vector<ImageBoxList> &validationBoxes,
                                     int numClasses, const ModelOptions &opt, const TrainProgress &progress)
{
    if (numClasses < 1)
        return fail(Error::invalid("a detector needs at least one class"));
    if (trainRows.empty() || trainRows.size() != trainBoxes.size() || validationRows.size() != validationBoxes.size())
        return fail(Error::invalid("every training and validation image needs its list of boxes"));
    if (m_inputs->height % kStride || m_inputs->width % kStride)
        return fail(Error::invalid("the detector's images must be a multiple of 8 pixels on each side"));
    for (const auto *list : {&trainRows, &validationRows})
        for (int row : *list)
            if (row < 0 || row >= m_inputs->rows())
                return fail(Error::invalid("row " + std::to_string(row) + " is not one of the detector's images"));
    const auto started = std::chrono::steady_clock::now();
    try {
        torch::AutoGradMode gradients(true);
        torch::manual_seed(opt.seed);
        torch::set_num_threads(std::max(1, opt.threads));
        // Per-channel input normalisation from (up to 200 of) the training images.
        {
            torch::NoGradGuard noGrad;
            const size_t n = std::min<size_t>(trainRows.size(), 200);
            const auto x = rows(trainRows, 0, n);
            m_mean = x.mean({0, 2, 3}, true).squeeze(0);
            m_std = x.std({0, 2, 3}, true, true).squeeze(0).clamp_min(1e-3);
        }
        const torch::Tensor mean = m_mean, sd = m_std;
        torch::nn::Sequential net = makeNet(numClasses);
        const double lr = opt.learningRate > 0 ? opt.learningRate : 2e-3;
        torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(lr).weight_decay(1e-4));
        std::mt19937_64 rng(opt.seed + 17);
        const size_t batch = size_t(std::max(1, std::min(opt.batchSize, 16)));
        auto trainEpoch = [&](const std::vector<int> &order) {
            double sum = 0;
            for (size_t begin = 0; begin < order.size(); begin += batch) {
                const size_t end = std::min(order.size(), begin + batch);
                std::vector<int> batchRows;
                std::vector<const ImageBoxList *> batchBoxes;
                for (size_t i = begin; i < end; ++i) {
                    batchRows.push_back(trainRows[size_t(order[i])]);
                    batchBoxes.push_back(&trainBoxes[size_t(order[i])]);
                }
                torch::Tensor x = rows(batchRows, 0, batchRows.size());
                if (opt.augment) { // brightness and contrast, per image
                    std::uniform_real_distribution<float> gain(0.75F, 1.25F), shift(-0.1F, 0.1F);
                    std::vector<float> g, s;
                    for (size_t i = 0; i < batchRows.size(); ++i) {
                        g.push_back(gain(rng));
                        s.push_back(shift(rng));
                    }
                    x = (x * torch::tensor(g).view({-1, 1, 1, 1}) + torch::tensor(s).view({-1, 1, 1, 1})).clamp(0, 1);
                }
                // Shifted by up to an eighth of the image each way (the boxes with it; what leaves is cut off).
                std::vector<ImageBoxList> shifted;
                if (opt.augment) {
                    const int64_t pad = m_inputs->width / 8;
                    std::uniform_int_distribution<int64_t> move(-pad, pad);
                    const auto padded = torch::constant_pad_nd(x, {pad, pad, pad, pad}, 0.5);
                    std::vector<torch::Tensor> parts;
                    for (size_t i = 0; i < batchBoxes.size(); ++i) {
                        const int64_t dx = move(rng), dy = move(rng);
                        parts.push_back(padded[int64_t(i)]
                                            .slice(1, pad - dy, pad - dy + m_inputs->height)
                                            .slice(2, pad - dx, pad - dx + m_inputs->width));
                        ImageBoxList moved;
                        for (FoundBox b : *batchBoxes[i]) {
                            const float x0 = std::max(0.0F, b.left + float(dx)), y0 = std::max(0.0F, b.top + float(dy));
                            const float x1 = std::min(float(m_inputs->width), b.left + b.width + float(dx));
                            const float y1 = std::min(float(m_inputs->height), b.top + b.height + float(dy));
                            // Kept when most of it is still in the picture.
                            if (x1 - x0 >= 0.6F * b.width && y1 - y0 >= 0.6F * b.height) {
                                b.left = x0;
                                b.top = y0;
                                b.width = x1 - x0;
                                b.height = y1 - y0;
                                moved.push_back(b);
                            }
                        }
                        shifted.push_back(std::move(moved));
                    }
                    x = torch::stack(parts);
                    for (size_t i = 0; i < batchBoxes.size(); ++i)
                        batchBoxes[i] = &shifted[i];
                }
                const Targets t = targets(batchBoxes, numClasses);
                const auto l = loss(net->forward((x - mean) / sd), t, numClasses);
                optimizer.zero_grad();
                l.backward();
                optimizer.step();
                sum += l.item<double>() * double(end - begin);
            }
            return order.empty() ? 0.0 : sum / double(order.size());
        };
        auto evaluate = [&]() -> std::pair<double, double> {
            torch::NoGradGuard noGrad;
            double sum = 0;
            for (size_t begin = 0; begin < validationRows.size(); begin += size_t(kChunk)) {
                const size_t end = std::min(validationRows.size(), begin + size_t(kChunk));
                std::vector<const ImageBoxList *> boxes;
                for (size_t i = begin; i < end; ++i)
                    boxes.push_back(&validationBoxes[i]);
                const auto out = net->forward((rows(validationRows, begin, end) - mean) / sd);
                sum += loss(out, targets(boxes, numClasses), numClasses).item<double>() * double(end - begin);
            }
            return {validationRows.empty() ? 0.0 : sum / double(validationRows.size()), NAN};
        };
        auto report = torchtraining::earlyStoppingLoop(*net, trainRows.size(), !validationRows.empty(), opt, trainEpoch,
                                                       evaluate, progress);
        if (!report)
            return fail(report.error());
        m_net = net;
        m_classes = numClasses;
        report->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return *report;
    } catch (const std::exception &e) {
        return fail(Error::internal(std::string("training the detector failed: ") + e.what()));
    }
}

Result<std::vector<ImageBoxList>> CentreNet::detect(const std::vector<int> &rowList, bool mirrored, float minScore,
                                                   int maxBoxes) const
{
    if (!m_net)
        return fail(Error::invalid("the detector is not trained"));
    for (int row : rowList)
        if (row < 0 || row >= m_inputs->rows())
            return fail(Error::invalid("row " + std::to_string(row) + " is not one of the detector's images"));
    try {
        torch::NoGradGuard noGrad;
        torch::nn::Sequential net = m_net; // the holder shares the module
        net->eval();
        std::vector<ImageBoxList> all;
        for (size_t begin = 0; begin < rowList.size(); begin += size_t(kChunk)) {
            const size_t end = std::min(rowList.size(), begin + size_t(kChunk));
            torch::Tensor x = rows(rowList, begin, end);
            if (mirrored)
                x = x.flip({3});
            auto found = decode(net->forward((x - m_mean) / m_std), minScore, maxBoxes);
            if (mirrored)
                for (ImageBoxList &list : found)
                    for (FoundBox &b : list)
                        b.left = float(m_inputs->width) - b.left - b.width;
            for (ImageBoxList &list : found)
                all.push_back(std::move(list));
        }
        return all;
    } catch (const std::exception &e) {
        return fail(Error::internal(std::string("detecting boxes failed: ") + e.what()));
    }
}

} // namespace

namespace torchbackend {
std::unique_ptr<BoxDetector> makeDetector(std::shared_ptr<const ImageInputs> inputs)
{
    return std::make_unique<CentreNet>(std::move(inputs));
}
} // namespace torchbackend

} // namespace gw::activelearning
