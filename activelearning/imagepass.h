#pragma once

// When an automatic label of a whole image is right, for the task types whose labels are not one class:
// boxes and class masks. Ground Truth's rule (groundtruth.md §5.2, §5.4): the image's mean IoU between the
// model's objects and people's, where a missed or a spurious object counts as 0, reaches a bound τ that the job
// sets (Ground Truth fixes 0.6 for boxes and 0.7 for masks; here they are the defaults).
//
// Automated labeling then needs a confidence per image that predicts passing. The model's own scores do not
// say it directly (a confident detector can still miss an object), so features of its answer — the weakest box
// it keeps, boxes in the doubtful band, how well its answer agrees with its answer on the mirrored image,
// pixel entropy — go into a logistic regression fitted on the human-labelled validation images (did this one
// pass?). Its output is the image's confidence, and chooseThreshold (calibration.h) turns confidences and
// pass/fail into the threshold, exactly as for classes.

#include "datasets/mask.h"
#include "datasets/types.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace gw::activelearning {

/// Default τ per task type (Ground Truth's fixed bars).
inline constexpr double kBoxPassIoU = 0.6;
inline constexpr double kMaskPassIoU = 0.7;

/// IoU of two boxes (0 when either is empty).
double boxIoU(const datasets::Box &a, const datasets::Box &b);

/// The image's mean IoU of predicted boxes against people's: per class, predictions in falling confidence each
/// take the unmatched reference box of that class they overlap most (IoU > 0); each match counts its IoU, each
/// unmatched prediction and reference 0, and the class's figure is their mean; the image's is the mean over the
/// classes either side has. No boxes on either side: 1.
double imageBoxIoU(const std::vector<datasets::Box> &predicted, const std::vector<datasets::Box> &reference);

/// The image's mean IoU of two class masks of the same size (values: 0 background, else a class): the mean over
/// the classes either mask has of their per-class IoU, background left out. Neither has a class: 1. Masks of
/// different sizes: 0.
double imageMaskIoU(const datasets::mask::IndexedMask &predicted, const datasets::mask::IndexedMask &reference);

/// Features of a detector's answer on one image that predict whether it passes.
struct BoxAnswerFeatures
{
    double weakestKept = 1;    ///< lowest score among the boxes kept (1: none kept)
    double doubtful = 0;       ///< boxes with a score in [doubtfulFrom, keepFrom)
    double flipAgreement = 1;  ///< imageBoxIoU of the kept boxes against those found on the mirrored image
    double kept = 0;           ///< how many boxes were kept

    std::vector<double> values() const { return {weakestKept, doubtful, flipAgreement, kept}; }
};

/// The features from the boxes found on the image and on its mirror image (mirrored back), with their scores
/// in confidence; boxes scoring keepFrom or more are the answer.
BoxAnswerFeatures boxAnswerFeatures(const std::vector<datasets::Box> &found, const std::vector<datasets::Box> &foundMirrored,
                                    double keepFrom = 0.5, double doubtfulFrom = 0.25);

/// Features of a segmentation model's answer on one image.
struct MaskAnswerFeatures
{
    double meanEntropy = 0;    ///< mean per-pixel entropy of the class probabilities, in nats
    double uncertainShare = 0; ///< share of pixels whose most likely class has probability < 0.6
    double flipAgreement = 1;  ///< imageMaskIoU of the answer against the mirrored image's (mirrored back)

    std::vector<double> values() const { return {meanEntropy, uncertainShare, flipAgreement}; }
};

/// The features from per-pixel class probabilities (pixels × classes, row-major, background first) and the
/// two class masks (the answer, and the mirrored image's answer mirrored back).
MaskAnswerFeatures maskAnswerFeatures(const std::vector<float> &probabilities, int classes,
                                      const datasets::mask::IndexedMask &answer,
                                      const datasets::mask::IndexedMask &answerMirrored);

/// P(pass | features): logistic regression on standardised features with an L2 penalty, fitted by Newton's
/// method on the validation images. With only passes or only failures it predicts their smoothed rate.
class PassModel
{
public:
    /// features: one row per image (all the same length); passed: parallel.
    static PassModel fit(const std::vector<std::vector<double>> &features, const std::vector<bool> &passed,
                         double l2 = 1.0);
    double predict(const std::vector<double> &features) const;
    const std::vector<double> &weights() const { return m_weights; }

private:
    std::vector<double> m_mean, m_scale, m_weights; ///< weights: per standardised feature
    double m_bias = 0;
};

} // namespace gw::activelearning
