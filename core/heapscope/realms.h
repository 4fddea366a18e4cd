// SPDX-License-Identifier: MIT
// Realms: which native context (a page, an iframe, a worker, Node's main context, a `vm` context)
// each object belongs to, as DevTools' worker attributes them (getNativeContextSizes() and the
// Summary's nativeContext_<nodeIndex>, sharedNativeContext and noNativeContext filters).
#pragma once

#include "heapscope/analysis.h"
#include "heapscope/comparison.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heapscope {

/// Realm of an object that no native context reaches.
inline constexpr std::int32_t kNoNativeContext = -1;
/// Realm of an object that several native contexts reach.
inline constexpr std::int32_t kSharedNativeContext = -2;

/// One native context and the self size of the objects attributed to it (DevTools' field names).
struct NativeContextSize {
    NodeOrdinal node;            ///< the native context
    std::uint32_t nodeId = 0;    ///< its object id
    std::uint64_t nodeIndex = 0; ///< DevTools' node index: ordinal × node field count
    std::string nodeName;        ///< DevTools' name(), e.g. "system / NativeContext / https://example.com"
    std::uint64_t attributedSize = 0; ///< self sizes of the objects attributed to it
    std::uint64_t retainedSize = 0;   ///< of the native context object itself
    std::uint64_t selfSize = 0;       ///< of the native context object itself
};

/// The attribution of every object to a realm. Immutable once computed.
class Realms {
public:
    /// In node order (DevTools' order); the Summary's filter list sorts them by attributed size.
    std::vector<NativeContextSize> nativeContexts;
    std::uint64_t sharedSize = 0;        ///< self sizes of the objects several native contexts reach
    std::uint64_t noAttributionSize = 0; ///< self sizes of the objects no native context reaches
    /// Per node: the ordinal of its native context, kNoNativeContext or kSharedNativeContext.
    Column<NodeOrdinal, std::int32_t> owner;
    std::uint32_t nodeFieldCount = 0; ///< for DevTools' node indexes

    /// The entry of the native context with this ordinal, or null.
    const NativeContextSize* find(NodeOrdinal node) const;
    /// The entry whose native context has this object id, or null (a realm across two snapshots).
    const NativeContextSize* findById(std::uint32_t nodeId) const;
    /// The native contexts by attributed size, largest first (ties in node order), as DevTools lists
    /// them in the Summary's filter list.
    std::vector<const NativeContextSize*> bySize() const;
};

using RealmsPtr = std::shared_ptr<const Realms>;

/// DevTools' attribution: an object whose map's map (the meta map) has a native_context edge to a
/// native context belongs to it, and so does every object reached from it through edges other than
/// weak and shortcut ones, unless a second native context reaches it too (then it is shared).
/// O(N + E). Polls the stop flag; reports Stage::Filtering in steps.
Expected<RealmsPtr> computeRealms(const Analysis& analysis, const WorkContext& context = {});

/// A Summary filter on realms.
struct RealmFilter {
    enum class Kind : std::uint8_t { NativeContext, Shared, Unattributed };
    Kind kind = Kind::NativeContext;
    NodeOrdinal nativeContext = kNoNode; ///< for Kind::NativeContext
};

/// DevTools' filter name: "nativeContext_<nodeIndex>", "sharedNativeContext" or "noNativeContext".
std::string realmFilterKey(const Realms& realms, const RealmFilter& filter);
/// The filter of a DevTools filter name; nullopt when the name is none of them or names a node
/// that is not one of the native contexts.
std::optional<RealmFilter> realmFilterFromKey(const Realms& realms, std::string_view key);
/// True for names of the realm filters' form (whether or not the native context exists).
bool isRealmFilterKey(std::string_view key);
/// The entry's title as DevTools' filter list shows it: "Native context https://example.com @1234 (1.2 MB)",
/// "Objects shared between native contexts (20 kB)", "Objects not attributed to a native context (3 kB)".
std::string realmFilterTitle(const Realms& realms, const RealmFilter& filter);
/// The part of a native context's name that tells it apart (its URL), "" when there is none.
std::string nativeContextLabel(const NativeContextSize& context);

/// Per node, whether it passes the filter.
std::vector<bool> realmMask(const Realms& realms, const RealmFilter& filter);

/// The Summary for a realm filter, exactly as DevTools' aggregatesWithFilter(): the classes of the
/// objects of that realm, with their counts, sizes, distances and class retained sizes.
Expected<Aggregates> aggregateRealm(const Analysis& analysis, const Realms& realms, const RealmFilter& filter,
                                    const WorkContext& context = {});

/// The Comparison restricted to one realm on both sides: new objects of `current` and deleted
/// objects of `base` that belong to the realm filter's kind (for a native context: the one with the
/// same object id in each snapshot; a side without it contributes nothing). Counts, sizes and the
/// class retained sizes are those of the realm; rows without new or deleted objects are left out.
Expected<ComparisonPtr> compareInRealm(const Comparison& comparison, const Realms& baseRealms,
                                       const Realms& currentRealms, RealmFilter::Kind kind,
                                       std::uint32_t nativeContextId, const WorkContext& context = {});

} // namespace heapscope
