#pragma once

// Consolidation of the task types besides single-label classification (consolidation.h), as Ground Truth
// describes them (groundtruth.md §6.2–6.5; where its exact rules are unpublished, the choices are ours and
// said here):
//  - multi-label: a binary Dawid-Skene per class over the workers who answered the item; every label a worker
//    chose is kept with the probability that it applies as its confidence (Ground Truth keeps labels below 0.5
//    too). Majority: the labels more than half the workers chose, confidence = the share that chose them.
//  - boxes: per class, each worker's boxes join the cluster whose mean box they overlap best (IoU ≥ 0.5, one box
//    per worker and cluster, greedy by IoU); clusters that at least half the workers support become their mean
//    box (unrounded, as Ground Truth writes), confidence = round(support share × mean IoU with the mean, 2).
//  - masks: each pixel's class by vote of the workers' masks, each class's votes smoothed over 3 × 3 pixels
//    (majority: without smoothing); confidence = the mean share of the winning votes, unrounded.
//  - entities: spans cluster by Jaccard similarity of their characters (≥ 0.5, one span per worker and cluster);
//    clusters at least half the workers support give one span: start and end by mode (the median where no
//    value is the most frequent), the class most workers gave (ties: the lowest class position),
//    confidence = round(support share × share of the winning class, 2).
// Pure computation over one item's answers (multi-label: over the job, as workers are weighed across items).

#include "datasets/consolidation.h"
#include "datasets/mask.h"
#include "datasets/types.h"

#include <optional>
#include <vector>

namespace gw::datasets::consolidation {

/// One worker's label set for one item: class positions 0 … classes-1.
struct LabelSetAnswer
{
    int64_t item = 0;
    int worker = 0;
    std::vector<int> labels;
};

struct LabelSet
{
    int64_t item = 0;
    std::vector<int> labels;         ///< class positions, ascending
    std::vector<double> confidence;  ///< parallel to labels
    int answers = 0;
};

/// Multi-label consolidation of a job's answers (see above); items in item order.
std::vector<LabelSet> multiLabel(const std::vector<LabelSetAnswer> &answers, int classes, bool majority,
                                 const Options &options = {});

/// Boxes of one item: each worker's boxes (classId is compared as given).
std::vector<Box> boxes(const std::vector<std::vector<Box>> &perWorker, double minIou = 0.5);

/// Entity spans of one item.
std::vector<Span> spans(const std::vector<std::vector<Span>> &perWorker, double minJaccard = 0.5);

struct MaskVote
{
    mask::IndexedMask mask;
    double confidence = 0;
};
/// Masks of one item, all of one size (nullopt when their sizes differ); pixel values are votes as given.
std::optional<MaskVote> masks(const std::vector<mask::IndexedMask> &perWorker, bool smooth = true);

/// Intersection over union of two boxes (0 when either is empty).
double iou(const Box &a, const Box &b);
/// How well one worker's boxes match the consolidated ones: F1 of boxes matched one to one with the same class
/// and IoU ≥ minIou (1 when both are empty).
double boxAgreement(const std::vector<Box> &answer, const std::vector<Box> &consolidated, double minIou = 0.5);
/// The same for spans, matched by Jaccard similarity ≥ minJaccard and the same class.
double spanAgreement(const std::vector<Span> &answer, const std::vector<Span> &consolidated, double minJaccard = 0.5);

/// How far two answers to an item agree, 0 … 1: the share of labels in common (Jaccard) for classes, box and
/// span F1 (one-to-one matches of the same class, IoU or Jaccard ≥ 0.5), the share of equal pixels for masks.
double answerAgreement(TaskType type, const Payload &a, const Payload &b);
/// What answerAgreement measures for a task type, in words.
const char *agreementMeasure(TaskType type);

} // namespace gw::datasets::consolidation
