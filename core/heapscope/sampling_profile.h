// SPDX-License-Identifier: MIT
// Sampling heap profiles (.heapprofile, written by `node --heap-prof` and by DevTools' "Allocation
// sampling"): the loader, the flat model, and the Bottom-up, Top-down and flame chart views with the
// numbers DevTools' HeapProfileView shows, and the comparison of two profiles.
#pragma once

#include "heapscope/common.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace heapscope {

/// One function as DevTools' profile views group them: its callUID is
/// "functionName@scriptId:lineNumber:columnNumber" (the URL is not part of it; the first node's
/// URL is kept).
struct ProfileFunction {
    std::uint32_t name = 0;     ///< index into SamplingProfile::strings (may be empty: "(anonymous)")
    std::uint32_t url = 0;      ///< index into SamplingProfile::strings
    std::uint32_t scriptId = 0; ///< index into SamplingProfile::strings (as text, "0" for natives)
    std::int32_t line = -1;     ///< 0-based, as in the file (-1 when unknown)
    std::int32_t column = -1;   ///< 0-based, as in the file (-1 when unknown)
};

/// A loaded sampling heap profile. Nodes are numbered 0..N-1 in the file's pre-order (the head is
/// node 0); every per-node column is indexed by that ordinal.
struct SamplingProfile {
    std::string path;
    std::uint64_t fileBytes = 0; ///< bytes of JSON read (after gzip)
    bool gzipped = false;

    std::vector<std::string> strings;       ///< function names, URLs and script ids, each once
    std::vector<ProfileFunction> functions; ///< one per callUID

    std::vector<std::uint32_t> parent;    ///< kNoIndex for the head
    std::vector<std::uint32_t> function;  ///< index into functions
    std::vector<std::uint64_t> nodeId;    ///< the id in the file
    std::vector<std::uint64_t> selfSize;  ///< "selfSize": DevTools' self
    std::vector<std::uint64_t> totalSize; ///< self plus the children's totals
    std::vector<std::uint32_t> depth;     ///< 0 for the head
    /// Children in file order, without the branches DevTools prunes (no self size anywhere below):
    /// the children of n are childList[childStart[n] .. childStart[n + 1]).
    std::vector<std::uint32_t> childStart;
    std::vector<std::uint32_t> childList;
    std::vector<std::uint32_t> sampleCount; ///< samples naming the node
    std::vector<std::uint64_t> sampleBytes; ///< the sum of those samples' sizes

    /// The samples section, in file order (empty in profiles written without it).
    std::vector<std::uint32_t> sampleNode; ///< profile node, kNoIndex for a node not in the tree
    std::vector<std::uint64_t> sampleSize;
    std::vector<std::uint64_t> sampleOrdinal;
    bool hasSamples = false; ///< the file has a "samples" array (possibly empty)
    /// Samples naming a node id that is not in the tree: V8 writes a few (allocations made while
    /// the profile was built, on the node after the last). DevTools ignores them; so do the views.
    std::uint64_t outsideSamples = 0;
    std::uint64_t outsideSampleBytes = 0;
    /// What loaded but deserves a word (the samples outside the tree).
    std::vector<std::string> warnings;

    std::uint32_t maxDepth = 0;

    std::size_t nodeCount() const { return parent.size(); }
    /// DevTools shows a node only when it or a node below it has a self size (and always the head).
    bool visible(std::uint32_t node) const { return node == 0 || totalSize[node] > 0; }
    std::uint64_t totalBytes() const { return totalSize.empty() ? 0 : totalSize[0]; }
    std::string_view str(std::uint32_t id) const { return strings[id]; }
    /// The function's name as DevTools prints it: "(anonymous)" for an empty name.
    std::string displayName(std::uint32_t functionIndex) const;
    /// "url:line" with DevTools' 1-based line, or "" when the frame has no URL.
    std::string location(std::uint32_t functionIndex) const;
};

using SamplingProfilePtr = std::shared_ptr<const SamplingProfile>;

/// Whether the bytes look like a sampling heap profile: a JSON object whose first key is "head".
/// Reads at most the first few hundred bytes; gzip data is inflated for that as needed.
bool looksLikeSamplingProfile(std::string_view firstBytes);
/// The same for a file: its first bytes say so, or they are not a heap snapshot's and its name ends
/// in .heapprofile(.gz) (a broken profile goes to the profile loader, which says what is wrong).
bool isSamplingProfileFile(const std::string& path);

