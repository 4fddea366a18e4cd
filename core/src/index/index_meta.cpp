// SPDX-License-Identifier: MIT
// The meta section of an index: the snapshot's and the analysis' small fields, as a blob.
#include "index_internal.h"

#include <array>
#include <cstddef>
#include <cstring>

namespace heapscope::index {

namespace {

void writeKey(BlobWriter& w, const SourceKey& k) {
    w.text(k.path);
    w.u64(k.size);
    w.i64(k.mtimeNs);
    w.u64(k.inode);
    w.u64(k.device);
    w.u64(k.contentHash);
}

void readKey(BlobReader& r, SourceKey& k) {
    k.path = r.text();
    k.size = r.u64();
    k.mtimeNs = r.i64();
    k.inode = r.u64();
    k.device = r.u64();
    k.contentHash = r.u64();
}

void writeFormat(BlobWriter& w, const FormatInfo& f) {
    w.texts(f.nodeFields);
    w.texts(f.nodeTypes);
    w.texts(f.edgeFields);
    w.texts(f.edgeTypes);
    w.texts(f.locationFields);
    w.texts(f.otherMetaKeys);
    w.texts(f.headerKeys);
    w.u64(f.sections.size());
    for (const auto& s : f.sections) {
        w.text(s.name);
        w.u64(s.offset);
        w.u64(s.bytes);
        w.u64(s.items);
        w.u8(s.known);
    }
    w.u64(f.headerNodeCount);
    w.u64(f.headerEdgeCount);
    w.u64(f.headerTraceFunctionCount);
    w.u8(f.gzip);
    w.u64(f.compressedSize);
}

void readFormat(BlobReader& r, FormatInfo& f) {
    f.nodeFields = r.texts();
    f.nodeTypes = r.texts();
    f.edgeFields = r.texts();
    f.edgeTypes = r.texts();
    f.locationFields = r.texts();
    f.otherMetaKeys = r.texts();
    f.headerKeys = r.texts();
    f.sections.resize(r.count(33));
    for (auto& s : f.sections) {
        s.name = r.text();
        s.offset = r.u64();
        s.bytes = r.u64();
        s.items = r.u64();
        s.known = r.u8() != 0;
    }
    f.headerNodeCount = r.u64();
    f.headerEdgeCount = r.u64();
    f.headerTraceFunctionCount = r.u64();
    f.gzip = r.u8() != 0;
    f.compressedSize = r.u64();
}

template <typename Kind> void writeKinds(BlobWriter& w, const std::vector<Kind>& kinds) {
    w.u64(kinds.size());
    for (const Kind k : kinds)
        w.u8(std::uint8_t(k));
}

template <typename Kind> bool readKinds(BlobReader& r, std::vector<Kind>& kinds, Kind unknown) {
    kinds.resize(r.count(1));
    for (auto& k : kinds) {
        const std::uint8_t v = r.u8();
        if (v > std::uint8_t(unknown))
            return false;
        k = Kind(v);
    }
    return true;
}

} // namespace

std::string encodeKey(const SourceKey& key) {
    BlobWriter w;
    writeKey(w, key);
    return w.bytes();
}

std::string encodeMeta(const SourceKey& key, const Analysis& a) {
    const Snapshot& s = *a.snapshot;
    BlobWriter w;
    writeKey(w, key);
    // the snapshot
    w.u64(s.fileSize);
    writeFormat(w, s.format);
    w.texts(s.warnings);
    w.u32(s.nodeCount);
    w.u32(s.edgeCount);
    w.u32(s.rootOrdinal);
    w.f64(s.extraNativeBytes);
    w.u8(s.hasDetachedness);
    w.u8(s.hasTraceNodeId);
    w.texts(s.nodeTypeNames);
    writeKinds(w, s.nodeKinds);
    w.texts(s.edgeTypeNames);
    writeKinds(w, s.edgeKinds);
    w.pods(s.traceFunctionInfos);
    w.pods(s.traceTree);
    w.pods(s.samples);
    const ScopeSections& sc = s.scopeSections;
    w.texts(sc.scopeFields);
    w.texts(sc.contextVarFields);
    w.texts(sc.useFields);
    w.pods(sc.scopes);
    w.pods(sc.contextVars);
    w.pods(sc.uses);
    w.text(sc.problem);
    w.pod(s.facts());
    // the analysis
    w.u64(a.classes.size());
    for (const auto& c : a.classes) {
        w.text(c.name);
        w.text(c.key);
    }
    w.u64(a.interfaces.size());
    for (const auto& i : a.interfaces) {
        w.text(i.name);
        w.texts(i.properties);
    }
    w.u8(a.hasUserRoots);
    w.texts(a.problems);
    w.u64(a.passTimings.size());
    for (const auto& [name, seconds] : a.passTimings) {
        w.text(name);
        w.f64(seconds);
    }
    w.u64(a.totalSize);
    w.u64(a.reachableCount);
    w.u64(a.unreachableCount);
    w.pod(a.statistics);
    const Aggregates& all = a.allObjects;
    w.u64(all.objectCount);
    w.u64(all.selfSize);
    w.u64(all.instancePool.size());
    w.u64(all.classes.size());
    for (const auto& row : all.classes) {
        w.u32(row.classIndex);
        w.u32(row.count);
        w.pod(row.distance);
        w.u64(row.selfSize);
        w.u64(row.retainedSize);
        w.u64(row.instances.empty() ? 0
                                    : std::uint64_t(row.instances.raw().data() - all.instancePool.data()));
    }
    return w.bytes();
}

bool decodeMetaKey(const char* data, std::size_t size, SourceKey& key) {
    BlobReader r(data, size);
    readKey(r, key);
    return r.ok();
}

bool decodeMeta(const char* data, std::size_t size, Snapshot& s, Analysis& a, MetaExtras& extras,
                std::string* why) {
    BlobReader r(data, size);
    auto fail = [&](const char* what) {
        if (why)
            *why = std::string("its ") + what + " are damaged";
        return false;
    };
    readKey(r, extras.key);
    s.fileSize = r.u64();
    readFormat(r, s.format);
    s.warnings = r.texts();
    s.nodeCount = r.u32();
    s.edgeCount = r.u32();
    s.rootOrdinal = r.u32();
    s.extraNativeBytes = r.f64();
    s.hasDetachedness = r.u8() != 0;
    s.hasTraceNodeId = r.u8() != 0;
    s.nodeTypeNames = r.texts();
    if (!readKinds(r, s.nodeKinds, NodeKind::Unknown))
        return fail("node types");
    s.edgeTypeNames = r.texts();
    if (!readKinds(r, s.edgeKinds, EdgeKind::Unknown))
        return fail("edge types");
    r.pods(s.traceFunctionInfos);
    r.pods(s.traceTree);
    r.pods(s.samples);
    ScopeSections& sc = s.scopeSections;
    sc.scopeFields = r.texts();
    sc.contextVarFields = r.texts();
    sc.useFields = r.texts();
    r.pods(sc.scopes);
    r.pods(sc.contextVars);
    r.pods(sc.uses);
    sc.problem = r.text();
    // as bytes first: a bool holding anything but 0 or 1 must never be loaded
    const auto facts = r.pod<std::array<unsigned char, sizeof(SnapshotFacts)>>();
    if (!r.ok() || facts[offsetof(SnapshotFacts, isTimeline)] > 1)
        return fail("snapshot facts");
    std::memcpy(&extras.facts, facts.data(), sizeof facts);
    if (s.nodeKinds.size() != s.nodeTypeNames.size() || s.edgeKinds.size() != s.edgeTypeNames.size() ||
        s.nodeCount == 0 || s.rootOrdinal >= s.nodeCount)
        return fail("node and edge counts");

    a.classes.resize(r.count(16));
    for (auto& c : a.classes) {
        c.name = r.text();
        c.key = r.text();
    }
    a.interfaces.resize(r.count(16));
    for (auto& i : a.interfaces) {
        i.name = r.text();
        i.properties = r.texts();
    }
    a.hasUserRoots = r.u8() != 0;
    a.problems = r.texts();
    a.passTimings.resize(r.count(16));
    for (auto& [name, seconds] : a.passTimings) {
        name = r.text();
        seconds = r.f64();
    }
    a.totalSize = r.u64();
    a.reachableCount = r.u64();
    a.unreachableCount = r.u64();
    a.statistics = r.pod<Statistics>();
    Aggregates& all = a.allObjects;
    all.objectCount = r.u64();
    all.selfSize = r.u64();
    extras.instancePoolSize = r.u64();
    all.classes.resize(r.count(36));
    extras.rowPoolOffsets.resize(all.classes.size());
    for (std::size_t i = 0; i < all.classes.size(); ++i) {
        ClassAggregate& row = all.classes[i];
        row.classIndex = r.u32();
        row.count = r.u32();
        row.distance = r.pod<std::int32_t>();
        row.selfSize = r.u64();
        row.retainedSize = r.u64();
        extras.rowPoolOffsets[i] = r.u64();
        if (row.classIndex >= a.classes.size() || extras.rowPoolOffsets[i] > extras.instancePoolSize ||
            row.count > extras.instancePoolSize - extras.rowPoolOffsets[i])
            return fail("Summary rows");
    }
    if (!r.ok() || !r.atEnd())
        return fail("Summary rows");
    return true;
}

} // namespace heapscope::index
