// SPDX-License-Identifier: MIT
// heapscope-cli report: one self-contained HTML page (inline CSS, SVG charts and a small script for
// sortable tables; nothing fetched) with a snapshot's Summary and Statistics and, for a series, the
// Comparison of its two newest snapshots, the trend of the leading classes and the leak groups.
// Every number is written twice: as the text the app shows (format.h) and, in data-v, as the raw
// value (for sorting, and for tests that compare it with the CLI's JSON).
#include "report.h"

#include "heapscope/analysis.h"
#include "heapscope/comparison.h"
#include "heapscope/format.h"
#include "heapscope/loader.h"
#include "heapscope/retainer_paths.h"
#include "heapscope/series.h"
#include "heapscope/string_table.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <numbers>
#include <optional>
#include <string_view>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace heapscope::cli {

namespace {

constexpr int kOk = 0;
constexpr int kLoadError = 1;
constexpr int kUsage = 2;

#ifdef HEAPSCOPE_VERSION
constexpr const char* kReportVersion = HEAPSCOPE_VERSION;
#else
constexpr const char* kReportVersion = "";
#endif

// ---------------------------------------------------------------------------------------------
// HTML text

/// Escapes UTF-8 text for an HTML text node or a quoted attribute value. C0 control characters
/// (but tab and newline) become U+FFFD: they are not allowed in HTML.
std::string esc(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)
                out += "\xEF\xBF\xBD";
            else
                out += ch;
        }
    }
    return out;
}

/// Text from the snapshot (WTF-8: lone surrogates possible) escaped for HTML.
std::string escW(std::string_view wtf8) {
    return esc(text::toUtf8(wtf8));
}

std::string baseName(const std::string& path) {
    return std::filesystem::path(path).filename().string();
}

/// A number cell; "opt" cells (and their headings) are left out on a phone's narrow screen.
template <typename T>
std::string numCell(const std::string& key, T raw, const std::string& text, bool optional = false) {
    return std::string(optional ? "<td class=\"num opt\"" : "<td class=\"num\"") + " data-k=\"" + key +
           "\" data-v=\"" + std::to_string(raw) + "\">" + esc(text) + "</td>";
}

std::string nameCell(const std::string& key, std::string_view wtf8Name) {
    return "<td class=\"name\" data-k=\"" + key + "\">" + escW(wtf8Name) + "</td>";
}

/// A sortable column heading: `numeric` columns sort by data-v.
std::string th(std::string_view title, bool numeric, std::string_view tip = {}, bool optional = false) {
    std::string out = "<th scope=\"col\" data-sort=\"";
    out += numeric ? (optional ? "num\" class=\"num opt\"" : "num\" class=\"num\"") : "text\"";
    if (!tip.empty())
        out += " title=\"" + esc(tip) + "\"";
    return out + "><button type=\"button\">" + esc(title) + "</button></th>";
}

// ---------------------------------------------------------------------------------------------
// Charts

constexpr const char* kPalette[] = {"#1a73e8", "#d93025", "#188038", "#f29900", "#9334e6",
                                    "#12b5cb", "#e8710a", "#5f6368", "#b31412", "#185abc"};
constexpr std::size_t kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

/// 1, 2 or 5 times a power of ten, at least `v`.
double niceCeil(double v) {
    if (v <= 0)
        return 1;
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= v)
            return m * p;
    return 10 * p;
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

struct ChartLine {
    std::string name; // WTF-8
    std::vector<double> values;
    std::vector<std::string> labels; // the value as text, per point
};

/// A line chart over the snapshots (x: #1 .. #n), one line per entry, with its legend.
std::string lineChart(const std::string& id, const std::string& title, const std::vector<ChartLine>& lines,
                      std::size_t points, std::string (*axisText)(std::uint64_t)) {
    const double w = 720, h = 300, left = 84, right = 16, top = 14, bottom = 40;
    double maxValue = 0;
    for (const ChartLine& l : lines)
        for (double v : l.values)
            maxValue = std::max(maxValue, v);
    const double yMax = niceCeil(maxValue);
    auto x = [&](std::size_t i) {
        return points <= 1 ? left + (w - left - right) / 2
                           : left + (w - left - right) * double(i) / double(points - 1);
    };
    auto y = [&](double v) { return top + (h - top - bottom) * (1 - v / yMax); };
    std::string svg = "<figure class=\"chart\" id=\"" + id + "\"><figcaption>" + esc(title) +
                      "</figcaption><svg viewBox=\"0 0 " + num(w) + " " + num(h) +
                      "\" role=\"img\" aria-label=\"" + esc(title) +
                      "\" preserveAspectRatio=\"xMidYMid meet\">";
    for (int t = 0; t <= 4; ++t) {
        const double v = yMax * t / 4;
        svg += "<line class=\"grid\" x1=\"" + num(left) + "\" x2=\"" + num(w - right) + "\" y1=\"" +
               num(y(v)) + "\" y2=\"" + num(y(v)) + "\"/>";
        svg += "<text class=\"axis\" x=\"" + num(left - 6) + "\" y=\"" + num(y(v) + 4) +
               "\" text-anchor=\"end\">" + esc(axisText(std::uint64_t(v))) + "</text>";
    }
    for (std::size_t i = 0; i < points; ++i)
        svg += "<text class=\"axis\" x=\"" + num(x(i)) + "\" y=\"" + num(h - bottom + 18) +
               "\" text-anchor=\"middle\">#" + std::to_string(i + 1) + "</text>";
    for (std::size_t l = 0; l < lines.size(); ++l) {
        const ChartLine& line = lines[l];
        const char* color = kPalette[l % kPaletteSize];
        std::string pts;
        for (std::size_t i = 0; i < line.values.size(); ++i)
            pts += (i ? " " : "") + num(x(i)) + "," + num(y(line.values[i]));
        svg += "<g class=\"series\" data-series=\"" + std::to_string(l) +
               "\"><polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2.5\" points=\"" + pts +
               "\"/>";
        for (std::size_t i = 0; i < line.values.size(); ++i)
            svg += "<circle cx=\"" + num(x(i)) + "\" cy=\"" + num(y(line.values[i])) + "\" r=\"4\" fill=\"" +
                   color + "\"><title>" + escW(line.name) + " #" + std::to_string(i + 1) + ": " +
                   esc(line.labels[i]) + "</title></circle>";
        svg += "</g>";
    }
    svg += "</svg><ul class=\"legend\">";
    for (std::size_t l = 0; l < lines.size(); ++l)
        svg += "<li><svg class=\"swatch\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><rect width=\"10\" "
               "height=\"10\" "
               "fill=\"" +
               std::string(kPalette[l % kPaletteSize]) + "\"/></svg>" + escW(lines[l].name) + "</li>";
    return svg + "</ul></figure>";
}

