// SPDX-License-Identifier: MIT
// Closure variables that no live closure can read: DevTools' analyzeContexts() (ContextAnalyzer.ts)
// on the `scopes`, `scope_context_vars` and `scope_uses` sections recent V8 writes. A context field
// is dead when no live closure (nor a function a live closure can still create) that reads the
// variable reaches that context: the value stays alive only because the context does. This is the
// classic closure leak (a large object captured by a function that is gone, kept by a sibling
// closure of the same context).
#pragma once

#include "heapscope/analysis.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace heapscope {

/// A context field no live closure can read (DevTools' ContextField).
struct DeadContextField {
    std::string name;      ///< the variable
    NodeOrdinal valueNode; ///< its value
    std::uint64_t valueNodeIndex = 0;
    std::uint32_t valueNodeId = 0;
    std::string valueName; ///< DevTools' name() of the value
    std::string valueType; ///< its node type ("object", "string", ...)
    std::uint64_t selfSize = 0;
    std::uint64_t retainedSize = 0;
};

/// One context of a scope with dead fields (DevTools' ContextAnalysis).
struct ContextReport {
    NodeOrdinal contextNode;
    std::uint64_t contextNodeIndex = 0;
    std::uint32_t contextNodeId = 0;
    std::uint64_t retainedSize = 0;
    /// Sum of the dead fields' retained sizes: DevTools' ranking, not what clearing them would free.
    std::uint64_t deadFieldsRetainedSizeSum = 0;
    std::vector<DeadContextField> deadFields; ///< retained size descending
};

/// A scope (function or block) whose contexts hold dead fields (DevTools' ScopeAnalysis).
struct ScopeReport {
    NodeOrdinal scopeInfoNode; ///< its ScopeInfo
    std::uint64_t scopeInfoNodeIndex = 0;
    std::uint32_t scopeInfoNodeId = 0;
    NodeOrdinal scriptNode; ///< its Script
    std::uint64_t scriptNodeIndex = 0;
    std::uint32_t scriptNodeId = 0;
    std::string scriptName;               ///< URL or file name
    std::optional<std::string> scopeName; ///< the function's name when V8 wrote one
    std::int64_t scopeStart = 0;          ///< source offsets (UTF-16 units) in the script
    std::int64_t scopeEnd = 0;
    std::uint32_t contextFieldCount = 0;
    std::vector<ContextReport> contexts; ///< the highest ranked first
};

/// A script with live contexts but no scope data in the file.
struct ScriptWithoutScopes {
    NodeOrdinal scriptNode;
    std::uint64_t scriptNodeIndex = 0;
    std::uint32_t scriptNodeId = 0;
    std::string scriptName;
    std::uint32_t contextCount = 0;
};

struct ContextAnalysis {
    std::vector<ScopeReport> scopes;                       ///< by their highest ranked context
    std::vector<ScriptWithoutScopes> scriptsWithoutScopes; ///< by script node
    /// True when the file has the scope sections (Chromium 156 / V8 15.6 and later write them).
    bool hasScopeSections = false;
    /// Non-empty when the scope sections are broken: why the analysis was skipped.
    std::string skipped;
};

using ContextAnalysisPtr = std::shared_ptr<const ContextAnalysis>;

/// DevTools' analyzeContexts(), with its results and its order. Broken scope sections (indexes out
/// of their tables, negative counts, field counts that do not match) give a result whose `skipped`
/// says why, never garbage. Polls the stop flag; reports Stage::Filtering in steps.
Expected<ContextAnalysisPtr> analyzeContexts(const Analysis& analysis, const WorkContext& context = {});

/// Where a source offset of a script is, 1-based, from the script's source text in the snapshot
/// (its line and column offsets included, for scripts inside an HTML page); nullopt when the
/// snapshot does not hold enough of the source.
struct SourcePosition {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};
std::optional<SourcePosition> scriptPosition(const Analysis& analysis, NodeOrdinal scriptNode,
                                             std::int64_t offset);
/// "url:line:column" of a scope's start (or "url" with the offset range when the position is unknown).
std::string scopeLocationText(const Analysis& analysis, const ScopeReport& scope);

/// What the view says when a file has no scope sections.
inline constexpr const char* kNoScopeSectionsText =
    "This snapshot has no scope data: its producer does not write the \"scopes\", \"scope_context_vars\" and "
    "\"scope_uses\" sections, which V8 15.6 (Chromium 156) and later write. The Node.js and Deno versions "
    "tried "
    "so far do not write them yet.";

} // namespace heapscope
