#pragma once

// Exploratory statistics of a job (or of the whole project): what the labels say — class balance by source
// and split, labels per item, box sizes, shapes and centres, mask pixel shares, image sizes, text lengths and
// the words that characterise each class, auto-label confidence, the automated-labeling rounds, and the
// annotators (pace, time per item, agreement where items were labelled twice). Computed from the store alone
// (no image decoding), streaming, so 100,000 images with boxes take seconds. No widgets: the app's EDA view
// and `gw eda` both draw these figures.

#include "datasets/json.h"
#include "datasets/manifest.h"

#include <array>
#include <map>
#include <string>
#include <vector>

namespace gw::datasets {

struct Histogram
{
    double min = 0, max = 0;      ///< the range the bins cover (equal widths)
    std::vector<int64_t> counts;  ///< one per bin; the last bin includes max
    int64_t total = 0;
    double mean = 0;
    double lowest = 0, highest = 0; ///< the values' own range
    /// Equal-width bins over the values' range (integer-valued data gets whole-number bins when few).
    static Histogram of(const std::vector<double> &values, int bins);
    int binOf(double value) const;
};

struct EdaOptions
{
    std::string job;  ///< empty: the project only (items, sizes), no label statistics
    int bins = 20;
    int heatmapCells = 16; ///< box centres: cells × cells over the image
    int topWords = 10;
    ProgressFn progress;
};

struct ClassBalance
{
    int id = 0;
    std::string name, color;
    int64_t items = 0;                       ///< items whose label has the class
    std::map<std::string, int64_t> bySource; ///< human, auto, consolidated, imported
    std::map<std::string, int64_t> bySplit;  ///< train, validation, test, "" (none)
};

struct AnnotatorStats
{
    std::string name;
    int64_t labels = 0;          ///< current labels by them
    int64_t activeHours = 0;     ///< clock hours in which they labelled
    double itemsPerHour = 0;     ///< labels / active hours
    double medianSecondsPerItem = 0; ///< from the recorded time spent, when there is some
};

struct RoundFigures
{
    int64_t runId = 0; ///< its auto-labels are authored "autolabel-run-<runId>"
    int iteration = 0;
    double estimated = 0;
    std::optional<double> audited;
    int64_t autoLabelled = 0, human = 0;
};

struct EdaReport
{
    std::string job;
    TaskType type = TaskType::ImageClassification;
    int64_t items = 0, labelled = 0, flagged = 0;
    std::vector<std::string> flaggedSamples; ///< the first few missing or unreadable media
    std::map<std::string, int64_t> splits;   ///< items per split ("" = none)
    std::vector<ClassBalance> classes;       ///< in the job's class order
    Histogram labelsPerItem;                 ///< classes, boxes or spans per labelled item
    Histogram imageWidth, imageHeight, imageAspect;
    Histogram boxWidth, boxHeight, boxAspect, boxArea; ///< boxes: pixels; aspect = width / height; area as a share of the image
    std::vector<std::vector<int64_t>> boxCentres;       ///< [row][column] over the image
    std::map<std::string, double> maskShares;           ///< class → share of labelled pixels ("background" too)
    Histogram textLength;                               ///< characters (code points)
    std::map<std::string, std::vector<std::pair<std::string, double>>> characteristicWords; ///< class → (word, score)
    Histogram autoConfidence;
    std::vector<RoundFigures> rounds;
    std::vector<AnnotatorStats> annotators;
    int64_t itemsLabelledTwice = 0; ///< items with answers from two or more people (their latest, not taken back)
    double agreement = 0;           ///< share of those where the people's answers are all the same
    /// Single-label classification: Krippendorff's α and Fleiss' κ over those items (chance-corrected).
    std::optional<double> alpha, kappa;
    /// Every type: the mean agreement of two people's answers to an item (agreementMeasure says what is
    /// measured: same class, labels in common, box or span F1, pixels in common).
    std::optional<double> pairwise;
    std::string agreementMeasure;
    int64_t lowAgreement = 0; ///< items whose people agree on less than half (mean of their pairs < 0.5)
    double seconds = 0;
};

Result<EdaReport> computeEda(const ProjectStore &store, const EdaOptions &options);

/// The measures a chart's bar can stand for, to list the items behind it.
enum class EdaMeasure { LabelsPerItem, BoxWidth, BoxHeight, BoxArea, BoxAspect, BoxCentre, ImageWidth, ImageAspect,
                        TextLength, AutoConfidence };

/// Items of the job with a value of the measure in [low, high] (high inclusive when lastBin): for box measures,
/// items with at least one such box; BoxCentre takes the cell (column, row) of a cells × cells grid instead.
Result<std::vector<int64_t>> itemsWhere(const ProjectStore &store, const std::string &job, EdaMeasure measure,
                                        double low, double high, bool lastBin, int column = 0, int row = 0,
                                        int cells = 16);
json::Value toJson(const EdaReport &report);
json::Value toJson(const Histogram &histogram);

} // namespace gw::datasets