std::string bytesText(std::uint64_t v) {
    return format::bytesAdaptive(v);
}
std::string countText(std::uint64_t v) {
    return format::grouped(v);
}

// ---------------------------------------------------------------------------------------------
// Sections

struct Loaded {
    AnalysisPtr analysis;
    std::string path;
};

std::string snapshotsSection(const Series* series, const Loaded& newest, const Loaded* previous) {
    std::string out = "<section id=\"snapshots\"><h2>Snapshots</h2>";
    if (series && series->loadedCount >= 2)
        out += "<p>" + std::to_string(series->loadedCount) + " snapshots in time order (from the " +
               esc(seriesOrderBasisName(series->orderBasis)) + ").</p>";
    out += "<div class=\"scroll\"><table class=\"sortable\" id=\"snapshots-table\"><thead><tr>" +
           th("#", true) + th("File", false) + th("Nodes", true) + th("Edges", true) +
           th("Total size", true, "the root's retained size, as the Summary's percentages use") +
           th("File size", true, {}, true) + th("Newest object", true, {}, true) + "</tr></thead><tbody>";
    auto row = [&](std::size_t t, const std::string& path, std::uint64_t nodes, std::uint64_t edges,
                   std::uint64_t total, std::uint32_t maxId, const char* role) {
        std::error_code ec;
        const std::uint64_t fileSize = std::filesystem::file_size(path, ec);
        const std::string k = "snap-" + std::to_string(t);
        out += "<tr data-i=\"" + std::to_string(t) + "\">" +
               numCell(k + "-index", t + 1, std::to_string(t + 1)) + "<td class=\"name\" data-k=\"" + k +
               "-file\" title=\"" + esc(path) + "\">" + esc(baseName(path)) +
               (role ? std::string(" <span class=\"tag\">") + role + "</span>" : std::string()) + "</td>" +
               numCell(k + "-nodes", nodes, format::grouped(nodes)) +
               numCell(k + "-edges", edges, format::grouped(edges)) +
               numCell(k + "-total", total, format::bytesAdaptive(total)) +
               (ec ? std::string("<td class=\"num opt\" data-v=\"0\">\xE2\x80\x94</td>")
                   : numCell(k + "-filesize", fileSize, format::bytesAdaptive(fileSize), true)) +
               numCell(k + "-maxid", maxId, "@" + std::to_string(maxId), true) + "</tr>";
    };
    if (series) {
        for (std::size_t t = 0; t < series->loadedCount; ++t) {
            const SeriesSnapshot& s = series->snapshots[t];
            const char* role = t + 1 == series->loadedCount   ? "newest"
                               : t + 2 == series->loadedCount ? "previous"
                                                              : nullptr;
            row(t, s.path, s.nodeCount, s.edgeCount, s.totalSize, s.facts.maxJsObjectId, role);
        }
    } else {
        const Snapshot& s = *newest.analysis->snapshot;
        row(0, newest.path, s.nodeCount, s.edgeCount, newest.analysis->totalSize, s.facts().maxJsObjectId,
            nullptr);
    }
    out += "</tbody></table></div>";
    if (series && series->loadedCount < series->snapshots.size()) {
        out += "<p>Left out:</p><ul class=\"leftout\">";
        for (std::size_t t = series->loadedCount; t < series->snapshots.size(); ++t)
            out += "<li><code>" + esc(series->snapshots[t].path) + "</code>: " +
                   esc(series->snapshots[t].error ? series->snapshots[t].error->reason : std::string()) +
                   "</li>";
        out += "</ul>";
    }
    if (series && !series->warnings.empty()) {
        out += "<ul class=\"warnings\">";
        for (const std::string& w : series->warnings)
            out += "<li>" + esc(w) + "</li>";
        out += "</ul>";
    }
    // Format facts of the snapshots loaded whole (the previous one, then the newest), side by side.
    std::vector<std::pair<const Loaded*, const char*>> loaded;
    if (previous)
        loaded.emplace_back(previous, "previous");
    loaded.emplace_back(&newest, series ? "newest" : "snapshot");
    auto join = [](const std::vector<std::string>& v) {
        std::string j;
        for (const auto& x : v)
            j += (j.empty() ? "" : ", ") + x;
        return j;
    };
    out += "<h3>Format facts</h3><div class=\"scroll\"><table class=\"facts\"><thead><tr><th "
           "scope=\"col\"></th>";
    for (const auto& [l, role] : loaded)
        out += "<th scope=\"col\"><code>" + esc(baseName(l->path)) + "</code> <span class=\"tag\">" + role +
               "</span></th>";
    out += "</tr></thead><tbody>";
    auto item = [&](const char* term, auto value) {
        out += "<tr><th scope=\"row\">" + std::string(term) + "</th>";
        for (const auto& [l, role] : loaded)
            out += "<td>" + esc(value(*l->analysis->snapshot, *l->analysis)) + "</td>";
        out += "</tr>";
    };
    item("JSON size", [](const Snapshot& s, const Analysis&) {
        return format::bytesAdaptive(s.fileSize) +
               (s.format.gzip ? " (gzip, " + format::bytesAdaptive(s.format.compressedSize) + " on disk)"
                              : std::string());
    });
    item("Strings", [](const Snapshot& s, const Analysis&) { return format::grouped(s.strings.size()); });
    item("Reachable / unreachable", [](const Snapshot&, const Analysis& a) {
        return format::grouped(a.reachableCount) + " / " + format::grouped(a.unreachableCount);
    });
    item("Node fields", [&](const Snapshot& s, const Analysis&) { return join(s.format.nodeFields); });
    item("Node types", [&](const Snapshot& s, const Analysis&) { return join(s.format.nodeTypes); });
    item("Edge types", [&](const Snapshot& s, const Analysis&) { return join(s.format.edgeTypes); });
    item("Sections", [](const Snapshot& s, const Analysis&) {
        std::string sections;
        for (const SectionInfo& sec : s.format.sections)
            sections += (sections.empty() ? "" : ", ") + sec.name + (sec.known ? "" : " (not used)");
        return sections;
    });
    item("Allocation traces", [](const Snapshot& s, const Analysis&) {
        return s.traceTree.empty() ? std::string("none")
                                   : format::grouped(s.traceFunctionInfos.size()) + " functions, " +
                                         format::grouped(s.traceTree.size()) + " trace nodes";
    });
    item("Timeline samples",
         [](const Snapshot& s, const Analysis&) { return format::grouped(s.samples.size()); });
    item("Warnings", [&](const Snapshot& s, const Analysis&) {
        return s.warnings.empty() ? std::string("none") : join(s.warnings);
    });
    out += "</tbody></table></div>";
    return out + "</section>";
}

