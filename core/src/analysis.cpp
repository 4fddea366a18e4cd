// SPDX-License-Identifier: MIT
// One snapshot's analysis, pass by pass in DevTools' order: DOM state, flags, shallow sizes,
// dominators and retained sizes (on a second thread), distances, class names, statistics, aggregates.
#include "heapscope/analysis.h"
#include "analysis_internal.h"
#include "parallel.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstring>
#include <exception>
#include <functional>
#include <latch>
#include <map>
#include <numeric>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace heapscope {

namespace detail {

// ---------------------------------------------------------------------------------------------
// Edge names

std::string edgeNameJs(const Snapshot& s, std::uint32_t e) {
    const EdgeKind k = s.edgeKind(e);
    if (edgeNameIsIndex(k))
        return std::to_string(s.edgeNameOrIndex[e]);
    std::string name = s.edgeNameText(e);
    if (k == EdgeKind::Shortcut) {
        // parseInt(name, 10): optional whitespace and sign, then digits
        std::size_t i = 0;
        while (i < name.size() && (name[i] == ' ' || name[i] == '\t' || name[i] == '\n' || name[i] == '\r'))
            ++i;
        bool neg = false;
        if (i < name.size() && (name[i] == '+' || name[i] == '-'))
            neg = name[i++] == '-';
        std::size_t d = i;
        while (d < name.size() && name[d] >= '0' && name[d] <= '9')
            ++d;
        if (d > i) {
            std::string digits = name.substr(i, d - i);
            const std::size_t nz = digits.find_first_not_of('0');
            digits = nz == std::string::npos ? "0" : digits.substr(nz);
            return (neg && digits != "0" ? "-" : "") + digits;
        }
    }
    return name;
}

bool edgeNameJsEquals(const Snapshot& s, std::uint32_t e, std::string_view text) {
    const EdgeKind k = s.edgeKind(e);
    if (!edgeNameIsIndex(k) && k != EdgeKind::Shortcut) {
        if (auto n = s.edgeNameString(e))
            return *n == text;
    }
    return edgeNameJs(s, e) == text;
}

bool isUserRoot(const Snapshot& s, std::uint32_t node) {
    return s.kind(node) != NodeKind::Synthetic || s.name(node) == "(Document DOM trees)";
}

// ---------------------------------------------------------------------------------------------
// WeakMap ephemeron names

namespace {
// Matches ^\d+( / part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(\d+)\))$
// where '.' excludes line terminators. Returns the suffix start and the table id.
bool parseEphemeronName(std::string_view n, std::size_t& suffixStart, std::uint32_t& table) {
    std::size_t i = 0;
    while (i < n.size() && n[i] >= '0' && n[i] <= '9')
        ++i;
    if (i == 0)
        return false;
    suffixStart = i;
    std::string_view rest = n.substr(i);
    static constexpr std::string_view head = " / part of key (";
    static constexpr std::string_view mid = ") -> value (";
    static constexpr std::string_view tail = ") pair in WeakMap (table @";
    if (rest.substr(0, head.size()) != head || rest.empty() || rest.back() != ')')
        return false;
    for (char c : rest)
        if (c == '\n' || c == '\r')
            return false;
    // table id at the end
    std::size_t end = rest.size() - 1; // at ')'
    std::size_t t = end;
    while (t > 0 && rest[t - 1] >= '0' && rest[t - 1] <= '9')
        --t;
    if (t == end || t < tail.size() || rest.substr(t - tail.size(), tail.size()) != tail)
        return false;
    std::uint64_t id = 0;
    for (std::size_t k = t; k < end; ++k)
        id = std::min<std::uint64_t>(id * 10 + std::uint64_t(rest[k] - '0'), 0xFFFFFFFFull);
    const std::size_t bodyEnd = t - tail.size(); // end of "... @\d+" of the value part
    auto endsWithAtDigits = [](std::string_view v) {
        std::size_t j = v.size();
        while (j > 0 && v[j - 1] >= '0' && v[j - 1] <= '9')
            --j;
        return j < v.size() && j >= 2 && v[j - 1] == '@' && v[j - 2] == ' ';
    };
    // some ") -> value (" splits key part and value part so that both end in " @digits"
    std::size_t from = head.size();
    for (;;) {
        const std::size_t m = rest.find(mid, from);
        if (m == std::string_view::npos || m + mid.size() > bodyEnd)
            return false;
        if (endsWithAtDigits(rest.substr(head.size(), m - head.size())) &&
            endsWithAtDigits(rest.substr(m + mid.size(), bodyEnd - m - mid.size()))) {
            table = std::uint32_t(id);
            return true;
        }
        from = m + 1;
    }
}
} // namespace

EphemeronNames EphemeronNames::build(const Snapshot& s, const std::function<bool()>& stopped) {
    // Every string that has the form gets a group; only internal edges ever consult it.
    EphemeronNames out;
    out.suffixGroup.assign(s.strings.size(), kNone);
    out.tableId.assign(s.strings.size(), kNone);
    struct Named {
        std::uint32_t id;
        std::uint32_t suffix; // where the part shared by the pair starts
    };
    std::vector<Named, BlockAllocator<Named>> named;
    for (std::uint32_t id = 0; id < s.strings.size(); ++id) {
        if ((id & 0xFFFF) == 0 && stopped && stopped())
            return out;
        const std::string_view n = s.strings[id];
        if (n.size() < 60 || n[0] < '0' || n[0] > '9')
            continue; // too short for the pattern
        std::size_t suffix = 0;
        std::uint32_t table = 0;
        if (!parseEphemeronName(n, suffix, table))
            continue;
        named.push_back({id, std::uint32_t(suffix)});
        out.tableId[id] = table;
    }
    // Groups by equal suffix in an open-addressing table: a WeakMap with a million entries has two
    // million such names, too many for a node-based map to be quick.
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t named = kNone; // index into `named` of the group's first member
    };
    std::vector<Slot, BlockAllocator<Slot>> table(std::bit_ceil(std::max<std::size_t>(16, named.size() * 2)));
    const std::size_t mask = table.size() - 1;
    auto suffixOf = [&](const Named& m) { return s.strings[m.id].substr(m.suffix); };
    for (std::uint32_t i = 0; i < named.size(); ++i) {
        if ((i & 0xFFFF) == 0 && stopped && stopped())
            return out;
        const std::string_view key = suffixOf(named[i]);
        const std::uint64_t hash = std::hash<std::string_view>{}(key);
        for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
            Slot& slot = table[at];
            if (slot.named == kNone) {
                slot = {hash, i};
                out.suffixGroup[named[i].id] = out.groupCount++;
                break;
            }
            if (slot.hash == hash && suffixOf(named[slot.named]) == key) {
                out.suffixGroup[named[i].id] = out.suffixGroup[named[slot.named].id];
                break;
            }
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Distances

namespace {
// parseInt(text, 10) of an edge name; returns false for NaN.
bool parseIntPrefix(std::string_view t, std::int64_t& v) {
    std::size_t i = 0;
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
        ++i;
    bool neg = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-'))
        neg = t[i++] == '-';
    std::size_t d = i;
    std::int64_t x = 0;
    while (d < t.size() && t[d] >= '0' && t[d] <= '9' && d - i < 17)
        x = x * 10 + (t[d++] - '0');
    if (d == i)
        return false;
    v = neg ? -x : x;
    return true;
}
} // namespace

void computeDistances(const Snapshot& s, const EphemeronNames& eph, const std::vector<bool>* ignored,
                      std::int32_t* dist, const std::function<bool()>& stopped) {
    const std::uint32_t N = s.nodeCount;
    // in slices: first touches of fresh memory can be slow, and a cancel request should be seen
    for (std::uint32_t from = 0; from < N; from += (1u << 21)) {
        if (stopped && stopped())
            return;
        std::fill(dist + from, dist + std::min(N, from + (1u << 21)), kNoDistance);
    }
    // Every node is queued at most once per phase, the root's targets once per edge. A PodArray:
    // big ones get huge pages.
    const std::uint32_t root = s.rootOrdinal;
    PodArray<std::uint32_t> queueStore =
        PodArray<std::uint32_t>::uninitialized(std::size_t(N) + s.firstEdge[root + 1] - s.firstEdge[root]);
    std::uint32_t* const queue = queueStore.data();
    std::size_t queued = 0;
    std::vector<std::uint8_t> pending(eph.groupCount, 0); // one filter instance for both phases
    auto bfs = [&]() {
        for (std::size_t head = 0; head < queued; ++head) {
            if ((head & 0x3FFFF) == 0 && stopped && stopped())
                return;
            const std::uint32_t n = queue[head];
            const std::int32_t d = dist[n] + 1;
            const NodeKind kind = s.kind(n);
            const bool nativeContext = kind == NodeKind::Hidden && s.name(n) == "system / NativeContext";
            const bool descriptors = kind == NodeKind::Array && s.name(n) == "(map descriptors)";
            for (std::uint32_t e = s.firstEdge[n], ee = s.firstEdge[n + 1]; e < ee; ++e) {
                const EdgeKind ek = s.edgeKind(e);
                if (ek == EdgeKind::Weak)
                    continue;
                const std::uint32_t t = s.edgeTo[e];
                if (dist[t] != kNoDistance)
                    continue;
                if (ignored && (*ignored)[t])
                    continue;
                if (nativeContext && edgeNameJsEquals(s, e, "sloppy_function_map"))
                    continue;
                if (descriptors) {
                    std::int64_t idx = 0;
                    if (parseIntPrefix(edgeNameJs(s, e), idx) && !(idx < 2 || idx % 3 != 1))
                        continue;
                } else if (ek == EdgeKind::Internal) {
                    const std::uint32_t g = eph.suffixGroup[s.edgeNameOrIndex[e]];
                    if (g != kNone) {
                        if (!pending[g]) {
                            pending[g] = 1;
                            continue;
                        }
                        pending[g] = 0;
                    }
                }
                dist[t] = d;
                queue[queued++] = t;
            }
        }
    };
    for (std::uint32_t e = s.firstEdge[root], ee = s.firstEdge[root + 1]; e < ee; ++e) {
        const std::uint32_t t = s.edgeTo[e];
        if (isUserRoot(s, t)) { // queued once per edge, as DevTools does
            dist[t] = 1;
            queue[queued++] = t;
        }
    }
    const bool hadUserRoots = queued != 0;
    bfs();
    queued = 0;
    dist[root] = hadUserRoots ? kBaseSystemDistance : 0;
    queue[queued++] = root;
    bfs();
}

// ---------------------------------------------------------------------------------------------
// Cons strings

void ConsStringNamer::prepare() {
    if (m_prepared)
        return;
    m_prepared = true;
    for (std::uint32_t i = 0; i < m_s.strings.size() && (m_firstName == kNone || m_secondName == kNone);
         ++i) {
        const std::string_view t = m_s.strings[i];
        if (t == "first" && m_firstName == kNone)
            m_firstName = i;
        else if (t == "second" && m_secondName == kNone)
            m_secondName = i;
    }
    m_capped.assign(m_s.nodeCount, kNone);
    m_children.assign(m_s.nodeCount, ~0ull);
}

void ConsStringNamer::children(std::uint32_t node, std::uint32_t& first, std::uint32_t& second) {
    prepare();
    std::uint64_t& cached = m_children[node];
    if (cached != ~0ull) {
        first = std::uint32_t(cached);
        second = std::uint32_t(cached >> 32);
        return;
    }
    first = 0;
    second = 0;
    // DevTools keeps looking while either index is still 0 (node index 0 means "not found").
    for (std::uint32_t e = m_s.firstEdge[node], ee = m_s.firstEdge[node + 1]; e < ee && (!first || !second);
         ++e) {
        if (m_s.edgeKind(e) != EdgeKind::Internal)
            continue;
        std::uint32_t id = m_s.edgeNameOrIndex[e];
        // names are deduplicated by V8, but compare the text when another producer repeats them
        if (id != m_firstName && id != m_secondName) {
            const std::string_view t = m_s.strings[id];
            id = t == "first" ? m_firstName : t == "second" ? m_secondName : kNone;
            if (id == kNone)
                continue;
        }
        if (id == m_firstName)
            first = m_s.edgeTo[e];
        else
            second = m_s.edgeTo[e];
    }
    cached = std::uint64_t(first) | (std::uint64_t(second) << 32);
}

std::uint32_t ConsStringNamer::cappedLength(std::uint32_t node) {
    constexpr std::uint32_t cap = 1 << 20;
    if (m_s.kind(node) != NodeKind::ConsString)
        return std::uint32_t(std::min<std::size_t>(text::utf16Length(m_s.name(node)), cap));
    prepare();
    if (m_capped[node] != kNone)
        return m_capped[node];
    // Iterative post-order over the cons DAG; a node still in progress counts as 0 (only malformed
    // input has cycles).
    constexpr std::uint32_t kInProgress = kNone - 1;
    std::vector<std::pair<std::uint32_t, bool>> stack{{node, false}};
    auto len = [&](std::uint32_t c) -> std::uint64_t {
        if (m_s.kind(c) != NodeKind::ConsString)
            return text::utf16Length(m_s.name(c));
        const std::uint32_t v = m_capped[c];
        return (v == kNone || v == kInProgress) ? 0 : v;
    };
    while (!stack.empty()) {
        auto [n, expanded] = stack.back();
        stack.pop_back();
        std::uint32_t a = 0, b = 0;
        children(n, a, b);
        if (!expanded) {
            if (m_capped[n] != kNone)
                continue;
            m_capped[n] = kInProgress;
            stack.push_back({n, true});
            for (std::uint32_t c : {a, b})
                if (m_s.kind(c) == NodeKind::ConsString && m_capped[c] == kNone)
                    stack.push_back({c, false});
            continue;
        }
        m_capped[n] = std::uint32_t(std::min<std::uint64_t>(len(a) + len(b), cap));
    }
    return m_capped[node];
}

// Appends every leaf of `node` (used only for subtrees known to be short).
void ConsStringNamer::walk(std::uint32_t node, std::string& out, std::size_t& units) {
    std::vector<std::uint32_t> stack{node};
    std::size_t guard = 0;
    // The limit and the guard only matter for malformed, cyclic input.
    while (!stack.empty() && units < 1024 && ++guard < (1u << 16)) {
        const std::uint32_t n = stack.back();
        stack.pop_back();
        if (m_s.kind(n) != NodeKind::ConsString) {
            const std::string_view leaf = m_s.name(n);
            out.append(leaf);
            units += text::utf16Length(leaf);
            continue;
        }
        std::uint32_t a = 0, b = 0;
        children(n, a, b);
        stack.push_back(b);
        stack.push_back(a);
    }
}

// Leaves are appended while the text is shorter than 1024 UTF-16 units. When a node's first half
// alone reaches that, the name is the first half's name, so chains of `s += c` are named once.
std::string ConsStringNamer::name(std::uint32_t node) {
    prepare();
    if (auto it = m_names.find(node); it != m_names.end())
        return it->second;
    std::vector<std::uint32_t> chain{node};
    std::unordered_set<std::uint32_t> onChain{node}; // cycles exist only in malformed input
    for (;;) {
        std::uint32_t a = 0, b = 0;
        children(chain.back(), a, b);
        if (m_s.kind(a) != NodeKind::ConsString || cappedLength(a) < 1024 || m_names.count(a) ||
            !onChain.insert(a).second)
            break;
        chain.push_back(a);
    }
    std::string result;
    const std::uint32_t deepest = chain.back();
    std::uint32_t a = 0, b = 0;
    children(deepest, a, b);
    if (auto it = m_names.find(a);
        it != m_names.end() && m_s.kind(a) == NodeKind::ConsString && cappedLength(a) >= 1024) {
        result = it->second;
    } else {
        std::size_t units = 0;
        std::vector<std::uint32_t> stack{b, a};
        std::size_t guard = 0;
        while (!stack.empty() && units < 1024 && ++guard < (1u << 16)) {
            const std::uint32_t n = stack.back();
            stack.pop_back();
            if (m_s.kind(n) != NodeKind::ConsString) {
                const std::string_view leaf = m_s.name(n);
                result.append(leaf);
                units += text::utf16Length(leaf);
            } else if (units + cappedLength(n) < 1024) {
                walk(n, result, units); // the whole subtree fits
            } else {
                std::uint32_t x = 0, y = 0;
                children(n, x, y);
                stack.push_back(y);
                stack.push_back(x);
            }
        }
    }
    for (std::uint32_t c : chain)
        m_names[c] = result;
    return result;
}

std::string formatPropertyName(std::string_view name) {
    for (char c : name)
        if (c == ',' || c == '\'' || c == '"' || c == '{' || c == '}')
            return text::jsonQuote(name);
    return std::string(name);
}

} // namespace detail

using detail::BitSet;
using detail::kNone;

namespace {

Error cancelledError(const Snapshot& s) {
    Error e;
    e.file = s.path;
    e.stage = "analysis";
    e.reason = "the analysis was cancelled";
    e.cancelled = true;
    return e;
}

class Analyzer {
public:
    Analyzer(SnapshotPtr snapshot, const AnalysisOptions& options, const WorkContext& context)
        : m_s(*snapshot), m_options(options), m_context(context) {
        m_a = std::make_shared<Analysis>();
        m_a->snapshot = std::move(snapshot);
    }

