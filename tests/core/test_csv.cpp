// SPDX-License-Identifier: MIT
// The CSV writer the CLI and the app share.
#include "heapscope/csv.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace heapscope::test {
namespace {

TEST(Csv, FieldsAreQuotedOnlyWhenTheyMustBe) {
    EXPECT_EQ(csv::field("Array"), "Array");
    EXPECT_EQ(csv::field(""), "");
    EXPECT_EQ(csv::field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv::field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv::field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv::field("cr\r"), "\"cr\r\"");
    // Leading and trailing blanks survive a round trip only when quoted.
    EXPECT_EQ(csv::field(" padded"), "\" padded\"");
    EXPECT_EQ(csv::field("padded "), "\"padded \"");
    EXPECT_EQ(csv::field("\tx"), "\"\tx\"");
    EXPECT_EQ(csv::field("inner space"), "inner space");
    // A lone surrogate (WTF-8) becomes U+FFFD.
    EXPECT_EQ(csv::field("\xED\xA0\x80"), "\xEF\xBF\xBD");
}

TEST(Csv, RowsOfTextAndNumbers) {
    csv::Writer w;
    w.text("name").text("count").text("delta").text("share").endRow();
    w.text(" Foo").number(std::uint32_t(4598)).number(std::int64_t(-12)).number(12.5).endRow();
    w.text("Bar").number(std::uint64_t(18446744073709551615ull)).empty().number(0.1).endRow();
    EXPECT_EQ(w.str(), "name,count,delta,share\n\" Foo\",4598,-12,12.5\nBar,18446744073709551615,,0.1\n");
}

} // namespace
} // namespace heapscope::test
