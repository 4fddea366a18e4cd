// SPDX-License-Identifier: MIT
// A small streaming JSON writer for the CLI and the exports (stable key order, WTF-8 aware).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace heapscope {

class JsonWriter {
public:
    explicit JsonWriter(bool pretty = true) : m_pretty(pretty) {}
    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(std::string_view k);
    JsonWriter& value(std::string_view s); ///< WTF-8 text
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& value(std::int64_t v);
    JsonWriter& value(std::uint64_t v);
    JsonWriter& value(int v) { return value(std::int64_t(v)); }
    JsonWriter& value(unsigned v) { return value(std::uint64_t(v)); }
    JsonWriter& value(double v);
    JsonWriter& value(bool v);
    JsonWriter& null();
    template <typename T> JsonWriter& field(std::string_view k, const T& v) {
        key(k);
        return value(v);
    }
    const std::string& str() const { return m_out; }
    std::string take() { return std::move(m_out); }

private:
    void beforeValue();
    void newline();
    std::string m_out;
    bool m_pretty;
    struct Level {
        bool array;
        bool empty;
    };
    std::vector<Level> m_stack;
    bool m_afterKey = false;
};

} // namespace heapscope
