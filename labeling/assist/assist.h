#pragma once

// Assisted segmentation: classical algorithms that turn a few clicks into an object mask (GrabCut from a box or
// four extreme points, the magic wand, superpixels, intelligent scissors, watershed from scribbles).
//
// No widgets and no OpenCV types here, so the UI can run these on a thread pool without OpenCV's headers:
// images come in as QImages of any format, coordinates are full-image pixels, and masks come back as
// Format_Grayscale8 QImages of the image's size (255 = object, 0 = not). Every function is pure and safe to
// call from several threads at once; the objects (Superpixels, Scissors) say what they allow. Large images
// are processed on a downscaled copy (each options struct has a maxWorkingSide) and the result is mapped back
// to full resolution, so an assist costs about the same on a 1-megapixel and a 24-megapixel photo.

#include "datasets/result.h"

#include <QImage>
#include <QPoint>
#include <QRect>
#include <QSize>

#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace gw::labeling::assist {

/// Set from another thread to stop an assist early: it then returns Error::cancelled(). Checked between the
/// algorithm's steps (a GrabCut iteration, a superpixel pass), not inside OpenCV's own loops.
using CancelFlag = const std::atomic_bool *;

/// A polyline the user drew (or a single click), as a band of radiusPx around it.
struct Stroke
{
    std::vector<QPoint> points;
    int radiusPx = 3;
};

// ---- GrabCut ----

/// GrabCut's models and labels after a run, kept so that refine() continues from them. Opaque (it holds the
/// working copy of the image region and OpenCV matrices); immutable once made, so it can be shared freely.
struct GrabCutState;

struct GrabCutOptions
{
    int iterations = 3;
    /// The box plus this share of its size on each side is segmented: its ring teaches the background model
    /// what surrounds the object, which a model of the whole image does worse and slower.
    double marginShare = 0.15;
    /// GrabCut's graph cuts are the cost: the region around the box is scaled to at most this. At 240 a run
    /// stays under 300 ms at 1 MP on two cores; 400 took up to a second for the same IoU (bench_assist).
    int maxWorkingSide = 240;
    /// Holes in the result smaller than this share of the object are filled.
    double maxHoleShare = 0.01;
};

struct GrabCutResult
{
    QImage mask; ///< Format_Grayscale8, the image's size; may be empty of object (all 0)
    std::shared_ptr<const GrabCutState> state;
};

/// GrabCut initialised with a box around the object: outside is background, inside probably object.
Result<GrabCutResult> grabCutFromBox(const QImage &image, QRect box, const GrabCutOptions &options = {},
                                     CancelFlag cancel = nullptr);

/// GrabCut from the object's leftmost, topmost, rightmost and bottommost points ("extreme clicking", in any
/// order): their bounds are the box, and the points and the thin straight paths between neighbouring ones are
/// seeded as definite object (a path may cut across a concave corner; a background stroke then undoes it).
Result<GrabCutResult> grabCutFromExtremePoints(const QImage &image, const std::vector<QPoint> &extremePoints,
                                               const GrabCutOptions &options = {}, CancelFlag cancel = nullptr);

/// Continues from an earlier run with corrective strokes: foreground strokes become definite object,
/// background strokes definite background, and GrabCut re-learns its models from the result. A foreground
/// stroke outside the box says the box was wrong: the box's outside becomes only probable background, and the
/// region grows to hold the stroke (the image is needed for that). The options' iterations apply.
Result<GrabCutResult> grabCutRefine(const QImage &image, const GrabCutState &previous,
                                    const std::vector<Stroke> &foreground, const std::vector<Stroke> &background,
                                    const GrabCutOptions &options = {}, CancelFlag cancel = nullptr);

// ---- Magic wand ----

struct MagicWandOptions
{
    /// Largest difference per colour channel (0-255) from the clicked colour that still belongs to the region.
    int tolerance = 24;
    /// 8-connected regions also grow through diagonal neighbours.
    bool eightConnected = false;
    /// Compare each pixel with its already accepted neighbour instead of the clicked colour: follows gradients
    /// (a sky) but leaks more easily.
    bool floating = false;
    /// Holes in the region smaller than this share of it are filled (JPEG noise leaves pinholes).
    double maxHoleShare = 0.01;
    int maxWorkingSide = 2400;
};

/// The region of similar colour connected to the click. An empty mask when the click is outside the image.
Result<QImage> magicWand(const QImage &image, QPoint click, const MagicWandOptions &options = {},
                         CancelFlag cancel = nullptr);

