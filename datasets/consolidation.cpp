#include "datasets/consolidation.h"

#include <algorithm>
#include <map>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

namespace gw::datasets::consolidation {

namespace {

double round2(double x)
{
    return std::round(x * 100.0) / 100.0;
}

/// Answers grouped by item: the items in order and, for each, its range in the sorted answers.
struct Grouped
{
    std::vector<Answer> answers; ///< valid ones, sorted by item (stable)
    std::vector<int64_t> items;
    std::vector<size_t> begin;   ///< items.size() + 1 offsets
    int workers = 0;
};

Grouped group(const std::vector<Answer> &in, int classes)
{
    Grouped g;
    g.answers.reserve(in.size());
    for (const Answer &a : in)
        if (a.label >= 0 && a.label < classes && a.worker >= 0) {
            g.answers.push_back(a);
            g.workers = std::max(g.workers, a.worker + 1);
        }
    std::stable_sort(g.answers.begin(), g.answers.end(), [](const Answer &a, const Answer &b) { return a.item < b.item; });
    for (size_t i = 0; i < g.answers.size(); ++i)
        if (i == 0 || g.answers[i].item != g.answers[i - 1].item) {
            g.items.push_back(g.answers[i].item);
            g.begin.push_back(i);
        }
    g.begin.push_back(g.answers.size());
    return g;
}

/// The K×K matrix with x on the diagonal and the rest spread evenly off it, added n times into m.
void addPrior(std::vector<double> &m, int k, double x, double n)
{
    const double off = k > 1 ? (1.0 - x) / double(k - 1) : 0.0;
    for (int t = 0; t < k; ++t)
        for (int l = 0; l < k; ++l)
            m[size_t(t * k + l)] += n * (t == l ? x : off);
}

} // namespace

int Workers::index(const std::string &id)
{
    auto [it, added] = m_index.emplace(id, int(m_ids.size()));
    if (added)
        m_ids.push_back(id);
    return it->second;
}

Outcome dawidSkene(const std::vector<Answer> &answers, int classes, const Options &options)
{
    Outcome out;
    if (classes < 1)
        return out;
    const int k = classes;
    const Grouped g = group(answers, k);
    const size_t items = g.items.size();
    const auto workers = size_t(g.workers);

    // Item posteriors (row per item), worker confusion matrices (row: true class, column: the answer).
    std::vector<double> posterior(items * size_t(k), 1.0 / k);
    std::vector<std::vector<double>> confusion(workers, std::vector<double>(size_t(k * k)));
    for (auto &c : confusion) {
        std::fill(c.begin(), c.end(), 0.0);
        addPrior(c, k, options.workerPrior, 1.0);
    }
    std::vector<double> accuracy(workers, options.workerPrior);
    std::vector<int64_t> counts(workers, 0);
    for (const Answer &a : g.answers)
        ++counts[size_t(a.worker)];
    double allPrior = options.workerPrior;
    double previous = 0;
    std::vector<double> logp(static_cast<size_t>(k)), prior(static_cast<size_t>(k));
    std::vector<std::vector<double>> logConfusion(workers, std::vector<double>(size_t(k * k)));

    for (int epoch = 0; epoch < std::max(1, options.maxEpochs); ++epoch) {
        out.epochs = epoch + 1;
        // E-step: the class prior from the current posteriors, then each item's posterior.
        std::fill(prior.begin(), prior.end(), 0.0);
        for (size_t i = 0; i < items; ++i)
            for (int t = 0; t < k; ++t)
                prior[size_t(t)] += posterior[i * size_t(k) + size_t(t)];
        const double total = std::accumulate(prior.begin(), prior.end(), 0.0);
        for (double &p : prior)
            p = total > 0 ? std::log(std::max(p / total, std::numeric_limits<double>::min())) : std::log(1.0 / k);
        for (size_t j = 0; j < workers; ++j)
            for (size_t c = 0; c < size_t(k * k); ++c)
                logConfusion[j][c] = std::log(std::max(confusion[j][c], std::numeric_limits<double>::min()));
        double logLikelihood = 0;
        for (size_t i = 0; i < items; ++i) {
            std::copy(prior.begin(), prior.end(), logp.begin());
            for (size_t a = g.begin[i]; a < g.begin[i + 1]; ++a) {
                const Answer &ans = g.answers[a];
                const std::vector<double> &lc = logConfusion[size_t(ans.worker)];
                for (int t = 0; t < k; ++t)
                    logp[size_t(t)] += lc[size_t(t * k + ans.label)];
            }
            const double top = *std::max_element(logp.begin(), logp.end());
            double sum = 0;
            for (double &v : logp)
                sum += (v = std::exp(v - top));
            logLikelihood += top + std::log(sum);
            for (int t = 0; t < k; ++t)
                posterior[i * size_t(k) + size_t(t)] = logp[size_t(t)] / sum;
        }
        if (epoch > 0 && previous != 0) {
            const double change = (logLikelihood - previous) / previous;
            if ((options.groundTruthStopping ? change : std::abs(change)) < options.tolerance)
                break;
        }
        previous = logLikelihood;
        // M-step: expected confusion counts, smoothed towards the worker's own and everyone's accuracy.
        for (auto &c : confusion)
            std::fill(c.begin(), c.end(), 0.0);
        for (size_t i = 0; i < items; ++i)
            for (size_t a = g.begin[i]; a < g.begin[i + 1]; ++a) {
                const Answer &ans = g.answers[a];
                std::vector<double> &c = confusion[size_t(ans.worker)];
                for (int t = 0; t < k; ++t)
                    c[size_t(t * k + ans.label)] += posterior[i * size_t(k) + size_t(t)];
            }
        double accuracySum = 0;
        int withAnswers = 0;
        for (size_t j = 0; j < workers; ++j) {
            std::vector<double> &c = confusion[j];
            const double n = std::accumulate(c.begin(), c.end(), 0.0);
            double trace = 0;
            for (int t = 0; t < k; ++t)
                trace += c[size_t(t * k + t)];
            accuracy[j] = n > 0 ? trace / n : options.workerPrior;
            if (n > 0) {
                accuracySum += accuracy[j];
                ++withAnswers;
            }
            addPrior(c, k, accuracy[j], n);
            addPrior(c, k, allPrior, n / 2);
            if (n == 0)
                addPrior(c, k, options.workerPrior, 1.0);
            for (int t = 0; t < k; ++t) {
                double row = 0;
                for (int l = 0; l < k; ++l)
                    row += c[size_t(t * k + l)];
                for (int l = 0; l < k; ++l)
                    c[size_t(t * k + l)] = row > 0 ? c[size_t(t * k + l)] / row : 1.0 / k;
            }
        }
        if (withAnswers > 0)
            allPrior = accuracySum / withAnswers;
    }

    out.items.reserve(items);
    for (size_t i = 0; i < items; ++i) {
        Consolidated c;
        c.item = g.items[i];
        c.answers = int(g.begin[i + 1] - g.begin[i]);
        c.posterior.assign(posterior.begin() + long(i * size_t(k)), posterior.begin() + long((i + 1) * size_t(k)));
        c.label = int(std::max_element(c.posterior.begin(), c.posterior.end()) - c.posterior.begin());
        c.confidence = c.answers < 2 ? 0.0 : std::min(round2(c.posterior[size_t(c.label)]), options.confidenceCap);
        out.items.push_back(std::move(c));
    }
    for (size_t j = 0; j < workers; ++j)
        if (counts[j] > 0)
            out.workers.push_back({int(j), counts[j], accuracy[j]});
    return out;
}

ChanceCorrected chanceCorrectedAgreement(const std::vector<Answer> &answers, int classes)
{
    ChanceCorrected out;
    std::map<int64_t, std::vector<int>> counts; // item → answers per class
    for (const Answer &a : answers)
        if (a.label >= 0 && a.label < classes) {
            auto &c = counts[a.item];
            c.resize(size_t(classes));
            ++c[size_t(a.label)];
        }
    // Krippendorff: coincidences within items (each pair of answers, weighted 1 / (answers - 1)).
    std::vector<double> n(size_t(classes), 0.0);
    double observedDisagreement = 0, total = 0;
    // Fleiss: per item, the share of agreeing pairs; per class, its share of all answers.
    double agreeingShare = 0;
    std::vector<double> classAnswers(size_t(classes), 0.0);
    double allAnswers = 0;
    for (const auto &[item, c] : counts) {
        double m = 0;
        for (int v : c)
            m += v;
        if (m < 2)
            continue;
        ++out.items;
        double sameSquares = 0;
        for (int k = 0; k < classes; ++k) {
            n[size_t(k)] += c[size_t(k)];
            sameSquares += double(c[size_t(k)]) * c[size_t(k)];
            classAnswers[size_t(k)] += c[size_t(k)];
        }
        total += m;
        allAnswers += m;
        // Pairs of different classes within the item, each counted in both orders, over m - 1.
        observedDisagreement += (m * m - sameSquares) / (m - 1);
        agreeingShare += (sameSquares - m) / (m * (m - 1));
    }
    if (out.items == 0)
        return out;
    double squares = 0;
    for (double v : n)
        squares += v * v;
    const double expectedDisagreement = (total * total - squares) / (total - 1); // pairs of different classes
    if (expectedDisagreement > 0)
        out.alpha = 1.0 - observedDisagreement / expectedDisagreement;
    const double observed = agreeingShare / double(out.items);
    double chance = 0;
    for (double v : classAnswers)
        chance += (v / allAnswers) * (v / allAnswers);
    if (chance < 1.0)
        out.kappa = (observed - chance) / (1.0 - chance);
    return out;
}

Outcome majorityVote(const std::vector<Answer> &answers, int classes)
{
    Outcome out;
    if (classes < 1)
        return out;
    const Grouped g = group(answers, classes);
    std::vector<int64_t> agree(size_t(g.workers), 0), counts(size_t(g.workers), 0);
    for (size_t i = 0; i < g.items.size(); ++i) {
        Consolidated c;
        c.item = g.items[i];
        c.posterior.assign(size_t(classes), 0.0);
        for (size_t a = g.begin[i]; a < g.begin[i + 1]; ++a)
            c.posterior[size_t(g.answers[a].label)] += 1.0;
        c.answers = int(g.begin[i + 1] - g.begin[i]);
        c.label = int(std::max_element(c.posterior.begin(), c.posterior.end()) - c.posterior.begin()); // first max
        for (double &v : c.posterior)
            v /= c.answers;
        c.confidence = round2(c.posterior[size_t(c.label)]);
        for (size_t a = g.begin[i]; a < g.begin[i + 1]; ++a) {
            ++counts[size_t(g.answers[a].worker)];
            agree[size_t(g.answers[a].worker)] += g.answers[a].label == c.label;
        }
        out.items.push_back(std::move(c));
    }
    for (size_t j = 0; j < counts.size(); ++j)
        if (counts[j] > 0)
            out.workers.push_back({int(j), counts[j], double(agree[j]) / double(counts[j])});
    out.epochs = 1;
    return out;
}

} // namespace gw::datasets::consolidation