    Expected<AnalysisPtr> run();

private:
    // Faults fresh zero pages in, one write per page, in slices between cancellation checks: the
    // passes that follow touch them at random, and a first touch can be slow (zeroing, or a
    // virtual machine's host handing out the memory).
    bool mapIn(void* data, std::size_t bytes) const {
        return detail::mapInSlices(data, bytes, [this] { return stopped(); });
    }
    // memcpy in slices between cancellation checks (the destination is usually fresh memory)
    bool copyIn(void* to, const void* from, std::size_t bytes) const {
        constexpr std::size_t slice = 8u << 20;
        for (std::size_t at = 0; at < bytes; at += slice) {
            if (stopped())
                return false;
            std::memcpy(static_cast<char*>(to) + at, static_cast<const char*>(from) + at,
                        std::min(slice, bytes - at));
        }
        return true;
    }
    bool stopped() const { return m_context.stopRequested() || m_stop.load(std::memory_order_relaxed); }
    void propagateDomState();
    void computeFlags();
    PodArray<std::uint8_t> computeQueryable();
    void computeShallowSizes();
    void prepareEssentialEdges();
    void computeEssentialEdges(std::uint32_t from, std::uint32_t to, std::uint64_t* firstWordBits);
    void computeEssentialSlots();
    void prepareDominatorArrays();
    bool computeDominators();
    void buildDominatedLists();
    void computeClassNames();
    std::vector<InterfaceDefinition> inferInterfaces() const;
    void computeStatistics();

