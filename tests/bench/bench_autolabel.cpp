// Benchmark: automated labeling on two real datasets, with a simulated annotator who answers from the truth,
// against a plain baseline in the same run.
//
//   build/tests/bench/bench_autolabel [--digits digits.png] [--texts sections12.jsonl] [--only digits|texts]
//                                     [--target 0.95] [--batch 250] [--threads 2]
//
// Datasets: the 5,000 handwritten digits of OpenCV's digits.png (20×20 cells, 500 per class) and the Debian
// package descriptions of twelve sections (scripts/sample-data.sh writes data/texts/sections12.jsonl).
//
// Groundwork's loop (gw::activelearning::AutoLabeler): CNN / fastText-style model, temperature scaling, the
// threshold whose 95% Wilson lower bound reaches the target, audits, uncertain and diverse queue.
// Baseline: multinomial logistic regression on raw pixels / TF-IDF, the same random validation sample and batch
// size, least-confident queue, threshold = lowest confidence whose raw validation accuracy reaches the target
// (no bound, no calibration, no audit).
//
// Targets at 0.95: auto-labels at least 0.95 accurate against the truth on both sets; digits at least 75%
// auto-labelled with at most 25% labelled by people (validation included); texts at least 40% auto-labelled;
// one round (train + score everything) at most 20 s for digits and 10 s for texts.

#include "benchfigure.h"
#include "activelearning/autolabeler.h"
#include "datasets/json.h"
#include "datasets/linereader.h"
#include "labeling/labeler.h"

#include <QCoreApplication>
#include <QImage>
#include <QTemporaryDir>

#include <Eigen/Dense>
#include <Eigen/Sparse>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

using namespace gw;
using namespace gw::datasets;
using namespace gw::activelearning;

namespace {

using Clock = std::chrono::steady_clock;
using SparseRows = Eigen::SparseMatrix<float, Eigen::RowMajor>;

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Dataset
{
    std::string name;
    TaskType type = TaskType::ImageClassification;
    std::vector<std::string> classNames;
    std::vector<int> truth;        ///< class of item i (items are added in this order)
    std::vector<std::string> text; ///< texts, or image paths
    SparseRows features;           ///< the baseline's: pixels or TF-IDF, one row per item
};

struct Figures
{
    int64_t items = 0, human = 0, autoLabelled = 0, autoRight = 0;
    int rounds = 0;
    double maxRound = 0, meanRound = 0, firstRound = 0, total = 0;
    double accuracy() const { return autoLabelled ? double(autoRight) / double(autoLabelled) : 0; }
    double autoShare() const { return double(autoLabelled) / double(std::max<int64_t>(1, items)); }
    double humanShare() const { return double(human) / double(std::max<int64_t>(1, items)); }
};

// ---- data ----

bool loadDigits(const std::string &sheetPath, const QString &dir, Dataset &d)
{
    QImage sheet(QString::fromStdString(sheetPath));
    if (sheet.isNull()) {
        std::fprintf(stderr, "bench_autolabel: cannot read %s (package opencv-doc)\n", sheetPath.c_str());
        return false;
    }
    sheet = sheet.convertToFormat(QImage::Format_Grayscale8);
    d.name = "digits";
    d.type = TaskType::ImageClassification;
    for (int c = 0; c < 10; ++c)
        d.classNames.push_back(std::to_string(c));
    const int n = 5000;
    std::vector<Eigen::Triplet<float>> pixels;
    for (int i = 0; i < n; ++i) {
        const QImage cell = sheet.copy((i % 100) * 20, (i / 100) * 20, 20, 20);
        const QString path = dir + QStringLiteral("/%1.png").arg(i, 4, 10, QLatin1Char('0'));
        if (!cell.save(path))
            return false;
        d.text.push_back(path.toStdString());
        d.truth.push_back(i / 500);
        for (int y = 0; y < 20; ++y)
            for (int x = 0; x < 20; ++x)
                if (const int v = cell.constScanLine(y)[x])
                    pixels.emplace_back(i, y * 20 + x, float(v) / 255.f);
    }
    d.features.resize(n, 400);
    d.features.setFromTriplets(pixels.begin(), pixels.end());
    return true;
}

std::vector<std::string> words(const std::string &text)
{
    std::vector<std::string> out;
    std::string w;
    for (char ch : text + ' ') {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c >= 0x80) {
            w += char(std::tolower(c));
        } else if (!w.empty()) {
            out.push_back(std::move(w));
            w.clear();
        }
    }
    return out;
}

