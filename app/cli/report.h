// SPDX-License-Identifier: MIT
// The HTML report: a library of its own (heapscope_report, core and the standard library only),
// used by heapscope-cli report and the app's File › Export Report.
#pragma once

#include "heapscope/common.h"

#include <cstddef>
#include <string>
#include <vector>

namespace heapscope::cli {

/// What a report shows and how it names its maker.
struct ReportOptions {
    std::size_t top = 20;     ///< rows of the Summary and the Comparison
    std::size_t trendTop = 8; ///< classes drawn in the trend chart
    std::size_t leakTop = 10; ///< leak groups listed (each with its retainer paths)
    std::string title;        ///< "" for "Heap snapshot report"
    std::string generator;    ///< "heapscope-cli 1.2.3", written in the footer
};

/// The report of one or more snapshots as one self-contained HTML page (inline CSS, SVG and a
/// little script for sortable tables; nothing fetched): the snapshots, the newest one's Summary
/// and Statistics, and with two or more the Comparison of the newest against the one before, the
/// trend of the leading classes and the leak groups with their retainer paths (series.h). Files
/// that cannot be loaded are listed with their reason; fails only when none loads (or when
/// stopped). `notes` receives what a caller may print (files left out, warnings).
Expected<std::string> buildReportHtml(const std::vector<std::string>& files, const ReportOptions& options,
                                      std::vector<std::string>& notes, const WorkContext& context = {});

/// Writes `content` to `path` through a temporary file in the same folder renamed over it, so a
/// reader never sees half a file. An Error naming the file and the reason when it cannot.
Expected<bool> writeFileAtomically(const std::string& path, const std::string& content);

/// `heapscope-cli report FILE... -o OUT [--top N] [--title TEXT]`. Exit status: 0 written, 1 no
/// file could be loaded or the output could not be written, 2 bad usage.
int runReportCommand(const std::vector<std::string>& args);

} // namespace heapscope::cli