    const Snapshot& m_s;
    const AnalysisOptions& m_options;
    const WorkContext& m_context;
    std::shared_ptr<Analysis> m_a;
    detail::EphemeronNames m_eph;
    // A one-time signal from one thread to the other; giving it twice is harmless, so every exit
    // path of the giving side can give it.
    class Signal {
    public:
        void give() {
            if (!m_given.exchange(true))
                m_latch.count_down();
        }
        void wait() { m_latch.wait(); }
        bool given() const { return m_given.load(); }

    private:
        std::latch m_latch{1};
        std::atomic<bool> m_given{false};
    };
    Signal m_selfSizesReady;       // shallow sizes, built on the main thread beside the other's work
    Signal m_ephReady;             // WeakMap edge names, built on the second thread
    Signal m_essentialPrepared;    // what the per-edge test needs, gathered on the main thread
    Signal m_essentialHalfDone;    // the second thread's half of the bits by edge
    Signal m_essentialEdgesReady;  // all bits by edge
    Signal m_essentialSlotsReady;  // by retainer slot, built on the second thread
    Signal m_dominatorArraysReady; // mapped in on the second thread
    std::mutex m_timingMutex;
    // Progress of the analysis in 1/1000: the passes on the main thread's path, by their usual share
    // of its time on a large file; the dominator pass also reports from inside. Both threads report,
    // one call at a time.
    std::mutex m_progressMutex;
    std::uint64_t m_progressDone = 0;
    static constexpr std::uint64_t kProgressTotal = 1000;
    // Where the analysis stands when a pass on the main thread's path ends (the passes of the other
    // thread run beside them and do not move the bar).
    static std::uint64_t progressAfter(std::string_view pass) {
        static constexpr std::pair<std::string_view, std::uint64_t> kEnds[] = {
            {"DOM state", 40},
            {"flags", 160},
            {"essential edges", 260},
            {"shallow sizes", 360},
            {"dominators", 910},
            {"dominator tree", 950},
            {"class retained sizes", 1000}};
        for (const auto& [name, end] : kEnds)
            if (name == pass)
                return end;
        return 0;
    }
    // Reports the analysis at `done` of 1000 (never backwards).
    void reportProgress(std::uint64_t done) {
        std::lock_guard lock(m_progressMutex);
        m_progressDone = std::clamp(done, m_progressDone, kProgressTotal);
        m_context.report(Stage::Analysis, m_progressDone, kProgressTotal);
    }
    // Within the dominator pass: `fraction` of it done.
    void reportDominatorProgress(double fraction) {
        const std::uint64_t begin = progressAfter("shallow sizes");
        reportProgress(begin + std::uint64_t(fraction * double(progressAfter("dominators") - begin)));
    }
    // Runs one pass and records its wall time (both threads record; the bundle keeps them in order).
    template <typename Fn> auto timed(const char* name, Fn&& fn) {
        const auto start = std::chrono::steady_clock::now();
        struct Record {
            Analyzer* self;
            const char* name;
            std::chrono::steady_clock::time_point start;
            ~Record() {
                const double secs =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                {
                    std::lock_guard lock(self->m_timingMutex);
                    self->m_a->passTimings.emplace_back(name, secs);
                }
                if (const std::uint64_t end = progressAfter(name))
                    self->reportProgress(end);
            }
        } record{this, name, start};
        return fn();
    }
    PodArray<std::uint32_t> m_countedClass; // per node: its class when it counts in "All objects"
    BitSet m_essential;                     // per edge
    BitSet m_pageObject, m_ephemeronName;   // for the per-edge test
    bool m_anyPageObject = false;
    std::uint32_t m_essentialSplit = 0;     // first node of the second thread's half
    std::uint64_t m_essentialSplitBits = 0; // its bits in the word shared with the first half
    BitSet m_essentialSlot;                 // per retainer slot
    PodArray<std::uint32_t> m_domParent, m_domBucketHead, m_domBucketNext; // for the dominator pass
    std::atomic<bool> m_stop{false};
};

// --- DOM state ---------------------------------------------------------------------------------

void Analyzer::propagateDomState() {
    const Snapshot& s = m_s;
    const std::uint32_t N = s.nodeCount;
    auto& det = m_a->detachedness;
    det = PodArray<std::uint8_t>::uninitialized(N);
    if (!s.hasDetachedness) {
        // Old snapshots: native nodes named "Detached ..." are detached; nothing propagates.
        for (std::uint32_t n = 0; n < N; ++n)
            det[n] = (s.kind(n) == NodeKind::Native && s.name(n).substr(0, 9) == "Detached ") ? 2 : 0;
        return;
    }
    std::memcpy(det.data(), s.nodeDetachedness.data(), N);
    PodArray<std::uint8_t> visited = PodArray<std::uint8_t>::zeroed(N); // huge pages
    std::vector<std::uint32_t> attached, detached;
    auto process = [&](std::uint32_t n, std::uint8_t state) {
        if (visited[n])
            return;
        visited[n] = 1;
        if (s.kind(n) != NodeKind::Native)
            return; // the state does not pass through JavaScript objects
        det[n] = state;
        if (state == 1)
            attached.push_back(n);
        else if (state == 2)
            detached.push_back(n);
    };
    auto propagate = [&](std::uint32_t n, std::uint8_t state) {
        for (std::uint32_t e = s.firstEdge[n], ee = s.firstEdge[n + 1]; e < ee; ++e) {
            const EdgeKind k = s.edgeKind(e);
            if (k == EdgeKind::Hidden || k == EdgeKind::Weak)
                continue;
            process(s.edgeTo[e], state);
        }
    };
    for (std::uint32_t n = 0; n < N; ++n)
        if (det[n] != 0)
            process(n, det[n]);
    while (!attached.empty()) {
        const std::uint32_t n = attached.back();
        attached.pop_back();
        propagate(n, 1);
    }
    while (!detached.empty()) {
        const std::uint32_t n = detached.back();
        detached.pop_back();
        if (det[n] == 1)
            continue;
        propagate(n, 2);
    }
}

// --- flags ---------------------------------------------------------------------------------------

void Analyzer::computeFlags() {
    const Snapshot& s = m_s;
    const std::uint32_t N = s.nodeCount;
    auto& flags = m_a->flags;
    flags = PodArray<std::uint8_t>::zeroed(N);
    for (std::uint32_t n = 0; n < N; ++n)
        if (s.kind(n) == NodeKind::Native && m_a->detachedness[n] == 2)
            flags[n] |= kFlagDetachedDom;
    const std::uint32_t root = s.rootOrdinal;
    std::vector<std::uint32_t> stack;
    // pageObject: from the root's shortcut targets and "(Document DOM trees)", along non-weak edges.
    // Marked in a bit set when queued (it fits the cache where the flag bytes do not); the flags get
    // the bit when the analysis ends.
    BitSet& page = m_pageObject;
    page = BitSet(N);
    for (std::uint32_t e = s.firstEdge[root], ee = s.firstEdge[root + 1]; e < ee; ++e) {
        const std::uint32_t t = s.edgeTo[e];
        const EdgeKind k = s.edgeKind(e);
        if (k == EdgeKind::Element) {
            if (!(s.kind(t) == NodeKind::Synthetic && s.name(t) == "(Document DOM trees)"))
                continue;
        } else if (k != EdgeKind::Shortcut) {
            continue;
        }
        if (page.test(t))
            continue;
        stack.push_back(t);
        page.set(t);
        m_anyPageObject = true;
    }
    std::uint32_t steps = 0;
    while (!stack.empty()) {
        if ((++steps & 0x3FFFF) == 0 && stopped())
            return;
        const std::uint32_t n = stack.back();
        stack.pop_back();
        for (std::uint32_t e = s.firstEdge[n], ee = s.firstEdge[n + 1]; e < ee; ++e) {
            const std::uint32_t t = s.edgeTo[e];
            if (page.test(t) || s.edgeKind(e) == EdgeKind::Weak)
                continue;
            stack.push_back(t);
            page.set(t);
        }
    }
}

// canBeQueried: DFS from the user roots (non-synthetic root children) along user-visible edges.
// Runs beside the dominator pass, so it fills its own array; merged into the flags afterwards.
PodArray<std::uint8_t> Analyzer::computeQueryable() {
    const Snapshot& s = m_s;
    PodArray<std::uint8_t> queryable = PodArray<std::uint8_t>::zeroed(s.nodeCount); // huge pages
    const std::uint32_t root = s.rootOrdinal;
    std::vector<std::uint32_t> stack;
    for (std::uint32_t e = s.firstEdge[root], ee = s.firstEdge[root + 1]; e < ee; ++e)
        if (s.kind(s.edgeTo[e]) != NodeKind::Synthetic)
            stack.push_back(s.edgeTo[e]);
    std::uint32_t steps = 0;
    while (!stack.empty()) {
        if ((++steps & 0x3FFFF) == 0 && stopped())
            return queryable;
        const std::uint32_t n = stack.back();
        stack.pop_back();
        if (queryable[n])
            continue;
        queryable[n] = 1;
        for (std::uint32_t e = s.firstEdge[n], ee = s.firstEdge[n + 1]; e < ee; ++e) {
            const std::uint32_t t = s.edgeTo[e];
            if (queryable[t])
                continue;
            const EdgeKind k = s.edgeKind(e);
            if (k == EdgeKind::Hidden || k == EdgeKind::Internal || k == EdgeKind::Weak)
                continue;
            stack.push_back(t);
        }
    }
    return queryable;
}

// --- shallow sizes -------------------------------------------------------------------------------

void Analyzer::computeShallowSizes() {
    const Snapshot& s = m_s;
    const std::uint32_t N = s.nodeCount;
    auto& self = m_a->selfSize;
    self = PodArray<std::uint32_t>::uninitialized(N);
    if (!copyIn(self.data(), s.nodeSelfSize.data(), std::size_t(N) * 4))
        return;
    if (!m_a->hasUserRoots)
        return; // "expose internals" snapshots show real allocations
    constexpr std::uint32_t kUnvisited = 0xFFFFFFFFu, kMultiple = 0xFFFFFFFEu;
    PodArray<std::uint32_t> owners = PodArray<std::uint32_t>::uninitialized(N);
    // Only these nodes can get an owner; every other node owns itself. A bit set of them fits the
    // cache, so the edges to other nodes (most of them) never touch the owners array.
    BitSet ownable(N);
    for (std::uint32_t n = 0; n < N; ++n) {
        if ((n & 0x3FFFF) == 0 && stopped())
            return;
        const NodeKind k = s.kind(n);
        if (k == NodeKind::Hidden || k == NodeKind::Array ||
            (k == NodeKind::Native && s.name(n) == "system / ExternalStringData")) {
            owners[n] = kUnvisited;
            ownable.set(n);
        } else {
            owners[n] = n;
        }
    }
    // Every other node, last first, hands itself down to the ownable nodes it reaches through them
    // (depth first); a node reached from two owners has none.
    std::vector<std::uint32_t> work;
    std::uint32_t steps = 0;
    for (std::uint32_t top = N; top-- > 0;) {
        if (ownable.test(top))
            continue;
        work.push_back(top);
        while (!work.empty()) {
            if ((++steps & 0x3FFFF) == 0 && stopped())
                return;
            const std::uint32_t id = work.back();
            work.pop_back();
            const std::uint32_t owner = owners[id];
            for (std::uint32_t e = s.firstEdge[id], ee = s.firstEdge[id + 1]; e < ee; ++e) {
                const std::uint32_t child = s.edgeTo[e];
                if (!ownable.test(child) || s.edgeKind(e) == EdgeKind::Weak)
                    continue;
                const std::uint32_t cur = owners[child];
                if (cur == kUnvisited) {
                    owners[child] = owner;
                    work.push_back(child);
                } else if (cur == owner || cur == kMultiple) {
                } else {
                    owners[child] = kMultiple;
                    work.push_back(child);
                }
            }
        }
    }
    for (std::uint32_t n = 0; n < N; ++n) {
        if ((n & 0x3FFFF) == 0 && stopped())
            return;
        const std::uint32_t owner = owners[n];
        if (owner == kUnvisited || owner == kMultiple || owner == n)
            continue;
        if (s.kind(owner) == NodeKind::Synthetic || owner == s.rootOrdinal)
            continue;
        self[owner] += self[n]; // wraps like DevTools' Uint32Array
        self[n] = 0;
    }
}

// --- dominators ----------------------------------------------------------------------------------

// What the per-edge test needs, gathered once before both threads run it on halves of the nodes.
void Analyzer::prepareEssentialEdges() {
    const Snapshot& s = m_s;
    const std::uint32_t N = s.nodeCount;
    m_essential = BitSet(s.edgeCount);
    // Small bit sets instead of byte arrays: the random lookups then mostly hit the cache (the page
    // objects are one already).
    m_ephemeronName = BitSet(s.strings.size());
    for (std::uint32_t id = 0; id < s.strings.size(); ++id)
        if (m_eph.isEphemeron(id))
            m_ephemeronName.set(id);
    // where the second thread's half starts: the node nearest to half of the edges
    m_essentialSplit =
        std::uint32_t(std::lower_bound(s.firstEdge.begin(), s.firstEdge.begin() + N, s.firstEdge[N] / 2) -
                      s.firstEdge.begin());
}

// The essential bits of the edges of nodes [from, to). Bits of the word the range starts in go to
// `firstWordBits` when it is given: the thread with the range before may be writing that word.
void Analyzer::computeEssentialEdges(std::uint32_t from, std::uint32_t to, std::uint64_t* firstWordBits) {
    const Snapshot& s = m_s;
    const std::uint32_t root = s.rootOrdinal;
    const BitSet& page = m_pageObject;
    const BitSet& ephemeronName = m_ephemeronName;
    const bool anyPage = m_anyPageObject;
    const std::uint8_t* types = s.edgeType.data();
    std::uint8_t kinds[256] = {};
    for (std::size_t t = 0; t < s.edgeKinds.size(); ++t)
        kinds[t] = std::uint8_t(s.edgeKinds[t]);
    const std::uint64_t sharedWord = std::uint64_t(s.firstEdge[from]) >> 6;
    for (std::uint32_t n = from; n < to; ++n) {
        if ((n & 0x3FFFF) == 0 && stopped())
            return;
        const bool sourcePage = anyPage && page.test(n);
        for (std::uint32_t e = s.firstEdge[n], ee = s.firstEdge[n + 1]; e < ee; ++e) {
            const EdgeKind k = EdgeKind(kinds[types[e]]);
            const std::uint32_t t = s.edgeTo[e];
            if (k == EdgeKind::Internal) {
                const std::uint32_t nameId = s.edgeNameOrIndex[e];
                if (ephemeronName.test(nameId) && s.nodeId[n] == m_eph.tableId[nameId])
                    continue; // the table's half of a WeakMap pair
            }
            if (k == EdgeKind::Weak || n == t)
                continue;
            if (n != root) {
                if (k == EdgeKind::Shortcut)
                    continue;
                if (anyPage && !sourcePage && page.test(t))
                    continue;
            }
            if (firstWordBits && (e >> 6) == sharedWord)
                *firstWordBits |= 1ull << (e & 63);
            else
                m_essential.set(e);
        }
    }
}

// The same bits by retainer slot, for the dominator pass's predecessor loop. Slots of a target are
// in decreasing (source, edge) order, so a cursor per target walking down from its end meets the
// edges in file order. Runs beside the dominator DFS, which needs only the bits by edge.
void Analyzer::computeEssentialSlots() {
    const Snapshot& s = m_s;
    const std::uint32_t N = s.nodeCount;
    m_essentialSlot = BitSet(s.edgeCount);
    PodArray<std::uint32_t> cursors = PodArray<std::uint32_t>::uninitialized(std::size_t(N) + 1);
    std::uint32_t* cursor = cursors.data();
    if (!copyIn(cursor, s.firstRetainer.data() + 1, std::size_t(N) * 4))
        return;
    for (std::uint32_t n = 0; n < N; ++n) {
        if ((n & 0x3FFFF) == 0 && stopped())
            return;
        for (std::uint32_t e = s.firstEdge[n], ee = s.firstEdge[n + 1]; e < ee; ++e) {
            const std::uint32_t slot = --cursor[s.edgeTo[e]];
            if (m_essential.test(e))
                m_essentialSlot.set(slot);
        }
    }
}

// The dominator pass's arrays: fresh zero pages, mapped in by slices (between cancellation checks)
// instead of memset. Done on the second thread while it would otherwise wait for the main one:
// the first touch of 440 MB is not free. Temporary arrays live in the storage of results that are
// computed later, to keep peak memory low.
void Analyzer::prepareDominatorArrays() {
    const std::size_t L = std::size_t(m_s.nodeCount) + 1;
    PodArray<std::uint64_t> links = PodArray<std::uint64_t>::zeroed(L);         // later the retained sizes
    PodArray<std::uint32_t> vertex = PodArray<std::uint32_t>::uninitialized(L); // later `dominated`
    PodArray<std::uint32_t> semi = PodArray<std::uint32_t>::zeroed(L);          // later `firstDominated`
    PodArray<std::uint32_t> dom = PodArray<std::uint32_t>::zeroed(L);
    PodArray<std::uint32_t> parent = PodArray<std::uint32_t>::zeroed(L);
    PodArray<std::uint32_t> bucketHead = PodArray<std::uint32_t>::zeroed(L);
    PodArray<std::uint32_t> bucketNext = PodArray<std::uint32_t>::zeroed(L);
    for (auto [p, bytes] : {std::pair<void*, std::size_t>{links.data(), L * 8},
                            {vertex.data(), L * 4},
                            {semi.data(), L * 4},
                            {dom.data(), L * 4},
                            {parent.data(), L * 4},
                            {bucketHead.data(), L * 4},
                            {bucketNext.data(), L * 4}})
        if (!mapIn(p, bytes))
            return;
    m_a->retainedSize = std::move(links);
    m_a->dominated = std::move(vertex);
    m_a->firstDominated = std::move(semi);
    m_a->dominator = std::move(dom);
    m_domParent = std::move(parent);
    m_domBucketHead = std::move(bucketHead);
    m_domBucketNext = std::move(bucketNext);
}

// Lengauer–Tarjan exactly as DevTools runs it (vertices 1..N, 0 = none), including how nodes that
// the root does not reach are numbered; results are then bit-identical.
bool Analyzer::computeDominators() {
    const Snapshot& s = m_s;
    const std::uint32_t N = s.nodeCount;
    const std::size_t L = std::size_t(N) + 1;
    auto& retained = m_a->retainedSize;
    // (ancestor, label) pairs sit side by side: the path compression reads both of a vertex at once.
    struct Link {
        std::uint32_t ancestor; // serves as nextEdge (per ordinal) during the DFS
        std::uint32_t label;
    };
    static_assert(sizeof(Link) == sizeof(std::uint64_t));
    m_dominatorArraysReady.wait(); // usually prepared on the other thread
    if (stopped() || retained.size() != L)
        return false;
    Link* link = reinterpret_cast<Link*>(retained.data());
    std::uint32_t* vertex = m_a->dominated.data();
    std::uint32_t* semi = m_a->firstDominated.data();
    PodArray<std::uint32_t> parentStore = std::move(m_domParent);
    std::uint32_t* parent = parentStore.data();
    std::uint32_t* dom = m_a->dominator.data();
    std::uint32_t n = 0;
    auto essentialRetained = [&](std::uint32_t ordinal) {
        for (std::uint32_t r = s.firstRetainer[ordinal], re = s.firstRetainer[ordinal + 1]; r < re; ++r)
            if (m_essentialSlot.test(r))
                return true;
        return false;
    };
    auto dfs = [&](std::uint32_t rootVertex) {
        link[rootVertex - 1].ancestor = s.firstEdge[rootVertex - 1];
        std::uint32_t v = rootVertex;
        std::uint32_t steps = 0;
        while (v != 0) {
            if ((++steps & 0x3FFFF) == 0 && stopped())
                return;
            if (semi[v] == 0) {
                semi[v] = ++n;
                vertex[n] = link[v].label = v;
            }
            std::uint32_t vNext = parent[v];
            const std::uint32_t vo = v - 1;
            std::uint32_t& next = link[vo].ancestor;
            for (const std::uint32_t end = s.firstEdge[vo + 1]; next < end; ++next) {
                const std::uint32_t e = next;
                if (!m_essential.test(e))
                    continue;
                const std::uint32_t wo = s.edgeTo[e];
                const std::uint32_t w = wo + 1;
                if (semi[w] == 0) {
                    parent[w] = v;
                    link[wo].ancestor = s.firstEdge[wo];
                    vNext = w;
                    break;
                }
            }
            v = vNext;
        }
    };
    const std::uint32_t r = s.rootOrdinal + 1;
    auto phaseStart = std::chrono::steady_clock::now();
    auto phase = [&](const char* name) {
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard lock(m_timingMutex);
        m_a->passTimings.emplace_back(name, std::chrono::duration<double>(now - phaseStart).count());
        phaseStart = now;
    };
    dfs(r);
    m_essentialSlotsReady.wait(); // for the rest of the pass
    if (stopped())
        return false;
    if (n < N) {
        m_a->problems.push_back("Heap snapshot: " + std::to_string(N - n) +
                                " nodes are unreachable from the root.");
        for (std::uint32_t v = 1; v <= N; ++v) {
            if (semi[v] == 0 && !essentialRetained(v - 1)) {
                parent[v] = r;
                dfs(v);
            }
        }
    }
    if (n < N) {
        m_a->problems.push_back("Heap snapshot: Still found " + std::to_string(N - n) +
                                " unreachable nodes.");
        for (std::uint32_t v = 1; v <= N; ++v) {
            if (semi[v] == 0) {
                parent[v] = r;
                semi[v] = ++n;
                vertex[n] = link[v].label = v;
            }
        }
    }
    if (stopped())
        return false;
    phase("dominators (DFS)");
    reportDominatorProgress(0.3);
    for (std::size_t v = 0; v < L; ++v)
        link[v].ancestor = 0; // done being nextEdge
    // Buckets as singly linked lists: head per vertex, next per member.
    PodArray<std::uint32_t> bucketHead = std::move(m_domBucketHead);
    PodArray<std::uint32_t> bucketNext = std::move(m_domBucketNext);
    std::vector<std::uint32_t> compressStack;
    // Compressions can walk long ancestor chains and a node can have millions of retainers: cancel
    // requests are looked at per unit of work (vertex, retainer or ancestor step), not per vertex.
    std::uint32_t work = 0;
    bool aborted = false;
    auto tick = [&] {
        if (!aborted && (++work & 0x3FFFF) == 0 && stopped())
            aborted = true;
        return aborted;
    };
    auto compress = [&](std::uint32_t v) {
        compressStack.clear();
        while (link[link[v].ancestor].ancestor != 0) {
            compressStack.push_back(v);
            v = link[v].ancestor;
            if (tick())
                return;
        }
        while (!compressStack.empty()) {
            if (tick())
                return;
            const std::uint32_t w = compressStack.back();
            compressStack.pop_back();
            Link& lw = link[w];
            const Link& la = link[lw.ancestor];
            if (semi[la.label] < semi[lw.label])
                lw.label = la.label;
            lw.ancestor = la.ancestor;
        }
    };
    auto evaluate = [&](std::uint32_t v) -> std::uint32_t {
        if (link[v].ancestor == 0)
            return v;
        compress(v);
        return link[v].label;
    };
    for (std::uint32_t i = n; i >= 2; --i) {
        if (tick())
            return false;
        if ((i & 0x3FFFF) == 0)
            reportDominatorProgress(0.3 + 0.65 * double(n - i) / double(n));
        const std::uint32_t w = vertex[i];
        const std::uint32_t wo = w - 1;
        if (i > 16) {
            // The vertices come in DFS order, scattered in memory: fetch ahead what they will need.
            const std::uint32_t far = vertex[i - 16];
            __builtin_prefetch(&parent[far]);
            __builtin_prefetch(&s.firstRetainer[far - 1]);
            const std::uint32_t ahead = vertex[i - 8];
            __builtin_prefetch(&semi[ahead]);
            __builtin_prefetch(&link[ahead]);
            __builtin_prefetch(&bucketNext[ahead]);
            __builtin_prefetch(&bucketHead[parent[ahead]]);
            const std::uint32_t near = vertex[i - 4] - 1;
            __builtin_prefetch(&s.retainerSource[s.firstRetainer[near]]);
            // and the path-compression links of the first retainers of the vertex after next
            const std::uint32_t next = vertex[i - 2] - 1;
            for (std::uint32_t ri = s.firstRetainer[next], re = std::min(ri + 2, s.firstRetainer[next + 1]);
                 ri < re; ++ri) {
                const std::uint32_t v = s.retainerSource[ri] + 1;
                __builtin_prefetch(&link[v]);
                __builtin_prefetch(&semi[v]);
            }
        }
        bool orphan = true;
        std::uint32_t semiW = semi[w];
        for (std::uint32_t ri = s.firstRetainer[wo], re = s.firstRetainer[wo + 1]; ri < re; ++ri) {
            if (!m_essentialSlot.test(ri))
                continue;
            orphan = false;
            if (tick()) // a node can have millions of retainers
                return false;
            const std::uint32_t v = s.retainerSource[ri] + 1;
            const std::uint32_t u = evaluate(v);
            if (semi[u] < semiW)
                semiW = semi[u];
        }
        if (orphan)
            semiW = semi[r];
        semi[w] = semiW;
        const std::uint32_t b = vertex[semiW];
        const std::uint32_t p = parent[w];
        if (b == p) {
            // Most vertices: the semidominator is the DFS parent. Put in p's bucket, w would be
            // evaluated right below, just linked under the unlinked p: itself, so dom = p.
            dom[w] = p;
        } else {
            bucketNext[w] = bucketHead[b];
            bucketHead[b] = w;
        }
        link[w].ancestor = p; // link(parent, w)
        if (const std::uint32_t first = bucketHead[p]; first != 0) {
            for (std::uint32_t v = first; v != 0; v = bucketNext[v]) {
                if (tick()) // a bucket can hold millions of vertices
                    return false;
                const std::uint32_t u = evaluate(v);
                dom[v] = semi[u] < semi[v] ? u : p;
            }
            bucketHead[p] = 0;
        }
    }
    phase("dominators (semidominators)");
    dom[0] = dom[r] = r;
    if (stopped())
        return false;
    for (std::uint32_t i = 2; i <= n; ++i) {
        if ((i & 0x3FFFF) == 0 && stopped())
            return false;
        const std::uint32_t w = vertex[i];
        if (dom[w] != vertex[semi[w]])
            dom[w] = dom[dom[w]];
    }
    bucketHead.release();
    bucketNext.release();
    parentStore.release();
    // Dominator per ordinal, in place (vertex v = ordinal + 1); retained sizes summed up in
    // decreasing DFS order.
    auto& dominator = m_a->dominator;
    for (std::uint32_t o = 0; o < N; ++o)
        dominator[o] = dom[o + 1] - 1;
    m_selfSizesReady.wait(); // computed on the other thread
    if (stopped())
        return false;
    for (std::uint32_t o = 0; o < N; ++o)
        retained[o] = m_a->selfSize[o]; // parent/label are dead now
    for (std::uint32_t i = n; i > 1; --i) {
        if ((i & 0x3FFFF) == 0 && stopped())
            return false;
        const std::uint32_t o = vertex[i] - 1;
        retained[dominator[o]] += retained[o];
    }
    return true;
}

// Dominated children per node (CSR), in increasing ordinal order (memory order: the class retained
// size walk over this tree then touches nearby nodes one after another).
void Analyzer::buildDominatedLists() {
    const Snapshot& s = m_s;
    const std::uint32_t N = s.nodeCount;
    auto& first = m_a->firstDominated;
    auto& list = m_a->dominated;
    const auto& dominator = m_a->dominator;
    std::memset(first.data(), 0, (std::size_t(N) + 1) * 4);
    for (std::uint32_t o = 0; o < N; ++o)
        if (o != s.rootOrdinal)
            ++first[dominator[o]];
    // first[n] becomes the end of n's range, then the fill walks it back to the start.
    std::uint32_t running = 0;
    for (std::uint32_t o = 0; o < N; ++o) {
        running += first[o];
        first[o] = running;
    }
    first[N] = running;
    for (std::uint32_t o = N; o-- > 0;)
        if (o != s.rootOrdinal)
            list[--first[dominator[o]]] = o;
}

// --- class names ---------------------------------------------------------------------------------

std::vector<InterfaceDefinition> Analyzer::inferInterfaces() const {
    const Snapshot& s = m_s;
    struct Candidate {
        std::string name;
        std::vector<std::string> properties;
        std::uint32_t count = 0;
    };
    std::vector<Candidate> candidates;
    std::unordered_map<std::string, std::size_t> byName;
    std::uint64_t total = 0;
    std::unordered_map<std::uint32_t, std::pair<std::string, std::size_t>>
        formatted; // string id → (text, units)
    for (std::uint32_t n = 0; n < s.nodeCount; ++n) {
        if ((n & 0x3FFFF) == 0 && stopped())
            return {};
        if (s.kind(n) != NodeKind::Object || s.name(n) != "Object")
            continue;
        ++total;
        std::string name = "{";
        std::size_t units = 1;
        std::vector<std::string> props;
        for (std::uint32_t e = s.firstEdge[n], ee = s.firstEdge[n + 1]; e < ee; ++e) {
            if (s.edgeKind(e) != EdgeKind::Property)
                continue;
            const std::uint32_t id = s.edgeNameOrIndex[e];
            const std::string_view raw = s.strings[id];
            if (raw == "__proto__")
                continue;
            auto it = formatted.find(id);
            if (it == formatted.end()) {
                std::string f = detail::formatPropertyName(raw);
                const std::size_t u = text::utf16Length(f);
                it = formatted.emplace(id, std::make_pair(std::move(f), u)).first;
            }
            const auto& [f, fu] = it->second;
            if (units > 1 && units + fu > 120)
                break;
            if (units != 1) {
                name += ", ";
                units += 2;
            }
            name += f;
            units += fu;
            props.emplace_back(raw);
        }
        if (props.empty())
            continue;
        name += "}";
        auto [it, inserted] = byName.emplace(name, candidates.size());
        if (inserted)
            candidates.push_back({std::move(name), std::move(props), 1});
        else
            ++candidates[it->second].count;
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.count > b.count; });
    const double minCount = std::max(2.0, double(total) / 1000.0);
    std::vector<InterfaceDefinition> out;
    for (auto& c : candidates) {
        if (double(c.count) < minCount)
            break;
        out.push_back({std::move(c.name), std::move(c.properties)});
    }
    return out;
}

namespace {
// DevTools' property trie for interface matching (properties in code-unit order).
struct InterfaceTrie {
    struct Node {
        std::unordered_map<std::string, std::uint32_t> next;
        std::string greatestNext;
        bool hasGreatest = false;
        std::int32_t match = -1; // definition index
        std::uint32_t propertyCount = 0;
    };
    std::vector<Node> nodes{Node{}};
    const std::vector<InterfaceDefinition>* defs = nullptr;

