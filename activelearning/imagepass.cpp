#include "activelearning/imagepass.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <set>

namespace gw::activelearning {

using datasets::Box;
using datasets::mask::IndexedMask;

double boxIoU(const Box &a, const Box &b)
{
    if (!(a.width > 0) || !(a.height > 0) || !(b.width > 0) || !(b.height > 0))
        return 0;
    const double w = std::min(a.left + a.width, b.left + b.width) - std::max(a.left, b.left);
    const double h = std::min(a.top + a.height, b.top + b.height) - std::max(a.top, b.top);
    if (w <= 0 || h <= 0)
        return 0;
    const double both = w * h;
    return both / (a.width * a.height + b.width * b.height - both);
}

double imageBoxIoU(const std::vector<Box> &predicted, const std::vector<Box> &reference)
{
    if (predicted.empty() && reference.empty())
        return 1;
    std::set<int> classes;
    for (const Box &b : predicted)
        classes.insert(b.classId);
    for (const Box &b : reference)
        classes.insert(b.classId);
    double total = 0;
    for (int c : classes) {
        std::vector<const Box *> pred, ref;
        for (const Box &b : predicted)
            if (b.classId == c)
                pred.push_back(&b);
        for (const Box &b : reference)
            if (b.classId == c)
                ref.push_back(&b);
        // Most confident first; ties keep their order.
        std::stable_sort(pred.begin(), pred.end(), [](const Box *a, const Box *b) {
            return a->confidence.value_or(1) > b->confidence.value_or(1);
        });
        std::vector<bool> taken(ref.size(), false);
        double sum = 0;
        size_t terms = 0;
        for (const Box *p : pred) {
            double best = 0;
            size_t at = ref.size();
            for (size_t k = 0; k < ref.size(); ++k)
                if (!taken[k])
                    if (const double iou = boxIoU(*p, *ref[k]); iou > best) {
                        best = iou;
                        at = k;
                    }
            if (at < ref.size())
                taken[at] = true;
            sum += best; // 0 when it matched nothing
            ++terms;
        }
        terms += size_t(std::count(taken.begin(), taken.end(), false)); // missed: 0 each
        total += sum / double(terms);
    }
    return total / double(classes.size());
}

double imageMaskIoU(const IndexedMask &predicted, const IndexedMask &reference)
{
    if (predicted.width != reference.width || predicted.height != reference.height
        || predicted.pixels.size() != reference.pixels.size())
        return 0;
    int64_t both[256] = {}, either[256] = {};
    bool present[256] = {};
    for (size_t i = 0; i < predicted.pixels.size(); ++i) {
        const uint8_t p = predicted.pixels[i], r = reference.pixels[i];
        present[p] = present[r] = true;
        if (p == r) {
            ++both[p];
            ++either[p];
        } else {
            ++either[p];
            ++either[r];
        }
    }
    double total = 0;
    int classes = 0;
    for (int v = 1; v < 256; ++v)
        if (present[v]) {
            total += double(both[v]) / double(either[v]);
            ++classes;
        }
    return classes == 0 ? 1.0 : total / classes;
}

BoxAnswerFeatures boxAnswerFeatures(const std::vector<Box> &found, const std::vector<Box> &foundMirrored, double keepFrom,
                                    double doubtfulFrom)
{
    BoxAnswerFeatures f;
    std::vector<Box> kept, keptMirrored;
    for (const Box &b : found) {
        const double s = b.confidence.value_or(1);
        if (s >= keepFrom) {
            kept.push_back(b);
            f.weakestKept = std::min(f.weakestKept, s);
        } else if (s >= doubtfulFrom) {
            ++f.doubtful;
        }
    }
    for (const Box &b : foundMirrored)
        if (b.confidence.value_or(1) >= keepFrom)
            keptMirrored.push_back(b);
    f.kept = double(kept.size());
    f.flipAgreement = imageBoxIoU(kept, keptMirrored);
    return f;
}

MaskAnswerFeatures maskAnswerFeatures(const std::vector<float> &probabilities, int classes, const IndexedMask &answer,
                                      const IndexedMask &answerMirrored)
{
    MaskAnswerFeatures f;
    const size_t pixels = classes > 0 ? probabilities.size() / size_t(classes) : 0;
    if (pixels > 0) {
        double entropy = 0;
        int64_t uncertain = 0;
        for (size_t i = 0; i < pixels; ++i) {
            const float *p = probabilities.data() + i * size_t(classes);
            double h = 0, top = 0;
            for (int k = 0; k < classes; ++k) {
                if (p[k] > 0)
                    h -= double(p[k]) * std::log(double(p[k]));
                top = std::max(top, double(p[k]));
            }
            entropy += h;
            uncertain += top < 0.6;
        }
        f.meanEntropy = entropy / double(pixels);
        f.uncertainShare = double(uncertain) / double(pixels);
    }
    f.flipAgreement = imageMaskIoU(answer, answerMirrored);
    return f;
}

PassModel PassModel::fit(const std::vector<std::vector<double>> &features, const std::vector<bool> &passed, double l2)
{
    PassModel m;
    const size_t n = std::min(features.size(), passed.size());
    const size_t d = n > 0 ? features.front().size() : 0;
    m.m_mean.assign(d, 0);
    m.m_scale.assign(d, 1);
    m.m_weights.assign(d, 0);
    const double positives = double(std::count(passed.begin(), passed.begin() + long(n), true));
    // The smoothed rate: also the answer when the two outcomes cannot be told apart.
    const double rate = (positives + 0.5) / (double(n) + 1.0);
    m.m_bias = std::log(rate / (1 - rate));
    if (n == 0 || positives == 0 || positives == double(n))
        return m;
    for (size_t j = 0; j < d; ++j) {
        double sum = 0, squares = 0;
        for (size_t i = 0; i < n; ++i)
            sum += features[i][j];
        m.m_mean[j] = sum / double(n);
        for (size_t i = 0; i < n; ++i)
            squares += (features[i][j] - m.m_mean[j]) * (features[i][j] - m.m_mean[j]);
        const double sd = std::sqrt(squares / double(n));
        m.m_scale[j] = sd > 1e-12 ? sd : 1;
    }
    const Eigen::Index rows = Eigen::Index(n), cols = Eigen::Index(d + 1);
    Eigen::MatrixXd x = Eigen::MatrixXd::Zero(rows, cols);
    Eigen::VectorXd y = Eigen::VectorXd::Zero(rows);
    for (size_t i = 0; i < n; ++i) {
        x(long(i), 0) = 1;
        for (size_t j = 0; j < d; ++j)
            x(long(i), long(j + 1)) = (features[i][j] - m.m_mean[j]) / m.m_scale[j];
        y(long(i)) = passed[i] ? 1 : 0;
    }
    Eigen::VectorXd w = Eigen::VectorXd::Zero(long(d + 1));
    w(0) = m.m_bias;
    Eigen::VectorXd penalty = Eigen::VectorXd::Constant(long(d + 1), l2);
    penalty(0) = 1e-6; // the intercept is not shrunk
    for (int iteration = 0; iteration < 50; ++iteration) {
        const Eigen::VectorXd z = x * w;
        Eigen::VectorXd p = Eigen::VectorXd::Zero(rows), s = Eigen::VectorXd::Zero(rows);
        for (long i = 0; i < long(n); ++i) {
            p(i) = 1 / (1 + std::exp(-z(i)));
            s(i) = std::max(p(i) * (1 - p(i)), 1e-10);
        }
        const Eigen::VectorXd gradient = x.transpose() * (p - y) + penalty.cwiseProduct(w);
        Eigen::MatrixXd hessian = x.transpose() * s.asDiagonal() * x;
        hessian.diagonal() += penalty;
        const Eigen::VectorXd step = hessian.ldlt().solve(gradient);
        if (!step.allFinite())
            break;
        w -= step;
        if (step.cwiseAbs().maxCoeff() < 1e-9)
            break;
    }
    m.m_bias = w(0);
    for (size_t j = 0; j < d; ++j)
        m.m_weights[j] = w(long(j + 1));
    return m;
}

double PassModel::predict(const std::vector<double> &features) const
{
    double z = m_bias;
    for (size_t j = 0; j < m_weights.size() && j < features.size(); ++j)
        z += m_weights[j] * (features[j] - m_mean[j]) / m_scale[j];
    return 1 / (1 + std::exp(-z));
}

} // namespace gw::activelearning
