#pragma once
// The first half of doc-check: a guide page in Markdown (Jekyll/kramdown or Hugo) -> its "## "
// sections as blocks of the text a reader sees. Pure. harness/stages/doc.h reads advice from it.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tmfault {

/// Where a code span or a link landed in rendered text: [begin, end) of `MarkedText::text`.
struct TextMark {
  std::size_t begin = 0, end = 0;
  bool code = false;     ///< a `code span`; else a link (or an image)
  std::string target;    ///< a link's target with Hugo's ref resolved: "docs/deployment/config#x"
};

/// Rendered text: one space between words, no markup; marks in order of their start.
struct MarkedText {
  std::string text;
  std::vector<TextMark> marks;
};

enum class BlockKind { paragraph, list_item, heading, code };

/// One block of a section's body: a paragraph (a table row, a quoted line), one list item, a
/// sub-heading, or a fenced code block.
struct DocBlock {
  BlockKind kind = BlockKind::paragraph;
  MarkedText text;
  int line = 0;  ///< 1-based line of its first line in the page
};

/// One "## " section of a page, in the page's order.
struct MarkdownSection {
  std::string title;   ///< the heading as a reader sees it
  std::string anchor;  ///< its id: heading_id(title), or the heading's own `{#id}`
  int line = 0;        ///< 1-based line of the heading
  std::vector<DocBlock> blocks;
};

/// Removes what never reaches a reader, keeping every newline so line numbers stay: front
/// matter (--- YAML --- or +++ TOML +++ at the start), HTML comments, kramdown attribute lists
/// ({:toc}), Liquid tags ({% x %}, {{ x }}), and every Hugo shortcode in every form
/// ({{< x >}}, {{% x %}}, closing, self-closing, with or without arguments, over several lines).
/// A paired shortcode ({{< hint info >}} ... {{< /hint >}}) leaves its inner text. A link
/// shortcode leaves the page it names: {{< ref "docs/x" >}} and {% link x.md %} -> docs/x, x.md.
std::string strip_page_markup(std::string_view md);

/// Inline Markdown -> what a reader sees, with marks: [t](u) and [t][r] -> t (a link mark),
/// ![alt](src) -> alt, `code` -> code (a code mark), emphasis marks (* _ ~~) and HTML tags
/// dropped (inner text kept), <https://x> -> https://x, \* -> *, common entities decoded,
/// whitespace runs -> one space, trimmed. Expects strip_page_markup's output.
MarkedText render_inline(std::string_view md);

/// strip_page_markup then render_inline: the text a reader sees of a Markdown fragment.
/// Scenario quotes are compared against this, so markup, line breaks and link targets in the
/// guide never matter, only its words.
std::string plain_text(std::string_view markdown);

/// The automatic heading id of kramdown and of Hugo (goldmark's "github" style), which agree
/// on plain headings: lower case; letters, digits, '-' and '_' kept; a space -> '-'; anything
/// else dropped. "OutOfMemoryError: Java heap space" -> "outofmemoryerror-java-heap-space".
std::string heading_id(std::string_view heading);

/// The "## " sections of a page (text before the first is the page's title, licence and toc);
/// "## " inside a fenced code block is code, not a heading. Each section's body is split into
/// blocks at blank lines, list items, sub-headings, table rows and code fences.
std::vector<MarkdownSection> markdown_sections(std::string_view markdown);

}  // namespace tmfault