    explicit InterfaceTrie(const std::vector<InterfaceDefinition>& d) : defs(&d) {
        for (std::size_t i = 0; i < d.size(); ++i) {
            std::vector<std::string> props = d[i].properties;
            std::sort(props.begin(), props.end(), [](const std::string& a, const std::string& b) {
                return text::compareUtf16(a, b) < 0;
            });
            std::uint32_t cur = 0;
            for (const auto& p : props) {
                auto it = nodes[cur].next.find(p);
                if (it == nodes[cur].next.end()) {
                    const std::uint32_t id = std::uint32_t(nodes.size());
                    nodes.push_back(Node{});
                    nodes[cur].next.emplace(p, id);
                    if (!nodes[cur].hasGreatest || text::compareUtf16(nodes[cur].greatestNext, p) < 0) {
                        nodes[cur].greatestNext = p;
                        nodes[cur].hasGreatest = true;
                    }
                    cur = id;
                } else {
                    cur = it->second;
                }
            }
            if (nodes[cur].match < 0) {
                nodes[cur].match = std::int32_t(i);
                nodes[cur].propertyCount = std::uint32_t(props.size());
            }
        }
    }

    // Returns the matching definition index or -1 for plain "Object".
    int match(std::vector<std::string_view>& props) const {
        std::sort(props.begin(), props.end(),
                  [](std::string_view a, std::string_view b) { return text::compareUtf16(a, b) < 0; });
        struct Best {
            int index = -1;
            std::uint32_t count = 0;
        } best;
        auto better = [&](const Node& n) {
            if (n.match < 0)
                return;
            // more properties wins; on a tie the earlier definition
            if (best.index < 0 || n.propertyCount > best.count ||
                (n.propertyCount == best.count && n.match < best.index)) {
                best.index = n.match;
                best.count = n.propertyCount;
            }
        };
        better(nodes[0]);
        std::vector<std::uint32_t> states{0}, snapshot;
        std::string key;
        for (std::string_view p : props) {
            snapshot = states;
            for (std::uint32_t st : snapshot) {
                const Node& node = nodes[st];
                if (!node.hasGreatest || text::compareUtf16(p, node.greatestNext) >= 0)
                    states.erase(std::find(states.begin(), states.end(), st));
                key.assign(p);
                auto it = node.next.find(key);
                if (it != node.next.end()) {
                    if (std::find(states.begin(), states.end(), it->second) == states.end())
                        states.push_back(it->second);
                    better(nodes[it->second]);
                }
            }
            if (states.empty())
                break;
        }
        return best.index;
    }
};
} // namespace

void Analyzer::computeClassNames() {
    if (m_options.interfaces)
        m_a->interfaces = *m_options.interfaces;
    else
        m_a->interfaces = inferInterfaces();
    detail::classify(*m_a, m_a->interfaces, m_a->classOf, m_a->classes, [this] { return stopped(); });
}

} // namespace

