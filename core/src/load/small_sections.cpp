// SPDX-License-Identifier: MIT
// The small sections: locations, trace function infos, the trace tree and the samples.
#include "loader_internal.h"

#include "../parallel.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <tuple>

namespace heapscope::load {

// Calls `take(value)` for each number of a small numeric array, in order; `take` returns false to
// stop (having recorded why).
template <class Take> std::optional<Error> Loader::forEachSmallNumber(const Section& sec, Take&& take) {
    const char* const data = m_data;
    const char* p = data + sec.begin;
    const char* const end = data + sec.end;
    auto at = [&](const char* q) { return std::uint64_t(q - data); };
    if (*p != '[')
        return error(sec.name, std::int64_t(at(p)), "\"" + sec.name + "\" must be an array of integers");
    ++p;
    auto skipWs = [&] {
        while (p < end && isWs(*p))
            ++p;
    };
    skipWs();
    if (*p == ']')
        return std::nullopt;
    std::uint32_t count = 0;
    // Long runs of small non-negative numbers go 64 bytes at a time; a region with anything else
    // (a negative number, one above 2^32) is read by the loop below.
    const bool blocks = m_options.numberBlocks && detail::numberBlocksAvailable() && p - data >= 16;
    const char* blocksFrom = p; // not before here: the region that starts here was refused
    std::vector<std::uint32_t> region;
    for (;;) {
        if ((++count & 0xFFFFF) == 0 && m_context.stopRequested())
            return cancelled();
        if (blocks && p >= blocksFrom) {
            const std::uint64_t bytes = std::min<std::uint64_t>(
                {std::uint64_t(end - p), 64u << 10,
                 std::uint64_t(std::max<std::ptrdiff_t>(0, (m_data + m_size - p) - 128))});
            const void* comma = bytes >= 1024 ? ::memrchr(p, ',', bytes) : nullptr;
            blocksFrom = comma ? static_cast<const char*>(comma) + 1 : end;
            if (comma) {
                region.resize(std::size_t(blocksFrom - p) / 2 + 4);
                const std::ptrdiff_t got = detail::readNumberBlocks(p, blocksFrom, region.data());
                if (got > 0) {
                    for (std::ptrdiff_t i = 0; i < got; ++i)
                        if (!take(std::int64_t(region[std::size_t(i)])))
                            return std::nullopt;
                    p = blocksFrom;
                    count += std::uint32_t(got);
                    if (m_context.stopRequested())
                        return cancelled();
                    continue;
                }
            }
        }
        skipWs();
        bool neg = false;
        if (*p == '-') {
            neg = true;
            ++p;
        }
        const char* const start = p;
        std::uint64_t v = 0;
        // The section ends at its ']', so the digit run stops inside it.
        for (unsigned c; (c = unsigned(static_cast<unsigned char>(*p)) - '0') <= 9; ++p)
            v = v * 10 + c;
        if (p == start || p - start > 15)
            return error(sec.name, std::int64_t(at(p)),
                         "expected an integer in \"" + sec.name + "\", found " + describeByte(at(p)));
        if (!take(neg ? -std::int64_t(v) : std::int64_t(v)))
            return std::nullopt;
        if (*p == ',') {
            ++p;
            continue;
        }
        skipWs();
        if (*p == ',') {
            ++p;
            continue;
        }
        if (*p == ']')
            break;
        return error(sec.name, std::int64_t(at(p)),
                     "expected ',' or ']' in \"" + sec.name + "\", found " + describeByte(at(p)));
    }
    return std::nullopt;
}

std::optional<Error> Loader::parseSmallNumbers(const Section& sec, std::vector<std::int64_t>& out) {
    return forEachSmallNumber(sec, [&](std::int64_t v) {
        out.push_back(v);
        return true;
    });
}

// Locations go straight into their records, then are put in node order (V8 writes them in the
// order it visited the objects) with a stable radix sort.
std::optional<Error> Loader::parseLocations(const Section& sec) {
    Snapshot& s = *m_snapshot;
    const std::uint32_t F = m_nodeFieldCount;
    const auto& lf = s.format.locationFields;
    const std::size_t w = lf.size();
    const int fo = indexOf(lf, "object_index"), fs = indexOf(lf, "script_id"), fl = indexOf(lf, "line"),
              fc = indexOf(lf, "column");
    if (fo < 0 || fs < 0 || fl < 0 || fc < 0)
        return error("locations", std::int64_t(sec.begin),
                     "meta.location_fields must name object_index, script_id, line and column");
    std::vector<Location, BlockAllocator<Location>> out;
    out.reserve((countCommas(m_data + sec.begin, m_data + sec.end) + 1) / w);
    std::vector<std::int64_t> recordStore(w);
    std::int64_t* const record = recordStore.data();
    std::size_t filled = 0;
    std::uint64_t values = 0;
    std::optional<Error> bad;
    // node index / F without a division instruction (exact for multiples of F below 2^32)
    const unsigned divShift = 31 + unsigned(std::bit_width(F - 1));
    const std::uint64_t divMagic = ((std::uint64_t(1) << divShift) + F - 1) / F;
    const std::uint64_t nodeCount = s.format.headerNodeCount;
    auto nodeOf = [&](std::int64_t index) -> std::optional<std::uint64_t> {
        if (index < 0)
            return std::nullopt;
        const std::uint64_t q =
            index <= 0xFFFFFFFFll ? (std::uint64_t(index) * divMagic) >> divShift : std::uint64_t(index) / F;
        if (q * F != std::uint64_t(index) || q >= nodeCount)
            return std::nullopt;
        return q;
    };
    auto take = [&](std::int64_t v) {
        ++values;
        record[filled] = v;
        if (++filled < w)
            return true;
        filled = 0;
        const std::int64_t obj = record[std::size_t(fo)];
        const std::optional<std::uint64_t> node = nodeOf(obj);
        if (!node) {
            bad = error("locations", std::int64_t(sec.begin),
                        "location " + std::to_string(out.size()) + " refers to node index " +
                            std::to_string(obj) + ", which is not a node");
            return false;
        }
        out.push_back({NodeOrdinal(std::uint32_t(*node)), std::uint32_t(record[std::size_t(fs)]),
                       std::uint32_t(record[std::size_t(fl)]), std::uint32_t(record[std::size_t(fc)])});
        return true;
    };
    if (auto e = forEachSmallNumber(sec, take))
        return e;
    if (bad)
        return bad;
    if (filled != 0)
        return error("locations", std::int64_t(sec.begin),
                     "\"locations\" holds " + std::to_string(values) + " numbers, not a multiple of its " +
                         std::to_string(w) + " fields");
    setItems("locations", values);

    auto byNode = [](const Location& a, const Location& b) { return a.node < b.node; };
    if (!std::is_sorted(out.begin(), out.end(), byNode)) {
        // The scatter below writes all over it: mapped in first, between cancellation checks.
        PodArray<Location> other = PodArray<Location>::uninitialized(out.size());
        if (!detail::mapInSlices(other.data(), out.size() * sizeof(Location),
                                 [&] { return m_context.stopRequested(); }))
            return cancelled();
        Location* from = out.data();
        Location* to = other.data();
        const std::size_t count = out.size();
        const unsigned bits = unsigned(std::bit_width(s.format.headerNodeCount));
        for (unsigned shift = 0; shift < bits; shift += 16) {
            std::vector<std::uint32_t> start(1u << 16, 0);
            for (std::size_t i = 0; i < count; ++i) {
                if ((i & 0xFFFFF) == 0 && m_context.stopRequested())
                    return cancelled();
                ++start[from[i].node.value >> shift & 0xFFFF];
            }
            std::uint32_t running = 0;
            for (auto& c : start)
                running += std::exchange(c, running);
            for (std::size_t i = 0; i < count; ++i) {
                if ((i & 0xFFFFF) == 0 && m_context.stopRequested())
                    return cancelled();
                to[start[from[i].node.value >> shift & 0xFFFF]++] = from[i];
            }
            std::swap(from, to);
        }
        if (from != out.data())
            std::memcpy(out.data(), from, count * sizeof(Location));
    }
    // A node listed twice keeps its last location, as DevTools' map does.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (kept && out[kept - 1].node == out[i].node)
            out[kept - 1] = out[i];
        else
            out[kept++] = out[i];
    }
    out.resize(kept);
    s.locations = PodArray<Location>::uninitialized(kept);
    if (kept)
        std::memcpy(s.locations.data(), out.data(), kept * sizeof(Location));
    return std::nullopt;
}