bool loadTexts(const std::string &path, Dataset &d)
{
    LineReader reader;
    if (auto r = reader.open(path); !r) {
        std::fprintf(stderr, "bench_autolabel: %s (scripts/sample-data.sh writes it)\n", r.error().message.c_str());
        return false;
    }
    d.name = "texts";
    d.type = TaskType::TextClassification;
    std::map<std::string, int> classOf;
    std::string_view line;
    while (reader.next(line)) {
        json::Value v;
        if (!json::parse(line, v) || !v.find("source") || !v.find("section"))
            continue;
        const std::string &section = v.find("section")->toString();
        auto [it, added] = classOf.emplace(section, int(classOf.size()));
        if (added)
            d.classNames.push_back(section);
        d.text.push_back(v.find("source")->toString());
        d.truth.push_back(it->second);
    }
    // TF-IDF over word unigrams and bigrams, sublinear term frequency, rows scaled to unit length.
    std::unordered_map<std::string, int> vocabulary;
    std::vector<std::vector<std::pair<int, float>>> rows(d.text.size());
    std::vector<int> documentFrequency;
    for (size_t i = 0; i < d.text.size(); ++i) {
        const auto w = words(d.text[i]);
        std::map<int, float> counts;
        for (size_t k = 0; k < w.size(); ++k) {
            for (const std::string &term : {w[k], k + 1 < w.size() ? w[k] + ' ' + w[k + 1] : std::string()}) {
                if (term.empty())
                    continue;
                auto [it, added] = vocabulary.emplace(term, int(vocabulary.size()));
                if (added)
                    documentFrequency.push_back(0);
                counts[it->second] += 1;
            }
        }
        for (const auto &[term, count] : counts) {
            ++documentFrequency[size_t(term)];
            rows[i].emplace_back(term, 1.f + std::log(count));
        }
    }
    std::vector<Eigen::Triplet<float>> entries;
    const double n = double(d.text.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        double norm = 0;
        for (auto &[term, tf] : rows[i]) {
            tf *= float(std::log((1 + n) / (1 + documentFrequency[size_t(term)])) + 1);
            norm += double(tf) * tf;
        }
        for (const auto &[term, tf] : rows[i])
            entries.emplace_back(int(i), term, float(tf / std::sqrt(std::max(norm, 1e-12))));
    }
    d.features.resize(Eigen::Index(d.text.size()), Eigen::Index(vocabulary.size()));
    d.features.setFromTriplets(entries.begin(), entries.end());
    return !d.text.empty();
}

// ---- Groundwork's loop, with the oracle playing the annotator ----

Figures runLoop(const Dataset &d, const QString &dir, const LoopOptions &options)
{
    Figures f;
    const std::string path = (dir + QStringLiteral("/%1.gwproj").arg(QString::fromStdString(d.name))).toStdString();
    auto store = ProjectStore::open(path, ProjectStore::OpenMode::Create);
    if (!store) {
        std::fprintf(stderr, "bench_autolabel: %s\n", store.error().message.c_str());
        return f;
    }
    std::unordered_map<int64_t, int> truth;
    {
        auto tx = (*store)->begin();
        for (size_t i = 0; i < d.text.size(); ++i) {
            Item it;
            if (d.type == TaskType::ImageClassification) {
                it.kind = MediaKind::Image;
                it.uri = d.text[i];
            } else {
                it.kind = MediaKind::Text;
                it.text = d.text[i];
            }
            if (auto r = (*tx)->addItem(it); !r) {
                std::fprintf(stderr, "bench_autolabel: item %zu: %s\n", i, r.error().message.c_str());
                return f;
            }
            truth[it.id] = d.truth[i];
        }
        (void)(*tx)->commit();
    }
    Job j;
    j.name = "label";
    j.type = d.type;
    for (size_t c = 0; c < d.classNames.size(); ++c)
        j.classes.push_back({int(c), d.classNames[c], defaultClassColor(int(c)), {}, {}});
    auto job = (*store)->createJob(j);
    if (!job)
        return f;
    f.items = int64_t(d.text.size());
    AutoLabeler loop(**store, *job, options);
    labeling::Labeler oracle(**store, "oracle");
    std::printf("  round  people  auto(all)  threshold  val.acc  estimated  audited  vs.truth  train+score  round\n");
    const auto started = Clock::now();
    double sum = 0;
    for (int round = 0; round < 100; ++round) {
        if (auto r = loop.start(); !r) {
            std::fprintf(stderr, "bench_autolabel: %s\n", r.error().message.c_str());
            return f;
        }
        const auto queue = loop.humanQueue();
        for (int64_t id : queue ? *queue : std::vector<int64_t>{}) {
            Payload p;
            p.classes = {truth.at(id)};
            p.classConfidence = {std::nullopt};
            (void)oracle.setLabel(*job, *(*store)->item(id), p);
        }
        const auto t = Clock::now();
        auto r = loop.iterate();
        const double seconds = since(t);
        if (!r) {
            std::fprintf(stderr, "bench_autolabel: %s\n", r.error().message.c_str());
            return f;
        }
        int64_t right = 0, total = 0;
        (void)(*store)->forEachAnnotation(job->id, [&](const Annotation &a) {
            if (a.provenance.source == Source::Auto) {
                ++total;
                right += a.payload.classes.front() == truth.at(a.itemId);
            }
            return true;
        });
        if (r->trained) {
            const double work = r->trainSeconds + r->scoreSeconds;
            f.maxRound = std::max(f.maxRound, work);
            f.firstRound = f.rounds == 0 ? seconds : f.firstRound;
            sum += work;
            ++f.rounds;
        }
        std::printf("  %5d  %6lld  %9lld  %9s  %7.3f  %9.3f  %7s  %8.4f  %9.1f s  %5.1f s\n", r->iteration,
                    static_cast<long long>(r->humanLabels), static_cast<long long>(r->autoLabeledTotal),
                    r->threshold ? std::to_string(*r->threshold).substr(0, 6).c_str() : "-", r->validationAccuracy,
                    r->estimatedAccuracy,
                    r->auditedAccuracy ? std::to_string(*r->auditedAccuracy).substr(0, 5).c_str() : "-",
                    total ? double(right) / double(total) : 0.0, r->trainSeconds + r->scoreSeconds, seconds);
        std::fflush(stdout);
        f.autoLabelled = total;
        f.autoRight = right;
        if (r->stop)
            break;
    }
    f.total = since(started);
    f.meanRound = f.rounds ? sum / f.rounds : 0;
    (void)(*store)->forEachAnnotation(job->id, [&](const Annotation &a) {
        f.human += a.provenance.source == Source::Human ? 1 : 0;
        return true;
    });
    return f;
}

