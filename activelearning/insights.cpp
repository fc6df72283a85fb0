#include "activelearning/insights.h"

#include "activelearning/calibration.h"
#include "activelearning/imagecache.h"
#include "datasets/media.h"

#include <Eigen/Dense>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <set>

namespace gw::activelearning {

using namespace gw::datasets;

std::pair<std::vector<std::array<float, 2>>, std::array<double, 2>> principalComponents(const std::vector<float> &rows,
                                                                                        int d)
{
    const Eigen::Index n = d > 0 ? Eigen::Index(rows.size() / size_t(d)) : 0;
    std::vector<std::array<float, 2>> points(size_t(n), {0.f, 0.f});
    std::array<double, 2> explained{0, 0};
    if (n < 2 || d < 1)
        return {points, explained};
    Eigen::MatrixXd x(n, d);
    for (Eigen::Index i = 0; i < n; ++i)
        for (int j = 0; j < d; ++j)
            x(i, j) = rows[size_t(i) * size_t(d) + size_t(j)];
    x.rowwise() -= x.colwise().mean();
    const Eigen::MatrixXd covariance = (x.transpose() * x) / double(n - 1);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance); // eigenvalues ascending
    const Eigen::VectorXd values = solver.eigenvalues();
    const double total = std::max(values.sum(), 1e-300);
    for (int k = 0; k < 2 && k < d; ++k) {
        Eigen::VectorXd axis = solver.eigenvectors().col(d - 1 - k);
        // A sign that does not depend on the solver: the largest component positive.
        Eigen::Index biggest = 0;
        axis.cwiseAbs().maxCoeff(&biggest);
        if (axis(biggest) < 0)
            axis = -axis;
        const Eigen::VectorXd projected = x * axis;
        for (Eigen::Index i = 0; i < n; ++i)
            points[size_t(i)][size_t(k)] = float(projected(i));
        explained[size_t(k)] = std::max(0.0, values(d - 1 - k)) / total;
    }
    return {points, explained};
}

Result<ModelInsights> modelInsights(const ProjectStore &store, const Job &job, const InsightOptions &o)
{
    const auto started = std::chrono::steady_clock::now();
    if (job.type != TaskType::ImageClassification && job.type != TaskType::TextClassification)
        return fail(Error::invalid("model insights need a single-label image or text classification job"));
    // People's labels (human, consolidated or imported; not the model's own).
    std::vector<int64_t> ids;
    std::vector<int> labels; // class positions
    if (auto r = store.forEachAnnotation(job.id, [&](const Annotation &a) {
            if (a.provenance.source == Source::Auto || a.payload.classes.size() != 1)
                return true;
            const int position = job.positionOf(a.payload.classes.front());
            if (position >= 0) {
                ids.push_back(a.itemId);
                labels.push_back(position);
            }
            return true;
        });
        !r)
        return fail(r.error());
    const int classes = int(job.classes.size());
    std::set<int> seen(labels.begin(), labels.end());
    if (ids.size() < size_t(std::max(10, 3 * o.folds)) || seen.size() < 2)
        return fail(Error::invalid("model insights need people's labels on at least " +
                                   std::to_string(std::max(10, 3 * o.folds)) + " items of two classes or more"));

    // The model's inputs, one row per labelled item.
    std::vector<std::string> texts, paths;
    for (int64_t id : ids) {
        auto item = store.item(id);
        if (!item)
            return fail(item.error());
        if (item->kind == MediaKind::Text)
            texts.push_back(item->text);
        else
            paths.push_back(media::resolve(store.projectDir(), item->uri));
    }
    std::shared_ptr<const ImageInputs> images;
    if (job.type == TaskType::ImageClassification) {
        ImageFeatureCache cache;
        auto inputs = cache.load(paths, 1, o.imageSize, o.imageSize, ImageFeatureCache::cacheDirForProject(store.path()));
        if (!inputs)
            return fail(inputs.error());
        images = *inputs;
    }

    // Folds: each item scored by a model trained on the others.
    std::vector<int> order(ids.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(o.seed);
    for (size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[size_t(rng() % i)]);
    std::vector<float> probs(ids.size() * size_t(classes), 0.f);
    ModelOptions mo;
    mo.seed = o.seed;
    mo.threads = o.threads;
    for (int fold = 0; fold < o.folds; ++fold) {
        std::vector<int> trainRows, trainLabels, valRows, valLabels, testRows;
        for (size_t k = 0; k < order.size(); ++k) {
            const int row = order[k];
            if (int(k % size_t(o.folds)) == fold)
                testRows.push_back(row);
            else if (k % 10 == 9) { // a tenth of the rest stops the training early
                valRows.push_back(row);
                valLabels.push_back(labels[size_t(row)]);
            } else {
                trainRows.push_back(row);
                trainLabels.push_back(labels[size_t(row)]);
            }
        }
        auto m = images ? makeImageClassifier(images) : makeTextClassifier(texts);
        if (!m)
            return fail(m.error());
        if (auto t = (*m)->train(trainRows, trainLabels, valRows, valLabels, classes, mo); !t)
            return fail(t.error());
        auto logits = (*m)->logits(testRows);
        if (!logits)
            return fail(logits.error());
        const std::vector<float> p = softmax(*logits, classes);
        for (size_t i = 0; i < testRows.size(); ++i)
            std::copy_n(p.begin() + long(i * size_t(classes)), classes, probs.begin() + long(size_t(testRows[i]) * size_t(classes)));
        if (o.progress && !o.progress(fold + 1, o.folds))
            return fail(Error::cancelled());
    }

    ModelInsights out;
    out.folds = o.folds;
    int64_t right = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
        const float *p = probs.data() + i * size_t(classes);
        const int best = int(std::max_element(p, p + classes) - p);
        right += best == labels[i];
        if (best != labels[i])
            out.suspects.push_back({ids[i], job.classes[size_t(labels[i])].id, job.classes[size_t(best)].id, p[best],
                                    p[labels[i]]});
    }
    out.outOfFoldAccuracy = double(right) / double(ids.size());
    std::sort(out.suspects.begin(), out.suspects.end(), [](const SuspectedError &a, const SuspectedError &b) {
        const double ma = a.confidence - a.givenProbability, mb = b.confidence - b.givenProbability;
        return ma != mb ? ma > mb : a.itemId < b.itemId;
    });
    if (out.suspects.size() > size_t(o.maxSuspects))
        out.suspects.resize(size_t(o.maxSuspects));
    // The map: a model trained on every labelled item, its own features (the layer before the class layer)
    // projected on their two principal axes.
    {
        std::vector<int> trainRows, trainLabels, valRows, valLabels, all(ids.size());
        std::iota(all.begin(), all.end(), 0);
        for (size_t k = 0; k < order.size(); ++k) {
            const int row = order[k];
            (k % 10 == 9 ? valRows : trainRows).push_back(row);
            (k % 10 == 9 ? valLabels : trainLabels).push_back(labels[size_t(row)]);
        }
        auto m = images ? makeImageClassifier(images) : makeTextClassifier(texts);
        if (!m)
            return fail(m.error());
        if (auto t = (*m)->train(trainRows, trainLabels, valRows, valLabels, classes, mo); !t)
            return fail(t.error());
        int dimension = 0;
        auto features = (*m)->embeddings(all, dimension);
        if (!features)
            return fail(features.error());
        auto [points, explained] = principalComponents(*features, dimension);
        out.map = std::move(points);
        out.explained = explained;
        out.featureDimension = dimension;
    }
    out.items = ids;
    for (int position : labels)
        out.classes.push_back(job.classes[size_t(position)].id);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

} // namespace gw::activelearning
