// SPDX-License-Identifier: MIT
// The persisted analysis index: the loaded graph and its analysis written once beside the user's
// other caches, so that the next open of the same file maps it instead of parsing and analysing.
#pragma once

#include "heapscope/analysis.h"
#include "heapscope/common.h"
#include "heapscope/loader.h"
#include "heapscope/snapshot.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace heapscope {

struct IndexCacheOptions {
    /// Folder of the index files; empty = defaultIndexFolder().
    std::string folder;
    /// After a write, the least recently used indexes are deleted until the folder is under this.
    std::uint64_t capBytes = std::uint64_t(20) << 30;
};

/// `$XDG_CACHE_HOME/heapscope`, else `$HOME/.cache/heapscope` (empty when neither is set).
std::string defaultIndexFolder();
/// The folder the options name (the default one when they name none).
std::string indexFolder(const IndexCacheOptions& options);

/// A snapshot and its analysis, as loaded from the file or mapped from its index.
struct OpenedSnapshot {
    SnapshotPtr snapshot;
    AnalysisPtr analysis;
};

/// What happened to the index while opening.
enum class IndexOutcome : std::uint8_t {
    Disabled, ///< the caller asked for no index
    Absent,   ///< none yet: the snapshot was loaded and analysed
    Used,     ///< mapped: no parse, no analysis
    Rejected, ///< one was there but stale or damaged: reported, deleted, the snapshot was loaded
};

/// Opens an index if a valid one exists for `path`. The result is nullopt when there is none or
/// it cannot be used (then `warning` says why, once, and the bad file is deleted); an error only
/// when the work was cancelled. Validates every section (sizes, offsets, checksums, and the
/// ranges of every index a column holds) and rebuilds the retainers on `threads` threads.
Expected<std::optional<OpenedSnapshot>> openIndex(const std::string& path, const IndexCacheOptions& options,
                                                  unsigned threads, const WorkContext& context,
                                                  std::string* warning, LoadTimings* timings = nullptr);

/// Only the Summary of a kept index: the "All objects" rows (without their instance lists), the
/// classes, the totals, the Statistics and the format facts, from the meta section (checksummed);
/// the columns are neither mapped nor checked, and every column of the result is empty. For a
/// caller that prints the Summary and nothing else (`heapscope-cli summary`).
Expected<std::optional<OpenedSnapshot>> openIndexSummary(const std::string& path,
                                                         const IndexCacheOptions& options,
                                                         std::string* warning,
                                                         LoadTimings* timings = nullptr);

/// A file's identity as an index is keyed (LoadOptions::identity); empty when it cannot be read.
std::string snapshotIdentity(const std::string& path);

/// Whether this analysis can be written as an index: it belongs to a file on disk and was made
/// with the snapshot's own interface definitions.
bool indexable(const Analysis& analysis);

/// Writes the index of an analysed snapshot: to a temporary file, renamed into place when
/// complete, so readers never see a partial one. Then deletes the least recently used indexes
/// over the cap. Returns the bytes written. Cancellable between pieces (nothing is left behind).
Expected<std::uint64_t> writeIndex(const Analysis& analysis, const IndexCacheOptions& options,
                                   const WorkContext& context = {});

/// Opens `path` from its index when one is valid (and `useIndex`), else loads and analyses it.
struct OpenOptions {
    LoadOptions load;
    AnalysisOptions analysis;
    bool useIndex = true;
    IndexCacheOptions cache;
};
struct OpenReport {
    IndexOutcome outcome = IndexOutcome::Disabled;
    std::string indexWarning; ///< why an index was rejected
    LoadTimings timings;      ///< the load's stages, or the index's single "index" stage
};
Expected<OpenedSnapshot> openAnalyzed(const std::string& path, const OpenOptions& options,
                                      const WorkContext& context = {}, OpenReport* report = nullptr);

/// One index file in the folder.
struct IndexEntry {
    std::string file;         ///< the index file
    std::string snapshotPath; ///< the snapshot it belongs to ("" when unreadable)
    std::uint64_t bytes = 0;
    std::int64_t lastUsed = 0; ///< seconds since the epoch
    bool readable = false;     ///< header and meta are intact and of this version
};
/// The index files, most recently used first (temporary files of unfinished writes are left out).
std::vector<IndexEntry> listIndexes(const IndexCacheOptions& options);
/// Deletes every index file (and stale temporary files); returns the bytes freed.
Expected<std::uint64_t> clearIndexes(const IndexCacheOptions& options);
/// Deletes the least recently used index files until the folder holds at most `capBytes`
/// (`keep` is never deleted). Returns the bytes freed.
std::uint64_t trimIndexes(const IndexCacheOptions& options, const std::string& keep = {});

} // namespace heapscope