// ---- the baseline ----

/// Multinomial logistic regression (L2), full-batch Adam.
struct LogisticRegression
{
    Eigen::MatrixXf w;
    Eigen::RowVectorXf b;

    void fit(const SparseRows &x, const std::vector<int> &labels, int classes, int steps = 300, float lr = 0.05f,
             float l2 = 1e-4f)
    {
        const Eigen::Index n = x.rows(), dim = x.cols();
        w = Eigen::MatrixXf::Zero(dim, classes);
        b = Eigen::RowVectorXf::Zero(classes);
        Eigen::MatrixXf y = Eigen::MatrixXf::Zero(n, classes);
        for (Eigen::Index i = 0; i < n; ++i)
            y(i, labels[size_t(i)]) = 1;
        Eigen::MatrixXf mw = Eigen::MatrixXf::Zero(dim, classes), vw = mw;
        Eigen::RowVectorXf mb = Eigen::RowVectorXf::Zero(classes), vb = mb;
        const float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
        for (int step = 1; step <= steps; ++step) {
            Eigen::MatrixXf g = probabilities(x) - y;
            g /= float(n);
            const Eigen::MatrixXf gw = Eigen::MatrixXf(x.transpose() * g) + l2 * w;
            const Eigen::RowVectorXf gb = g.colwise().sum();
            mw = beta1 * mw + (1 - beta1) * gw;
            vw = beta2 * vw + (1 - beta2) * gw.cwiseAbs2();
            mb = beta1 * mb + (1 - beta1) * gb;
            vb = beta2 * vb + (1 - beta2) * gb.cwiseAbs2();
            const float c1 = 1 - std::pow(beta1, float(step)), c2 = 1 - std::pow(beta2, float(step));
            w.array() -= lr * (mw.array() / c1) / ((vw.array() / c2).sqrt() + eps);
            b.array() -= lr * (mb.array() / c1) / ((vb.array() / c2).sqrt() + eps);
        }
    }

    Eigen::MatrixXf probabilities(const SparseRows &x) const
    {
        Eigen::MatrixXf z = x * w;
        z.rowwise() += b;
        for (Eigen::Index i = 0; i < z.rows(); ++i) {
            z.row(i).array() -= z.row(i).maxCoeff();
            z.row(i) = z.row(i).array().exp();
            z.row(i) /= z.row(i).sum();
        }
        return z;
    }
};