namespace detail {

bool classify(const Analysis& analysis, const std::vector<InterfaceDefinition>& interfaces,
              PodArray<std::uint32_t>& classOf, std::vector<ClassInfo>& classes,
              const std::function<bool()>& stopped) {
    const Snapshot& s = *analysis.snapshot;
    const std::uint32_t N = s.nodeCount;
    classOf = PodArray<std::uint32_t>::uninitialized(N);
    classes.clear();
    InterfaceTrie trie(interfaces);
    std::unordered_map<std::string, std::uint32_t> classByKey;
    auto internClass = [&](const std::string& name, const std::string& key) {
        auto [it, inserted] = classByKey.emplace(key, std::uint32_t(classes.size()));
        if (inserted)
            classes.push_back({name, key});
        return it->second;
    };

    // Class names are interned once; classes are (name) or (location, name) for located objects.
    std::vector<std::string> names;
    std::unordered_map<std::string, std::uint32_t> nameIndex;
    auto internName = [&](std::string name) -> std::uint32_t {
        auto [it, inserted] = nameIndex.emplace(name, std::uint32_t(names.size()));
        if (inserted)
            names.push_back(std::move(name));
        return it->second;
    };
    auto trimTag = [](std::string name) {
        if (!name.empty() && name[0] == '<') {
            const auto sp = name.find(' ');
            if (sp != std::string::npos)
                name = name.substr(0, sp) + ">";
        } else if (name.compare(0, 10, "Detached <") == 0) {
            const auto sp = name.find(' ', 10);
            if (sp != std::string::npos)
                name = name.substr(0, sp) + ">";
        }
        return name;
    };
    std::vector<std::uint32_t> nameOfType(s.nodeTypeNames.size(), kNone);
    std::vector<std::uint32_t> nameOfString(s.strings.size(), kNone);
    std::vector<std::uint32_t> nameOfInterface(interfaces.size(), kNone);
    const std::uint32_t objectName = internName("Object");
    std::vector<std::uint32_t> classOfName;
    std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t>, std::uint32_t> located;
    std::size_t loc = 0;
    std::vector<std::string_view> props;
    for (std::uint32_t n = 0; n < N; ++n) {
        if ((n & 0x3FFFF) == 0 && stopped())
            return false;
        const NodeKind k = s.kind(n);
        std::uint32_t nameId;
        if (k == NodeKind::Object && s.name(n) == "Object") {
            props.clear();
            for (std::uint32_t e = s.firstEdge[n], ee = s.firstEdge[n + 1]; e < ee; ++e)
                if (s.edgeKind(e) == EdgeKind::Property)
                    props.push_back(s.strings[s.edgeNameOrIndex[e]]);
            const int m = trie.match(props);
            if (m < 0) {
                nameId = objectName;
            } else {
                if (nameOfInterface[std::size_t(m)] == kNone)
                    nameOfInterface[std::size_t(m)] = internName(interfaces[std::size_t(m)].name);
                nameId = nameOfInterface[std::size_t(m)];
            }
        } else if (k == NodeKind::Object || k == NodeKind::Native) {
            if (analysis.isRenamedDetached(n)) {
                nameId = internName(trimTag("Detached " + std::string(s.name(n))));
            } else {
                std::uint32_t& cached = nameOfString[s.nodeName[n]];
                if (cached == kNone)
                    cached = internName(trimTag(std::string(s.name(n))));
                nameId = cached;
            }
        } else {
            std::uint32_t& cached = nameOfType[s.nodeType[n]];
            if (cached == kNone) {
                std::string t;
                switch (k) {
                case NodeKind::Hidden:
                    t = "(system)";
                    break;
                case NodeKind::Code:
                    t = "(compiled code)";
                    break;
                case NodeKind::Closure:
                    t = "Function";
                    break;
                case NodeKind::RegExp:
                    t = "RegExp";
                    break;
                default:
                    t = "(" + s.nodeTypeNames[s.nodeType[n]] + ")";
                    break;
                }
                cached = internName(std::move(t));
            }
            nameId = cached;
        }
        if (k == NodeKind::Object) {
            while (loc < s.locations.size() && s.locations[loc].node < n)
                ++loc;
            if (loc < s.locations.size() && s.locations[loc].node == n) {
                const Location& l = s.locations[loc];
                auto keyTuple = std::make_tuple(l.scriptId, l.line, l.column, nameId);
                auto it = located.find(keyTuple);
                if (it == located.end()) {
                    const std::string key = std::to_string(l.scriptId) + "," + std::to_string(l.line) + "," +
                                            std::to_string(l.column) + "," + names[nameId];
                    it = located.emplace(keyTuple, internClass(names[nameId], key)).first;
                }
                classOf[n] = it->second;
                continue;
            }
        }
        if (nameId >= classOfName.size())
            classOfName.resize(names.size(), kNone);
        std::uint32_t& cls = classOfName[nameId];
        if (cls == kNone)
            cls = internClass(names[nameId], "," + names[nameId]);
        classOf[n] = cls;
    }
    return true;
}

} // namespace detail

