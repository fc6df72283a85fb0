// Benchmark: consolidating 100,000 items × 5 workers (10 classes; 50 workers of varied accuracy, each item
// answered by 5 of them) with Ground Truth's modified Dawid-Skene, as Ground Truth stops it (2 epochs) and run
// to convergence, next to majority vote over the same answers. Target on 2 cores: ≤ 5 s.
//
//   build/tests/bench/bench_consolidate [ITEMS] [WORKERS_PER_ITEM]

#include "benchfigure.h"
#include "datasets/consolidation.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

using namespace gw::datasets::consolidation;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

} // namespace

int main(int argc, char **argv)
{
    const int items = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int perItem = argc > 2 ? std::atoi(argv[2]) : 5;
    constexpr int kClasses = 10, kWorkers = 50;
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<double> accuracy(kWorkers);
    for (double &a : accuracy)
        a = 0.5 + 0.45 * u(rng);
    std::vector<int> truth(static_cast<size_t>(items));
    std::vector<Answer> answers;
    answers.reserve(size_t(items) * size_t(perItem));
    std::uniform_int_distribution<int> cls(0, kClasses - 1), worker(0, kWorkers - 1);
    for (int i = 0; i < items; ++i) {
        truth[size_t(i)] = cls(rng);
        const int first = worker(rng);
        for (int k = 0; k < perItem; ++k) {
            const int w = (first + k * 7) % kWorkers; // distinct workers per item
            int label = truth[size_t(i)];
            if (u(rng) > accuracy[size_t(w)])
                label = (label + 1 + std::uniform_int_distribution<int>(0, kClasses - 2)(rng)) % kClasses;
            answers.push_back({i, w, label});
        }
    }
    auto right = [&](const Outcome &o) {
        int64_t n = 0;
        for (const Consolidated &c : o.items)
            n += c.label == truth[size_t(c.item)];
        return double(n) / items;
    };
    auto t = Clock::now();
    const Outcome gt = dawidSkene(answers, kClasses);
    const double gtS = secondsSince(t);
    Options full;
    full.groundTruthStopping = false;
    t = Clock::now();
    const Outcome converged = dawidSkene(answers, kClasses, full);
    const double fullS = secondsSince(t);
    t = Clock::now();
    const Outcome majority = majorityVote(answers, kClasses);
    const double majorityS = secondsSince(t);
    std::printf("%d items x %d answers, %d classes, %d workers\n", items, perItem, kClasses, kWorkers);
    std::printf("  Dawid-Skene, Ground Truth's stopping: %.3f s, %d epochs, correct %.4f\n", gtS, gt.epochs, right(gt));
    std::printf("  Dawid-Skene, to convergence:          %.3f s, %d epochs, correct %.4f\n", fullS, converged.epochs,
                right(converged));
    std::printf("  majority vote:                        %.3f s, correct %.4f\n", majorityS, right(majority));
    using gw::bench::Better;
    bool ok = gw::bench::figure("consolidate", "Dawid-Skene 100k x 5 (Ground Truth's 2 epochs)", gtS, "s", Better::Lower, 5);
    ok &= gw::bench::figure("consolidate", "Dawid-Skene 100k x 5 to convergence", fullS, "s", Better::Lower, 5);
    gw::bench::figure("consolidate", "majority vote 100k x 5 (baseline)", majorityS, "s", Better::Lower);
    ok &= gw::bench::figure("consolidate", "Dawid-Skene correct", right(converged), "share", Better::Higher, right(majority));
    gw::bench::figure("consolidate", "majority vote correct", right(majority), "share", Better::Higher);
    return ok ? 0 : 2;
}