std::optional<Error> Loader::parseTraceTree(const Section& sec) {
    Snapshot& s = *m_snapshot;
    std::uint64_t p = sec.begin;
    auto skipWs = [&] {
        while (p < sec.end && isWs(m_data[p]))
            ++p;
    };
    auto bad = [&](const std::string& what) {
        return error("trace_tree", std::int64_t(p),
                     "\"trace_tree\" is malformed: " + what + ", found " + describeByte(p));
    };
    if (m_data[p] != '[')
        return bad("expected '['");
    ++p;
    std::vector<std::uint32_t> parents{kNoTraceNode};
    auto readNumber = [&](std::uint32_t& out) -> bool {
        skipWs();
        std::uint64_t v = 0;
        const std::uint64_t start = p;
        while (p < sec.end && m_data[p] >= '0' && m_data[p] <= '9') {
            v = v * 10 + std::uint64_t(m_data[p] - '0');
            ++p;
        }
        if (p == start || p - start > 10 || v > 0xFFFFFFFFull)
            return false;
        out = std::uint32_t(v);
        return true;
    };
    auto expect = [&](char c) {
        skipWs();
        if (p < sec.end && m_data[p] == c) {
            ++p;
            return true;
        }
        return false;
    };
    for (;;) {
        skipWs();
        if (p >= sec.end)
            return bad("unexpected end");
        if (m_data[p] == ']') {
            ++p;
            parents.pop_back();
            if (parents.empty())
                break;
            skipWs();
            if (m_data[p] == ',') {
                ++p;
                continue;
            }
            if (m_data[p] == ']')
                continue;
            return bad("expected ',' or ']'");
        }
        TraceNode node{};
        if (!readNumber(node.id) || !expect(',') || !readNumber(node.functionInfoIndex) || !expect(',') ||
            !readNumber(node.count) || !expect(',') || !readNumber(node.size) || !expect(',') || !expect('['))
            return bad("expected a trace node [id, function, count, size, [children]]");
        node.parent = parents.back();
        s.traceTree.push_back(node);
        parents.push_back(std::uint32_t(s.traceTree.size() - 1));
    }
    return std::nullopt;
}