std::string summarySection(const Analysis& a, std::size_t top, const std::string& fileName) {
    const Aggregates& rows = a.allObjects;
    const std::size_t count = std::min(top, rows.classes.size());
    std::string out = "<section id=\"summary\"><h2>Summary</h2><p>Of <code>" + esc(fileName) +
                      "</code>: " + format::grouped(rows.objectCount) + " objects, " +
                      esc(format::bytesAdaptive(a.totalSize)) + " in all, " +
                      format::grouped(rows.classes.size()) + " classes; the " + std::to_string(count) +
                      " with the largest retained size.</p>";
    out += "<div class=\"scroll\"><table class=\"sortable\" id=\"summary-table\"><thead><tr>" +
           th("Constructor", false) + th("Distance", true, {}, true) + th("Count", true) +
           th("Shallow Size", true) + th("%", true, {}, true) + th("Retained Size", true) +
           th("%", true, {}, true) + "</tr></thead><tbody>";
    for (std::size_t i = 0; i < count; ++i) {
        const ClassAggregate& c = rows.classes[i];
        const std::string k = "summary-" + std::to_string(i);
        out +=
            "<tr data-i=\"" + std::to_string(i) + "\">" +
            nameCell(k + "-name", a.classes[c.classIndex].name) +
            numCell(k + "-distance", c.distance, format::distance(c.distance), true) +
            numCell(k + "-count", c.count, format::grouped(c.count)) +
            numCell(k + "-self", c.selfSize, format::sizeKB(c.selfSize)) +
            numCell(k + "-selfpct", c.selfSize, format::percent(c.selfSize, a.totalSize), true) +
            numCell(k + "-retained", c.retainedSize, format::sizeKB(c.retainedSize)) +
            numCell(k + "-retainedpct", c.retainedSize, format::percent(c.retainedSize, a.totalSize), true) +
            "</tr>";
    }
    return out + "</tbody></table></div></section>";
}