SparseRows selectRows(const SparseRows &x, const std::vector<int> &rows)
{
    SparseRows out(Eigen::Index(rows.size()), x.cols());
    std::vector<Eigen::Triplet<float>> entries;
    for (size_t i = 0; i < rows.size(); ++i)
        for (SparseRows::InnerIterator it(x, rows[i]); it; ++it)
            entries.emplace_back(int(i), int(it.col()), it.value());
    out.setFromTriplets(entries.begin(), entries.end());
    return out;
}

Figures runBaseline(const Dataset &d, const LoopOptions &options)
{
    Figures f;
    const int n = int(d.text.size()), classes = int(d.classNames.size());
    f.items = n;
    enum State : uint8_t { Unlabelled, Human, Auto };
    std::vector<State> state(static_cast<size_t>(n), Unlabelled);
    std::vector<int> label(static_cast<size_t>(n), -1);
    std::vector<int> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(options.seed);
    std::shuffle(order.begin(), order.end(), rng);
    // The same sample sizes as the loop: a random probe and validation sample labelled by people first.
    const int probe = std::max(options.probeMin, int(std::ceil(options.probeFraction * n)));
    const int validationSize = std::max(options.validationMin, int(std::ceil(options.validationFraction * n)));
    std::vector<int> validation(order.begin() + probe, order.begin() + probe + validationSize);
    std::vector<int> queue(order.begin(), order.begin() + probe + validationSize);
    std::set<int> isValidation(validation.begin(), validation.end());
    const auto started = Clock::now();
    double sum = 0;
    for (int round = 0; round < 100; ++round) {
        for (int i : queue) {
            state[size_t(i)] = Human;
            label[size_t(i)] = d.truth[size_t(i)];
        }
        queue.clear();
        std::vector<int> trainRows, trainLabels, valLabels, open;
        for (int i = 0; i < n; ++i) {
            if (state[size_t(i)] == Human && !isValidation.count(i)) {
                trainRows.push_back(i);
                trainLabels.push_back(label[size_t(i)]);
            } else if (state[size_t(i)] == Unlabelled) {
                open.push_back(i);
            }
        }
        if (open.empty())
            break;
        const auto t = Clock::now();
        LogisticRegression model;
        model.fit(selectRows(d.features, trainRows), trainLabels, classes);
        // Raw confidence on the validation sample; the lowest threshold whose accuracy above reaches the target.
        const Eigen::MatrixXf pv = model.probabilities(selectRows(d.features, validation));
        std::vector<std::pair<float, bool>> scored;
        for (Eigen::Index i = 0; i < pv.rows(); ++i) {
            Eigen::Index best = 0;
            const float confidence = pv.row(i).maxCoeff(&best);
            scored.emplace_back(confidence, int(best) == d.truth[size_t(validation[size_t(i)])]);
        }
        std::sort(scored.begin(), scored.end(), [](auto a, auto b) { return a.first > b.first; });
        std::optional<float> threshold;
        int64_t right = 0;
        for (size_t k = 0; k < scored.size(); ++k) {
            right += scored[k].second;
            if (double(right) / double(k + 1) >= options.target)
                threshold = scored[k].first;
        }
        const Eigen::MatrixXf po = model.probabilities(selectRows(d.features, open));
        const double work = since(t);
        sum += work;
        f.maxRound = std::max(f.maxRound, work);
        ++f.rounds;
        std::vector<std::pair<float, int>> uncertain;
        for (Eigen::Index i = 0; i < po.rows(); ++i) {
            Eigen::Index best = 0;
            const float confidence = po.row(i).maxCoeff(&best);
            const int item = open[size_t(i)];
            if (threshold && confidence >= *threshold) {
                state[size_t(item)] = Auto;
                label[size_t(item)] = int(best);
            } else {
                uncertain.emplace_back(confidence, item);
            }
        }
        std::sort(uncertain.begin(), uncertain.end());
        for (size_t k = 0; k < uncertain.size() && k < size_t(options.batchSize); ++k)
            queue.push_back(uncertain[k].second);
        if (queue.empty())
            break;
    }
    f.total = since(started);
    f.meanRound = f.rounds ? sum / f.rounds : 0;
    for (int i = 0; i < n; ++i) {
        f.human += state[size_t(i)] == Human;
        if (state[size_t(i)] == Auto) {
            ++f.autoLabelled;
            f.autoRight += label[size_t(i)] == d.truth[size_t(i)];
        }
    }
    return f;
}

// ---- report ----

const char *mark(bool ok)
{
    return ok ? "met" : "MISSED";
}

