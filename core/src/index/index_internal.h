// SPDX-License-Identifier: MIT
// What the index's reader, writer and folder code share.
#pragma once

#include "index_format.h"

#include "heapscope/analysis.h"
#include "heapscope/facts.h"
#include "heapscope/index_cache.h"
#include "heapscope/snapshot.h"

#include <optional>
#include <string>
#include <vector>

namespace heapscope::index {

/// The Heapscope version written into and expected in every header.
std::string_view programVersion();

/// The identity of a snapshot file on disk; nullopt (and `why`) when it cannot be read.
std::optional<SourceKey> sourceKey(const std::string& path, std::string* why);
/// The index file of a snapshot: one per snapshot path, so a changed snapshot replaces its index.
std::string indexFileFor(const std::string& folder, const SourceKey& key);
/// Creates the folder (and its parents) if needed; false with `why` when it cannot.
bool ensureFolder(const std::string& folder, std::string* why);

/// The key as bytes (Snapshot::identity holds it).
std::string encodeKey(const SourceKey& key);

/// The meta section: every small part of the snapshot and of the analysis.
std::string encodeMeta(const SourceKey& key, const Analysis& analysis);
/// What the meta section holds besides the fields it fills in directly.
struct MetaExtras {
    SourceKey key;
    SnapshotFacts facts;
    std::uint64_t instancePoolSize = 0;
    std::vector<std::uint64_t> rowPoolOffsets; ///< per "All objects" row: where its instances start
};
/// Reads only the source key at the front of the meta (for listing the folder).
bool decodeMetaKey(const char* data, std::size_t size, SourceKey& key);
/// Fills the small fields of `snapshot` and `analysis`; false with `why` when the blob is damaged.
bool decodeMeta(const char* data, std::size_t size, Snapshot& snapshot, Analysis& analysis,
                MetaExtras& extras, std::string* why);

/// Reads an index held in memory, for fuzzing: every check of openIndex() but the snapshot key,
/// and the checksums only when `checksums`. `owner` keeps the bytes alive as long as the result.
Expected<std::optional<OpenedSnapshot>> openIndexBytes(std::shared_ptr<const void> owner, const char* data,
                                                       std::size_t size, bool checksums, std::string* why);

} // namespace heapscope::index
