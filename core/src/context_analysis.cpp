// SPDX-License-Identifier: MIT
// DevTools' closure-context analysis (ContextAnalyzer.ts analyzeContexts()): the scope tree from the
// scope sections, one walk over the nodes for scripts, contexts and live closures, then per context
// the fields no live closure can read.
#include "heapscope/contexts.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace heapscope {

namespace {

constexpr std::uint32_t kPollMask = 0xFFFF;

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

// The target of a node's first internal edge with this name (DevTools' findInternalEdgeTarget).
std::optional<NodeOrdinal> internalTarget(const Snapshot& s, NodeOrdinal node, std::string_view name) {
    for (EdgeOrdinal e : s.edgesOf(node))
        if (s.edgeKind(e) == EdgeKind::Internal && s.strings.get(s.edgeNameId(e)) == name)
            return s.edgeTo[e];
    return std::nullopt;
}

// What the analysis needs to know of each string, found in one pass over the string table so that
// neither the walk over the nodes nor the edge lookups read string bytes.
enum NodeClass : std::uint8_t {
    kOtherNode,
    kScriptNode,
    kContextNode,
    kSharedFunctionInfoNode,
    kScopeInfoNode
};
enum EdgeTag : std::uint8_t {
    kOtherEdge,
    kShared,
    kContext,
    kScript,
    kScopeId,
    kNameOrScopeInfo,
    kScopeInfo,
    kPrevious,
    kValue,
    kSourceUrl,
    kStartPosition,
    kEndPosition,
    kFunctionName,
    kOuterScopeInfo,
};
struct Names {
    std::vector<std::uint8_t> nodeClass; // per string id
    std::vector<std::uint8_t> edgeTag;   // per string id
    explicit Names(const Snapshot& s)
        : nodeClass(s.strings.size(), kOtherNode), edgeTag(s.strings.size(), kOtherEdge) {
        static constexpr std::pair<std::string_view, EdgeTag> tags[] = {
            {"shared", kShared},
            {"context", kContext},
            {"script", kScript},
            {"scope_id", kScopeId},
            {"name_or_scope_info", kNameOrScopeInfo},
            {"scope_info", kScopeInfo},
            {"previous", kPrevious},
            {"value", kValue},
            {"source_url", kSourceUrl},
            {"start_position", kStartPosition},
            {"end_position", kEndPosition},
            {"function_name", kFunctionName},
            {"outer_scope_info", kOuterScopeInfo},
        };
        for (StringId id(0), end(std::uint32_t(s.strings.size())); id < end; ++id) {
            const std::string_view t = s.strings.get(id);
            const std::uint32_t i = id.value;
            if (t.size() <= 18)
                for (const auto& [name, tag] : tags)
                    if (t == name)
                        edgeTag[i] = tag;
            if (t.size() < 15 || t[0] != 's')
                continue;
            if (startsWith(t, "system / Script"))
                nodeClass[i] = kScriptNode;
            else if (t == "system / Context" || startsWith(t, "system / Context / "))
                nodeClass[i] = kContextNode;
            else if (startsWith(t, "system / SharedFunctionInfo"))
                nodeClass[i] = kSharedFunctionInfoNode;
            else if (t == "system / ScopeInfo")
                nodeClass[i] = kScopeInfoNode;
        }
    }
    std::uint8_t of(const Snapshot& s, NodeOrdinal node) const { return nodeClass[s.nodeName[node].value]; }
    // The target of a node's first internal edge with this name (the kind first: an element's index
    // is no string id).
    std::optional<NodeOrdinal> target(const Snapshot& s, NodeOrdinal node, EdgeTag tag) const {
        for (EdgeOrdinal e : s.edgesOf(node))
            if (s.edgeKind(e) == EdgeKind::Internal && edgeTag[s.edgeNameOrIndex[e]] == tag)
                return s.edgeTo[e];
        return std::nullopt;
    }
};

// JavaScript's parseInt(text, 10): blanks, a sign, then the digits up to the first non-digit.
std::optional<std::int64_t> parseIntLikeJs(std::string_view t) {
    std::size_t i = 0;
    while (i < t.size() &&
           (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r' || t[i] == '\f' || t[i] == '\v'))
        ++i;
    bool negative = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-'))
        negative = t[i++] == '-';
    const std::size_t start = i;
    std::int64_t v = 0;
    for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i)
        if (v < (std::int64_t(1) << 53))
            v = v * 10 + (t[i] - '0');
    if (i == start)
        return std::nullopt;
    return negative ? -v : v;
}

// V8's int value nodes: a number node "int" whose internal "value" edge names the digits
// (DevTools' nodeValueAsInt).
std::optional<std::int64_t> intValue(const Snapshot& s, std::optional<NodeOrdinal> node) {
    if (!node || s.kind(*node) != NodeKind::Number || s.name(*node) != "int")
        return std::nullopt;
    const std::optional<NodeOrdinal> v = internalTarget(s, *node, "value");
    if (!v)
        return std::nullopt;
    return parseIntLikeJs(s.name(*v));
}

std::optional<std::int64_t> intValue(const Snapshot& s, const Names& names, std::optional<NodeOrdinal> node) {
    if (!node || s.kind(*node) != NodeKind::Number || s.name(*node) != "int")
        return std::nullopt;
    const std::optional<NodeOrdinal> v = names.target(s, *node, kValue);
    if (!v)
        return std::nullopt;
    return parseIntLikeJs(s.name(*v));
}

// The scope tree of the scope sections (DevTools' parseEmbeddedScopes), keyed by script node index
// (as written) and scope id.
struct Scope {
    std::int64_t scopeId = 0;
    std::uint32_t parent = kNoIndex; // index into ScopeTree::scopes
    std::uint32_t firstVariable = 0; // into ScopeTree::variables
    std::uint32_t variableCount = 0;
};
struct Variable {
    StringId name;
    std::vector<std::uint32_t> uses; // scopes that read it, first use first
};
struct ScopeTree {
    std::vector<Scope> scopes;
    std::vector<Variable> variables;
    std::unordered_map<std::int64_t, std::unordered_map<std::int64_t, std::uint32_t>> byScript;
    const std::unordered_map<std::int64_t, std::uint32_t>* script(std::int64_t key) const {
        auto it = byScript.find(key);
        return it == byScript.end() ? nullptr : &it->second;
    }
};

// Builds the tree; returns why the sections cannot be used, or "".
std::string buildScopeTree(const Snapshot& s, ScopeTree& tree) {
    const ScopeSections& sec = s.scopeSections;
    if (!sec.problem.empty())
        return sec.problem;
    if (sec.scopeFields.empty())
        return {};
    auto index = [](const std::vector<std::string>& fields, std::string_view name) -> std::ptrdiff_t {
        auto it = std::find(fields.begin(), fields.end(), name);
        return it == fields.end() ? -1 : it - fields.begin();
    };
    const std::ptrdiff_t fScript = index(sec.scopeFields, "script_node_index"),
                         fId = index(sec.scopeFields, "scope_id"), fDepth = index(sec.scopeFields, "depth"),
                         fVars = index(sec.scopeFields, "scope_context_vars_count"),
                         fUses = index(sec.scopeFields, "scope_uses_count"),
                         fName = index(sec.contextVarFields, "name"),
                         fDeclaring = index(sec.useFields, "declaring_scope_id"),
                         fSlot = index(sec.useFields, "slot_index");
    if (fScript < 0 || fId < 0 || fDepth < 0 || fVars < 0 || fUses < 0)
        return "meta.scope_fields does not name script_node_index, scope_id, depth, scope_context_vars_count "
               "and scope_uses_count";
    const std::size_t scopeStride = sec.scopeFields.size();
    const std::size_t varStride = sec.contextVarFields.size();
    const std::size_t useStride = sec.useFields.size();
    if (sec.scopes.size() % scopeStride != 0)
        return "\"scopes\" holds " + std::to_string(sec.scopes.size()) + " numbers, not a multiple of its " +
               std::to_string(scopeStride) + " fields";
    if (varStride && sec.contextVars.size() % varStride != 0)
        return "\"scope_context_vars\" holds " + std::to_string(sec.contextVars.size()) +
               " numbers, not a multiple of its " + std::to_string(varStride) + " fields";
    if (useStride && sec.uses.size() % useStride != 0)
        return "\"scope_uses\" holds " + std::to_string(sec.uses.size()) +
               " numbers, not a multiple of its " + std::to_string(useStride) + " fields";
    const std::size_t scopeCount = sec.scopes.size() / scopeStride;
    const std::size_t varRecords = varStride ? sec.contextVars.size() / varStride : 0;
    const std::size_t useRecords = useStride ? sec.uses.size() / useStride : 0;
    auto at = [&](std::size_t scope, std::ptrdiff_t field) {
        return sec.scopes[scope * scopeStride + std::size_t(field)];
    };

    // Pass 1: the scopes and their variables, parents from the depths.
    std::size_t varNext = 0, useTotal = 0;
    std::vector<std::uint32_t> stack;
    std::int64_t currentScript = 0;
    bool haveScript = false;
    tree.scopes.reserve(scopeCount);
    for (std::size_t i = 0; i < scopeCount; ++i) {
        const std::int64_t script = at(i, fScript), id = at(i, fId), depth = at(i, fDepth),
                           vars = at(i, fVars), uses = at(i, fUses);
        const std::string which = "scope " + std::to_string(i);
        if (vars < 0 || uses < 0)
            return which + " has a negative count of variables or uses";
        if (vars > 0 && (fName < 0 || std::uint64_t(vars) > varRecords - varNext))
            return which + " lists variables beyond the end of \"scope_context_vars\"";
        if (uses > 0 && (fDeclaring < 0 || fSlot < 0 || std::uint64_t(uses) > useRecords - useTotal))
            return which + " lists uses beyond the end of \"scope_uses\"";
        if (!haveScript || script != currentScript) {
            currentScript = script;
            haveScript = true;
            stack.clear();
        }
        if (depth < 0 || std::uint64_t(depth) > stack.size())
            return which + " has depth " + std::to_string(depth) + " but its parent chain is " +
                   std::to_string(stack.size()) + " deep";
        Scope scope;
        scope.scopeId = id;
        scope.firstVariable = std::uint32_t(tree.variables.size());
        scope.variableCount = std::uint32_t(vars);
        for (std::int64_t j = 0; j < vars; ++j) {
            const std::int64_t name =
                sec.contextVars[(varNext + std::size_t(j)) * varStride + std::size_t(fName)];
            if (name < 0 || std::uint64_t(name) >= s.strings.size())
                return "variable " + std::to_string(varNext + std::size_t(j)) + " names string " +
                       std::to_string(name) + ", which does not exist";
            tree.variables.push_back({StringId(std::uint32_t(name)), {}});
        }
        varNext += std::size_t(vars);
        useTotal += std::size_t(uses);
        const auto self = std::uint32_t(tree.scopes.size());
        if (depth > 0)
            scope.parent = stack[std::size_t(depth) - 1];
        tree.scopes.push_back(scope);
        stack.resize(std::size_t(depth));
        stack.push_back(self);
        tree.byScript[script][id] = self; // a repeated id: the last one wins, as in DevTools' map
    }

    // Pass 2: who reads each variable (in the scope that has the id last, as DevTools does).
    std::size_t useNext = 0;
    for (std::size_t i = 0; i < scopeCount; ++i) {
        const std::int64_t script = at(i, fScript), id = at(i, fId), uses = at(i, fUses);
        const auto& scripts = tree.byScript[script];
        const std::uint32_t user = scripts.at(id);
        for (std::int64_t j = 0; j < uses; ++j) {
            const std::size_t r = (useNext + std::size_t(j)) * useStride;
            const std::int64_t declaringId = sec.uses[r + std::size_t(fDeclaring)];
            const std::int64_t slot = sec.uses[r + std::size_t(fSlot)];
            auto d = scripts.find(declaringId);
            if (d == scripts.end())
                continue;
            const Scope& declaring = tree.scopes[d->second];
            if (slot < 0 || std::uint64_t(slot) >= declaring.variableCount)
                continue;
            auto& users = tree.variables[declaring.firstVariable + std::size_t(slot)].uses;
            if (std::find(users.begin(), users.end(), user) == users.end())
                users.push_back(user);
        }
        useNext += std::size_t(uses);
    }
    return {};
}

struct ScriptInfo {
    std::string name;
    std::uint32_t nodeId = 0;
};

struct Accumulator {
    NodeOrdinal scopeInfo;
    NodeOrdinal script;
    std::int64_t scriptKey = 0;
    std::uint32_t scope = 0; // into ScopeTree::scopes
    std::optional<std::string> scopeName;
    std::int64_t start = 0, end = 0;
    std::vector<StringId> fieldNames; // from the first context
    struct Context {
        NodeOrdinal node;
        std::vector<NodeOrdinal> values;
    };
    std::vector<Context> contexts;
};

} // namespace

Expected<ContextAnalysisPtr> analyzeContexts(const Analysis& a, const WorkContext& context) {
    const Snapshot& s = *a.snapshot;
    const std::uint64_t F = s.format.nodeFields.size();
    auto cancelled = [&] { return cancelledError(s.path, "contexts", "the closure analysis was cancelled"); };
    auto result = std::make_shared<ContextAnalysis>();
    result->hasScopeSections = s.scopeSections.present();
    context.report(Stage::Filtering, 0, 4);

    // (1) The scope tree.
    ScopeTree tree;
    result->skipped = buildScopeTree(s, tree);
    if (!result->skipped.empty())
        return ContextAnalysisPtr(std::move(result));

    // (2) One walk over the nodes: scripts, contexts with a scope_info, live closures, and the
    // ScopeInfo -> Script links of SharedFunctionInfos.
    std::unordered_map<NodeOrdinal, ScriptInfo> scripts;
    struct ContextNode {
        NodeOrdinal node, scopeInfo;
    };
    std::vector<ContextNode> contexts;
    struct Closure {
        NodeOrdinal context, script;
        std::int64_t scopeId;
    };
    std::vector<Closure> closures;
    // nullopt: known to have none
    std::unordered_map<NodeOrdinal, std::optional<NodeOrdinal>> scriptOfScopeInfo;
    const Names names(s);
    for (NodeOrdinal n : s.nodes()) {
        if ((n.value & kPollMask) == 0 && context.stopRequested())
            return cancelled();
        const std::uint8_t cls = names.of(s, n);
        if (cls == kScriptNode) {
            const std::string_view name = s.name(n);
            ScriptInfo info;
            info.nodeId = s.nodeId[n];
            if (startsWith(name, "system / Script / "))
                info.name = std::string(name.substr(18));
            if (info.name.empty())
                if (const auto url = names.target(s, n, kSourceUrl))
                    info.name = a.displayName(*url);
            scripts[n] = std::move(info);
        } else if (cls == kContextNode) {
            if (const auto info = names.target(s, n, kScopeInfo))
                contexts.push_back({n, *info});
        } else if (s.kind(n) == NodeKind::Closure) {
            const std::optional<NodeOrdinal> shared = names.target(s, n, kShared);
            const std::optional<NodeOrdinal> ctx = names.target(s, n, kContext);
            if (!shared || !ctx)
                continue;
            const std::optional<NodeOrdinal> script = names.target(s, *shared, kScript);
            if (!script)
                continue;
            if (const auto id = intValue(s, names, names.target(s, *shared, kScopeId)))
                closures.push_back({*ctx, *script, *id});
        } else if (cls == kSharedFunctionInfoNode) {
            const std::optional<NodeOrdinal> info = names.target(s, n, kNameOrScopeInfo);
            const std::optional<NodeOrdinal> script = names.target(s, n, kScript);
            if (!info || names.of(s, *info) != kScopeInfoNode || !script ||
                names.of(s, *script) != kScriptNode)
                continue;
            scriptOfScopeInfo[*info] = *script;
        }
    }
    context.report(Stage::Filtering, 1, 4);

    // (3) Per script and function scope, the contexts its live closures reach (their chains).
    std::unordered_map<NodeOrdinal, std::unordered_map<std::int64_t, std::unordered_set<NodeOrdinal>>> live;
    for (const Closure& c : closures) {
        auto& reached = live[c.script][c.scopeId];
        for (std::optional<NodeOrdinal> ctx = c.context; ctx && !reached.count(*ctx);) {
            if (names.of(s, *ctx) != kContextNode)
                break;
            reached.insert(*ctx);
            ctx = names.target(s, *ctx, kPrevious);
        }
    }
    if (context.stopRequested())
        return cancelled();

    // (4) Contexts matched with their scopes.
    auto resolveScript = [&](NodeOrdinal scopeInfo) -> std::optional<NodeOrdinal> {
        if (auto it = scriptOfScopeInfo.find(scopeInfo); it != scriptOfScopeInfo.end())
            return it->second;
        std::vector<NodeOrdinal> visited;
        std::unordered_set<NodeOrdinal> seen;
        std::optional<NodeOrdinal> found;
        for (NodeOrdinal cur = scopeInfo; !seen.count(cur);) {
            if (auto it = scriptOfScopeInfo.find(cur); it != scriptOfScopeInfo.end()) {
                found = it->second;
                break;
            }
            seen.insert(cur);
            visited.push_back(cur);
            const std::optional<NodeOrdinal> outer = names.target(s, cur, kOuterScopeInfo);
            if (!outer)
                break;
            cur = *outer;
        }
        for (const NodeOrdinal v : visited)
            scriptOfScopeInfo[v] = found;
        return found;
    };
    auto contextFields = [&](NodeOrdinal ctx, std::vector<StringId>* names,
                             std::vector<NodeOrdinal>& values) {
        for (EdgeOrdinal e : s.edgesOf(ctx))
            if (s.edgeKind(e) == EdgeKind::Context) {
                if (names)
                    names->push_back(s.edgeNameId(e));
                values.push_back(s.edgeTo[e]);
            }
    };
    std::vector<Accumulator> scopes; // in the order of their first context
    std::unordered_map<NodeOrdinal, std::size_t> scopeOfInfo;
    std::unordered_map<NodeOrdinal, std::size_t> withoutScopes; // script -> index in the result
    for (std::size_t i = 0; i < contexts.size(); ++i) {
        if ((i & 0x3FF) == 0 && context.stopRequested())
            return cancelled();
        const ContextNode& c = contexts[i];
        if (auto it = scopeOfInfo.find(c.scopeInfo); it != scopeOfInfo.end()) {
            Accumulator::Context entry{c.node, {}};
            contextFields(c.node, nullptr, entry.values);
            scopes[it->second].contexts.push_back(std::move(entry));
            continue;
        }
        const auto scopeId = intValue(s, names, names.target(s, c.scopeInfo, kScopeId));
        if (!scopeId)
            continue;
        const std::optional<NodeOrdinal> resolved = resolveScript(c.scopeInfo);
        auto scriptInfo = !resolved ? scripts.end() : scripts.find(*resolved);
        if (scriptInfo == scripts.end())
            continue;
        const NodeOrdinal script = *resolved;
        if (auto it = withoutScopes.find(script); it != withoutScopes.end()) {
            ++result->scriptsWithoutScopes[it->second].contextCount;
            continue;
        }
        const std::int64_t scriptKey = std::int64_t(script.value * F);
        const auto* scriptScopes = tree.script(scriptKey);
        if (!scriptScopes) {
            withoutScopes.emplace(script, result->scriptsWithoutScopes.size());
            result->scriptsWithoutScopes.push_back(
                {script, script.value * F, scriptInfo->second.nodeId, scriptInfo->second.name, 1});
            continue;
        }
        auto embedded = scriptScopes->find(*scopeId);
        if (embedded == scriptScopes->end())
            continue;
        Accumulator acc;
        acc.scopeInfo = c.scopeInfo;
        acc.script = script;
        acc.scriptKey = scriptKey;
        acc.scope = embedded->second;
        acc.start = intValue(s, names, names.target(s, c.scopeInfo, kStartPosition)).value_or(0);
        acc.end = intValue(s, names, names.target(s, c.scopeInfo, kEndPosition)).value_or(0);
        if (const auto fn = names.target(s, c.scopeInfo, kFunctionName))
            acc.scopeName = a.displayName(*fn);
        Accumulator::Context entry{c.node, {}};
        contextFields(c.node, &acc.fieldNames, entry.values);
        acc.contexts.push_back(std::move(entry));
        scopeOfInfo.emplace(c.scopeInfo, scopes.size());
        scopes.push_back(std::move(acc));
    }
    context.report(Stage::Filtering, 2, 4);

    // (5) The dead fields of each context: no live closure whose scope (or an enclosing one, which
    // can still create it) reads the variable reaches the context.
    auto usedIn = [&](const Accumulator& scope, NodeOrdinal ctx, const Variable& v) {
        auto liveScript = live.find(scope.script);
        if (liveScript == live.end())
            return false;
        for (const std::uint32_t user : v.uses)
            for (std::uint32_t cur = user; cur != kNoIndex; cur = tree.scopes[cur].parent) {
                auto f = liveScript->second.find(tree.scopes[cur].scopeId);
                if (f != liveScript->second.end() && f->second.count(ctx))
                    return true;
            }
        return false;
    };
    for (const Accumulator& acc : scopes) {
        if (context.stopRequested())
            return cancelled();
        const Scope& scope = tree.scopes[acc.scope];
        ScopeReport report;
        for (const auto& c : acc.contexts) {
            ContextReport cr;
            for (std::size_t f = 0; f < c.values.size(); ++f) {
                if (f >= acc.fieldNames.size())
                    continue; // DevTools names the fields from the scope's first context
                const std::string_view fieldName = s.strings.get(acc.fieldNames[f]);
                const Variable* variable = nullptr;
                for (std::uint32_t v = 0; v < scope.variableCount && !variable; ++v)
                    if (s.strings.get(tree.variables[scope.firstVariable + v].name) == fieldName)
                        variable = &tree.variables[scope.firstVariable + v];
                if (!variable || usedIn(acc, c.node, *variable))
                    continue;
                const NodeOrdinal value = c.values[f];
                DeadContextField field;
                field.name = std::string(fieldName);
                field.valueNode = value;
                field.valueNodeIndex = value.value * F;
                field.valueNodeId = s.nodeId[value];
                field.valueName = a.displayName(value);
                field.valueType = std::string(s.typeName(value));
                field.selfSize = a.selfSize[value];
                field.retainedSize = a.retainedSize[value];
                cr.deadFieldsRetainedSizeSum += field.retainedSize;
                cr.deadFields.push_back(std::move(field));
            }
            if (cr.deadFields.empty())
                continue;
            cr.contextNode = c.node;
            cr.contextNodeIndex = c.node.value * F;
            cr.contextNodeId = s.nodeId[c.node];
            cr.retainedSize = a.retainedSize[c.node];
            report.contexts.push_back(std::move(cr));
        }
        if (report.contexts.empty())
            continue;
        report.scopeInfoNode = acc.scopeInfo;
        report.scopeInfoNodeIndex = acc.scopeInfo.value * F;
        report.scopeInfoNodeId = s.nodeId[acc.scopeInfo];
        report.scriptNode = acc.script;
        report.scriptNodeIndex = acc.script.value * F;
        report.scriptNodeId = scripts[acc.script].nodeId;
        report.scriptName = scripts[acc.script].name;
        report.scopeName = acc.scopeName;
        report.scopeStart = acc.start;
        report.scopeEnd = acc.end;
        report.contextFieldCount = std::uint32_t(acc.fieldNames.size());
        result->scopes.push_back(std::move(report));
    }
    context.report(Stage::Filtering, 3, 4);

    // (6) DevTools' order.
    auto contextOrder = [](const ContextReport& l, const ContextReport& r) {
        if (l.deadFieldsRetainedSizeSum != r.deadFieldsRetainedSizeSum)
            return l.deadFieldsRetainedSizeSum > r.deadFieldsRetainedSizeSum;
        if (l.retainedSize != r.retainedSize)
            return l.retainedSize > r.retainedSize;
        return l.contextNode < r.contextNode;
    };
    for (ScopeReport& scope : result->scopes) {
        for (ContextReport& c : scope.contexts)
            std::stable_sort(c.deadFields.begin(), c.deadFields.end(),
                             [](const DeadContextField& l, const DeadContextField& r) {
                                 return l.retainedSize > r.retainedSize;
                             });
        std::stable_sort(scope.contexts.begin(), scope.contexts.end(), contextOrder);
    }
    std::stable_sort(result->scopes.begin(), result->scopes.end(),
                     [&](const ScopeReport& l, const ScopeReport& r) {
                         return contextOrder(l.contexts[0], r.contexts[0]);
                     });
    std::sort(result->scriptsWithoutScopes.begin(), result->scriptsWithoutScopes.end(),
              [](const ScriptWithoutScopes& l, const ScriptWithoutScopes& r) {
                  return l.scriptNode < r.scriptNode;
              });
    context.report(Stage::Filtering, 4, 4);
    return ContextAnalysisPtr(std::move(result));
}

std::optional<SourcePosition> scriptPosition(const Analysis& a, NodeOrdinal script, std::int64_t offset) {
    const Snapshot& s = *a.snapshot;
    if (script.value >= s.nodeCount || offset < 0)
        return std::nullopt;
    const std::optional<NodeOrdinal> found = internalTarget(s, script, "source");
    if (!found)
        return std::nullopt;
    const NodeOrdinal source = *found;
    if (s.kind(source) != NodeKind::String && s.kind(source) != NodeKind::ConsString &&
        s.kind(source) != NodeKind::SlicedString)
        return std::nullopt;
    const std::string text =
        s.kind(source) == NodeKind::ConsString ? a.displayName(source) : std::string(s.name(source));
    // Walk the WTF-8 text counting UTF-16 units up to the offset.
    std::uint32_t line = 0, column = 0;
    std::int64_t units = 0;
    std::size_t i = 0;
    while (units < offset) {
        if (i >= text.size())
            return std::nullopt; // the snapshot holds less of the source than the offset needs
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        const std::uint32_t u = len == 4 ? 2 : 1;
        if (c == '\n') {
            ++line;
            column = 0;
        } else {
            column += u;
        }
        units += u;
        i += len;
    }
    std::int64_t lineOffset = intValue(s, internalTarget(s, script, "line_offset")).value_or(0);
    std::int64_t columnOffset = intValue(s, internalTarget(s, script, "column_offset")).value_or(0);
    SourcePosition p;
    p.line = std::uint32_t(std::max<std::int64_t>(0, line + lineOffset)) + 1;
    p.column = std::uint32_t(std::max<std::int64_t>(0, column + (line == 0 ? columnOffset : 0))) + 1;
    return p;
}

std::string scopeLocationText(const Analysis& a, const ScopeReport& scope) {
    if (const auto p = scriptPosition(a, scope.scriptNode, scope.scopeStart))
        return scope.scriptName + ":" + std::to_string(p->line) + ":" + std::to_string(p->column);
    return scope.scriptName + " (offsets " + std::to_string(scope.scopeStart) + "-" +
           std::to_string(scope.scopeEnd) + ")";
}

} // namespace heapscope
