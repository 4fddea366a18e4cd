// SPDX-License-Identifier: MIT
// Loading fixtures and DevTools' reference numbers for the golden tests.
#pragma once

#include "heapscope/analysis.h"
#include "heapscope/index_cache.h"
#include "heapscope/loader.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>

namespace heapscope {
/// A typed index in a failed assertion's message: its number (found by GoogleTest through ADL).
template <typename Tag, typename Rep> void PrintTo(StrongIndex<Tag, Rep> index, std::ostream* out) {
    *out << index.value;
}
} // namespace heapscope

namespace heapscope::test {

inline std::string dataPath(const std::string& name) {
    return std::string(HEAPSCOPE_TEST_DATA) + "/" + name;
}

/// Loads and analyses each fixture once per test binary.
inline AnalysisPtr analysisOf(const std::string& file) {
    static std::mutex mutex;
    static std::map<std::string, AnalysisPtr> cache;
    std::lock_guard lock(mutex);
    auto it = cache.find(file);
    if (it != cache.end())
        return it->second;
    auto snap = loadSnapshot(dataPath(file));
    if (!snap) {
        ADD_FAILURE() << snap.error().message();
        return nullptr;
    }
    auto a = analyze(*snap);
    if (!a) {
        ADD_FAILURE() << a.error().message();
        return nullptr;
    }
    cache[file] = *a;
    return *a;
}

/// A folder of index files for this test binary, deleted when it exits.
struct TemporaryIndexFolder {
    std::string path;
    TemporaryIndexFolder() {
        std::string pattern = (std::filesystem::temp_directory_path() / "heapscope-golden-XXXXXX").string();
        if (::mkdtemp(pattern.data()))
            path = pattern;
    }
    ~TemporaryIndexFolder() {
        std::error_code ec;
        if (!path.empty())
            std::filesystem::remove_all(path, ec);
    }
};

/// The fixture's analysis as a reopen gives it: written as an index, then mapped from it.
inline AnalysisPtr analysisFromIndexOf(const std::string& file) {
    static TemporaryIndexFolder folder;
    static std::mutex mutex;
    static std::map<std::string, AnalysisPtr> cache;
    {
        std::lock_guard lock(mutex);
        if (auto it = cache.find(file); it != cache.end())
            return it->second;
    }
    IndexCacheOptions options;
    options.folder = folder.path;
    OpenOptions open;
    open.cache = options;
    OpenReport report;
    auto fresh = openAnalyzed(dataPath(file), open, {}, &report);
    if (!fresh) {
        ADD_FAILURE() << fresh.error().message();
        return nullptr;
    }
    if (report.outcome != IndexOutcome::Used) {
        auto written = writeIndex(*fresh->analysis, options);
        if (!written) {
            ADD_FAILURE() << written.error().message();
            return nullptr;
        }
    }
    std::string warning;
    auto mapped = openIndex(dataPath(file), options, 0, {}, &warning);
    if (!mapped || !*mapped) {
        ADD_FAILURE() << "the index of " << file << " was not used: " << warning;
        return nullptr;
    }
    std::lock_guard lock(mutex);
    cache[file] = (*mapped)->analysis;
    return (*mapped)->analysis;
}

/// The analysis of a fixture loaded from its file, or reopened from its index.
inline AnalysisPtr analysisOf(const std::string& file, bool fromIndex) {
    return fromIndex ? analysisFromIndexOf(file) : analysisOf(file);
}

/// A parsed oracle JSON document kept alive with its parser.
struct OracleDoc {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
};

inline std::shared_ptr<OracleDoc> oracle(const std::string& file) {
    auto doc = std::make_shared<OracleDoc>();
    auto err = doc->parser.load(dataPath(file)).get(doc->root);
    if (err) {
        ADD_FAILURE() << "cannot read " << file << ": " << simdjson::error_message(err);
        return nullptr;
    }
    return doc;
}

inline std::int64_t asInt(simdjson::dom::element e) {
    std::int64_t v = 0;
    if (!e.get_int64().get(v))
        return v;
    double d = 0;
    if (!e.get_double().get(d))
        return std::int64_t(d);
    ADD_FAILURE() << "not a number: " << simdjson::to_string(e);
    return 0;
}

inline std::string asString(simdjson::dom::element e) {
    std::string_view s;
    if (e.get_string().get(s))
        ADD_FAILURE() << "not a string: " << simdjson::to_string(e);
    return std::string(s);
}

} // namespace heapscope::test
