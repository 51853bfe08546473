// HTML to plain text for task and corpus sources (mail bodies, product reviews): tags removed,
// block tags turned into line breaks, character references decoded. Not a full HTML parser: it
// handles the markup that real mails and reviews contain, and never throws on malformed input.
#pragma once

#include <string>
#include <string_view>

namespace w2s::data {

/// Decode character references: the common named ones (&amp; &lt; &gt; &quot; &apos; &nbsp;
/// &copy; &reg; &eacute; ... — see the table in html_text.cpp), decimal &#NNN; and hex &#xHH;.
/// Unknown or malformed references are left as they are. &nbsp; becomes a plain space.
std::string decode_html_entities(std::string_view s);

/// Plain text of an HTML fragment or document: <script>, <style>, <head> contents and comments
/// dropped; <br>, <p>, <div>, <tr>, <li>, <h1..6>, <table>, <blockquote> and similar become line
/// breaks; other tags removed; entities decoded; spaces collapsed inside lines; blank-line runs
/// reduced to one; result stripped. Valid UTF-8 in gives valid UTF-8 out.
std::string html_to_text(std::string_view html);

/// True when `s` looks like HTML (has an <html, <body, <p>, <br, <div, <table or <font tag).
bool looks_like_html(std::string_view s);

}  // namespace w2s::data
