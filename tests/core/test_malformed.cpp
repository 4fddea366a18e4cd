// SPDX-License-Identifier: MIT
// The malformed-input suite made by tests/malformed/make_malformed.py: every file fails to load with
// the stage, offset and reason listed in its expected.tsv.
#include "test_util.h"

#include "heapscope/loader.h"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

using namespace heapscope;

namespace {

struct Case {
    std::string file;
    std::string stage;  ///< or "*" when not checked
    std::string offset; ///< decimal, or "*" when not checked
    std::string reason; ///< a part of the reason
};

// Test names already say which file; keep failure output readable.
void PrintTo(const Case& c, std::ostream* os) {
    *os << c.file;
}

std::vector<Case> readManifest() {
    std::vector<Case> cases;
    std::ifstream in(std::string(HEAPSCOPE_MALFORMED_DIR) + "/expected.tsv");
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::vector<std::string> cols;
        std::size_t start = 0;
        for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
            cols.push_back(line.substr(start, tab - start));
        cols.push_back(line.substr(start));
        if (cols.size() == 4)
            cases.push_back({cols[0], cols[1], cols[2], cols[3]});
        else
            cases.push_back({"bad manifest line: " + line, "", "", ""});
    }
    return cases;
}

const std::vector<Case>& manifest() {
    static const std::vector<Case> cases = readManifest();
    return cases;
}

TEST(MalformedSuite, ManifestIsComplete) {
    EXPECT_GE(manifest().size(), 40u);
    for (const auto& c : manifest()) {
        EXPECT_FALSE(c.stage.empty()) << c.file;
        EXPECT_FALSE(c.reason.empty()) << c.file;
    }
}

class MalformedFileTest : public ::testing::TestWithParam<Case> {};

TEST_P(MalformedFileTest, FailsWithItsOwnError) {
    const Case& c = GetParam();
    const std::string path = std::string(HEAPSCOPE_MALFORMED_DIR) + "/" + c.file;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    LoadOptions options;
    options.checkMemory = false;
    auto r = loadSnapshot(path, options);
    ASSERT_FALSE(r.ok()) << "loaded although it should fail with: " << c.reason;
    const Error& e = r.error();
    if (c.stage != "*")
        EXPECT_EQ(e.stage, c.stage) << e.message();
    if (c.offset != "*")
        EXPECT_EQ(e.offset, std::stoll(c.offset)) << e.message();
    EXPECT_NE(e.reason.find(c.reason), std::string::npos)
        << "reason: " << e.reason << "\nexpected: " << c.reason;
    EXPECT_FALSE(e.cancelled);
    EXPECT_EQ(e.file, path);
    EXPECT_EQ(e.message().rfind(path + ": ", 0), 0u) << e.message();

    // The paths big files take find the same: the strings and locations read on a thread of
    // their own, the big arrays parsed in many small pieces (the error first in the file wins), and
    // the big arrays read byte by byte.
    LoadOptions side = options;
    side.threads = 2;
    side.sideSectionsFromBytes = 0;
    LoadOptions pieces = options;
    pieces.threads = 2;
    pieces.parsePieceBytes = 5;
    LoadOptions bytewise = options;
    bytewise.numberBlocks = false;
    LoadOptions mapped = options; // the big arrays through the mapping instead of pread()
    mapped.threads = 2;
    mapped.readBigArrays = false;
    mapped.parsePieceBytes = 7;
    for (const LoadOptions& other : {side, pieces, bytewise, mapped}) {
        auto again = loadSnapshot(path, other);
        ASSERT_FALSE(again.ok());
        EXPECT_EQ(again.error().stage, e.stage) << again.error().message();
        EXPECT_EQ(again.error().offset, e.offset) << again.error().message();
        EXPECT_EQ(again.error().reason, e.reason);
    }

    // The same bytes from memory give the same answer, except what only a file can have.
    if (c.file.size() > 3 && c.file.compare(c.file.size() - 3, 3, ".gz") == 0 && c.stage == "gzip" &&
        c.reason.find("named .gz") != std::string::npos)
        return;
    const std::string bytes = heapscope::test::readFile(path);
    auto m = loadSnapshotFromMemory(bytes, c.file, options);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().stage, e.stage);
    EXPECT_EQ(m.error().offset, e.offset);
    EXPECT_EQ(m.error().reason, e.reason);
}

INSTANTIATE_TEST_SUITE_P(Files, MalformedFileTest, ::testing::ValuesIn(manifest()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                             std::string n;
                             for (char ch : info.param.file)
                                 n.push_back(std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_');
                             return n;
                         });

} // namespace