/// Loads a .heapprofile (optionally gzip). Iterative: any depth of nesting loads. Every failure
/// names the file, the byte offset in the (inflated) JSON and the reason: truncated input, a value
/// of the wrong type, a missing field, a node id used twice (or inside its own subtree, a cycle).
/// Samples naming no node load: V8 writes such samples; they are counted in `outsideSamples`.
/// Progress: Stage::Reading then Stage::Parsing, in bytes.
Expected<SamplingProfilePtr> loadSamplingProfile(const std::string& path, const WorkContext& context = {});
/// The same from bytes in memory (tests, fuzzing); `name` is used in messages.
Expected<SamplingProfilePtr> loadSamplingProfileFromMemory(std::string_view bytes, const std::string& name,
                                                           const WorkContext& context = {});

/// The profile as DevTools' HeapProfileView shows a selection of its samples (SamplingHeapProfileModel
/// with an ordinal range): every frame's self size is the sum of the sizes of its samples whose
/// ordinal is in [minOrdinal, maxOrdinal] (maxOrdinal 0: no upper bound), the head keeping the
/// file's selfSize, and totals and pruning follow. Both 0: the profile itself, as in DevTools.
SamplingProfilePtr selectOrdinals(const SamplingProfilePtr& profile, std::uint64_t minOrdinal,
                                  std::uint64_t maxOrdinal);

/// A row of the Bottom-up view (DevTools' BottomUpProfileDataGrid): a function, or a caller chain
/// below one. Its numbers are those of the profile nodes it stands for (`focus`): self is the sum
/// of their self sizes, total the sum of their totals (DevTools adds a recursive function's nested
/// totals again: its check for recursion never matches, so neither does this one).
struct BottomUpRow {
    std::uint32_t function = 0;
    std::uint64_t self = 0;
    std::uint64_t total = 0;
    std::uint64_t samples = 0;           ///< samples of the focus nodes
    std::vector<std::uint32_t> focus;    ///< the nodes of the function whose sizes the row adds
    std::vector<std::uint32_t> ancestor; ///< per focus node, the node this row shows (a caller)
    bool hasCallers = false;             ///< expandable: some ancestor's caller is not the head
};

/// The Bottom-up view's top level: one row per function with a visible node (not the head), in
/// DevTools' order before sorting (the first visit in its breadth-first walk).
std::vector<BottomUpRow> bottomUpFunctions(const SamplingProfile& profile);
/// The callers of a row, as DevTools makes them when the row is expanded.
std::vector<BottomUpRow> bottomUpCallers(const SamplingProfile& profile, const BottomUpRow& row);
/// Sorts rows by self size (DevTools' default) or total, largest first, keeping ties in order.
void sortBottomUp(std::vector<BottomUpRow>& rows, bool byTotal);

/// A flame chart entry (DevTools' HeapFlameChartDataProvider): the node, its level (the head is 0),
/// and where it starts on the size axis; its width is the node's total size.
struct FlameEntry {
    std::uint32_t node = 0;
    std::uint32_t level = 0;
    std::uint64_t start = 0;
};
/// Every visible node in pre-order with its place in the chart.
std::vector<FlameEntry> flameChart(const SamplingProfile& profile);

/// Per function, the change between two profiles. Functions are matched by name, URL, line and
/// column (script ids differ between processes); sizes are the Bottom-up top level's.
struct ProfileDiffRow {
    std::string name; ///< as DevTools prints it
    std::string url;
    std::int32_t line = -1;
    std::int32_t column = -1;
    std::uint64_t baseSelf = 0, baseTotal = 0;
    std::uint64_t self = 0, total = 0;
    std::int64_t selfDelta() const { return std::int64_t(self) - std::int64_t(baseSelf); }
    std::int64_t totalDelta() const { return std::int64_t(total) - std::int64_t(baseTotal); }
};
/// Rows of functions found in either profile, largest absolute self change first (then total
/// change, then name).
std::vector<ProfileDiffRow> diffProfiles(const SamplingProfile& base, const SamplingProfile& profile);

} // namespace heapscope
