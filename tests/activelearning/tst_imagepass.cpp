// When an automatic label of an image passes (activelearning/imagepass.h): Ground Truth's per-image mean IoU
// worked out by hand, the features of a model's answer, and the pass model that turns them into a confidence,
// on constructed cases whose true pass probability is known — and the threshold it leads to keeps its promise
// on images it has not seen.

#include "activelearning/calibration.h"
#include "activelearning/imagepass.h"

#include <QTest>

#include <cmath>
#include <random>

using namespace gw;
using namespace gw::activelearning;
using datasets::Box;
using datasets::mask::IndexedMask;

namespace {

Box box(int cls, double x, double y, double w, double h, std::optional<double> confidence = std::nullopt)
{
    return Box{cls, x, y, w, h, confidence};
}

bool near(double a, double b, double tolerance = 1e-9)
{
    return std::abs(a - b) <= tolerance;
}

/// Images whose chance of passing is sigmoid(12 (x - 0.5)) for a feature x in [0, 1], with a second feature that
/// says nothing.
struct Sample
{
    std::vector<std::vector<double>> features;
    std::vector<bool> passed;
    std::vector<double> truth; ///< the true pass probability
};

Sample draw(size_t n, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    Sample s;
    for (size_t i = 0; i < n; ++i) {
        const double x = u(rng), noise = u(rng);
        const double p = 1 / (1 + std::exp(-12 * (x - 0.5)));
        s.features.push_back({x, noise});
        s.passed.push_back(u(rng) < p);
        s.truth.push_back(p);
    }
    return s;
}

} // namespace