namespace {

// --- statistics ----------------------------------------------------------------------------------

void Analyzer::computeStatistics() {
    const Snapshot& s = m_s;
    Statistics st;
    const auto& self = m_a->selfSize;
    double native = s.extraNativeBytes;
    std::uint64_t typed = 0, code = 0, strings = 0, arrays = 0, system = 0;
    for (std::uint32_t n = 0; n < s.nodeCount; ++n) {
        if ((n & 0x3FFFF) == 0 && stopped())
            return;
        const std::uint64_t size = self[n];
        const NodeKind k = s.kind(n);
        if (k == NodeKind::Hidden) {
            system += size;
            continue;
        }
        if (k == NodeKind::Native) {
            native += double(size);
            if (!m_a->isRenamedDetached(n) && s.name(n) == "system / JSArrayBufferData")
                typed += size;
        } else if (k == NodeKind::Code) {
            code += size;
        } else if (k == NodeKind::String || k == NodeKind::ConsString || k == NodeKind::SlicedString) {
            strings += size;
        } else if (s.name(n) == "Array") {
            std::uint64_t total = size;
            for (std::uint32_t e = s.firstEdge[n], ee = s.firstEdge[n + 1]; e < ee; ++e) {
                if (s.edgeKind(e) != EdgeKind::Internal || s.strings[s.edgeNameOrIndex[e]] != "elements")
                    continue;
                const std::uint32_t t = s.edgeTo[e];
                if (s.firstRetainer[t + 1] - s.firstRetainer[t] == 1)
                    total += self[t];
                break;
            }
            arrays += total;
        }
    }
    st.nativeTotal = std::uint64_t(native);
    st.typedArrays = typed;
    st.code = code;
    st.jsArrays = arrays;
    st.strings = strings;
    st.system = system;
    m_a->statistics = st;
}

// --- the pipeline --------------------------------------------------------------------------------

Expected<AnalysisPtr> Analyzer::run() {
    const Snapshot& s = m_s;
    const std::uint32_t N = s.nodeCount;
    try {
        reportProgress(0);
        timed("DOM state", [&] { propagateDomState(); });
        {
            const std::uint32_t root = s.rootOrdinal;
            for (std::uint32_t e = s.firstEdge[root], ee = s.firstEdge[root + 1]; e < ee; ++e)
                if (detail::isUserRoot(s, s.edgeTo[e]))
                    m_a->hasUserRoots = true;
        }
        if (stopped())
            return cancelledError(s);
        // Two lines of work that meet at the end: the dominator tree here; shallow sizes, distances,
        // class names and the Summary's rows on a second thread. Retained sizes wait for the
        // shallow sizes.
        bool dominatorsOk = true;
        Aggregates rows;
        const unsigned threads =
            m_options.threads ? m_options.threads : std::max(1u, std::thread::hardware_concurrency());
        PodArray<std::uint8_t> queryable;
        std::atomic<bool> sideOutOfMemory{false}; // read by the main thread while the other may set it
        // One pass of the second thread, unless it ran out of memory or was stopped; running out of
        // memory stops both threads.
        auto sidePass = [&](const char* name, auto&& pass) {
            if (sideOutOfMemory || stopped())
                return;
            try {
                timed(name, pass);
            } catch (const std::bad_alloc&) {
                sideOutOfMemory = true;
                m_stop = true;
            }
        };
        auto sideRest = [&] {
            sidePass("queryable", [&] { queryable = computeQueryable(); });
            sidePass("distances", [&] {
                m_a->distance = PodArray<std::int32_t>::uninitialized(N);
                detail::computeDistances(s, m_eph, nullptr, m_a->distance.data(),
                                         [this] { return stopped(); });
            });
            sidePass("class names", [&] { computeClassNames(); });
            m_selfSizesReady.wait();                              // from the main thread
            sidePass("statistics", [&] { computeStatistics(); }); // all but the totals
            if (sideOutOfMemory || stopped())
                return;
            for (std::uint32_t n = 0; n < N; ++n)
                m_a->unreachableCount += m_a->distance[n] == kNoDistance;
            if (m_options.aggregateAll)
                sidePass("summary rows", [&] {
                    rows = detail::aggregateRows(*m_a, m_a->classOf.data(), m_a->classes.size(), nullptr,
                                                 &m_countedClass, [this] { return stopped(); });
                });
        };
        auto buildWeakMapNames = [&] {
            try {
                timed("weakmap names",
                      [&] { m_eph = detail::EphemeronNames::build(s, [this] { return stopped(); }); });
            } catch (const std::bad_alloc&) {
                sideOutOfMemory = true;
                m_stop = true;
            }
            m_ephReady.give();
        };
        auto sideWork = [&] {
            buildWeakMapNames();
            sidePass("dominator arrays", [&] { prepareDominatorArrays(); });
            m_dominatorArraysReady.give();
            if (!sideOutOfMemory) {
                m_essentialPrepared.wait();
                if (!stopped())
                    computeEssentialEdges(m_essentialSplit, N, &m_essentialSplitBits);
            }
            m_essentialHalfDone.give();
            if (!sideOutOfMemory)
                m_essentialEdgesReady.wait();
            sidePass("essential slots", [&] { computeEssentialSlots(); });
            m_essentialSlotsReady.give();
            sideRest();
        };

        const bool oneThread = threads <= 1;
        auto mainWork = [&] {
            // however this ends (even by an exception), the other thread must not wait for it
            struct GiveOnExit {
                std::array<Signal*, 3> signals;
                std::atomic<bool>& stop;
                ~GiveOnExit() {
                    if (std::uncaught_exceptions() > 0)
                        stop = true; // what the signals guard may be missing
                    for (Signal* signal : signals)
                        signal->give();
                }
            } signalsGiven{{&m_essentialPrepared, &m_essentialEdgesReady, &m_selfSizesReady}, m_stop};
            timed("flags", [&] { computeFlags(); });
            m_ephReady.wait(); // built on the other thread
            if (!sideOutOfMemory)
                timed("essential edges", [&] {
                    prepareEssentialEdges();
                    if (oneThread) {
                        computeEssentialEdges(0, N, nullptr);
                        return;
                    }
                    m_essentialPrepared.give();
                    computeEssentialEdges(0, m_essentialSplit, nullptr);
                });
            auto shallowSizes = [&] {
                if (!sideOutOfMemory && !stopped())
                    timed("shallow sizes", [&] { computeShallowSizes(); });
                m_selfSizesReady.give();
            };
            // The shallow sizes fill the wait when the other thread has not done its half yet (the
            // first touch of the dominator pass's arrays can be slow); otherwise they come after
            // the bits are handed over, beside that thread's work on them.
            bool shallowSizesDone = false;
            if (!oneThread && !m_essentialHalfDone.given()) {
                shallowSizes();
                shallowSizesDone = true;
            }
            if (!oneThread) {
                if (!sideOutOfMemory)
                    timed("essential edges (other half)", [&] {
                        m_essentialHalfDone.wait();
                        if (m_essentialSplitBits)
                            m_essential.orWord(std::uint64_t(s.firstEdge[m_essentialSplit]) >> 6,
                                               m_essentialSplitBits);
                    });
            }
            m_essentialEdgesReady.give();
            if (!oneThread && !shallowSizesDone)
                shallowSizes();
            if (oneThread) {
                timed("essential slots", [&] { computeEssentialSlots(); });
                m_essentialSlotsReady.give();
                if (!stopped())
                    prepareDominatorArrays();
                m_dominatorArraysReady.give();
            }
            if (!stopped())
                dominatorsOk = timed("dominators", [&] { return computeDominators(); });
            else
                dominatorsOk = false;
            if (!dominatorsOk) {
                m_stop = true;
                return;
            }
            timed("dominator tree", [&] { buildDominatedLists(); });
        };
        if (!oneThread) {
            std::jthread side(sideWork);
            mainWork();
        } else {
            // one thread: the shallow sizes must exist before the dominator pass needs them
            buildWeakMapNames();
            if (sideOutOfMemory)
                throw std::bad_alloc();
            computeShallowSizes();
            m_selfSizesReady.give();
            mainWork();
            if (dominatorsOk)
                sideRest();
        }
        if (sideOutOfMemory)
            throw std::bad_alloc();
        if (!dominatorsOk || stopped())
            return cancelledError(s);
        for (std::uint32_t n = 0; n < N && n < queryable.size(); ++n)
            if (queryable[n])
                m_a->flags[n] |= kFlagCanBeQueried;
        if (m_anyPageObject)
            for (std::uint32_t n = 0; n < N; ++n)
                if (m_pageObject.test(n))
                    m_a->flags[n] |= kFlagPageObject;
        m_a->reachableCount = N - m_a->unreachableCount;
        m_a->totalSize = m_a->retainedSize[s.rootOrdinal] + std::uint64_t(s.extraNativeBytes);
        // the rest of the statistics came from the second thread
        m_a->statistics.total = m_a->totalSize;
        m_a->statistics.v8heapTotal = m_a->totalSize - m_a->statistics.nativeTotal;
        if (m_options.aggregateAll) {
            timed("class retained sizes", [&] {
                detail::addClassRetainedSizes(
                    *m_a, m_countedClass, m_a->classes.size(), rows, [this] { return stopped(); }, threads);
            });
            if (stopped())
                return cancelledError(s);
            m_countedClass.release();
            detail::sortRows(m_a->classes, rows);
            m_a->allObjects = std::move(rows);
        }
        reportProgress(kProgressTotal);
        return AnalysisPtr(std::move(m_a));
    } catch (const std::bad_alloc&) {
        Error e;
        e.file = s.path;
        e.stage = "analysis";
        e.reason = "there is not enough memory to analyse this snapshot";
        return e;
    }
}

} // namespace

