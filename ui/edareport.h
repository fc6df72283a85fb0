#pragma once

// The EDA report: one self-contained HTML file (charts as embedded PNG images drawn by the same chart code as
// the app's EDA view, tables, thumbnails of near-duplicates) that opens in a browser with no network.
// Needs a QApplication (the charts are Qt Charts); `gw eda --out` makes one on the offscreen platform.

#include "activelearning/insights.h"
#include "datasets/eda.h"
#include "datasets/imagestats.h"

#include <string>

namespace gw::ui {

Result<> writeEdaReport(const std::string &path, const datasets::ProjectStore &store,
                        const datasets::EdaReport &report, const datasets::ImageStats *pixels,
                        const activelearning::ModelInsights *insights = nullptr, bool overwrite = false);

} // namespace gw::ui