class TestImagePass : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void boxIouByHand()
    {
        QVERIFY(near(boxIoU(box(0, 0, 0, 10, 10), box(0, 5, 0, 10, 10)), 50.0 / 150.0));
        QCOMPARE(boxIoU(box(0, 0, 0, 10, 10), box(0, 10, 0, 10, 10)), 0.0); // touching
        QCOMPARE(boxIoU(box(0, 0, 0, 0, 10), box(0, 0, 0, 0, 10)), 0.0);   // empty
    }

    void imageBoxIouByHand()
    {
        const Box a1 = box(0, 0, 0, 10, 10), a2 = box(0, 20, 20, 10, 10);
        QCOMPARE(imageBoxIoU({}, {}), 1.0);
        QCOMPARE(imageBoxIoU({}, {a1, a2}), 0.0);
        QCOMPARE(imageBoxIoU({a1}, {}), 0.0);
        QCOMPARE(imageBoxIoU({a1, a2}, {a2, a1}), 1.0);
        // A third matched, one missed: (1/3 + 0) / 2.
        QVERIFY(near(imageBoxIoU({box(0, 5, 0, 10, 10)}, {a1, a2}), (1.0 / 3.0) / 2));
        // A spurious box counts 0: (1 + 1 + 0) / 3.
        QVERIFY(near(imageBoxIoU({a1, a2, box(0, 50, 50, 5, 5)}, {a1, a2}), 2.0 / 3.0));
        // Classes are averaged: class 0 perfect, class 1 missed.
        QVERIFY(near(imageBoxIoU({a1}, {a1, box(1, 40, 40, 5, 5)}), 0.5));
        // The right place with the wrong class is a miss and a spurious box.
        QCOMPARE(imageBoxIoU({box(1, 0, 0, 10, 10)}, {a1}), 0.0);
        // The more confident prediction takes the reference, even when the other overlaps it more.
        const Box half = box(0, 5, 0, 10, 10, 0.9), most = box(0, 1, 0, 10, 10, 0.8);
        QVERIFY(near(imageBoxIoU({most, half}, {a1}), (1.0 / 3.0) / 2));
    }

    void imageMaskIouByHand()
    {
        const IndexedMask reference{4, 1, {1, 1, 0, 2}};
        // Class 1: 1 of 2 pixels; class 2: all; background left out.
        QVERIFY(near(imageMaskIoU(IndexedMask{4, 1, {1, 0, 0, 2}}, reference), (0.5 + 1.0) / 2));
        QCOMPARE(imageMaskIoU(reference, reference), 1.0);
        QCOMPARE(imageMaskIoU(IndexedMask{4, 1, {0, 0, 0, 0}}, IndexedMask{4, 1, {0, 0, 0, 0}}), 1.0);
        QCOMPARE(imageMaskIoU(IndexedMask{4, 1, {0, 0, 0, 0}}, reference), 0.0);
        QCOMPARE(imageMaskIoU(IndexedMask{2, 2, {1, 1, 0, 2}}, reference), 0.0); // another size
    }

    void answerFeatures()
    {
        const std::vector<Box> found{box(0, 0, 0, 10, 10, 0.9), box(0, 20, 0, 10, 10, 0.6), box(0, 40, 0, 5, 5, 0.3),
                                     box(0, 60, 0, 5, 5, 0.1)};
        BoxAnswerFeatures f = boxAnswerFeatures(found, found);
        QCOMPARE(f.weakestKept, 0.6);
        QCOMPARE(f.doubtful, 1.0);
        QCOMPARE(f.kept, 2.0);
        QCOMPARE(f.flipAgreement, 1.0);
        // The mirrored image lost the weaker box: half the boxes agree.
        f = boxAnswerFeatures(found, {found[0]});
        QVERIFY(near(f.flipAgreement, 0.5));
        QCOMPARE(boxAnswerFeatures({}, {}).weakestKept, 1.0);

        const std::vector<float> probabilities{1.0F, 0.0F, 0.5F, 0.5F};
        const IndexedMask answer{2, 1, {0, 1}};
        const MaskAnswerFeatures m = maskAnswerFeatures(probabilities, 2, answer, answer);
        QVERIFY(near(m.meanEntropy, std::log(2.0) / 2, 1e-6));
        QCOMPARE(m.uncertainShare, 0.5);
        QCOMPARE(m.flipAgreement, 1.0);
    }

    void passModelIsCalibrated()
    {
        // Fitted on 1,000 images, it predicts the true pass probability of 20,000 others closely, bin by bin.
        const Sample train = draw(1000, 7), test = draw(20000, 8);
        const PassModel model = PassModel::fit(train.features, train.passed);
        QVERIFY(std::abs(model.weights()[0]) > 5 * std::abs(model.weights()[1])); // the feature that matters
        double worst = 0;
        for (int bin = 0; bin < 10; ++bin) {
            int64_t n = 0, passed = 0;
            double predicted = 0;
            for (size_t i = 0; i < test.passed.size(); ++i) {
                const double p = model.predict(test.features[i]);
                if (int(p * 10) != bin)
                    continue;
                ++n;
                passed += test.passed[i];
                predicted += p;
            }
            if (n < 200)
                continue;
            worst = std::max(worst, std::abs(predicted / double(n) - double(passed) / double(n)));
        }
        qInfo("largest gap between predicted and observed pass rate over bins: %.3f", worst);
        QVERIFY(worst < 0.05);
        for (size_t i = 0; i < 200; ++i)
            QVERIFY(std::abs(model.predict(test.features[i]) - test.truth[i]) < 0.08);
    }

    void passModelOnEdgeCases()
    {
        // Separable: confident both ways, and finite.
        std::vector<std::vector<double>> x;
        std::vector<bool> y;
        for (int i = 0; i < 100; ++i) {
            x.push_back({i / 100.0});
            y.push_back(i >= 50);
        }
        PassModel m = PassModel::fit(x, y);
        QVERIFY(m.predict({0.9}) > 0.9 && m.predict({0.1}) < 0.1);
        QVERIFY(std::isfinite(m.predict({100.0})) && std::isfinite(m.predict({-100.0})));
        // Only passes: the smoothed rate whatever the features.
        m = PassModel::fit(x, std::vector<bool>(100, true));
        QVERIFY(near(m.predict({0.0}), 100.5 / 101.0));
        QVERIFY(near(m.predict({5.0}), 100.5 / 101.0));
        // Nothing to learn from: one half.
        QVERIFY(near(PassModel::fit({}, {}).predict({1.0}), 0.5));
        // A constant feature does not break it.
        m = PassModel::fit(std::vector<std::vector<double>>(100, {3.0}), y);
        QVERIFY(near(m.predict({3.0}), 0.5, 1e-6));
    }

    void thresholdOnPassRateKeepsItsPromise()
    {
        // The rule automated labeling uses: on 500 human-checked validation images, the lowest confidence whose
        // 95% lower bound of the pass rate reaches the target. On 20,000 new images the pass rate above that
        // threshold reaches the target; a threshold on the raw validation pass rate need not.
        const Sample validation = draw(500, 11), fresh = draw(20000, 12);
        const PassModel model = PassModel::fit(validation.features, validation.passed);
        std::vector<double> confidence;
        for (const auto &f : validation.features)
            confidence.push_back(model.predict(f));
        const double target = 0.9;
        const ThresholdChoice choice = chooseThreshold(confidence, validation.passed, target, 20);
        double bestBound = 0;
        for (const ThresholdPoint &p : choice.curve)
            bestBound = std::max(bestBound, p.count >= 20 ? p.lowerBound : 0.0);
        QVERIFY2(choice.threshold, qPrintable(QStringLiteral("best bound %1").arg(bestBound)));
        QVERIFY(choice.at.lowerBound >= target);
        int64_t above = 0, passed = 0;
        for (size_t i = 0; i < fresh.passed.size(); ++i)
            if (model.predict(fresh.features[i]) >= *choice.threshold) {
                ++above;
                passed += fresh.passed[i];
            }
        const double realised = double(passed) / double(above);
        qInfo("threshold %.3f: %lld of 20000 new images above it (%.1f%%), pass rate %.4f (target %.2f)", *choice.threshold,
              (long long)above, 100.0 * double(above) / 20000, realised, target);
        QVERIFY(above > 1000);
        QVERIFY(realised >= target);
        // Nothing reaches an impossible target: nothing would be auto-labelled.
        QVERIFY(!chooseThreshold(confidence, validation.passed, 0.999, 20).threshold);
    }
};

QTEST_GUILESS_MAIN(TestImagePass)
#include "tst_imagepass.moc"
