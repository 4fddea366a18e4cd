// SPDX-License-Identifier: MIT
// DevTools' ordering of objects (heapscope/ordering.h), the facts derived once per snapshot
// (heapscope/facts.h) and the retainer edge found from a known target.
#include "test_util.h"

#include "heapscope/analysis.h"
#include "heapscope/facts.h"
#include "heapscope/ordering.h"
#include "heapscope/snapshot.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

namespace heapscope {
namespace {

OrderEntry entry(double number, std::string_view text, std::int64_t textNumber, std::uint64_t tie,
                 std::uint32_t pos, bool last = false) {
    OrderEntry e;
    e.key.number = number;
    e.key.text = text;
    e.key.textNumber = textNumber;
    e.key.tie = tie;
    e.key.last = last;
    e.pos = pos;
    return e;
}

SnapshotPtr load(const char* name) {
    auto s = loadSnapshot(test::dataPath(name));
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message());
    return s.ok() ? *s : nullptr;
}

TEST(Ordering, NamesStringsBeforeNumbersNumbersByValue) {
    EXPECT_LT(compareObjectNames("b", -1, "a", 0), 0); // any string before any index
    EXPECT_GT(compareObjectNames("", 3, "zzz", -1), 0);
    EXPECT_LT(compareObjectNames("", 9, "", 10), 0); // 9 before 10, not "10" before "9"
    EXPECT_EQ(compareObjectNames("x", -1, "x", -1), 0);
    EXPECT_LT(compareObjectNames("B", -1, "a", -1), 0); // bytes, not locale
}

TEST(Ordering, NumericColumnThenTextThenTie) {
    const ObjectOrder desc{true, false};
    // Bigger first; equal numbers: text ascending whatever the direction; then the tie.
    EXPECT_TRUE(desc(entry(5, "z", -1, 0, 0), entry(4, "a", -1, 0, 1)));
    EXPECT_TRUE(desc(entry(5, "a", -1, 9, 0), entry(5, "b", -1, 1, 1)));
    EXPECT_TRUE(desc(entry(5, "a", -1, 1, 1), entry(5, "a", -1, 2, 0)));
    const ObjectOrder asc{false, false};
    EXPECT_TRUE(asc(entry(4, "z", -1, 0, 0), entry(5, "a", -1, 0, 1)));
    EXPECT_TRUE(asc(entry(5, "a", -1, 9, 0), entry(5, "b", -1, 1, 1)));
}

TEST(Ordering, NameColumnFollowsTheDirectionAndProtoStaysLast) {
    const ObjectOrder desc{true, true};
    EXPECT_TRUE(desc(entry(0, "b", -1, 0, 0), entry(0, "a", -1, 0, 1)));
    const ObjectOrder asc{false, true};
    EXPECT_TRUE(asc(entry(0, "a", -1, 0, 0), entry(0, "b", -1, 0, 1)));
    for (const ObjectOrder order : {desc, asc}) {
        EXPECT_TRUE(order(entry(0, "zzz", -1, 0, 0), entry(0, "__proto__", -1, 0, 1, true)));
        EXPECT_FALSE(order(entry(0, "__proto__", -1, 0, 1, true), entry(0, "aaa", -1, 0, 0)));
    }
}

TEST(Ordering, IrreflexiveAndTotalOnEqualKeys) {
    const ObjectOrder order{true, false};
    const OrderEntry a = entry(1, "x", -1, 7, 3), b = entry(1, "x", -1, 7, 4);
    EXPECT_FALSE(order(a, a));
    EXPECT_TRUE(order(a, b) != order(b, a)); // the position decides
}

TEST(Ordering, OrderFirstGivesThePrefixOfAFullSort) {
    std::mt19937 random(42);
    std::vector<std::string> names;
    for (int i = 0; i < 50; ++i)
        names.push_back("n" + std::to_string(random() % 20));
    std::vector<OrderEntry> entries;
    for (std::uint32_t i = 0; i < 20'000; ++i)
        entries.push_back(entry(double(random() % 100), names[i % names.size()], i % 7 == 0 ? i % 13 : -1,
                                random() % 1000, i, i % 101 == 0));
    for (const ObjectOrder order : {ObjectOrder{true, false}, ObjectOrder{false, false},
                                    ObjectOrder{true, true}, ObjectOrder{false, true}}) {
        std::vector<OrderEntry> full = entries;
        std::sort(full.begin(), full.end(), order);
        for (const std::size_t k : {std::size_t(0), std::size_t(1), std::size_t(100), std::size_t(4096),
                                    std::size_t(19'000), entries.size()}) {
            std::vector<OrderEntry> partial = entries;
            const std::size_t done = orderFirst(partial, k, order);
            ASSERT_GE(done, k);
            for (std::size_t i = 0; i < done; ++i)
                ASSERT_EQ(partial[i].pos, full[i].pos) << "k " << k << " row " << i;
            // The rest is the rest, in some order.
            std::vector<std::uint32_t> a, b;
            for (std::size_t i = done; i < partial.size(); ++i) {
                a.push_back(partial[i].pos);
                b.push_back(full[i].pos);
            }
            std::sort(a.begin(), a.end());
            std::sort(b.begin(), b.end());
            ASSERT_EQ(a, b);
        }
    }
}

TEST(Ordering, OrderAllInRunsEqualsOneSort) {
    std::mt19937 random(7);
    for (const std::size_t n : {std::size_t(0), std::size_t(5), std::size_t(40'000), std::size_t(200'001)}) {
        std::vector<OrderEntry> entries;
        for (std::uint32_t i = 0; i < n; ++i)
            entries.push_back(entry(double(random() % 1000), "", -1, random() % 50, i));
        const ObjectOrder order{true, false};
        std::vector<OrderEntry> full = entries;
        std::sort(full.begin(), full.end(), order);
        ASSERT_TRUE(orderAll(entries, order));
        for (std::size_t i = 0; i < n; ++i)
            ASSERT_EQ(entries[i].pos, full[i].pos) << "n " << n << " row " << i;
    }
    std::vector<OrderEntry> entries(100'000);
    StopFlag stop;
    stop.requestStop();
    WorkContext context;
    context.stop = &stop;
    EXPECT_FALSE(orderAll(entries, ObjectOrder{}, context));
}

TEST(Ordering, OrderFirstReturnsAtOnceWhenStopped) {
    std::vector<OrderEntry> entries;
    for (std::uint32_t i = 0; i < 1000; ++i)
        entries.push_back(entry(double(1000 - i), "", -1, 0, i));
    StopFlag stop;
    stop.requestStop();
    WorkContext context;
    context.stop = &stop;
    orderFirst(entries, 10, ObjectOrder{false, false}, context);
    EXPECT_EQ(entries.front().pos, 0u); // untouched
}

TEST(Ordering, EdgeAndNodeKeysOfTheMiniature) {
    const auto s = loadSnapshotFromMemory(test::standardMini().json(), "mini");
    ASSERT_TRUE(s.ok());
    const Snapshot& snap = **s;
    for (EdgeOrdinal e : snap.edges()) {
        const OrderKey key = edgeOrderKey(snap, e);
        EXPECT_EQ(key.tie, e.value);
        if (edgeNameIsIndex(snap.edgeKind(e))) {
            EXPECT_EQ(key.textNumber, std::int64_t(snap.edgeNameOrIndex[e]));
        } else {
            EXPECT_EQ(key.text, snap.strings.get(snap.edgeNameId(e)));
            EXPECT_EQ(key.last, key.text == "__proto__");
        }
    }
    for (NodeOrdinal n : snap.nodes()) {
        const OrderKey key = nodeOrderKey(snap, n);
        EXPECT_EQ(key.text, snap.name(n));
        EXPECT_EQ(key.tie, snap.nodeId[n]);
        EXPECT_EQ(key.textNumber, -1);
    }
}

TEST(Facts, OddIdsOfTheMiniature) {
    const auto s = loadSnapshotFromMemory(test::standardMini().json(), "mini");
    ASSERT_TRUE(s.ok());
    const SnapshotFacts facts = computeFacts(**s);
    std::uint32_t lowest = 0xFFFFFFFFu, highest = 0;
    for (NodeOrdinal n : (*s)->nodes()) {
        if ((*s)->nodeId[n] & 1u) {
            lowest = std::min(lowest, (*s)->nodeId[n]);
            highest = std::max(highest, (*s)->nodeId[n]);
        }
    }
    EXPECT_EQ(facts.maxJsObjectId, 9u);
    EXPECT_EQ(facts.maxJsObjectId, highest);
    EXPECT_EQ(facts.minJsObjectId, lowest);
    EXPECT_FALSE(facts.isTimeline);
    EXPECT_EQ(&(*s)->facts(), &(*s)->facts()); // computed once, kept
    EXPECT_EQ((*s)->maxJsObjectId(), 9u);
}

TEST(Facts, TimelinesAreToldFromTheirSamples) {
    for (const char* name :
         {"alloc-timeline-node20.heaptimeline.gz", "dom-alloc-timeline-chromium.heaptimeline.gz",
          "mixed-timeline-node26.heaptimeline.gz"}) {
        const auto s = load(name);
        ASSERT_TRUE(s);
        EXPECT_TRUE(s->facts().isTimeline) << name;
    }
    for (const char* name : {"leak-A-node20.heapsnapshot.gz", "dom-detached-chromium.heapsnapshot.gz",
                             "mixed-bun1.heapsnapshot.gz"}) {
        const auto s = load(name);
        ASSERT_TRUE(s);
        EXPECT_FALSE(s->facts().isTimeline) << name;
    }
}

TEST(Facts, WhichSnapshotIsOlder) {
    const auto a = load("leak2-A-node20.heapsnapshot.gz");
    const auto b = load("leak2-B-node20.heapsnapshot.gz");
    const auto c = load("leak2-C-node20.heapsnapshot.gz");
    ASSERT_TRUE(a && b && c);
    EXPECT_TRUE(takenBefore(a->facts(), b->facts()));
    EXPECT_TRUE(takenBefore(b->facts(), c->facts()));
    EXPECT_TRUE(takenBefore(a->facts(), c->facts()));
    EXPECT_FALSE(takenBefore(c->facts(), a->facts()));
    EXPECT_FALSE(takenBefore(a->facts(), a->facts()));
}

TEST(RetainerEdge, FromTheTargetEqualsTheSearchedOne) {
    const auto s = load("leak-A-node20.heapsnapshot.gz");
    ASSERT_TRUE(s);
    for (NodeOrdinal t : s->nodes()) {
        for (RetainerSlot slot : s->retainersOf(t)) {
            const EdgeOrdinal e = s->retainerEdgeOf(t, slot);
            ASSERT_EQ(e, s->retainerEdge[slot]);
            ASSERT_EQ(s->edgeTo[e], t);
            const NodeOrdinal source = s->retainerSource()[slot];
            ASSERT_GE(e, s->firstEdge[source]);
            ASSERT_LT(e, s->firstEdge[source.next()]);
        }
    }
}

} // namespace
} // namespace heapscope

namespace heapscope::test {
namespace {

// An edge of a type this program does not know, whose name is no string id: ordered as a number
// (reading it as a string id would read past the string table).
TEST(Ordering, AnUnknownEdgeTypeWithANumberForItsName) {
    MiniSnapshot m = standardMini();
    m.edgeTypes.push_back("future_kind");
    const std::uint64_t unknown = m.edgeTypes.size() - 1;
    m.edges[3] = {unknown, 1000000, 2}; // the Foo object's first property edge
    auto s = loadText(m.json());
    ASSERT_TRUE(s) << s.error().message();
    const Snapshot& snap = **s;
    EdgeOrdinal edge = kNoEdge;
    for (EdgeOrdinal e : snap.edges())
        if (snap.edgeKind(e) == EdgeKind::Unknown)
            edge = e;
    ASSERT_NE(edge, kNoEdge);
    const OrderKey key = edgeOrderKey(snap, edge);
    EXPECT_TRUE(key.text.empty());
    EXPECT_EQ(key.textNumber, 1000000u);
}

} // namespace
} // namespace heapscope::test
