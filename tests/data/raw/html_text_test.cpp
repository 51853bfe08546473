// HTML to text: tags, entities and block breaks.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/data/raw/html_text.h"

namespace fs = std::filesystem;
using namespace w2s::data;

TEST(Html, TagsEntitiesAndBlocks) {
  EXPECT_EQ(html_to_text("a<br />b<br/><br/>c"), "a\nb\n\nc");
  EXPECT_EQ(html_to_text("x &lt; y &amp;&amp; 3 < 4 &#233; &#x41; &bogus;"), "x < y && 3 < 4 \u00e9 A &bogus;");
  EXPECT_EQ(html_to_text("<!-- hidden --><b>bold</b>   text"), "bold text");
  EXPECT_EQ(decode_html_entities("&eacute;&nbsp;&#0;"), "\u00e9 &#0;");
}
