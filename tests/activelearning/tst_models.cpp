// The model factories learn real tasks (topic sentences, OpenCV's handwritten digits), stop early, are
// deterministic for a seed, and the image feature cache decodes each file once.

#include "activelearning/imagecache.h"
#include "activelearning/models.h"

#include <QColor>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <random>

using namespace gw::activelearning;

namespace {

/// A model from a factory; the test stops with the loader's message if the model module cannot be loaded.
std::unique_ptr<ItemClassifier> need(gw::Result<std::unique_ptr<ItemClassifier>> made)
{
    if (!made)
        qFatal("%s", made.error().message.c_str());
    return std::move(*made);
}

const QString kDigitsPng = QStringLiteral("/usr/share/doc/opencv-doc/examples/data/digits.png");

struct Split
{
    std::vector<int> trainRows, trainLabels, validationRows, validationLabels, testRows, testLabels;
};

/// Shuffles rows 0..labels-1 with a seed and cuts them into train, validation and test.
Split split(const std::vector<int> &labels, size_t train, size_t validation, size_t test, uint32_t seed)
{
    std::vector<int> order(labels.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937(seed));
    Split s;
    for (size_t i = 0; i < std::min(order.size(), train + validation + test); ++i) {
        auto &rows = i < train ? s.trainRows : i < train + validation ? s.validationRows : s.testRows;
        auto &ls = i < train ? s.trainLabels : i < train + validation ? s.validationLabels : s.testLabels;
        rows.push_back(order[i]);
        ls.push_back(labels[size_t(order[i])]);
    }
    return s;
}

double accuracy(const std::vector<float> &logits, const std::vector<int> &labels, int classes)
{
    int right = 0;
    for (size_t i = 0; i < labels.size(); ++i) {
        const float *row = logits.data() + i * size_t(classes);
        right += int(std::max_element(row, row + classes) - row) == labels[i];
    }
    return labels.empty() ? 0 : double(right) / double(labels.size());
}

double crossEntropy(const std::vector<float> &logits, const std::vector<int> &labels, int classes)
{
    double sum = 0;
    for (size_t i = 0; i < labels.size(); ++i) {
        const float *row = logits.data() + i * size_t(classes);
        const float top = *std::max_element(row, row + classes);
        double z = 0;
        for (int k = 0; k < classes; ++k)
            z += std::exp(double(row[k] - top));
        sum += std::log(z) + top - row[labels[i]];
    }
    return sum / double(labels.size());
}

/// Short sentences about one of several topics: a few topic words (some inflected), among common words.
std::vector<std::string> topicSentences(int count, int topics, uint32_t seed, std::vector<int> &labels)
{
    static const std::vector<std::vector<std::string>> vocabulary = {
        {"goal", "match", "striker", "referee", "league", "penalty", "stadium", "keeper", "season", "coach"},
        {"oven", "recipe", "butter", "simmer", "garlic", "flour", "saucepan", "roast", "pepper", "dough"},
        {"compiler", "kernel", "thread", "memory", "pointer", "server", "database", "query", "socket",
         "cache"},
        {"violin", "melody", "orchestra", "chord", "tempo", "concert", "piano", "rhythm", "singer", "album"},
        {"glacier", "volcano", "erosion", "basalt", "tectonic", "sediment", "fossil", "canyon", "quartz",
         "magma"}};
    static const std::vector<std::string> common = {
        "the",  "a",    "of",   "and",  "to",   "in",    "is",    "was",    "it",  "for",
        "on",   "with", "as",   "at",   "by",   "this",  "had",   "not",    "but", "from",
        "they", "we",   "said", "very", "then", "today", "again", "really", "new"};
    static const std::vector<std::string> endings = {"", "", "", "s", "ing", "ed"};
    std::mt19937 rng(seed);
    std::vector<std::string> texts;
    for (int i = 0; i < count; ++i) {
        const int topic = i % topics;
        const int length = 5 + int(rng() % 6);
        std::string text;
        for (int w = 0; w < length; ++w) {
            std::string word;
            if (rng() % 3 == 0) {
                const auto &topicWords = vocabulary[size_t(topic)];
                word = topicWords[rng() % topicWords.size()] + endings[rng() % endings.size()];
                if (rng() % 4 == 0)
                    word[0] = char(std::toupper(static_cast<unsigned char>(word[0])));
            } else {
                word = common[rng() % common.size()];
            }
            text += (w ? " " : "") + word;
        }
        texts.push_back(text + (rng() % 2 ? "." : "!"));
        labels.push_back(topic);
    }
    return texts;
}

/// OpenCV's 5,000 handwritten digits: 20×20 cells, 100 per row, five rows per digit 0..9.
std::shared_ptr<const ImageInputs> loadDigits(std::vector<int> &labels)
{
    const QImage sheet = QImage(kDigitsPng).convertToFormat(QImage::Format_Grayscale8);
    if (sheet.width() != 2000 || sheet.height() != 1000)
        return nullptr;
    auto inputs = std::make_shared<ImageInputs>();
    inputs->channels = 1;
    inputs->height = inputs->width = 20;
    for (int cellRow = 0; cellRow < 50; ++cellRow) {
        for (int cellColumn = 0; cellColumn < 100; ++cellColumn) {
            for (int y = 0; y < 20; ++y) {
                const uchar *line = sheet.constScanLine(cellRow * 20 + y) + cellColumn * 20;
                for (int x = 0; x < 20; ++x)
                    inputs->pixels.push_back(float(line[x]) / 255.f);
            }
            labels.push_back(cellRow / 5);
        }
    }
    return inputs;
}

bool writeImage(const QString &path, int width, int height, QColor colour)
{
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(colour);
    return image.save(path);
}

std::vector<float> row(const ImageInputs &inputs, int r)
{
    const size_t size = size_t(inputs.channels * inputs.height * inputs.width);
    return std::vector<float>(inputs.pixels.begin() + long(size_t(r) * size),
                              inputs.pixels.begin() + long(size_t(r + 1) * size));
}

} // namespace

class TestModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void textLearnsTopics()
    {
        std::vector<int> labels;
        auto texts = topicSentences(600, 3, 11, labels);
        const Split s = split(labels, 400, 100, 100, 3);
        auto model = need(makeTextClassifier(texts));
        ModelOptions opt;
        opt.seed = 5;
        const auto report =
            model->train(s.trainRows, s.trainLabels, s.validationRows, s.validationLabels, 3, opt);
        QVERIFY2(report.has_value(), report ? "" : report.error().message.c_str());
        qInfo("text, 400 labels: %d epochs (best %d) in %.2f s, validation accuracy %.3f", report->epochs,
              report->bestEpoch, report->seconds, report->validationAccuracy);
        QVERIFY(report->validationAccuracy > 0.9);
        const auto logits = model->logits(s.testRows);
        QVERIFY(logits.has_value());
        QCOMPARE(logits->size(), s.testRows.size() * 3);
        QVERIFY(accuracy(*logits, s.testLabels, 3) > 0.9);
        QCOMPARE(model->numClasses(), 3);
    }

    void textTrainsFiveThousandTexts()
    {
        std::vector<int> labels;
        auto texts = topicSentences(5000, 5, 12, labels);
        const Split s = split(labels, 4000, 500, 500, 4);
        QElapsedTimer timer;
        timer.start();
        auto model = need(makeTextClassifier(texts));
        const qint64 hashingMs = timer.elapsed();
        ModelOptions opt;
        opt.seed = 1;
        const auto report =
            model->train(s.trainRows, s.trainLabels, s.validationRows, s.validationLabels, 5, opt);
        QVERIFY(report.has_value());
        timer.restart();
        const auto logits = model->logits(s.testRows);
        QVERIFY(logits.has_value());
        const double testAccuracy = accuracy(*logits, s.testLabels, 5);
        qInfo("text, 5000 texts: features %lld ms; training on 4000: %d epochs (best %d) in %.2f s; "
              "validation accuracy %.3f, test accuracy %.3f; scoring 500 in %lld ms",
              hashingMs, report->epochs, report->bestEpoch, report->seconds, report->validationAccuracy,
              testAccuracy, timer.elapsed());
        QVERIFY(testAccuracy > 0.9);
    }

    void textIsDeterministicForASeed()
    {
        std::vector<int> labels;
        auto texts = topicSentences(300, 3, 21, labels);
        const Split s = split(labels, 200, 50, 50, 5);
        ModelOptions opt;
        opt.seed = 9;
        opt.maxEpochs = 5;
        std::vector<std::vector<float>> runs;
        for (uint64_t seed : {9, 9, 10}) {
            opt.seed = seed;
            auto model = need(makeTextClassifier(texts));
            QVERIFY(model->train(s.trainRows, s.trainLabels, s.validationRows, s.validationLabels, 3, opt));
            runs.push_back(*model->logits(s.testRows));
        }
        QCOMPARE(runs[0], runs[1]);
        QVERIFY(runs[0] != runs[2]);
    }

    void textStopsEarlyWithTheBestWeights()
    {
        // Labels that have nothing to do with the texts: validation loss gets worse once training memorises.
        std::vector<int> ignored, labels;
        auto texts = topicSentences(400, 4, 31, ignored);
        std::mt19937 rng(2);
        for (size_t i = 0; i < texts.size(); ++i)
            labels.push_back(int(rng() % 4));
        const Split s = split(labels, 300, 100, 0, 6);
        auto model = need(makeTextClassifier(texts));
        ModelOptions opt;
        opt.patience = 2;
        opt.maxEpochs = 40;
        const auto report =
            model->train(s.trainRows, s.trainLabels, s.validationRows, s.validationLabels, 4, opt);
        QVERIFY(report.has_value());
        QVERIFY(report->epochs < opt.maxEpochs);
        QCOMPARE(report->epochs, report->bestEpoch + opt.patience);
        const auto logits = model->logits(s.validationRows);
        QVERIFY(std::abs(crossEntropy(*logits, s.validationLabels, 4) - report->validationLoss) < 1e-4);
    }

    void textHandlesUnicodeAndEmptyTexts()
    {
        std::vector<std::string> texts = {
            "Überraschung für alle", "überraschung",         "東京の天気", "", "...!!!",
            "مرحبا بالعالم",         "Straße straße STRASSE"};
        auto model = need(makeTextClassifier(texts));
        QVERIFY(model->train({0, 1, 2, 3, 4, 5}, {0, 0, 1, 1, 1, 0}, {6}, {0}, 2, {}));
        const auto logits = model->logits({0, 1, 2, 3, 4, 5, 6});
        QVERIFY(logits.has_value());
        QCOMPARE(logits->size(), size_t(14));
        for (float v : *logits)
            QVERIFY(std::isfinite(v));
    }

    void refusesUnusableInput()
    {
        auto model = need(makeTextClassifier({"one", "two", "three"}));
        QVERIFY(!model->logits({0}).has_value());
        QVERIFY(!model->train({}, {}, {}, {}, 2, {}).has_value());
        QVERIFY(!model->train({0, 1}, {0, 2}, {}, {}, 2, {}).has_value());  // label out of range
        QVERIFY(!model->train({0, 3}, {0, 1}, {}, {}, 2, {}).has_value());  // no such row
        QVERIFY(!model->train({0, 1}, {0, 1}, {2}, {}, 2, {}).has_value()); // validation row without label
        QVERIFY(!model->train({0, 1}, {0, 1}, {}, {}, 1, {}).has_value());  // one class
        ModelOptions noEpochs;
        noEpochs.maxEpochs = 0;
        QVERIFY(!model->train({0, 1}, {0, 1}, {}, {}, 2, noEpochs).has_value());
        QVERIFY(model->train({0, 1}, {0, 1}, {}, {}, 2, {}).has_value()); // no validation: all epochs
        QVERIFY(!model->logits({7}).has_value());

        auto images = need(makeImageClassifier(std::make_shared<ImageInputs>()));
        QVERIFY(!images->train({0}, {0}, {}, {}, 2, {}).has_value());
        QVERIFY(!images->logits({0}).has_value());
    }

    void cancelKeepsThePreviousModel()
    {
        std::vector<int> labels;
        auto texts = topicSentences(200, 2, 41, labels);
        const Split s = split(labels, 150, 50, 0, 7);
        auto model = need(makeTextClassifier(texts));
        ModelOptions opt;
        opt.maxEpochs = 3;
        QVERIFY(model->train(s.trainRows, s.trainLabels, s.validationRows, s.validationLabels, 2, opt));
        const auto before = *model->logits(s.validationRows);
        int calls = 0;
        opt.seed = 99;
        const auto cancelled = model->train(s.trainRows, s.trainLabels, s.validationRows, s.validationLabels,
                                            2, opt, [&](const EpochReport &e) {
                                                ++calls;
                                                return e.epoch < 2 && e.maxEpochs == 3;
                                            });
        QVERIFY(!cancelled.has_value());
        QCOMPARE(cancelled.error().code, gw::Error::Code::Cancelled);
        QCOMPARE(calls, 2);
        QCOMPARE(*model->logits(s.validationRows), before);
    }

    void imageLearnsDigits()
    {
        if (!QFile::exists(kDigitsPng))
            QFAIL("opencv-doc's digits.png is not installed (scripts/setup.sh installs it)");
        std::vector<int> labels;
        const auto digits = loadDigits(labels);
        QVERIFY(digits);
        QCOMPARE(digits->rows(), 5000);
        const Split s = split(labels, 2000, 500, 500, 8);
        auto model = need(makeImageClassifier(digits));
        ModelOptions opt;
        opt.seed = 3;
        opt.maxEpochs = 12;
        opt.patience = 3;
        const auto report =
            model->train(s.trainRows, s.trainLabels, s.validationRows, s.validationLabels, 10, opt);
        QVERIFY2(report.has_value(), report ? "" : report.error().message.c_str());
        QElapsedTimer timer;
        timer.start();
        const auto logits = model->logits(s.testRows);
        QVERIFY(logits.has_value());
        const double testAccuracy = accuracy(*logits, s.testLabels, 10);
        qInfo("digits, 2000 labels: %d epochs (best %d) in %.2f s, validation accuracy %.3f, test accuracy "
              "%.3f; "
              "scoring 500 in %lld ms",
              report->epochs, report->bestEpoch, report->seconds, report->validationAccuracy, testAccuracy,
              timer.elapsed());
        QVERIFY(testAccuracy > 0.95);
    }

    void imageIsDeterministicAndStopsEarly()
    {
        if (!QFile::exists(kDigitsPng))
            QFAIL("opencv-doc's digits.png is not installed (scripts/setup.sh installs it)");
        std::vector<int> labels;
        const auto digits = loadDigits(labels);
        QVERIFY(digits);
        // Random labels: nothing generalises, so validation loss stops improving after a few epochs.
        std::mt19937 rng(4);
        for (int &l : labels)
            l = int(rng() % 10);
        const Split s = split(labels, 300, 200, 0, 9);
        ModelOptions opt;
        opt.seed = 12;
        opt.patience = 2;
        opt.maxEpochs = 30;
        std::vector<std::vector<float>> runs;
        for (int run = 0; run < 2; ++run) {
            auto model = need(makeImageClassifier(digits));
            const auto report =
                model->train(s.trainRows, s.trainLabels, s.validationRows, s.validationLabels, 10, opt);
            QVERIFY(report.has_value());
            QVERIFY(report->epochs < opt.maxEpochs);
            QCOMPARE(report->epochs, report->bestEpoch + opt.patience);
            runs.push_back(*model->logits(s.validationRows));
            QVERIFY(std::abs(crossEntropy(runs.back(), s.validationLabels, 10) - report->validationLoss) <
                    1e-4);
        }
        QCOMPARE(runs[0], runs[1]);
    }

    void cacheDecodesOnceAndRefreshesChangedFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string base = dir.path().toStdString();
        std::vector<std::string> paths;
        for (int i = 0; i < 6; ++i) {
            const QString path = dir.filePath(QStringLiteral("img%1.png").arg(i));
            QVERIFY(writeImage(path, 8 + i, 8, QColor(40 * i, 255 - 40 * i, 100)));
            paths.push_back(path.toStdString());
        }
        QFile broken(dir.filePath(QStringLiteral("broken.png")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("this is not a png");
        broken.close();
        paths.push_back(base + "/broken.png");
        paths.push_back(base + "/missing.png");
        const std::string cacheDir = base + "/project.cache";

        ImageFeatureCache cache;
        std::vector<std::string> problems;
        int64_t lastDone = 0, lastTotal = 0;
        const auto first = cache.load(
            paths, 3, 6, 6, cacheDir,
            [&](int64_t done, int64_t total) {
                lastDone = done;
                lastTotal = total;
                return true;
            },
            &problems);
        QVERIFY(first.has_value());
        QCOMPARE((*first)->rows(), 8);
        QCOMPARE(cache.lastStats().decoded, int64_t(7));
        QCOMPARE(cache.lastStats().reused, int64_t(0));
        QCOMPARE(cache.lastStats().unreadable, int64_t(2));
        QVERIFY(cache.lastStats().cacheWritten);
        QCOMPARE(lastDone, int64_t(8));
        QCOMPARE(lastTotal, int64_t(8));
        QCOMPARE(problems.size(), size_t(2));
        QVERIFY(problems[0].find("broken.png") != std::string::npos);
        QVERIFY(problems[1].find("missing.png") != std::string::npos);
        for (int r : {6, 7}) {
            const auto pixels = row(**first, r);
            QVERIFY(std::all_of(pixels.begin(), pixels.end(), [](float v) { return v == 0.f; }));
        }
        QVERIFY(std::filesystem::exists(cacheDir + "/images-3x6x6.bin"));

        // A new cache object (a new session) reads the disk cache; no image is decoded again.
        ImageFeatureCache again;
        problems.clear();
        const auto second = again.load(paths, 3, 6, 6, cacheDir, {}, &problems);
        QVERIFY(second.has_value());
        QCOMPARE(again.lastStats().decoded, int64_t(0));
        QCOMPARE(again.lastStats().reused, int64_t(7));
        QVERIFY(!again.lastStats().cacheWritten);
        QCOMPARE((*second)->pixels, (*first)->pixels);
        QCOMPARE(problems.size(), size_t(2)); // still reported

        // A rewritten file is decoded again; the others are not.
        QVERIFY(writeImage(QString::fromStdString(paths[2]), 10, 8, QColor(255, 255, 255)));
        std::filesystem::last_write_time(paths[2], std::filesystem::last_write_time(paths[2]) +
                                                       std::chrono::seconds(5));
        const auto third = again.load(paths, 3, 6, 6, cacheDir);
        QVERIFY(third.has_value());
        QCOMPARE(again.lastStats().decoded, int64_t(1));
        QCOMPARE(again.lastStats().reused, int64_t(6));
        const auto white = row(**third, 2);
        QCOMPARE(*std::max_element(white.begin(), white.end()), 1.f);
        QCOMPARE(row(**third, 3), row(**first, 3));

        // Another order or a subset is served from the cache too.
        std::vector<std::string> reversed(paths.rbegin() + 2, paths.rend());
        const auto fourth = again.load(reversed, 3, 6, 6, cacheDir);
        QVERIFY(fourth.has_value());
        QCOMPARE(again.lastStats().decoded, int64_t(0));
        QCOMPARE(row(**fourth, 0), row(**third, 5));

        // Another size is another cache file.
        const auto grey = again.load(paths, 1, 4, 4, cacheDir);
        QVERIFY(grey.has_value());
        QCOMPARE(again.lastStats().decoded, int64_t(7));
        QCOMPARE((*grey)->pixels.size(), size_t(8 * 16));
    }

    void cacheScalesToFitAndPads()
    {
        QTemporaryDir dir;
        const QString wide = dir.filePath(QStringLiteral("wide.png")),
                      red = dir.filePath(QStringLiteral("red.png"));
        QVERIFY(writeImage(wide, 40, 20, Qt::white));
        QVERIFY(writeImage(red, 10, 10, Qt::red));
        ImageFeatureCache cache;
        const auto grey = cache.load({wide.toStdString()}, 1, 20, 20, {});
        QVERIFY(grey.has_value());
        const auto &p = (*grey)->pixels;
        for (int y = 0; y < 20; ++y) {
            const float expected = y >= 5 && y < 15 ? 1.f : 0.f; // 40×20 → 20×10, centred
            for (int x = 0; x < 20; ++x)
                QCOMPARE(p[size_t(y * 20 + x)], expected);
        }
        const auto colour = cache.load({red.toStdString()}, 3, 4, 4, {});
        QVERIFY(colour.has_value());
        const auto &c = (*colour)->pixels; // planar: 16 reds, 16 greens, 16 blues
        QCOMPARE(c[0], 1.f);
        QCOMPARE(c[15], 1.f);
        QCOMPARE(c[16], 0.f);
        QCOMPARE(c[47], 0.f);
        QVERIFY(!cache.lastStats().cacheWritten); // no cache folder, no cache
    }

    void cacheCancelsAndRefusesBadSizes()
    {
        QTemporaryDir dir;
        std::vector<std::string> paths;
        for (int i = 0; i < 600; ++i) {
            const QString path = dir.filePath(QStringLiteral("%1.png").arg(i));
            if (i == 0)
                QVERIFY(writeImage(path, 5, 5, Qt::blue));
            else
                QVERIFY(QFile::copy(dir.filePath(QStringLiteral("0.png")), path));
            paths.push_back(path.toStdString());
        }
        ImageFeatureCache cache;
        int calls = 0;
        const auto cancelled = cache.load(paths, 1, 8, 8, dir.filePath(QStringLiteral("c")).toStdString(),
                                          [&](int64_t, int64_t) { return ++calls < 2; });
        QVERIFY(!cancelled.has_value());
        QCOMPARE(cancelled.error().code, gw::Error::Code::Cancelled);
        QCOMPARE(calls, 2);
        QVERIFY(!cache.load(paths, 2, 8, 8, {}).has_value());
        QVERIFY(!cache.load(paths, 1, 0, 8, {}).has_value());
        QCOMPARE(ImageFeatureCache::cacheDirForProject("/data/digits.gwproj"),
                 std::string("/data/digits.cache"));
    }
};

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