std::string statisticsSection(const Analysis& a) {
    const Statistics& st = a.statistics;
    struct Slice {
        const char* key;
        const char* title;
        std::uint64_t value;
        const char* color;
    };
    const Slice slices[] = {
        {"code", "Code", st.code, "#f29900"},
        {"strings", "Strings", st.strings, "#9334e6"},
        {"jsArrays", "JS arrays", st.jsArrays, "#1a73e8"},
        {"typedArrays", "Typed arrays", st.typedArrays, "#12b5cb"},
        {"system", "System objects", st.system, "#5f6368"},
        {"otherJs", "Other JS objects", st.otherJs(), "#188038"},
        {"otherNative", "Other non-JS objects (such as HTML and CSS)", st.otherNative(), "#d93025"},
    };
    const double r = 70, circumference = 2 * std::numbers::pi * r;
    std::string svg =
        "<svg class=\"donut\" viewBox=\"0 0 200 200\" role=\"img\" aria-label=\"Statistics\">"
        "<circle cx=\"100\" cy=\"100\" r=\"70\" fill=\"none\" stroke=\"#e8eaed\" stroke-width=\"34\"/>";
    double offset = 0;
    for (const Slice& s : slices) {
        if (s.value == 0 || st.total == 0)
            continue;
        const double len = circumference * double(s.value) / double(st.total);
        svg += "<circle class=\"slice\" data-slice=\"" + std::string(s.key) +
               "\" cx=\"100\" cy=\"100\" r=\"70\" fill=\"none\" stroke=\"" + s.color +
               "\" stroke-width=\"34\" stroke-dasharray=\"" + num(len) + " " + num(circumference - len) +
               "\" stroke-dashoffset=\"" + num(-offset) + "\" transform=\"rotate(-90 100 100)\"><title>" +
               s.title + ": " + esc(format::sizeKB(s.value)) + " (" +
               esc(format::percent(s.value, st.total)) + ")</title></circle>";
        offset += len;
    }
    svg += "<text x=\"100\" y=\"96\" text-anchor=\"middle\" class=\"donut-total\">" +
           esc(format::sizeKB(st.total)) +
           "</text><text x=\"100\" y=\"116\" text-anchor=\"middle\" class=\"axis\">Total</text></svg>";
    std::string table =
        "<table id=\"stats-table\"><thead><tr><th scope=\"col\">Category</th><th scope=\"col\" "
        "class=\"num\">Size</th><th scope=\"col\" class=\"num\">%</th></tr></thead><tbody>";
    for (const Slice& s : slices)
        table +=
            "<tr><td class=\"name\"><svg class=\"swatch\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><rect "
            "width=\"10\" height=\"10\" fill=\"" +
            std::string(s.color) + "\"/></svg>" + s.title + "</td>" +
            numCell("stats-" + std::string(s.key), s.value, format::sizeKB(s.value)) +
            numCell("stats-" + std::string(s.key) + "-pct", s.value, format::percent(s.value, st.total)) +
            "</tr>";
    table += "</tbody><tfoot><tr><th scope=\"row\">Total</th>" +
             numCell("stats-total", st.total, format::sizeKB(st.total)) +
             "<td class=\"num\"></td></tr></tfoot></table>";
    return "<section id=\"statistics\"><h2>Statistics</h2><div class=\"stats\">" + svg +
           "<div class=\"scroll\">" + table + "</div></div></section>";
}

std::string comparisonSection(const Comparison& c, std::size_t top, std::size_t newestIndex) {
    const std::size_t count = std::min(top, c.classes.size());
    std::string out =
        "<section id=\"comparison\"><h2>Comparison</h2><p><code>" + esc(baseName(c.current->snapshot->path)) +
        "</code> (#" + std::to_string(newestIndex + 1) + ") against <code>" +
        esc(baseName(c.base->snapshot->path)) + "</code> (#" + std::to_string(newestIndex) + "): ";
    out += "<span data-k=\"diff-total-new\" data-v=\"" + std::to_string(c.totals.newCount) + "\">" +
           esc(format::grouped(c.totals.newCount)) +
           "</span> new, <span data-k=\"diff-total-deleted\" data-v=\"" +
           std::to_string(c.totals.deletedCount) + "\">" + esc(format::grouped(c.totals.deletedCount)) +
           "</span> deleted, size <span data-k=\"diff-total-sizeDelta\" data-v=\"" +
           std::to_string(c.totals.sizeDelta()) + "\">" + esc(format::signedBytes(c.totals.sizeDelta())) +
           "</span>; the " + std::to_string(count) + " classes with the largest size delta.</p>";
    for (const std::string& w : c.warnings)
        out += "<p class=\"warning\">" + esc(w) + "</p>";
    out += "<div class=\"scroll\"><table class=\"sortable\" id=\"diff-table\"><thead><tr>" +
           th("Constructor", false) + th("# New", true) + th("# Deleted", true) + th("# Delta", true) +
           th("Alloc. Size", true, {}, true) + th("Freed Size", true, {}, true) + th("Size Delta", true) +
           th("Retained Delta", true) + "</tr></thead><tbody>";
    for (std::size_t i = 0; i < count; ++i) {
        const ClassDiff& d = c.classes[i];
        const std::string k = "diff-" + std::to_string(i);
        out += "<tr data-i=\"" + std::to_string(i) + "\">" + nameCell(k + "-name", d.name) +
               numCell(k + "-new", d.newCount, format::countNbsp(d.newCount)) +
               numCell(k + "-deleted", d.deletedCount, format::countNbsp(d.deletedCount)) +
               numCell(k + "-delta", d.delta(), format::signedCount(d.delta())) +
               numCell(k + "-alloc", d.allocSize, format::bytesAdaptive(d.allocSize), true) +
               numCell(k + "-freed", d.freedSize, format::bytesAdaptive(d.freedSize), true) +
               numCell(k + "-sizeDelta", d.sizeDelta(), format::signedBytes(d.sizeDelta())) +
               numCell(k + "-retainedDelta", d.retainedDelta(), format::signedBytes(d.retainedDelta())) +
               "</tr>";
    }
    return out + "</tbody></table></div></section>";
}