// --- Analysis members ----------------------------------------------------------------------------

bool Analysis::isRenamedDetached(std::uint32_t node) const {
    return snapshot->hasDetachedness && detachedness[node] == 2 && snapshot->kind(node) == NodeKind::Native;
}

std::string Analysis::rawName(std::uint32_t node) const {
    if (isRenamedDetached(node))
        return "Detached " + std::string(snapshot->name(node));
    return std::string(snapshot->name(node));
}

std::string Analysis::displayName(std::uint32_t node) const {
    const Snapshot& s = *snapshot;
    const NodeKind k = s.kind(node);
    if (k == NodeKind::ConsString) {
        std::lock_guard lock(m_namerMutex);
        if (!m_namer)
            m_namer = std::make_shared<detail::ConsStringNamer>(s);
        return m_namer->name(node);
    }
    if (k == NodeKind::Object && s.name(node) == "Object") {
        // {a, b, …, y, z}: properties from both ends, 100 UTF-16 units at most (the first always).
        std::string start = "{", end = "}";
        std::size_t startUnits = 1, endUnits = 1;
        std::int64_t from = s.firstEdge[node], to = std::int64_t(s.firstEdge[node + 1]) - 1;
        bool fromEnd = false;
        while (from <= to) {
            const std::uint32_t e = std::uint32_t(fromEnd ? to : from);
            const auto name = s.edgeKind(e) == EdgeKind::Property ? s.edgeNameString(e) : std::nullopt;
            if (!name || *name == "__proto__") {
                if (fromEnd)
                    --to;
                else
                    ++from;
                continue;
            }
            const std::string f = detail::formatPropertyName(*name);
            const std::size_t fu = text::utf16Length(f);
            if (startUnits > 1 && startUnits + endUnits + fu > 100)
                break;
            if (fromEnd) {
                --to;
                if (endUnits > 1) {
                    end = ", " + end;
                    endUnits += 2;
                }
                end = f + end;
                endUnits += fu;
            } else {
                ++from;
                if (startUnits > 1) {
                    start += ", ";
                    startUnits += 2;
                }
                start += f;
                startUnits += fu;
            }
            fromEnd = !fromEnd;
        }
        if (from <= to) {
            start += ", \xE2\x80\xA6";
            startUnits += 3;
        }
        if (endUnits > 1)
            start += ", ";
        return start + end;
    }
    return rawName(node);
}