// ---- Superpixels ----

struct SuperpixelOptions
{
    enum class Algorithm { Slico, Slic, Lsc };
    Algorithm algorithm = Algorithm::Slico;
    /// The superpixels' typical side in full-image pixels (scaled with the working copy, at least 6).
    int regionSizePx = 24;
    int iterations = 10;
    int maxWorkingSide = 1000;
};

/// A superpixel segmentation of one image, computed once (the expensive part) and then queried per click.
/// Copies share the same immutable data; every const method is safe from several threads.
class Superpixels
{
public:
    static Result<Superpixels> compute(const QImage &image, const SuperpixelOptions &options = {},
                                       CancelFlag cancel = nullptr);

    QSize imageSize() const;
    /// Labels run from 0 to count() - 1.
    int count() const;
    /// The superpixel under a point; -1 outside the image.
    int labelAt(QPoint point) const;
    QImage maskOf(int label) const;
    QImage maskOf(const std::vector<int> &labels) const;
    /// The boundaries between superpixels (255), the image's size, for the view to draw over the image.
    QImage contours() const;
    /// The superpixels a stroke passes through (each once, in no particular order).
    std::vector<int> labelsAlong(const Stroke &stroke) const;
    /// For each superpixel, the share of its pixels inside mask (nonzero) — to snap a rough mask to superpixels
    /// or to find the one a correction should add.
    std::vector<double> coverage(const QImage &mask) const;
    /// Pixels of each superpixel at full resolution.
    std::vector<int64_t> areas() const;

private:
    struct Data;
    std::shared_ptr<const Data> d;
};

// ---- Intelligent scissors ----

struct ScissorsOptions
{
    int maxWorkingSide = 1000;
};

/// Intelligent scissors (OpenCV's IntelligentScissorsMB) on one image: the edge features are computed once,
/// each anchor builds a map of cheapest paths over the whole image, and pathTo() then follows edges from the
/// anchor to the pointer at the cost of a lookup. One object must not be used from two threads at once;
/// separate objects are independent.
class Scissors
{
public:
    static Result<Scissors> build(const QImage &image, const ScissorsOptions &options = {},
                                  CancelFlag cancel = nullptr);
    Scissors(Scissors &&) noexcept;
    Scissors &operator=(Scissors &&) noexcept;
    ~Scissors();

    /// Starts paths at this point (clamped into the image); the expensive step, once per anchor.
    Result<void> setAnchor(QPoint anchor, CancelFlag cancel = nullptr);
    bool hasAnchor() const;
    /// The path along edges from the anchor to target, anchor first, target last; empty without an anchor.
    std::vector<QPoint> pathTo(QPoint target) const;

private:
    Scissors();
    struct Impl;
    std::unique_ptr<Impl> d;
};

/// The mask enclosed by consecutive path segments (each one's end is the next one's start; the last is joined
/// back to the first), as the scissors tool closes its outline.
QImage maskFromPaths(const std::vector<std::vector<QPoint>> &segments, QSize size);

// ---- Watershed ----

/// A scribble for the watershed: label 1 is background, 2 and above are objects.
struct Scribble
{
    int label = 2;
    Stroke stroke;
};

struct WatershedOptions
{
    int maxWorkingSide = 1600;
};

/// Floods the image from the scribbles; one mask per object label (>= 2) that has a scribble, in the order of
/// the labels. Without a background scribble the image's edge is background. Fails without an object
/// scribble or with a label below 1.
Result<std::vector<std::pair<int, QImage>>> watershedObjects(const QImage &image,
                                                             const std::vector<Scribble> &scribbles,
                                                             const WatershedOptions &options = {},
                                                             CancelFlag cancel = nullptr);

/// The common case: foreground scribbles against background scribbles; the foreground's mask.
Result<QImage> watershedForeground(const QImage &image, const std::vector<Stroke> &foreground,
                                   const std::vector<Stroke> &background, const WatershedOptions &options = {},
                                   CancelFlag cancel = nullptr);

// ---- Masks ----

/// Intersection over union of two masks of the same size (nonzero = object); 1 when both are empty, 0 when
/// their sizes differ.
double iou(const QImage &a, const QImage &b);

/// A Format_Grayscale8 mask of size with the polygon filled (255), with OpenCV's rasterisation so that it
/// matches the other assists pixel for pixel.
QImage maskFromPolygon(const std::vector<QPoint> &points, QSize size);

} // namespace gw::labeling::assist