std::optional<Error> Loader::parseSmallSections() {
    Snapshot& s = *m_snapshot;
    const std::uint32_t F = m_nodeFieldCount;
    setItems("nodes", std::uint64_t(s.nodeCount) * F);
    setItems("edges", std::uint64_t(s.edgeCount) * m_edgeFieldCount);
    if (const Section* sec = section("locations"); sec && !s.format.locationFields.empty() && !m_sideSections)
        if (auto e = parseLocations(*sec))
            return e;
    if (const Section* sec = section("trace_function_infos"); sec && !m_traceFunctionInfoFields.empty()) {
        std::vector<std::int64_t> v;
        if (auto e = parseSmallNumbers(*sec, v))
            return e;
        setItems("trace_function_infos", v.size());
        const auto& tf = m_traceFunctionInfoFields;
        const std::size_t w = tf.size();
        const int fi = indexOf(tf, "function_id"), fn = indexOf(tf, "name"), fsn = indexOf(tf, "script_name"),
                  fsi = indexOf(tf, "script_id"), fl = indexOf(tf, "line"), fc = indexOf(tf, "column");
        if (v.size() % w != 0)
            s.warnings.push_back("trace_function_infos holds " + std::to_string(v.size()) +
                                 " numbers, not a multiple of its " + std::to_string(w) +
                                 " fields; the rest is ignored");
        const std::size_t count = v.size() / w;
        if (count != s.format.headerTraceFunctionCount)
            s.warnings.push_back("the header's trace_function_count is " +
                                 std::to_string(s.format.headerTraceFunctionCount) +
                                 " but trace_function_infos holds " + std::to_string(count) +
                                 " functions; all " + std::to_string(count) + " were loaded");
        auto get = [&](std::size_t rec, int f) -> std::uint32_t {
            return f < 0 ? 0u : std::uint32_t(v[rec * w + std::size_t(f)]);
        };
        for (std::size_t r = 0; r < count; ++r) {
            TraceFunctionInfo info{get(r, fi),  StringId(get(r, fn)), StringId(get(r, fsn)),
                                   get(r, fsi), get(r, fl),           get(r, fc)};
            if (info.name.value >= s.strings.size() || info.scriptName.value >= s.strings.size())
                return error("trace_function_infos", std::int64_t(sec->begin),
                             "trace function " + std::to_string(r) +
                                 " refers to a string that does not exist");
            s.traceFunctionInfos.push_back(info);
        }
    }
    if (const Section* sec = section("trace_tree")) {
        if (auto e = parseTraceTree(*sec))
            return e;
        setItems("trace_tree", s.traceTree.size());
    }
    if (const Section* sec = section("samples"); sec && !m_sampleFields.empty()) {
        std::vector<std::int64_t> v;
        if (auto e = parseSmallNumbers(*sec, v))
            return e;
        setItems("samples", v.size());
        const std::size_t w = m_sampleFields.size();
        const int ft = indexOf(m_sampleFields, "timestamp_us"),
                  fa = indexOf(m_sampleFields, "last_assigned_id");
        if (ft >= 0 && fa >= 0)
            for (std::size_t i = 0; i + w <= v.size(); i += w)
                s.samples.push_back(
                    {std::uint64_t(v[i + std::size_t(ft)]), std::uint32_t(v[i + std::size_t(fa)])});
    }
    // The closure-scope sections: numbers only here (contexts.h checks what they say). A section that
    // cannot be read costs the closure analysis, not the snapshot: a warning, and the data dropped.
    ScopeSections& scopes = s.scopeSections;
    for (auto [name, fields, out] :
         {std::tuple{"scopes", &scopes.scopeFields, &scopes.scopes},
          std::tuple{"scope_context_vars", &scopes.contextVarFields, &scopes.contextVars},
          std::tuple{"scope_uses", &scopes.useFields, &scopes.uses}}) {
        if (fields->empty() || !scopes.problem.empty())
            continue;
        const Section* sec = section(name);
        if (!sec) {
            scopes.problem = std::string("the header lists the fields of \"") + name +
                             "\" but the file has no such section";
            continue;
        }
        if (auto e = parseSmallNumbers(*sec, *out)) {
            if (e->cancelled)
                return e;
            scopes.problem = e->reason + " (at byte " + std::to_string(e->offset) + ")";
            continue;
        }
        setItems(name, out->size());
    }
    if (!scopes.problem.empty()) {
        scopes.scopes.clear();
        scopes.contextVars.clear();
        scopes.uses.clear();
        s.warnings.push_back(
            "the closure-scope sections cannot be read, so the closure analysis is skipped: " +
            scopes.problem);
    }
    return std::nullopt;
}

} // namespace heapscope::load
