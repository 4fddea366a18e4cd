// SPDX-License-Identifier: MIT
// The snapshot loader: memory-maps the file, walks the top-level JSON object once, reads the small
// header with simdjson and the huge integer arrays with a tight parser on every core, then builds
// the edge and retainer indexes. Loader::parse() below lists the stages; each has a file here.
#include "loader_internal.h"

#include <algorithm>
#include <new>

namespace heapscope::load {

Loader::Loader(std::string path, const LoadOptions& options, const WorkContext& context, LoadTimings* timings)
    : m_path(std::move(path)), m_options(options), m_context(context), m_timings(timings) {
    m_threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    m_threads = std::min(m_threads, 64u);
    m_stageStart = std::chrono::steady_clock::now();
}

Error Loader::error(std::string stage, std::int64_t offset, std::string reason) const {
    Error e;
    e.file = m_path;
    e.stage = std::move(stage);
    e.offset = offset;
    e.reason = std::move(reason);
    return e;
}

Error Loader::cancelled() const {
    return cancelledError(m_path, "", "loading was cancelled");
}

void Loader::endStage(const char* name) {
    const auto now = std::chrono::steady_clock::now();
    if (m_timings)
        m_timings->stages.push_back(
            {name, std::chrono::duration<double>(now - m_stageStart).count(), peakRss()});
    m_stageStart = now;
}

// The stages, in order; the bytes are in memory (input.cpp) when it starts.
Expected<SnapshotPtr> Loader::parse() {
    try {
        m_snapshot = std::make_shared<Snapshot>();
        m_snapshot->path = m_path;
        m_snapshot->identity = m_options.identity;
        m_snapshot->fileSize = m_size;
        m_snapshot->format.gzip = m_compressedSize != 0;
        m_snapshot->format.compressedSize = m_compressedSize;
        m_context.report(Stage::Reading, 0, m_size);
        // scan.cpp: where each section is; the strings; the big arrays cut into pieces
        auto scanned = scanTopLevel();
        if (m_prefetch.joinable())
            m_prefetch.join();
        if (scanned)
            return *scanned;
        endStage("scan");
        // header.cpp: what the file is, the header and its meta, the sections every snapshot has
        if (auto e = identifySnapshot())
            return *e;
        if (auto e = readHeader(*section("snapshot")))
            return *e;
        if (auto e = checkSections())
            return *e;
        // big_arrays.cpp, big_array_parser.cpp: nodes and edges (strings.cpp beside them for big files)
        if (auto e = parseBigArrays())
            return *e;
        endStage("parse");
        m_context.report(Stage::Indexing, 0, 1);
        // indexes.cpp: edge offsets, root, retainers
        if (auto e = buildIndexes())
            return *e;
        // small_sections.cpp: locations, trace functions, trace tree, samples
        if (auto e = parseSmallSections())
            return *e;
        endStage("index");
        m_context.report(Stage::Indexing, 1, 1);
        return SnapshotPtr(std::move(m_snapshot));
    } catch (const std::bad_alloc&) {
        return error("memory", -1, "there is not enough memory to load this snapshot");
    }
}

} // namespace heapscope::load

namespace heapscope {

Expected<SnapshotPtr> loadSnapshot(const std::string& path, const LoadOptions& options,
                                   const WorkContext& context, LoadTimings* timings) {
    load::Loader loader(path, options, context, timings);
    return loader.loadFile();
}

Expected<SnapshotPtr> loadSnapshotFromMemory(std::string_view json, const std::string& name,
                                             const LoadOptions& options, const WorkContext& context) {
    load::Loader loader(name, options, context, nullptr);
    return loader.loadMemory(json);
}

} // namespace heapscope