std::string trendSection(const Series& series, std::size_t chartTop, std::size_t tableTop) {
    const std::size_t n = series.loadedCount;
    const std::size_t drawn = std::min(chartTop, series.classes.size());
    std::vector<ChartLine> retained, counts;
    for (std::size_t r = 0; r < drawn; ++r) {
        const TrendRow& row = series.classes[r];
        ChartLine lr{row.name, {}, {}}, lc{row.name, {}, {}};
        for (std::size_t t = 0; t < n; ++t) {
            lr.values.push_back(double(row.retainedSizes[t]));
            lr.labels.push_back(format::bytesAdaptive(row.retainedSizes[t]));
            lc.values.push_back(double(row.counts[t]));
            lc.labels.push_back(format::grouped(row.counts[t]));
        }
        retained.push_back(std::move(lr));
        counts.push_back(std::move(lc));
    }
    std::string out = "<section id=\"trend\"><h2>Trend</h2><p>The " + std::to_string(drawn) +
                      " classes whose retained size grew most from the first snapshot to the newest.</p>"
                      "<div class=\"charts\">" +
                      lineChart("trend-retained", "Retained size", retained, n, &bytesText) +
                      lineChart("trend-count", "Count", counts, n, &countText) + "</div>";
    out += "<div class=\"scroll\"><table class=\"sortable\" id=\"trend-table\"><thead><tr>" +
           th("Constructor", false);
    for (std::size_t t = 0; t < n; ++t)
        out += th("# " + std::to_string(t + 1), true, "count in snapshot #" + std::to_string(t + 1));
    for (std::size_t t = 0; t < n; ++t)
        out += th("Retained " + std::to_string(t + 1), true);
    out += th("Trend", false) + "</tr></thead><tbody>";
    const std::size_t rows = std::min(tableTop, series.classes.size());
    for (std::size_t r = 0; r < rows; ++r) {
        const TrendRow& row = series.classes[r];
        const std::string k = "trend-" + std::to_string(r);
        out += "<tr data-i=\"" + std::to_string(r) + "\">" + nameCell(k + "-name", row.name);
        for (std::size_t t = 0; t < n; ++t)
            out += numCell(k + "-count-" + std::to_string(t), row.counts[t], format::grouped(row.counts[t]));
        for (std::size_t t = 0; t < n; ++t)
            out += numCell(k + "-retained-" + std::to_string(t), row.retainedSizes[t],
                           format::bytesAdaptive(row.retainedSizes[t]));
        out += "<td class=\"verdict v-" + std::string(trendVerdictName(row.verdict)) + "\" title=\"" +
               esc(trendVerdictReason(row.verdict)) + "\">" + trendVerdictName(row.verdict) + "</td></tr>";
    }
    return out + "</tbody></table></div></section>";
}

/// The retaining paths (root first) of a few of a leak group's objects in the newest snapshot.
std::string leakPaths(const Analysis& a, const LeakGroup& leak, std::size_t index,
                      const WorkContext& context) {
    std::vector<NodeOrdinal> targets;
    for (std::uint32_t id : leak.sampleIds)
        if (const std::optional<NodeOrdinal> n = a.snapshot->nodeWithId(id); n && targets.size() < 5)
            targets.push_back(*n);
    if (targets.empty())
        return {};
    PathOptions options;
    options.maxPaths = 2;
    auto paths = findRetainerPaths(a, targets, options, context);
    if (!paths || paths->paths.empty())
        return "<p class=\"note\">No retaining path from the GC roots was found for its objects.</p>";
    const Snapshot& s = *a.snapshot;
    std::string out;
    for (std::size_t p = 0; p < paths->paths.size(); ++p) {
        const RetainerPath& path = paths->paths[p];
        out += "<div class=\"retainer-path\" data-k=\"leak-" + std::to_string(index) + "-path-" +
               std::to_string(p) + "\" data-v=\"" + std::to_string(path.hops.size()) +
               "\"><p class=\"path-title\">Retaining path " + std::to_string(p + 1) + " of " +
               std::to_string(paths->paths.size()) + ", " + std::to_string(path.hops.size()) +
               (path.hops.size() == 1 ? " hop" : " hops");
        if (path.targetCount > 1)
            out += ", holding " + esc(format::grouped(path.targetCount)) + " of the objects";
        out += "</p><ol>";
        for (const PathHop& hop : path.hops) {
            out += "<li>";
            if (hop.edge != kNoEdge) {
                out += "<span class=\"edge\">" + escW(format::edgeName(s, hop.edge)) + "</span>";
                if (hop.edgeCount > 1)
                    out += " <span class=\"times\">\xC3\x97" + std::to_string(hop.edgeCount) + "</span>";
                out += " <span class=\"arrow\">\xE2\x86\x92</span> ";
            }
            out += "<span class=\"obj\">" + escW(format::nodeLabelWithId(a, hop.node)) +
                   "</span> <span class=\"sz\">retained " +
                   esc(format::bytesAdaptive(a.retainedSize[hop.node])) + "</span></li>";
        }
        out += "</ol></div>";
    }
    return out;
}

