// SPDX-License-Identifier: MIT
// The CLI's use of the persisted index: commands open files through openFile(), which maps a valid
// index or loads and analyses the file and keeps it for writing when the command has answered.
#pragma once

#include "heapscope/index_cache.h"

#include <string>
#include <vector>

namespace heapscope::cli {

struct CacheSettings {
    bool enabled = true; ///< off with --no-cache or HEAPSCOPE_NO_CACHE=1
    IndexCacheOptions options;
};
/// The program's settings, from the command line and the environment (set once by main()).
CacheSettings& cacheSettings();
/// Reads HEAPSCOPE_NO_CACHE and HEAPSCOPE_CACHE_CAP, and removes --no-cache from `args`.
void configureCache(std::vector<std::string>& args);

/// Opens a snapshot and its analysis for a command: from the index when valid; otherwise loads
/// and analyses it and remembers it so that its index is written once the command has answered.
/// An index that could not be used is reported on stderr.
Expected<OpenedSnapshot> openFile(const std::string& path, OpenReport* report = nullptr,
                                  const WorkContext& context = {});
/// For commands that print only the Summary of all objects: the kept index's Summary when valid
/// (its columns stay empty), else openFile().
Expected<OpenedSnapshot> openSummaryOnly(const std::string& path, OpenReport* report);
/// For commands that need only the graph (info): the index when valid, else only the load.
Expected<SnapshotPtr> openGraph(const std::string& path, OpenReport* report, const WorkContext& context = {});
/// Remembers an analysis made by other means (a series) for writing at the end.
void keepIndexLater(const AnalysisPtr& analysis);
/// Writes the indexes remembered so far in a detached child process at the lowest priority, so
/// the command's own time does not grow; the files appear when it is done.
/// True when a writer was started (the caller may then leave without freeing anything).
bool writeKeptIndexesInBackground();
/// The same for these analyses, now (a series hands each file's analysis over before it frees it).
bool writeIndexesInBackground(const std::vector<AnalysisPtr>& analyses);
/// "used", "absent", "rejected", "disabled".
const char* indexOutcomeName(IndexOutcome outcome);

/// heapscope-cli cache list|clear|build|folder
int runCacheCommand(const std::vector<std::string>& args);
const char* cacheUsageText();

} // namespace heapscope::cli
