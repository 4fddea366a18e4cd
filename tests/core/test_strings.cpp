// SPDX-License-Identifier: MIT
// Strings must come out exactly as JSON.parse gives them (DevTools' view of the file), stored as
// WTF-8 so lone surrogates survive; display and JSON export follow JavaScript.
#include "test_util.h"

#include "heapscope/loader.h"
#include "heapscope/string_table.h"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <unordered_set>

using namespace heapscope;
using namespace heapscope::test;

namespace {

// ---------------------------------------------------------------------------------------------
// An independent model of JSON.parse and of V8's serializer, written from the specs rather than
// from the code under test.

using Units = std::vector<std::uint16_t>;

// Decodes well-formed UTF-8 (which is all the probe file and V8's output contain) into UTF-16.
void utf8ToUnits(std::string_view s, std::size_t& i, Units& out) {
    const auto b = [&](std::size_t k) { return std::uint32_t(static_cast<unsigned char>(s[i + k])); };
    std::uint32_t cp;
    if (b(0) < 0x80) {
        cp = b(0);
        i += 1;
    } else if (b(0) < 0xE0) {
        cp = ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
        i += 2;
    } else if (b(0) < 0xF0) {
        cp = ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
        i += 3;
    } else {
        cp = ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
        i += 4;
    }
    if (cp >= 0x10000) {
        out.push_back(std::uint16_t(0xD800 + ((cp - 0x10000) >> 10)));
        out.push_back(std::uint16_t(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
        out.push_back(std::uint16_t(cp));
    }
}

// JSON.parse of a string literal body: every \uXXXX is one code unit, nothing is paired or checked.
std::optional<Units> jsonParseUnits(std::string_view body) {
    Units out;
    for (std::size_t i = 0; i < body.size();) {
        const unsigned char c = static_cast<unsigned char>(body[i]);
        if (c < 0x20 || c == '"')
            return std::nullopt;
        if (c != '\\') {
            utf8ToUnits(body, i, out);
            continue;
        }
        if (i + 1 >= body.size())
            return std::nullopt;
        const char e = body[i + 1];
        const char* simple = "\"\\/bfnrt";
        const char* mapped = "\"\\/\b\f\n\r\t";
        if (const char* p = std::strchr(simple, e); p && e) {
            out.push_back(std::uint16_t(static_cast<unsigned char>(mapped[p - simple])));
            i += 2;
            continue;
        }
        if (e != 'u' || i + 6 > body.size())
            return std::nullopt;
        std::uint32_t v = 0;
        for (std::size_t k = 2; k < 6; ++k) {
            const char h = body[i + k];
            v <<= 4;
            if (h >= '0' && h <= '9')
                v |= std::uint32_t(h - '0');
            else if (h >= 'a' && h <= 'f')
                v |= std::uint32_t(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                v |= std::uint32_t(h - 'A' + 10);
            else
                return std::nullopt;
        }
        out.push_back(std::uint16_t(v));
        i += 6;
    }
    return out;
}

// A JavaScript string as WTF-8: valid pairs as 4 bytes, lone surrogates as 3.
std::string unitsToWtf8(const Units& u) {
    std::string out;
    auto put = [&](std::uint32_t cp) {
        if (cp < 0x80) {
            out.push_back(char(cp));
        } else if (cp < 0x800) {
            out.push_back(char(0xC0 | (cp >> 6)));
            out.push_back(char(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(char(0xE0 | (cp >> 12)));
            out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(char(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(char(0xF0 | (cp >> 18)));
            out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(char(0x80 | (cp & 0x3F)));
        }
    };
    for (std::size_t i = 0; i < u.size(); ++i) {
        if (u[i] >= 0xD800 && u[i] <= 0xDBFF && i + 1 < u.size() && u[i + 1] >= 0xDC00 &&
            u[i + 1] <= 0xDFFF) {
            put(0x10000 + ((std::uint32_t(u[i]) - 0xD800) << 10) + (std::uint32_t(u[i + 1]) - 0xDC00));
            ++i;
        } else {
            put(u[i]);
        }
    }
    return out;
}

std::string jsonParse(std::string_view body) {
    auto u = jsonParseUnits(body);
    EXPECT_TRUE(u.has_value()) << body;
    return u ? unitsToWtf8(*u) : std::string();
}

// V8's HeapSnapshotJSONSerializer::SerializeString, as documented from real files: it works on a
// UTF-8 copy where lone surrogates are U+FFFD, writes U+FFFD as one '?' per UTF-8 byte, NUL as a
// space, and any other non-ASCII code point as one uppercase \uXXXX of its low 16 bits.
std::string v8Serialize(const Units& u) {
    std::string out;
    char buf[8];
    for (std::size_t i = 0; i < u.size(); ++i) {
        std::uint32_t cp = u[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < u.size() && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (std::uint32_t(u[i + 1]) - 0xDC00);
            ++i;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        switch (cp) {
        case 0:
            out += ' ';
            break;
        case '\b':
            out += "\\b";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\r':
            out += "\\r";
            break;
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case 0xFFFD:
            out += "???";
            break;
        default:
            if (cp < 0x20 || cp >= 0x80) {
                std::snprintf(buf, sizeof buf, "\\u%04X", unsigned(cp & 0xFFFF));
                out += buf;
            } else {
                out.push_back(char(cp));
            }
        }
    }
    return out;
}

std::string unescape(std::string_view body) {
    std::string out;
    std::size_t at = 0;
    std::string why;
    EXPECT_TRUE(unescapeJsonString(body, out, at, why)) << why << " at " << at;
    return out;
}

std::string hex(std::string_view s) {
    std::string out;
    char buf[4];
    for (unsigned char c : s) {
        std::snprintf(buf, sizeof buf, "%02X ", c);
        out += buf;
    }
    return out;
}

// Reads `"key": "value"` members of the object that follows `"section":` in strings-probes.json,
// keeping the raw literal bodies (the file holds lone-surrogate escapes no strict parser accepts).
std::vector<std::pair<std::string, std::string>> probeMembers(const std::string& file,
                                                              const std::string& section) {
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t p = file.find("\"" + section + "\": {");
    EXPECT_NE(p, std::string::npos) << section;
    if (p == std::string::npos)
        return out;
    p = file.find('{', p) + 1;
    auto literal = [&](std::size_t& q) {
        q = file.find('"', q);
        const std::size_t start = ++q;
        while (file[q] != '"')
            q += file[q] == '\\' ? 2 : 1;
        return file.substr(start, q++ - start);
    };
    for (;;) {
        while (file[p] == ' ' || file[p] == '\n' || file[p] == ',')
            ++p;
        if (file[p] == '}')
            break;
        std::string key = literal(p);
        p = file.find(':', p) + 1;
        std::string value = literal(p);
        out.emplace_back(std::move(key), std::move(value));
    }
    return out;
}

// Raw bodies of every string literal in a snapshot's "strings" array.
std::vector<std::string_view> rawStrings(std::string_view json) {
    std::vector<std::string_view> out;
    std::size_t p = json.find("\"strings\":[");
    EXPECT_NE(p, std::string::npos);
    p += 11;
    for (;;) {
        while (json[p] == ' ' || json[p] == '\n' || json[p] == ',')
            ++p;
        if (json[p] == ']')
            break;
        const std::size_t start = ++p;
        while (json[p] != '"')
            p += json[p] == '\\' ? 2 : 1;
        out.push_back(json.substr(start, p - start));
        ++p;
    }
    return out;
}

struct StringsFixture {
    std::string json;
    SnapshotPtr snapshot;
    std::unordered_set<std::string> all;
};
const StringsFixture& stringsFixture() {
    static const StringsFixture f = [] {
        StringsFixture f;
        f.json = gunzip(readFile(dataPath("strings-node20.heapsnapshot.gz")));
        auto r = loadSnapshotFromMemory(f.json, "strings-node20.heapsnapshot");
        if (!r.ok())
            throw std::runtime_error(r.error().message());
        f.snapshot = *r;
        for (std::uint32_t i = 0; i < f.snapshot->strings.size(); ++i)
            f.all.emplace(f.snapshot->strings[i]);
        return f;
    }();
    return f;
}

// ---------------------------------------------------------------------------------------------
// unescapeJsonString on hand-written literals

TEST(Unescape, PlainAsciiIsCopied) {
    EXPECT_EQ(unescape(""), "");
    EXPECT_EQ(unescape("hello world <script> '`/"), "hello world <script> '`/");
}

TEST(Unescape, SimpleEscapes) {
    EXPECT_EQ(unescape(R"(\"\\\/\b\f\n\r\t)"), "\"\\/\b\f\n\r\t");
    EXPECT_EQ(unescape(R"(a\/b)"), "a/b");
}

TEST(Unescape, UnicodeEscapesUpperAndLowerCase) {
    EXPECT_EQ(unescape(R"(caf\u00E9)"), "caf\xC3\xA9");
    EXPECT_EQ(unescape(R"(caf\u00e9)"), "caf\xC3\xA9");
    EXPECT_EQ(unescape(R"(\u000B\u001f)"), "\x0B\x1F");
    EXPECT_EQ(unescape(R"(\u2028\uFEFF\uFFFF)"), "\xE2\x80\xA8\xEF\xBB\xBF\xEF\xBF\xBF");
    EXPECT_EQ(unescape(R"(\uAbCd)"), "\xEA\xAF\x8D");
    EXPECT_EQ(unescape(R"(\u0041\u0062)"), "Ab");
}

TEST(Unescape, NulEscapeIsKept) {
    const std::string s = unescape(R"(a\u0000b)");
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s, std::string("a\0b", 3));
}

TEST(Unescape, LoneHighSurrogateIsThreeByteWtf8) {
    EXPECT_EQ(unescape(R"(\uD800)"), "\xED\xA0\x80");
    EXPECT_EQ(unescape(R"(x\uDBFFy)"), "x\xED\xAF\xBFy");
    EXPECT_EQ(unescape(R"(\uD800\u0041)"), "\xED\xA0\x80"
                                           "A");
    EXPECT_EQ(unescape(R"(\uD800\n)"), "\xED\xA0\x80\n");
    EXPECT_EQ(unescape(R"(\uD800\uD800)"), "\xED\xA0\x80\xED\xA0\x80");
}

TEST(Unescape, LoneLowSurrogateIsThreeByteWtf8) {
    EXPECT_EQ(unescape(R"(ab\uDC00)"), "ab\xED\xB0\x80");
    EXPECT_EQ(unescape(R"(\uDFFF)"), "\xED\xBF\xBF");
}

TEST(Unescape, SurrogatePairsJoinIntoOneCodePoint) {
    EXPECT_EQ(unescape(R"(\uD83D\uDE00)"), "\xF0\x9F\x98\x80"); // U+1F600
    EXPECT_EQ(unescape(R"(\ud83d\ude00)"), "\xF0\x9F\x98\x80");
    EXPECT_EQ(unescape(R"(\uDBFF\uDC00)"), "\xF4\x8F\xB0\x80"); // U+10FC00
    EXPECT_EQ(unescape(R"(\udbff\udfff)"), "\xF4\x8F\xBF\xBF"); // U+10FFFF
    EXPECT_EQ(unescape(R"(\uD800\uDC00)"), "\xF0\x90\x80\x80"); // U+10000
}

TEST(Unescape, ReversedAndInterruptedPairsStayApart) {
    EXPECT_EQ(unescape(R"(\uDC00\uD800)"), "\xED\xB0\x80\xED\xA0\x80");
    EXPECT_EQ(unescape(R"(\uD83D\uD83D\uDE00)"), "\xED\xA0\xBD\xF0\x9F\x98\x80");
    EXPECT_EQ(unescape(R"(\uD83Dx\uDE00)"), "\xED\xA0\xBDx\xED\xB8\x80");
    EXPECT_EQ(unescape(R"(\uD83D\\uDE00)"), "\xED\xA0\xBD\\uDE00");
}

TEST(Unescape, RawDelAndRawUtf8) {
    EXPECT_EQ(unescape("a\x7F"
                       "b"),
              "a\x7F"
              "b");
    EXPECT_EQ(unescape("caf\xC3\xA9 \xF0\x9F\x98\x80 \xE2\x82\xAC"),
              "caf\xC3\xA9 \xF0\x9F\x98\x80 \xE2\x82\xAC");
}

TEST(Unescape, InvalidUtf8BecomesReplacementPerByte) {
    // As a UTF-8 decoder (TextDecoder) does for bytes that cannot start or continue a sequence.
    EXPECT_EQ(unescape("a\xFF"
                       "b"),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(unescape("\xC0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(unescape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // an encoded surrogate
    EXPECT_EQ(unescape("\xF4\x90\x80\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Unescape, TruncatedUtf8SequenceIsOneReplacement) {
    // The WHATWG decoder DevTools reads files with replaces a truncated but otherwise valid
    // sequence (a "maximal subpart") by a single U+FFFD.
    EXPECT_EQ(hex(unescape("\xE2\x82"
                           "A")),
              hex("\xEF\xBF\xBD"
                  "A"));
    EXPECT_EQ(hex(unescape("\xF0\x9F\x98"
                           "A")),
              hex("\xEF\xBF\xBD"
                  "A"));
    EXPECT_EQ(hex(unescape("x\xF0\x9F")), hex("x\xEF\xBF\xBD"));
}

struct BadLiteral {
    const char* body;
    std::size_t errorAt;
    const char* why;
};

TEST(Unescape, InvalidInputIsRejected) {
    const BadLiteral cases[] = {
        {R"(\x41)", 0, "invalid escape sequence \\x"},
        {R"(ab\U0041)", 2, "invalid escape sequence \\U"},
        {R"(\')", 0, "invalid escape sequence \\'"},
        {R"(\u12)", 0, "a \\u escape needs four hexadecimal digits"},
        {R"(a\u12G4)", 1, "a \\u escape needs four hexadecimal digits"},
        {R"(\u+123)", 0, "a \\u escape needs four hexadecimal digits"},
        {R"(abc\)", 3, "a string ends in the middle of an escape sequence"},
        {"a\x01"
         "b",
         1, "a control character (byte 1) inside a string must be escaped"},
        {"\x1F", 0, "a control character (byte 31) inside a string must be escaped"},
        {"tab\there", 3, "a control character (byte 9) inside a string must be escaped"},
        {"line\nbreak", 4, "a control character (byte 10) inside a string must be escaped"},
    };
    for (const auto& c : cases) {
        std::string out;
        std::size_t at = 999;
        std::string why;
        EXPECT_FALSE(unescapeJsonString(c.body, out, at, why)) << c.body;
        EXPECT_EQ(at, c.errorAt) << c.body;
        EXPECT_EQ(why, c.why) << c.body;
    }
    std::string out;
    std::size_t at = 0;
    std::string why;
    EXPECT_FALSE(unescapeJsonString(std::string_view("a\0b", 3), out, at, why));
    EXPECT_EQ(at, 1u);
}

TEST(Unescape, AgreesWithIndependentModelOnGeneratedEscapes) {
    // Every unit value class in every neighbourhood: surrogates next to each other and to text.
    const std::uint16_t units[] = {0x0000, 0x0001, 0x001F, 0x0020, 0x0041, 0x007F, 0x0080, 0x07FF, 0x0800,
                                   0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xFFFD, 0xFFFF};
    char buf[8];
    for (auto a : units)
        for (auto b : units)
            for (const char* sep : {"", "x"}) {
                std::string body;
                std::snprintf(buf, sizeof buf, "\\u%04X", unsigned(a));
                body += buf;
                body += sep;
                std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(b));
                body += buf;
                EXPECT_EQ(hex(unescape(body)), hex(jsonParse(body))) << body;
            }
}

// ---------------------------------------------------------------------------------------------
// The real file: every string, and the probes from strings-probes.json

TEST(FixtureStrings, EveryStringMatchesJsonParse) {
    const auto& f = stringsFixture();
    const auto raw = rawStrings(f.json);
    ASSERT_EQ(raw.size(), f.snapshot->strings.size());
    std::size_t escaped = 0, mismatches = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        escaped += raw[i].find('\\') != std::string_view::npos;
        const std::string expected = jsonParse(raw[i]);
        if (f.snapshot->strings[std::uint32_t(i)] != expected && ++mismatches <= 5)
            ADD_FAILURE() << "string " << i << " raw \"" << raw[i] << "\": got "
                          << hex(f.snapshot->strings[std::uint32_t(i)]) << " expected " << hex(expected);
        if (i % 7 == 0)
            EXPECT_EQ(unescape(raw[i]), expected) << i;
    }
    EXPECT_EQ(mismatches, 0u);
    EXPECT_GT(escaped, 100u);
}

TEST(FixtureStrings, FileIsAsciiExceptDel) {
    // What real-snapshots.md reports; the probes below rely on it.
    const auto& f = stringsFixture();
    std::size_t del = 0;
    for (unsigned char c : f.json) {
        ASSERT_LT(c, 0x80);
        del += c == 0x7F;
    }
    EXPECT_GT(del, 0u);
}

TEST(FixtureStrings, EveryProbeIsPresentAsV8WroteIt) {
    const auto& f = stringsFixture();
    const std::string probesFile = readFile(dataPath("strings-probes.json"));
    auto probes = probeMembers(probesFile, "probes");
    const auto bare = probeMembers(probesFile, "bare");
    ASSERT_EQ(probes.size(), 37u);
    ASSERT_EQ(bare.size(), 2u);
    probes.insert(probes.end(), bare.begin(), bare.end());

    // String node names by content, and names of property edges.
    const Snapshot& s = *f.snapshot;
    std::unordered_set<std::string_view> stringNodeNames, propertyNames;
    for (NodeOrdinal n : s.nodes())
        if (s.kind(n) == NodeKind::String)
            stringNodeNames.insert(s.name(n));
    for (EdgeOrdinal e : s.edges())
        if (s.edgeKind(e) == EdgeKind::Property)
            propertyNames.insert(*s.edgeNameString(e));

    for (const auto& [key, literal] : probes) {
        SCOPED_TRACE(key);
        const auto units = jsonParseUnits(literal);
        ASSERT_TRUE(units.has_value());
        const std::string written = v8Serialize(*units);
        const std::string expected = jsonParse(written);
        EXPECT_EQ(unescape(written), expected);
        EXPECT_TRUE(f.all.count(expected)) << "missing: " << hex(expected);
        EXPECT_TRUE(stringNodeNames.count(expected));
        if (key.rfind("bare", 0) == 0)
            EXPECT_TRUE(propertyNames.count(expected));
    }
}

TEST(FixtureStrings, DocumentedCorruptions) {
    const auto& all = stringsFixture().all;
    // Lone surrogates and U+FFFD are written as "???".
    EXPECT_TRUE(all.count("PROBE:lone_high ???"));
    EXPECT_TRUE(all.count("PROBE:reversed_pair ??????"));
    EXPECT_TRUE(all.count("ab???"));
    // NUL becomes a space.
    EXPECT_TRUE(all.count("PROBE:nul_inside a b c"));
    // Astral characters keep their low 16 bits: U+1F600 -> U+F600, U+1D800 -> a lone \uD800,
    // U+1DBFF U+1DC00 -> a pair that JSON.parse joins into U+10FC00.
    EXPECT_TRUE(all.count("PROBE:valid_pair_explicit \xEF\x98\x80"));
    EXPECT_TRUE(all.count("PROBE:astral_to_surrogate \xED\xA0\x80 \xF4\x8F\xB0\x80 \xED\xBF\xBF"));
    EXPECT_TRUE(all.count("PROBE:max_bmp_and_astral \xEF\xBF\xAE " + std::string(1, '\0') + " \xEF\xBF\xBF"));
    EXPECT_TRUE(all.count("PROBE:high_high_low ???\xEF\x98\x80"));
    EXPECT_TRUE(all.count("PROBE:nonchar \xEF\xBF\xBF \xEF\xBF\xBE"));
}

// ---------------------------------------------------------------------------------------------
// text:: helpers

TEST(Text, Utf16Length) {
    EXPECT_EQ(text::utf16Length(""), 0u);
    EXPECT_EQ(text::utf16Length("abc"), 3u);
    EXPECT_EQ(text::utf16Length("caf\xC3\xA9"), 4u);
    EXPECT_EQ(text::utf16Length("\xE2\x82\xAC"), 1u);
    EXPECT_EQ(text::utf16Length("\xF0\x9F\x98\x80"), 2u);
    EXPECT_EQ(text::utf16Length("\xED\xA0\x80"), 1u); // lone surrogate
    EXPECT_EQ(text::utf16Length("a\xED\xA0\xBD\xF0\x9F\x98\x80"), 4u);
    EXPECT_EQ(text::utf16Length(std::string("\0\0", 2)), 2u);
}

TEST(Text, CompareUtf16UsesCodeUnitOrder) {
    const std::string astral = "\xF0\x9F\x98\x80"; // U+1F600 = D83D DE00
    const std::string privateUse = "\xEE\x80\x80"; // U+E000
    const std::string bmpMax = "\xEF\xBF\xBF";     // U+FFFF
    const std::string loneHigh = "\xED\xA0\x80";   // D800
    const std::string loneLow = "\xED\xBF\xBF";    // DFFF
    // Byte order would put the astral character last; JavaScript puts it before U+E000.
    EXPECT_LT(text::compareUtf16(astral, privateUse), 0);
    EXPECT_GT(text::compareUtf16(privateUse, astral), 0);
    EXPECT_LT(text::compareUtf16(astral, bmpMax), 0);
    EXPECT_LT(text::compareUtf16("x" + astral, "x" + privateUse), 0);
    EXPECT_LT(text::compareUtf16(loneHigh, astral), 0);       // D800 < D83D
    EXPECT_GT(text::compareUtf16(loneLow, astral), 0);        // DFFF > D83D
    EXPECT_LT(text::compareUtf16("\xED\xA0\xBD", astral), 0); // D83D alone is a prefix of the pair
    EXPECT_LT(text::compareUtf16(astral, loneLow), 0);
    EXPECT_EQ(text::compareUtf16(astral, astral), 0);
    EXPECT_LT(text::compareUtf16("abc", "abd"), 0);
    EXPECT_LT(text::compareUtf16("ab", "abc"), 0);
    EXPECT_GT(text::compareUtf16("b", "abc"), 0);
    EXPECT_EQ(text::compareUtf16("", ""), 0);
    EXPECT_LT(text::compareUtf16("", "a"), 0);
    EXPECT_LT(text::compareUtf16("Z", "a"), 0);
    EXPECT_LT(text::compareUtf16("caf\xC3\xA9", "caf\xEE\x80\x80"), 0);
}

TEST(Text, CompareUtf16MatchesUnitOrderOnFixtureStrings) {
    const Snapshot& s = *stringsFixture().snapshot;
    auto toUnits = [](std::string_view w) {
        Units u;
        for (std::size_t i = 0; i < w.size();) {
            const auto b = static_cast<unsigned char>(w[i]);
            if (b >= 0xED && b <= 0xED && i + 2 < w.size() &&
                (static_cast<unsigned char>(w[i + 1]) & 0xE0) == 0xA0) {
                u.push_back(std::uint16_t(((b & 0x0F) << 12) | ((w[i + 1] & 0x3F) << 6) | (w[i + 2] & 0x3F)));
                i += 3;
            } else {
                utf8ToUnits(w, i, u);
            }
        }
        return u;
    };
    std::vector<std::uint32_t> ids;
    for (std::uint32_t i = 0; i < s.strings.size(); ++i)
        if (s.strings[i].rfind("PROBE:", 0) == 0 || s.strings[i].find('?') != std::string_view::npos)
            ids.push_back(i);
    ASSERT_GT(ids.size(), 37u);
    for (auto a : ids)
        for (auto b : ids) {
            const Units ua = toUnits(s.strings[a]), ub = toUnits(s.strings[b]);
            const int expected = ua < ub ? -1 : (ub < ua ? 1 : 0);
            const int got = text::compareUtf16(s.strings[a], s.strings[b]);
            ASSERT_EQ((got > 0) - (got < 0), expected) << hex(s.strings[a]) << " vs " << hex(s.strings[b]);
        }
}

TEST(Text, ToUtf8ReplacesLoneSurrogates) {
    EXPECT_EQ(text::toUtf8("abc"), "abc");
    EXPECT_EQ(text::toUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD");
    EXPECT_EQ(text::toUtf8("ab\xED\xB0\x80"), "ab\xEF\xBF\xBD");
    EXPECT_EQ(text::toUtf8("\xED\xA0\xBD\xF0\x9F\x98\x80"), "\xEF\xBF\xBD\xF0\x9F\x98\x80");
    EXPECT_EQ(text::toUtf8("caf\xC3\xA9 \xE2\x82\xAC"), "caf\xC3\xA9 \xE2\x82\xAC");
    EXPECT_EQ(text::toUtf8(std::string("a\0b", 3)), std::string("a\0b", 3));
}

TEST(Text, JsonQuoteAsJsonStringify) {
    EXPECT_EQ(text::jsonQuote(""), "\"\"");
    EXPECT_EQ(text::jsonQuote("abc"), "\"abc\"");
    EXPECT_EQ(text::jsonQuote("\"\\/"), "\"\\\"\\\\/\"");
    EXPECT_EQ(text::jsonQuote("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
    EXPECT_EQ(text::jsonQuote(std::string("\0\x01\x1F", 3)), "\"\\u0000\\u0001\\u001f\"");
    EXPECT_EQ(text::jsonQuote("\x7F"), "\"\x7F\"");
    EXPECT_EQ(text::jsonQuote("caf\xC3\xA9 \xE2\x80\xA8"), "\"caf\xC3\xA9 \xE2\x80\xA8\"");
    EXPECT_EQ(text::jsonQuote("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");
    EXPECT_EQ(text::jsonQuote("\xED\xA0\x80"), "\"\\ud800\"");
    EXPECT_EQ(text::jsonQuote("ab\xED\xB0\x80"), "\"ab\\udc00\"");
    EXPECT_EQ(text::jsonQuote("\xED\xAF\xBF\xED\xBF\xBF"),
              "\"\\udbff\\udfff\""); // WTF-8 never holds a split pair
    EXPECT_EQ(text::jsonQuote("\xEF\xBF\xBD"), "\"\xEF\xBF\xBD\"");
}

TEST(Text, JsonQuoteRoundTripsThroughUnescape) {
    const auto& f = stringsFixture();
    for (std::uint32_t i = 0; i < f.snapshot->strings.size(); i += 3) {
        const std::string_view s = f.snapshot->strings[i];
        const std::string quoted = text::jsonQuote(s);
        ASSERT_GE(quoted.size(), 2u);
        ASSERT_EQ(unescape(std::string_view(quoted).substr(1, quoted.size() - 2)), s) << i;
    }
}

TEST(Text, PrefixUtf16NeverSplitsACodePoint) {
    EXPECT_EQ(text::prefixUtf16("abcdef", 3), "abc");
    EXPECT_EQ(text::prefixUtf16("ab", 5), "ab");
    EXPECT_EQ(text::prefixUtf16("a\xF0\x9F\x98\x80"
                                "b",
                                2),
              "a");
    EXPECT_EQ(text::prefixUtf16("a\xF0\x9F\x98\x80"
                                "b",
                                3),
              "a\xF0\x9F\x98\x80");
    EXPECT_EQ(text::prefixUtf16("\xED\xA0\x80x", 1), "\xED\xA0\x80");
    EXPECT_EQ(text::prefixUtf16("caf\xC3\xA9", 4), "caf\xC3\xA9");
}

} // namespace