std::string leaksSection(const Series& series, const Analysis* newest, std::size_t top,
                         const WorkContext& context) {
    const std::size_t n = series.loadedCount;
    std::string out = "<section id=\"leaks\"><h2>Leak groups</h2>";
    if (series.leaks.empty())
        return out + "<p data-k=\"leak-count\" data-v=\"0\">No leak candidates: no group of objects held the "
                     "same way "
                     "grows in every interval.</p></section>";
    const std::size_t count = std::min(top, series.leaks.size());
    out += "<p data-k=\"leak-count\" data-v=\"" + std::to_string(series.leaks.size()) + "\">" +
           std::to_string(series.leaks.size()) +
           (series.leaks.size() == 1 ? " leak candidate" : " leak candidates") +
           ": objects of one class, held the same way, growing in every interval; biggest growth of retained "
           "size "
           "first.</p>";
    out +=
        "<div class=\"scroll\"><table class=\"sortable\" id=\"leaks-table\"><thead><tr>" + th("Class", false);
    for (std::size_t t = 0; t < n; ++t)
        out += th("# " + std::to_string(t + 1), true);
    out += th("Retained", true, "retained size of the group in the newest snapshot") +
           th("Growth", true, "growth of retained size from the first snapshot") + th("Survivors", true) +
           th("Hops", true, "hops of the holder path") + th("Holder path", false) + "</tr></thead><tbody>";
    for (std::size_t i = 0; i < count; ++i) {
        const LeakGroup& leak = series.leaks[i];
        const std::string k = "leak-" + std::to_string(i);
        out += "<tr data-i=\"" + std::to_string(i) + "\">" + nameCell(k + "-class", leak.className);
        for (std::size_t t = 0; t < n; ++t)
            out +=
                numCell(k + "-count-" + std::to_string(t), leak.counts[t], format::grouped(leak.counts[t]));
        out += numCell(k + "-retained", leak.retainedSize(), format::bytesAdaptive(leak.retainedSize())) +
               numCell(k + "-growth", leak.retainedGrowth(), format::signedBytes(leak.retainedGrowth())) +
               numCell(k + "-survivors", leak.survivors, format::grouped(leak.survivors)) +
               numCell(k + "-hops", leak.path.size(), std::to_string(leak.path.size())) +
               "<td class=\"path\">" + escW(leak.className);
        for (std::size_t h = 0; h < leak.path.size(); ++h)
            out += " \xE2\x86\x90 <span class=\"hop\" data-k=\"" + k + "-hop-" + std::to_string(h) +
                   "\" data-holder=\"" + escW(leak.path[h].holder) + "\" data-edge=\"" +
                   escW(leak.path[h].edge) + "\"><span class=\"edge\">" + escW(leak.path[h].edge) +
                   "</span> in " + escW(leak.path[h].holder) + "</span>";
        out += "</td></tr>";
    }
    out += "</tbody></table></div>";
    // Each group in detail: why it is flagged and how its objects are held in the newest snapshot.
    for (std::size_t i = 0; i < count; ++i) {
        const LeakGroup& leak = series.leaks[i];
        std::string countsText, retainedText;
        for (std::size_t t = 0; t < n; ++t) {
            countsText += (t ? " \xE2\x86\x92 " : "") + format::grouped(leak.counts[t]);
            retainedText += (t ? " \xE2\x86\x92 " : "") + format::bytesAdaptive(leak.retainedSizes[t]);
        }
        out += "<article class=\"leak\" id=\"leak-" + std::to_string(i) + "\"><h3>" + std::to_string(i + 1) +
               ". " + escW(leak.description) + "</h3><dl><dt>Count</dt><dd>" + esc(countsText) +
               "</dd><dt>Retained</dt><dd>" + esc(retainedText) + "</dd><dt>Why</dt><dd>" + esc(leak.reason) +
               "</dd>";
        if (leak.nestedGroups)
            out += "<dt>Holds</dt><dd>" + std::to_string(leak.nestedGroups) + " more growing group" +
                   (leak.nestedGroups == 1 ? "" : "s") + " of objects</dd>";
        if (!leak.sampleIds.empty()) {
            std::string ids;
            for (std::size_t s = 0; s < std::min<std::size_t>(5, leak.sampleIds.size()); ++s)
                ids += (s ? ", @" : "@") + std::to_string(leak.sampleIds[s]);
            out += "<dt>Objects</dt><dd>" + esc(ids) + "</dd>";
        }
        out += "</dl>";
        if (newest)
            out += leakPaths(*newest, leak, i, context);
        out += "</article>";
    }
    return out + "</section>";
}

// ---------------------------------------------------------------------------------------------
// Page

