// SPDX-License-Identifier: MIT
// Loading fixtures and DevTools' reference numbers for the golden tests.
#pragma once

#include "heapscope/analysis.h"
#include "heapscope/loader.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

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
