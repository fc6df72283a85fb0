// Benchmark: consolidating 100,000 items × 5 workers (10 classes; 50 workers of varied accuracy, each item
// answered by 5 of them) with Ground Truth's modified Dawid-Skene, as Ground Truth stops it (2 epochs) and run
// to convergence, next to majority vote over the same answers. Target on 2 cores: ≤ 5 s.
//
//   build/tests/bench/bench_consolidate [ITEMS] [WORKERS_PER_ITEM]

#include "benchfigure.h"
#include "datasets/consolidation.h"
#include "datasets/consolidateshapes.h"

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
    // Boxes: each item has three objects; each worker draws each with some jitter, misses one in ten and adds
    // a stray box one time in ten.
    std::vector<std::vector<std::vector<gw::datasets::Box>>> boxAnswers(static_cast<size_t>(items));
    std::normal_distribution<double> jitter(0, 3);
    for (int i = 0; i < items; ++i)
        for (int k = 0; k < perItem; ++k) {
            std::vector<gw::datasets::Box> drawn;
            for (int o = 0; o < 3; ++o) {
                if (u(rng) < 0.1)
                    continue;
                gw::datasets::Box b;
                b.classId = o % 2;
                b.left = 100.0 * o + jitter(rng);
                b.top = 50.0 * o + jitter(rng);
                b.width = 80 + jitter(rng);
                b.height = 60 + jitter(rng);
                drawn.push_back(b);
            }
            if (u(rng) < 0.1) {
                gw::datasets::Box stray;
                stray.left = 500 + 50 * u(rng);
                stray.top = 400;
                stray.width = stray.height = 20;
                drawn.push_back(stray);
            }
            boxAnswers[size_t(i)].push_back(std::move(drawn));
        }
    auto tb = Clock::now();
    size_t kept = 0;
    for (const auto &item : boxAnswers)
        kept += gw::datasets::consolidation::boxes(item).size();
    const double boxesS = secondsSince(tb);
    std::printf("  boxes (3 objects, %d workers each):      %.3f s, %.3f boxes kept per item (3 drawn)\n", perItem,
                boxesS, double(kept) / items);
    using gw::bench::Better;
    bool ok = gw::bench::figure("consolidate", "Dawid-Skene 100k x 5 (Ground Truth's 2 epochs)", gtS, "s", Better::Lower, 5);
    ok &= gw::bench::figure("consolidate", "Dawid-Skene 100k x 5 to convergence", fullS, "s", Better::Lower, 5);
    gw::bench::figure("consolidate", "majority vote 100k x 5 (baseline)", majorityS, "s", Better::Lower);
    ok &= gw::bench::figure("consolidate", "Dawid-Skene correct", right(converged), "share", Better::Higher, right(majority));
    gw::bench::figure("consolidate", "majority vote correct", right(majority), "share", Better::Higher);
    ok &= gw::bench::figure("consolidate", "boxes 100k x 5 (3 objects each)", boxesS, "s", Better::Lower, 5);
    ok &= gw::bench::figure("consolidate", "boxes kept per item (3 objects)", double(kept) / items, "boxes",
                            Better::Higher, 2.9);
    return ok ? 0 : 2;
}
