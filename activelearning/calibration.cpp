#include "activelearning/calibration.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace gw::activelearning {

std::vector<float> softmax(const std::vector<float> &logits, int classes, double temperature)
{
    std::vector<float> out(logits.size());
    const size_t rows = classes > 0 ? logits.size() / size_t(classes) : 0;
    for (size_t r = 0; r < rows; ++r) {
        const float *in = logits.data() + r * size_t(classes);
        float *o = out.data() + r * size_t(classes);
        const double top = *std::max_element(in, in + classes);
        double sum = 0;
        for (int k = 0; k < classes; ++k)
            sum += (o[k] = float(std::exp((in[k] - top) / temperature)));
        for (int k = 0; k < classes; ++k)
            o[k] = float(o[k] / sum);
    }
    return out;
}

double negativeLogLikelihood(const std::vector<float> &logits, const std::vector<int> &labels, int classes,
                             double temperature)
{
    double total = 0;
    for (size_t r = 0; r < labels.size(); ++r) {
        const float *in = logits.data() + r * size_t(classes);
        const double top = *std::max_element(in, in + classes) / temperature;
        double sum = 0;
        for (int k = 0; k < classes; ++k)
            sum += std::exp(in[k] / temperature - top);
        total += -(in[labels[r]] / temperature - top - std::log(sum));
    }
    return labels.empty() ? 0 : total / double(labels.size());
}

double fitTemperature(const std::vector<float> &logits, const std::vector<int> &labels, int classes)
{
    if (labels.empty())
        return 1.0;
    auto f = [&](double logT) { return negativeLogLikelihood(logits, labels, classes, std::exp(logT)); };
    double a = std::log(0.05), b = std::log(20.0);
    const double g = (std::sqrt(5.0) - 1) / 2;
    double c = b - g * (b - a), d = a + g * (b - a);
    double fc = f(c), fd = f(d);
    for (int i = 0; i < 60; ++i) {
        if (fc < fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = f(d);
        }
    }
    return std::exp((a + b) / 2);
}

double wilsonLowerBound(int64_t successes, int64_t n, double z)
{
    if (n <= 0)
        return 0;
    const double p = double(successes) / double(n), z2 = z * z, nn = double(n);
    const double centre = p + z2 / (2 * nn);
    const double margin = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
    return std::max(0.0, (centre - margin) / (1 + z2 / nn));
}

namespace {

/// Regularised incomplete beta I_x(a, b) by its continued fraction (Numerical Recipes' betacf idea).
double incompleteBeta(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    const double lbeta = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log(1 - x);
    const bool flip = x > (a + 1) / (a + b + 2);
    if (flip) {
        std::swap(a, b);
        x = 1 - x;
    }
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    d = 1 / (std::abs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 300; ++m) {
        const double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + num * d;
        d = 1 / (std::abs(d) < tiny ? tiny : d);
        c = 1 + num / c;
        if (std::abs(c) < tiny)
            c = tiny;
        h *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + num * d;
        d = 1 / (std::abs(d) < tiny ? tiny : d);
        c = 1 + num / c;
        if (std::abs(c) < tiny)
            c = tiny;
        const double delta = d * c;
        h *= delta;
        if (std::abs(delta - 1) < 1e-12)
            break;
    }
    const double front = std::exp(lbeta);
    const double value = front * h / a;
    return flip ? 1 - value : value;
}

} // namespace

double clopperPearsonLowerBound(int64_t successes, int64_t n, double level)
{
    if (n <= 0 || successes <= 0)
        return 0;
    // The lower bound p solves P(X >= successes | n, p) = 1 - level, i.e. I_p(successes, n - successes + 1).
    const double alpha = 1 - level;
    double lo = 0, hi = double(successes) / double(n);
    for (int i = 0; i < 100; ++i) {
        const double mid = (lo + hi) / 2;
        const double tail = incompleteBeta(double(successes), double(n - successes + 1), mid);
        (tail < alpha ? lo : hi) = mid;
    }
    return lo;
}

ThresholdChoice chooseThreshold(const std::vector<double> &confidence, const std::vector<bool> &correct,
                                double target, int64_t minCount)
{
    ThresholdChoice out;
    std::vector<size_t> order(confidence.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return confidence[a] > confidence[b]; });
    int64_t count = 0, right = 0;
    for (size_t i = 0; i < order.size(); ++i) {
        ++count;
        right += correct[order[i]] ? 1 : 0;
        // Candidates are the distinct confidences: take ties together.
        if (i + 1 < order.size() && confidence[order[i + 1]] == confidence[order[i]])
            continue;
        ThresholdPoint p{confidence[order[i]], count, right, double(right) / double(count),
                         wilsonLowerBound(right, count)};
        out.curve.push_back(p);
        if (count >= minCount && p.lowerBound >= target) {
            out.threshold = p.threshold; // lower thresholds come later: the last qualifying one wins
            out.at = p;
        }
    }
    return out;
}

} // namespace gw::activelearning
