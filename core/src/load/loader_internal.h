// SPDX-License-Identifier: MIT
// The loader's state, shared by its stages (one file each in this folder). Loader::parse() in
// loader.cpp lists the stages in the order they run.
#pragma once

#include "heapscope/loader.h"
#include "json_grammar.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace heapscope::load {

// Where a top-level key's value is.
struct Section {
    std::string name;
    std::uint64_t begin = 0; // offset of the value's first byte
    std::uint64_t end = 0;   // one past the value's last byte
    bool numeric = false;    // an array whose first element is a number (or empty)
};

// Roles of node fields; anything else is read and ignored.
enum class NodeRole : std::uint8_t { Type, Name, Id, SelfSize, EdgeCount, TraceNodeId, Detachedness, Ignore };
enum class EdgeRole : std::uint8_t { Type, NameOrIndex, ToNode, Ignore };

// The nodes and edges arrays, cut by the scan into pieces that end at a comma (or the final ']'),
// each with the number of commas it holds.
struct Piece {
    int array; // 0 nodes, 1 edges
    const char* begin;
    const char* end; // the terminator (',' or ']')
    std::uint64_t commas = 0;
    std::uint64_t firstIndex = 0;
};

// Platform facts (input.cpp).
std::uint64_t peakRss();
std::uint64_t availableMemory();
std::string humanBytes(std::uint64_t bytes);

class Loader {
public:
    Loader(std::string path, const LoadOptions& options, const WorkContext& context, LoadTimings* timings);
    ~Loader();

    Expected<SnapshotPtr> loadFile();
    Expected<SnapshotPtr> loadMemory(std::string_view json);

private:
    friend class BigArrayParser;

    Error error(std::string stage, std::int64_t offset, std::string reason) const;
    Error cancelled() const;
    void endStage(const char* name);

    // input.cpp: the bytes, from a mapping, pread() or gzip
    std::optional<Error> decompress(const unsigned char* data, std::size_t size);
    bool readAt(std::uint64_t offset, char* out, std::size_t bytes, std::string& why) const;
    void releasePages(const char* from, const char* to) const;
    // loader.cpp: the stages in order
    Expected<SnapshotPtr> parse();
    // scan.cpp: the top-level structure, and the big arrays cut into pieces
    std::optional<Error> scanTopLevel();
    std::optional<Error> skipValue(std::uint64_t& pos, const std::string& what);
    std::optional<Error> cutBigArray(int array, const std::string& key, std::uint64_t open, std::uint64_t& p);
    // header.cpp: "snapshot" and its meta, and the sections every snapshot has
    std::optional<Error> identifySnapshot() const;
    std::optional<Error> readHeader(const Section& s);
    std::optional<Error> checkSections();
    // strings.cpp
    std::optional<Error> parseStrings(std::uint64_t& pos, bool reportProgress = true);
    bool walkStrings(std::uint64_t& pos, std::uint64_t& count) const;
    std::optional<Error> parseSideSections();
    // big_arrays.cpp: nodes and edges (the parser itself is big_array_parser.cpp)
    std::optional<Error> parseBigArrays();
    // indexes.cpp: edge offsets, root, retainers
    std::optional<Error> buildIndexes();
    // small_sections.cpp: locations, trace functions, trace tree, samples
    std::optional<Error> parseSmallSections();
    template <class Take> std::optional<Error> forEachSmallNumber(const Section& s, Take&& take);
    std::optional<Error> parseSmallNumbers(const Section& s, std::vector<std::int64_t>& out);
    std::optional<Error> parseLocations(const Section& s);
    std::optional<Error> parseTraceTree(const Section& s);

    std::string describeByte(std::uint64_t pos) const { return load::describeByte(m_data, m_size, pos); }
    std::uint64_t closingQuote(std::uint64_t bodyStart, bool* escaped = nullptr) const {
        return load::closingQuote(m_data, m_size, bodyStart, escaped);
    }
    void setItems(std::string_view section, std::uint64_t items) {
        for (auto& info : m_snapshot->format.sections)
            if (info.name == section)
                info.items = items;
    }
    const Section* section(std::string_view name) const {
        for (const auto& s : m_sections)
            if (s.name == name)
                return &s;
        return nullptr;
    }

    std::string m_path;
    LoadOptions m_options;
    const WorkContext& m_context;
    LoadTimings* m_timings;
    unsigned m_threads = 1;
    std::chrono::steady_clock::time_point m_stageStart;

    int m_fd = -1;
    void* m_map = nullptr;
    std::size_t m_mapSize = 0;
    PodArray<char> m_inflated; // decompressed .gz content
    const char* m_data = nullptr;
    std::uint64_t m_size = 0;
    bool m_fromFile = false;
    std::uint64_t m_compressedSize = 0;
    std::jthread m_prefetch; // maps in the second half of the file during the scan
    // Big files: the scan only counts the strings; they and the locations are parsed on their own
    // thread while the big arrays are.
    bool m_sideSections = false;
    std::uint64_t m_stringCount = 0; // known after the scan, on both paths

    std::vector<Section> m_sections;
    std::shared_ptr<Snapshot> m_snapshot;

    std::vector<Piece> m_pieces;
    // Files: the big arrays are read with pread() into small reused buffers instead of through the
    // mapping. Mapping a page of a file costs more than copying it on some virtual machines, and the
    // arrays are nearly the whole file; the mapping still serves the small sections and messages.
    bool m_readBigArrays = false;

    // header facts
    std::vector<NodeRole> m_nodeRoles;
    std::vector<EdgeRole> m_edgeRoles;
    std::uint32_t m_nodeFieldCount = 0;
    std::uint32_t m_edgeFieldCount = 0;
    std::vector<std::string> m_traceFunctionInfoFields;
    std::vector<std::string> m_sampleFields;
    std::uint64_t m_rootIndexField = 0;
    bool m_hasRootIndex = false;
};

} // namespace heapscope::load
