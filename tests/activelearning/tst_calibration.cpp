// Calibration and the threshold search on constructed cases with known answers.

#include "activelearning/calibration.h"

#include <QTest>

#include <cmath>
#include <random>

using namespace gw::activelearning;

class TestCalibration : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void wilsonKnownValues()
    {
        QVERIFY(std::abs(wilsonLowerBound(95, 100) - 0.8882) < 5e-4);
        QVERIFY(std::abs(wilsonLowerBound(100, 100) - 100.0 / (100 + 1.96 * 1.96)) < 1e-9);
        QCOMPARE(wilsonLowerBound(0, 0), 0.0);
        QVERIFY(wilsonLowerBound(0, 50) == 0.0);
    }

    void clopperPearsonKnownValues()
    {
        // All successes: the exact one-sided bound is alpha^(1/n).
        QVERIFY(std::abs(clopperPearsonLowerBound(100, 100) - std::pow(0.05, 1.0 / 100)) < 1e-6);
        QVERIFY(std::abs(clopperPearsonLowerBound(20, 20) - std::pow(0.05, 1.0 / 20)) < 1e-6);
        QCOMPARE(clopperPearsonLowerBound(0, 30), 0.0);
        // Exact is more conservative than Wilson for the same counts.
        QVERIFY(clopperPearsonLowerBound(95, 100) < wilsonLowerBound(95, 100) + 0.01);
        QVERIFY(clopperPearsonLowerBound(95, 100) > 0.88);
    }

    void thresholdWhenEverythingIsRight()
    {
        std::vector<double> conf;
        std::vector<bool> right;
        for (int i = 0; i < 100; ++i) {
            conf.push_back(0.5 + i / 200.0);
            right.push_back(true);
        }
        const auto c = chooseThreshold(conf, right, 0.95, 20);
        QVERIFY(c.threshold);
        QCOMPARE(*c.threshold, 0.5); // the lowest confidence: the bound over all 100 is 0.963
        QCOMPARE(c.at.count, int64_t(100));
        // Thirty right answers are not enough evidence for 0.95.
        conf.resize(30);
        right.resize(30);
        QVERIFY(!chooseThreshold(conf, right, 0.95, 20).threshold);
    }

    void noThresholdAtChance()
    {
        std::mt19937 rng(3);
        std::vector<double> conf;
        std::vector<bool> right;
        for (int i = 0; i < 2000; ++i) {
            conf.push_back(std::uniform_real_distribution<double>(0.5, 1.0)(rng));
            right.push_back(rng() % 2 == 0);
        }
        QVERIFY(!chooseThreshold(conf, right, 0.95, 20).threshold);
    }

    void thresholdIsTheLowestQualifying()
    {
        // Confident items are right, unconfident ones mostly wrong: the chosen threshold is the lowest at
        // which the bound still reaches the target, checked against every candidate.
        std::mt19937 rng(7);
        std::vector<double> conf;
        std::vector<bool> right;
        for (int i = 0; i < 400; ++i) {
            const double c = std::uniform_real_distribution<double>(0.3, 1.0)(rng);
            conf.push_back(c);
            right.push_back(c >= 0.7 || std::uniform_real_distribution<double>(0, 1)(rng) < 0.3);
        }
        const auto choice = chooseThreshold(conf, right, 0.9, 20);
        QVERIFY(choice.threshold);
        QVERIFY(choice.at.lowerBound >= 0.9);
        for (const ThresholdPoint &p : choice.curve) {
            int64_t n = 0, k = 0;
            for (size_t i = 0; i < conf.size(); ++i)
                if (conf[i] >= p.threshold) {
                    ++n;
                    k += right[i];
                }
            QCOMPARE(p.count, n);
            QCOMPARE(p.correct, k);
            if (p.threshold < *choice.threshold)
                QVERIFY(p.lowerBound < 0.9 || p.count < 20);
        }
    }

    void temperatureScalingLowersNll()
    {
        // Overconfident logits: five times the logits the labels were drawn from.
        std::mt19937 rng(11);
        const int classes = 4, rows = 3000;
        std::vector<float> logits;
        std::vector<int> labels;
        for (int r = 0; r < rows; ++r) {
            std::vector<float> base(classes);
            for (float &v : base)
                v = float(std::normal_distribution<double>(0, 1)(rng));
            const std::vector<float> p = softmax(base, classes);
            labels.push_back(int(std::discrete_distribution<int>(p.begin(), p.end())(rng)));
            for (float v : base)
                logits.push_back(5 * v);
        }
        const double t = fitTemperature(logits, labels, classes);
        QVERIFY2(std::abs(t - 5) < 0.6, qPrintable(QString::number(t)));
        QVERIFY(negativeLogLikelihood(logits, labels, classes, t) < negativeLogLikelihood(logits, labels, classes, 1.0));
    }
};

QTEST_GUILESS_MAIN(TestCalibration)
#include "tst_calibration.moc"