constexpr const char* kStyle = R"CSS(
:root{--fg:#202124;--muted:#5f6368;--line:#dadce0;--head:#f1f3f4;--accent:#1a73e8;--warn:#b06000}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);margin:0 auto;max-width:1200px;padding:16px 20px 40px}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.6em 0 .4em;border-bottom:2px solid var(--line);padding-bottom:.2em}h3{font-size:1.05em;margin:1em 0 .3em}
header p,footer{color:var(--muted)}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4em 1.2em}
nav a{color:var(--accent);text-decoration:none}
code{font:12.5px ui-monospace,"DejaVu Sans Mono",monospace;word-break:break-all}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:var(--head);position:sticky;top:0;white-space:nowrap}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit}
th[aria-sort=ascending] button::after{content:" \25B2"}th[aria-sort=descending] button::after{content:" \25BC"}
.num{text-align:right;white-space:nowrap}
td.name{overflow-wrap:break-word;max-width:32em}
table.facts td{overflow-wrap:anywhere}table.facts tbody th{font-weight:normal;color:var(--muted);white-space:nowrap}
tbody tr:nth-child(even){background:#fafafa}
.tag{font-size:.75em;background:#e8f0fe;color:#174ea6;border-radius:3px;padding:0 4px}
.warning,.warnings li{color:var(--warn)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:.4em 0}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
.stats{display:flex;flex-wrap:wrap;gap:24px;align-items:center}.stats .scroll{flex:1 1 380px}
.donut{width:220px;height:220px;flex:none}.donut-total{font-size:15px;font-weight:600}
.swatch{width:10px;height:10px;margin-right:6px;vertical-align:baseline}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:16px}
figure.chart{margin:0}figure.chart figcaption{font-weight:600;margin-bottom:4px}
figure.chart svg:not(.swatch){width:100%;height:auto;display:block}
.grid{stroke:var(--line);stroke-width:1}.axis{font-size:13px;fill:var(--muted)}
.legend{list-style:none;padding:0;margin:.3em 0;display:flex;flex-wrap:wrap;gap:.2em 1em;font-size:12.5px}
.legend li{overflow-wrap:anywhere}
td.path{font-size:12.5px;min-width:18em}.edge{color:#a142f4;font-family:ui-monospace,"DejaVu Sans Mono",monospace}
.v-grows{color:#c5221f;font-weight:600}
article.leak{border-left:3px solid #d93025;padding:.1em 0 .1em 12px;margin:1em 0;break-inside:avoid}
.retainer-path ol{margin:.2em 0;padding-left:1.6em;font-size:12.5px}.retainer-path li{overflow-wrap:anywhere}
.path-title{margin:.5em 0 0;font-weight:600;font-size:12.5px}.sz,.note{color:var(--muted)}
@media (max-width:640px){
 body{padding:10px 10px 30px;font-size:13px}
 th,td{padding:3px 5px}
 td.name{max-width:14em}
 .donut{width:160px;height:160px;margin:0 auto}
 .charts{grid-template-columns:1fr}
 .opt{display:none}
 #leaks-table td.path,#leaks-table th:last-child{display:none}
 dl{grid-template-columns:1fr}dt{font-weight:600}
}
@media print{
 @page{margin:14mm}
 body{max-width:none;padding:0;font-size:10.5pt;color:#000}
 nav,th button::after{display:none}
 th button{cursor:auto}
 thead th{position:static}
 thead{display:table-header-group}
 tr,figure,.stats{break-inside:avoid}
 h2,h3{break-after:avoid}
 .scroll{overflow:visible}
 td.name{max-width:none}
 a{color:inherit}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
)CSS";

// Sortable tables: a click on a heading sorts by that column (numbers by data-v), a second click
// reverses. On load the script sorts every table once and back, and marks the page with
// data-report-ok (the number of tables checked) or data-report-error: a test reads them.
constexpr const char* kScript = R"JS(
(function(){
  'use strict';
  function key(row, col, numeric){
    var cell = row.cells[col];
    if (!cell) return numeric ? 0 : '';
    return numeric ? Number(cell.getAttribute('data-v') || 0) : cell.textContent.trim().toLowerCase();
  }
  function sortTable(table, col, dir){
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    var numeric = heads[col].getAttribute('data-sort') === 'num';
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function(a, b){
      var x = key(a, col, numeric), y = key(b, col, numeric);
      var c = x < y ? -1 : x > y ? 1 : 0;
      if (c === 0) c = Number(a.getAttribute('data-i')) - Number(b.getAttribute('data-i'));
      else if (dir === 'descending') c = -c;
      return c;
    });
    rows.forEach(function(r){ body.appendChild(r); });
    for (var i = 0; i < heads.length; i++) heads[i].removeAttribute('aria-sort');
    heads[col].setAttribute('aria-sort', dir);
  }
  function restore(table){
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function(a, b){ return Number(a.getAttribute('data-i')) - Number(b.getAttribute('data-i')); });
    rows.forEach(function(r){ body.appendChild(r); });
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) heads[i].removeAttribute('aria-sort');
  }
  var tables = document.querySelectorAll('table.sortable');
  var checked = 0;
  try {
    tables.forEach(function(table){
      var heads = table.tHead.rows[0].cells;
      Array.prototype.forEach.call(heads, function(th, col){
        var button = th.querySelector('button');
        if (!button) return;
        button.addEventListener('click', function(){
          var dir = th.getAttribute('aria-sort') === 'descending' ? 'ascending' : 'descending';
          sortTable(table, col, dir);
        });
      });
      var body = table.tBodies[0];
      if (!body || body.rows.length < 2) return;
      var before = Array.prototype.map.call(body.rows, function(r){ return r.getAttribute('data-i'); }).join(',');
      for (var col = 0; col < heads.length; col++) {
        if (heads[col].getAttribute('data-sort') !== 'num') continue;
        sortTable(table, col, 'descending');
        for (var i = 1; i < body.rows.length; i++)
          if (key(body.rows[i - 1], col, true) < key(body.rows[i], col, true))
            throw new Error('table ' + table.id + ' column ' + col + ' did not sort');
        break;
      }
      restore(table);
      var after = Array.prototype.map.call(body.rows, function(r){ return r.getAttribute('data-i'); }).join(',');
      if (before !== after) throw new Error('table ' + table.id + ' did not restore its order');
      checked++;
    });
    document.documentElement.setAttribute('data-report-ok', String(checked));
  } catch (e) {
    document.documentElement.setAttribute('data-report-error', String(e && e.message || e));
  }
})();
)JS";

} // namespace

