#pragma once

// The built-in formats, one factory each (in the file of the same name); registry.cpp lists them.

#include "datasets/formats/format.h"

#include <vector>

namespace gw::datasets::formats {

Format classFolders(); ///< classfolders.cpp: ImageNet-style class sub-folders
Format maskPngs();     ///< maskpngs.cpp: palette PNG masks with a class table
Format textTable();    ///< texttable.cpp: CSV / JSON Lines with class columns
Format nerJsonl();     ///< texttable.cpp: JSON Lines with text and [start, end, label] spans
Format coco();         ///< coco.cpp: COCO JSON boxes and masks (RLE; polygons on import)
Format labelme();      ///< labelme.cpp: LabelMe JSON, one file per image
Format yolo();         ///< yolo.cpp: YOLO box label files with data.yaml
Format voc();          ///< voc.cpp: Pascal VOC XML boxes and palette PNG class masks

/// Every built-in format but the Ground Truth manifest (which registry.cpp adds first).
std::vector<Format> builtinFormats();

} // namespace gw::datasets::formats