bool report(const Dataset &d, const Figures &ours, const Figures &base, double target, double minAuto,
            double maxHuman, double maxRound)
{
    std::printf("\n%s: %lld items, %zu classes, target %.2f\n", d.name.c_str(), static_cast<long long>(ours.items),
                d.classNames.size(), target);
    std::printf("  %-26s %10s %10s %10s %14s %14s %10s\n", "", "auto", "people", "accuracy", "round (max)",
                "round (mean)", "total");
    for (const auto &[name, f] : {std::pair<const char *, const Figures &>{"Groundwork loop", ours},
                                  std::pair<const char *, const Figures &>{"baseline (LR, raw thr.)", base}})
        std::printf("  %-26s %9.1f%% %9.1f%% %10.4f %12.1f s %12.1f s %8.1f s\n", name, 100 * f.autoShare(),
                    100 * f.humanShare(), f.accuracy(), f.maxRound, f.meanRound, f.total);
    const bool accuracy = ours.accuracy() >= target && ours.autoLabelled > 0;
    const bool share = ours.autoShare() >= minAuto;
    const bool people = ours.humanShare() <= maxHuman;
    const bool speed = ours.maxRound <= maxRound;
    std::printf("  target: auto-label accuracy >= %.2f: %.4f %s (baseline %.4f: %s)\n", target, ours.accuracy(),
                mark(accuracy), base.accuracy(), base.accuracy() >= target ? "meets it" : "misses it");
    std::printf("  target: auto-labeled >= %.0f%%: %.1f%% %s\n", 100 * minAuto, 100 * ours.autoShare(), mark(share));
    if (maxHuman < 1)
        std::printf("  target: labeled by people <= %.0f%%: %.1f%% %s\n", 100 * maxHuman, 100 * ours.humanShare(),
                    mark(people));
    std::printf("  target: one round (train + score everything) <= %.0f s: %.1f s %s (first round with reading the "
                "inputs: %.1f s)\n",
                maxRound, ours.maxRound, mark(speed), ours.firstRound);
    using gw::bench::Better;
    const std::string n = d.name;
    gw::bench::figure("autolabel", (n + ": auto-label accuracy").c_str(), ours.accuracy(), "", Better::Higher, target);
    gw::bench::figure("autolabel", (n + ": auto-labeled").c_str(), 100 * ours.autoShare(), "%", Better::Higher,
                  100 * minAuto);
    gw::bench::figure("autolabel", (n + ": labeled by people").c_str(), 100 * ours.humanShare(), "%", Better::Lower,
                  maxHuman < 1 ? std::optional<double>(100 * maxHuman) : std::nullopt);
    gw::bench::figure("autolabel", (n + ": longest round").c_str(), ours.maxRound, "s", Better::Lower, maxRound);
    gw::bench::figure("autolabel", (n + ": baseline accuracy").c_str(), base.accuracy(), "", Better::Higher);
    return accuracy && share && people && speed;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::string digitsPath = "/usr/share/doc/opencv-doc/examples/data/digits.png";
    std::string textsPath = std::string(GW_SOURCE_DIR) + "/data/texts/sections12.jsonl";
    std::string only;
    LoopOptions options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i], value = argv[i + 1];
        if (key == "--digits")
            digitsPath = value;
        else if (key == "--texts")
            textsPath = value;
        else if (key == "--only")
            only = value;
        else if (key == "--target")
            options.target = std::stod(value);
        else if (key == "--batch")
            options.batchSize = std::stoi(value);
        else if (key == "--threads")
            options.model.threads = std::stoi(value);
        else {
            std::fprintf(stderr, "usage: bench_autolabel [--digits PNG] [--texts JSONL] [--only digits|texts] "
                                 "[--target P] [--batch N] [--threads N]\n");
            return 2;
        }
    }
    QTemporaryDir dir;
    bool ok = true;
    if (only.empty() || only == "digits") {
        Dataset d;
        if (!loadDigits(digitsPath, dir.path(), d))
            return 1;
        std::printf("digits: Groundwork loop\n");
        const Figures ours = runLoop(d, dir.path(), options);
        const Figures base = runBaseline(d, options);
        ok = report(d, ours, base, options.target, 0.75, 0.25, 20) && ok;
    }
    if (only.empty() || only == "texts") {
        Dataset d;
        if (!loadTexts(textsPath, d))
            return 1;
        std::printf("\ntexts: Groundwork loop\n");
        const Figures ours = runLoop(d, dir.path(), options);
        const Figures base = runBaseline(d, options);
        ok = report(d, ours, base, options.target, 0.40, 1.0, 10) && ok;
    }
    std::printf("\n%s\n", ok ? "all targets met" : "some targets MISSED");
    return ok ? 0 : 2;
}