Expected<std::string> buildReportHtml(const std::vector<std::string>& files, const ReportOptions& options,
                                      std::vector<std::string>& notes, const WorkContext& context) {
    if (files.empty())
        return Error{"", "", -1, "no files to report on", false};
    std::optional<Series> series;
    std::string newestPath = files.front(), previousPath;
    if (files.size() >= 2) {
        auto s = analyzeSeries(files, {}, context);
        if (!s)
            return s.error();
        series = std::move(*s);
        for (const SeriesSnapshot& snap : series->snapshots)
            if (snap.error)
                notes.push_back(snap.error->message());
        for (const std::string& w : series->warnings)
            notes.push_back("warning: " + w);
        if (series->loadedCount == 0)
            return Error{"", "", -1, "none of the files could be loaded", false};
        newestPath = series->snapshots[series->loadedCount - 1].path;
        if (series->loadedCount >= 2)
            previousPath = series->snapshots[series->loadedCount - 2].path;
    }
    // The newest snapshot (and the one before, on another thread) loaded whole: their Summary,
    // Statistics, Comparison and the leak groups' retainer paths.
    auto loadAndAnalyze = [](const std::string& path, const WorkContext& ctx) -> Expected<AnalysisPtr> {
        auto snap = loadSnapshot(path, {}, ctx);
        if (!snap)
            return snap.error();
        return analyze(*snap, {}, ctx);
    };
    std::optional<Expected<AnalysisPtr>> newestResult, previousResult;
    {
        WorkContext quiet;
        quiet.stop = context.stop;
        std::jthread other;
        if (!previousPath.empty())
            other = std::jthread([&] { previousResult.emplace(loadAndAnalyze(previousPath, quiet)); });
        newestResult.emplace(loadAndAnalyze(newestPath, context));
    }
    if (!*newestResult)
        return newestResult->error();
    Loaded newest{**newestResult, newestPath};
    std::optional<Loaded> previous;
    ComparisonPtr comparison;
    if (previousResult) {
        if (!*previousResult)
            return previousResult->error();
        previous = Loaded{**previousResult, previousPath};
        auto c = compare(previous->analysis, newest.analysis, context);
        if (!c)
            return c.error();
        comparison = *c;
        for (const std::string& w : comparison->warnings)
            notes.push_back("warning: " + w);
    }

    const std::string title = options.title.empty() ? "Heap snapshot report" : options.title;
    const bool isSeries = series && series->loadedCount >= 2;
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                       "<meta name=\"color-scheme\" content=\"light\">"
                       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                       "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
                       "<title>" +
                       esc(title) +
                       "</title><script>window.addEventListener('error',function(e){"
                       "document.documentElement.setAttribute('data-report-error',String(e.message||e));"
                       "});</script><style>" +
                       kStyle + "</style></head><body>";
    html +=
        "<header><h1>" + esc(title) + "</h1><p>" +
        (isSeries ? std::to_string(series->loadedCount) + " snapshots; the newest is <code>" +
                        esc(baseName(newestPath)) + "</code>"
                  : "<code>" + esc(baseName(newestPath)) + "</code>") +
        ".</p><nav><ul><li><a href=\"#snapshots\">Snapshots</a></li><li><a href=\"#summary\">Summary</a></li>"
        "<li><a href=\"#statistics\">Statistics</a></li>" +
        (isSeries ? "<li><a href=\"#comparison\">Comparison</a></li><li><a href=\"#trend\">Trend</a></li>"
                    "<li><a href=\"#leaks\">Leak groups</a></li>"
                  : "") +
        "</ul></nav></header><main>";
    html += snapshotsSection(isSeries || (series && series->loadedCount) ? &*series : nullptr, newest,
                             previous ? &*previous : nullptr);
    html += summarySection(*newest.analysis, options.top, baseName(newestPath));
    html += statisticsSection(*newest.analysis);
    if (comparison)
        html += comparisonSection(*comparison, options.top, series->loadedCount - 1);
    if (isSeries) {
        html += trendSection(*series, options.trendTop, options.top);
        html += leaksSection(*series, newest.analysis.get(), options.leakTop, context);
    }
    html +=
        "</main><footer><p>Made by " + esc(options.generator.empty() ? "Heapscope" : options.generator) +
        ". Numbers as Chrome DevTools' Memory panel computes them; sizes in the Summary and Statistics in kB "
        "(1 kB = 1,000 bytes).</p></footer><script>" +
        kScript + "</script></body></html>\n";
    if (context.stopRequested())
        return cancelledError("", "report", "the report was cancelled");
    return html;
}

Expected<bool> writeFileAtomically(const std::string& path, const std::string& content) {
    auto fail = [&](const std::string& what) {
        return Error{path, "", -1, what + ": " + std::strerror(errno), false};
    };
    const std::filesystem::path target(path);
    const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
    std::string tmp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0)
        return fail("cannot create a temporary file in " + dir.string());
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            Error e = fail("cannot write");
            ::close(fd);
            ::unlink(tmp.c_str());
            return e;
        }
        done += std::size_t(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        Error e = fail("cannot write");
        ::unlink(tmp.c_str());
        return e;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        Error e = fail("cannot rename the temporary file");
        ::unlink(tmp.c_str());
        return e;
    }
    return true;
}

int runReportCommand(const std::vector<std::string>& args) {
    auto usage = [](const std::string& message) {
        std::fprintf(
            stderr,
            "heapscope-cli: %s\n\nusage: heapscope-cli report FILE... -o OUT.html [--top N] [--title TEXT]\n",
            message.c_str());
        return kUsage;
    };
    std::vector<std::string> files;
    std::string output;
    ReportOptions options;
    options.generator = "heapscope-cli " + std::string(kReportVersion);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](const char* name, std::string& out) {
            const std::string prefix = std::string(name) + "=";
            if (a == name) {
                if (i + 1 == args.size())
                    return false;
                out = args[++i];
            } else {
                out = a.substr(prefix.size());
            }
            return true;
        };
        auto is = [&](const char* name) { return a == name || a.rfind(std::string(name) + "=", 0) == 0; };
        std::string v;
        if (a == "-o" || is("--output")) {
            if (!(a == "-o" ? (i + 1 < args.size() ? (v = args[++i], true) : false) : value("--output", v)))
                return usage("option -o needs a value");
            output = v;
        } else if (is("--top")) {
            if (!value("--top", v) || v.empty() || v.size() > 9 ||
                v.find_first_not_of("0123456789") != std::string::npos)
                return usage("--top needs a number");
            options.top = std::stoul(v);
        } else if (is("--title")) {
            if (!value("--title", v))
                return usage("option --title needs a value");
            options.title = v;
        } else if (a.size() > 1 && a[0] == '-') {
            return usage("unknown option " + a);
        } else {
            files.push_back(a);
        }
    }
    if (files.empty())
        return usage("report needs at least one FILE");
    if (output.empty())
        return usage("report needs -o OUTPUT.html");
    std::vector<std::string> notes;
    auto html = buildReportHtml(files, options, notes);
    for (const std::string& note : notes)
        std::fprintf(stderr, "heapscope-cli: %s\n", note.c_str());
    if (!html) {
        std::fprintf(stderr, "heapscope-cli: %s\n", html.error().message().c_str());
        return kLoadError;
    }
    auto written = writeFileAtomically(output, *html);
    if (!written) {
        std::fprintf(stderr, "heapscope-cli: %s\n", written.error().message().c_str());
        return kLoadError;
    }
    std::printf("%s: %s\n", output.c_str(), format::bytesAdaptive(html->size()).c_str());
    return kOk;
}

} // namespace heapscope::cli
