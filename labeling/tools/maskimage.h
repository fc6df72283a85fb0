#pragma once

// Segmentation masks as QImages for the mask tools and the view: Format_Indexed8 images whose pixel value is
// the stored value (class id + 1, 0 = background), with a colour table from the class colours so a view can
// paint them directly.

#include "datasets/types.h"

#include <QImage>
#include <QList>
#include <QString>

#include <string>

namespace gw::labeling {

/// 256 entries: 0 (background) transparent, id + 1 the colour of class id, values of no class opaque white.
/// Without a job, value v gets defaultClassColor(v - 1).
QList<QRgb> maskColorTable(const datasets::Job *job);

/// An all-background mask of a size, with the job's colour table.
QImage blankMask(QSize size, const datasets::Job *job = nullptr);

/// The payload's mask (stored values) as a Format_Indexed8 image of imageSize; blank when the payload has no
/// mask or it cannot be read. A mask of another size is copied into the top-left corner (cropped or padded
/// with background); an invalid imageSize takes the mask's own size.
/// Without a job the colour table is the PNG's palette (stored masks carry the class colours).
QImage decodeMask(const datasets::Payload &payload, QSize imageSize, const datasets::Job *job = nullptr);

/// PNG bytes in stored values with the classes' colours (as the store keeps masks); empty when the image is
/// not Format_Indexed8 / Format_Grayscale8.
std::string encodeMask(const QImage &indexed, const datasets::Job &job);

/// A class's name for edit texts; its id in digits when the job does not know it.
QString className(const datasets::Job *job, int classId);


/// Brings a mask tool's working mask to a payload's mask. Decodes only when the PNG bytes or the size
/// changed: the view re-syncs a tool after each of its own edits, and a 12-megapixel mask takes a while.
void syncMask(QImage &mask, const std::string &previousPng, const datasets::Payload &payload, QSize imageSize,
              const datasets::Job *job);

/// The payload of a mask edit: base with the mask encoded, and no imported mask location any more (the
/// mask is now ours, so an export writes it rather than pointing at the original file).
datasets::Payload withMask(const datasets::Payload &base, const QImage &mask, const datasets::Job *job);

} // namespace gw::labeling