std::uint64_t Analysis::memoryBytes() const {
    std::uint64_t b = selfSize.bytes() + distance.bytes() + dominator.bytes() + retainedSize.bytes() +
                      firstDominated.bytes() + dominated.bytes() + classOf.bytes() + flags.bytes() +
                      detachedness.bytes();
    b += allObjects.instancePool.bytes();
    return b;
}

Expected<AnalysisPtr> analyze(SnapshotPtr snapshot, const AnalysisOptions& options,
                              const WorkContext& context) {
    if (!snapshot) {
        Error e;
        e.stage = "analysis";
        e.reason = "no snapshot";
        return e;
    }
    Analyzer analyzer(std::move(snapshot), options, context);
    return analyzer.run();
}

RetainerDistances computeRetainerDistances(const Analysis& a,
                                           const std::vector<std::uint32_t>& ignoredNodes) {
    const Snapshot& s = *a.snapshot;
    RetainerDistances out;
    const std::uint32_t N = s.nodeCount;
    if (ignoredNodes.empty()) {
        out.distance.assign(a.distance.begin(), a.distance.end());
        for (auto& d : out.distance)
            if (d == kNoDistance)
                d = kBaseUnreachableDistance; // max(0, -5) + 200,000,000
        return out;
    }
    std::vector<bool> ignored(N, false);
    for (std::uint32_t n : ignoredNodes)
        if (n < N)
            ignored[n] = true;
    const auto eph = detail::EphemeronNames::build(s);
    std::vector<std::int32_t> dist(N);
    detail::computeDistances(s, eph, &ignored, dist.data());
    // WeakMap halves: a value retained through an unreachable key or table cannot be retained by
    // the other half alone.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> unreachablePairs; // (target, suffix group)
    for (std::uint32_t n = 0; n < N; ++n) {
        if (dist[n] != kNoDistance)
            continue;
        for (std::uint32_t e = s.firstEdge[n], ee = s.firstEdge[n + 1]; e < ee; ++e) {
            if (s.edgeKind(e) != EdgeKind::Internal)
                continue;
            const std::uint32_t g = eph.suffixGroup[s.edgeNameOrIndex[e]];
            if (g != kNone)
                unreachablePairs.emplace_back(s.edgeTo[e], g);
        }
    }
    if (!unreachablePairs.empty()) {
        out.ignoredEdge.assign(s.edgeCount, false);
        std::sort(unreachablePairs.begin(), unreachablePairs.end());
        for (const auto& [target, group] : unreachablePairs) {
            for (std::uint32_t r = s.firstRetainer[target], re = s.firstRetainer[target + 1]; r < re; ++r) {
                const std::uint32_t e = s.retainerEdge[r];
                if (s.edgeKind(e) == EdgeKind::Internal && eph.suffixGroup[s.edgeNameOrIndex[e]] == group)
                    out.ignoredEdge[e] = true;
            }
        }
    }
    out.distance.resize(N);
    for (std::uint32_t n = 0; n < N; ++n)
        out.distance[n] =
            dist[n] == kNoDistance ? std::max(0, a.distance[n]) + kBaseUnreachableDistance : dist[n];
    return out;
}

} // namespace heapscope
