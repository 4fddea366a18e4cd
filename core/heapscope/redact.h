// SPDX-License-Identifier: MIT
// A redacted copy of a snapshot for sharing: the same graph, string values replaced by placeholders.
#pragma once

#include "heapscope/common.h"
#include "heapscope/snapshot.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace heapscope {

struct RedactOptions {
    /// An ECMAScript regular expression: string values it matches entirely (and that are at most
    /// kRedactKeepMaxBytes long) are kept as they are. Empty: every string value is replaced.
    std::string keepStrings;
    /// gzip the output; unset: gzip when the output's name ends in ".gz".
    std::optional<bool> gzip;
};

/// String values longer than this (in bytes) are never kept by RedactOptions::keepStrings.
inline constexpr std::size_t kRedactKeepMaxBytes = 2048;

/// What a redacted copy changed.
struct RedactResult {
    std::uint64_t redactedStrings = 0; ///< string table entries whose text no longer appears
    std::uint64_t redactedNodes = 0;   ///< nodes whose name was replaced (or partly replaced)
    std::uint64_t redactedEdges = 0;   ///< edges whose name held a URL path or a file path
    std::uint64_t keptByPattern = 0;   ///< distinct string values kept because keepStrings matched
    std::uint64_t placeholders = 0;    ///< strings appended to the table
    std::uint64_t bytesRead = 0;       ///< JSON bytes of the input (after decompression)
    std::uint64_t bytesWritten = 0;    ///< bytes of the output file
};

/// Empty when `pattern` is a valid keep pattern, else why it is not.
std::string checkKeepPattern(const std::string& pattern);

/// Which names of a node kind are redacted, and how.
/// - Value (string, concatenated string, sliced string, regexp): the whole text becomes a
///   placeholder of the same length (RedactPlaceholders); a URL keeps its origin
///   ("https://host:port/redacted#N..."); "" and V8's fixed names "(concatenated string)" and
///   "(sliced string)" stay.
/// - Script (code nodes, and the script names of trace function infos): the part of a URL after its
///   origin (and any user:password@), and a file path ("/...", "C:\\...", after "system / Script / ").
/// - Label (every other kind: objects, native and system nodes, closures...): the part of a URL
///   after its origin, and the attributes of a "<tag ...>" or "Detached <tag ...>" name (its class
///   stays "<tag>").
/// - Edge names (property, variable and internal names) as Script: they stay but for URL paths and
///   file paths (the keys of Node.js' require cache, routes...).
/// Class names without a URL path, node types, ids, sizes, edges, locations, traces, samples and
/// scopes stay.
enum class RedactRole : std::uint8_t { Value, Script, Label };
RedactRole redactRoleOf(NodeKind kind);

/// The placeholder of a replaced piece of text, `length` UTF-16 units long.
using RedactPlaceholderFn = std::function<std::string(std::string_view piece, std::size_t length)>;

/// Placeholders as a redacted copy writes them: equal pieces get equal placeholders, different
/// pieces different ones, each as long as asked (in UTF-16 units, so that DevTools' names of
/// concatenated strings, cut at 1024 units, are cut at the same pieces): "redacted#N" padded with
/// dots, N counting distinct pieces from 1; when that does not fit, a number among the pieces of that
/// length: one CJK character for one unit, else a capital letter for the length ('A' for 2 units)
/// and letters, digits or CJK characters ("A0", "C00z"). No concatenation of placeholders equals
/// another one (DevTools compares concatenated strings by their text). Pieces are told apart by a
/// 64-bit hash; past 20,992 pieces of one unit (or 21,054^(n-1) of n) "redacted#N" is longer.
class RedactPlaceholders {
public:
    std::string operator()(std::string_view piece, std::size_t length);

private:
    static constexpr std::uint64_t kNoShort = ~0ull;
    struct Known {
        std::uint64_t number = 0;
        std::uint64_t shortIndex = kNoShort;
    };
    std::unordered_map<std::uint64_t, Known> m_known;
    std::unordered_map<std::size_t, std::uint64_t> m_perLength;
    std::uint64_t m_count = 0;
};

/// The text a name of `role` is written with in a redacted copy, or nullopt when it stays. The
/// string keep pattern is not applied here.
std::optional<std::string> redactedName(RedactRole role, std::string_view text,
                                        const RedactPlaceholderFn& placeholder);

/// Writes a redacted copy of the file `snapshot` was loaded from (`snapshot.path`, plain or gzip)
/// to `outPath`, streaming: the input is read once more in pieces, sections other than the nodes,
/// the trace function infos and the strings are copied byte for byte. Written to a temporary file
/// in the output's folder and renamed over `outPath` at the end; the input is never written, and
/// an output naming the input is refused. Equal string values get equal placeholders, different
/// values different ones, so the Summary, the duplicated strings filter, the Statistics, the
/// distances, the retained sizes and the Comparison of redacted copies equal the original's.
/// Progress: Stage::Reading in input bytes.
Expected<RedactResult> writeRedactedCopy(const Snapshot& snapshot, const std::string& outPath,
                                         const RedactOptions& options = {}, const WorkContext& context = {});

} // namespace heapscope
