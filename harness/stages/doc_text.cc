#include "harness/stages/doc_text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <utility>

namespace tmfault {
namespace {

constexpr auto npos = std::string_view::npos;

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_punct(char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

/// Only the newlines of `s`: what a removed span leaves, so line numbers stay.
std::string newlines_of(std::string_view s) { return std::string(std::count(s.begin(), s.end(), '\n'), '\n'); }

/// The first argument of a tag's inside ("ref \"docs/x\"" -> docs/x) when its name is `name`.
std::optional<std::string> link_argument(std::string_view inside, std::string_view name) {
  inside = trim(inside);
  if (!inside.starts_with(name) || inside.size() == name.size() || !is_space(inside[name.size()])) return {};
  std::string_view arg = trim(inside.substr(name.size()));
  if (!arg.empty() && (arg[0] == '"' || arg[0] == '\'' || arg[0] == '`')) {
    std::size_t close = arg.find(arg[0], 1);
    return std::string(arg.substr(1, close == npos ? npos : close - 1));
  }
  return std::string(arg.substr(0, arg.find_first_of(" \t\n")));
}

/// A template tag at `md[i]`: its length and what it leaves in the page; nullopt: not a tag.
std::optional<std::pair<std::size_t, std::string>> template_tag(std::string_view md, std::size_t i) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kTags{
      {{"{{<", ">}}"}, {"{{%", "%}}"}, {"{{", "}}"}, {"{%", "%}"}, {"{:", "}"}}};
  for (auto [open, close] : kTags) {
    if (md.substr(i, open.size()) != open) continue;
    std::size_t end = md.find(close, i + open.size());
    if (end == npos) return std::nullopt;
    std::string_view inside = md.substr(i + open.size(), end - i - open.size());
    std::string left = newlines_of(inside);
    for (std::string_view name : {"ref", "relref", "link"})
      if (auto page = link_argument(inside, name)) left = *page;
    return std::pair{end + close.size() - i, left};
  }
  return std::nullopt;
}

std::size_t front_matter_end(std::string_view md) {
  for (std::string_view fence : {"---", "+++"}) {
    if (!md.starts_with(std::string(fence) + "\n")) continue;
    std::size_t end = md.find("\n" + std::string(fence), fence.size());
    if (end != npos) return end + 1 + fence.size();
  }
  return 0;
}

/// Appends rendered text while keeping one space between words and the marks' offsets.
class TextWriter {
 public:
  void put(char c) {
    if (!is_space(c)) out_.text += c;
    else if (!out_.text.empty() && out_.text.back() != ' ') out_.text += ' ';
  }
  void put(std::string_view s) {
    for (char c : s) put(c);
  }
  /// `inner` rendered on its own (no outer spaces), followed by a mark over it.
  void put_marked(const MarkedText& inner, TextMark mark) {
    std::size_t base = out_.text.size();
    mark.begin = base, mark.end = base + inner.text.size();
    out_.marks.push_back(std::move(mark));
    for (TextMark m : inner.marks) {
      m.begin += base, m.end += base;
      out_.marks.push_back(std::move(m));
    }
    out_.text += inner.text;
  }
  MarkedText finish() && {
    if (!out_.text.empty() && out_.text.back() == ' ') out_.text.pop_back();
    for (TextMark& m : out_.marks) m.end = std::min(m.end, out_.text.size());
    return std::move(out_);
  }

 private:
  MarkedText out_;
};

/// Text kept as written but for its spacing: a code span's or a code block's.
MarkedText render_code(std::string_view s) {
  TextWriter w;
  w.put(s);
  return std::move(w).finish();
}

/// The index of the bracket closing `md[open]` ('[' or '('), counting nested pairs; npos.
std::size_t closing(std::string_view md, std::size_t open) {
  char o = md[open], c = o == '[' ? ']' : ')';
  int depth = 0;
  for (std::size_t i = open; i < md.size(); ++i) {
    if (md[i] == '\\') ++i;
    else if (md[i] == o) ++depth;
    else if (md[i] == c && --depth == 0) return i;
  }
  return npos;
}

/// "url \"title\"" or "<url>" -> url.
std::string link_target(std::string_view inside) {
  inside = trim(inside);
  if (inside.starts_with('<') && inside.find('>') != npos) return std::string(inside.substr(1, inside.find('>') - 1));
  return std::string(inside.substr(0, inside.find_first_of(" \t\n")));
}

/// A link or image at `md[i]` ('[' or "!["): its length, text and target; nullopt: not a link.
struct Link {
  std::size_t length;
  std::string_view text;
  std::string target;
};
std::optional<Link> link_at(std::string_view md, std::size_t i) {
  std::size_t open = md[i] == '!' ? i + 1 : i;
  std::size_t close = closing(md, open);
  if (close == npos || close + 1 >= md.size()) return std::nullopt;
  std::string_view text = md.substr(open + 1, close - open - 1);
  char next = md[close + 1];
  if (next != '(' && next != '[') return std::nullopt;
  std::size_t end = closing(md, close + 1);
  if (end == npos) return std::nullopt;
  std::string_view inside = md.substr(close + 2, end - close - 2);
  return Link{end + 1 - i, text, next == '(' ? link_target(inside) : std::string(trim(inside))};
}

std::optional<std::pair<std::size_t, char>> entity_at(std::string_view md, std::size_t i) {
  static constexpr std::array<std::pair<std::string_view, char>, 7> kEntities{{{"&nbsp;", ' '},
                                                                               {"&amp;", '&'},
                                                                               {"&lt;", '<'},
                                                                               {"&gt;", '>'},
                                                                               {"&quot;", '"'},
                                                                               {"&#39;", '\''},
                                                                               {"&apos;", '\''}}};
  for (auto [name, c] : kEntities)
    if (md.substr(i, name.size()) == name) return std::pair{name.size(), c};
  return std::nullopt;
}

/// A `code span` at md[i]: its length and content (trimmed); nullopt: an unmatched backtick run.
std::optional<std::pair<std::size_t, std::string_view>> code_span(std::string_view md, std::size_t i) {
  std::size_t run = md.find_first_not_of('`', i);
  run = (run == npos ? md.size() : run) - i;
  std::string fence(run, '`');
  std::size_t close = md.find(fence, i + run);
  if (close == npos) return std::nullopt;
  return std::pair{close + run - i, trim(md.substr(i + run, close - i - run))};
}

/// Markdown's ATX heading: its level and text ("## A ##" -> 2, "A"); 0 when not a heading.
std::pair<int, std::string_view> atx_heading(std::string_view line) {
  std::size_t level = line.find_first_not_of('#');
  if (level == 0 || level > 6 || level == npos || line[level] != ' ') return {0, {}};
  std::string_view text = trim(line.substr(level));
  while (!text.empty() && text.back() == '#') text.remove_suffix(1);
  return {static_cast<int>(level), trim(text)};
}

/// "{#my-id}" at the end of a heading: Hugo's and kramdown's explicit id.
std::pair<std::string_view, std::string> explicit_id(std::string_view heading) {
  std::size_t open = heading.rfind("{#");
  if (open == npos || !heading.ends_with('}')) return {heading, ""};
  return {trim(heading.substr(0, open)), std::string(heading.substr(open + 2, heading.size() - open - 3))};
}

bool is_fence(std::string_view line) {
  line = trim(line);
  return line.starts_with("```") || line.starts_with("~~~");
}

/// "* x", "- x", "+ x", "1. x", "1) x" -> x; nullopt when not a list item.
std::optional<std::string_view> list_item(std::string_view line) {
  std::string_view t = trim(line);
  std::size_t n = 0;
  while (n < t.size() && std::isdigit(static_cast<unsigned char>(t[n]))) ++n;
  bool bullet = n == 0 && !t.empty() && (t[0] == '*' || t[0] == '-' || t[0] == '+');
  bool ordered = n > 0 && n < t.size() && (t[n] == '.' || t[n] == ')');
  std::size_t after = bullet ? 1 : n + 1;
  if ((!bullet && !ordered) || after >= t.size() || t[after] != ' ') return std::nullopt;
  return trim(t.substr(after));
}

/// "---", "***", "___" alone on a line, or a table's "|---|:--|" row: no text of its own.
bool is_rule(std::string_view line) {
  line = trim(line);
  if (line.size() < 3) return false;
  bool table = line.front() == '|';
  return line.find_first_not_of(table ? "|-: " : std::string(1, line.front()) + " ") == npos &&
         (table ? line.find('-') != npos : (line.front() == '-' || line.front() == '*' || line.front() == '_'));
}

/// Splits a section's body lines (with their 1-based numbers) into blocks.
class BlockBuilder {
 public:
  void line(std::string_view l, int no) {
    if (code_) {
      if (is_fence(l)) flush();
      else add(l);
      return;
    }
    std::string_view t = trim(l);
    if (is_fence(l)) {
      start(BlockKind::code, no);
    } else if (t.empty() || is_rule(l)) {
      flush();
    } else if (auto [level, text] = atx_heading(t); level > 0) {
      whole(BlockKind::heading, text, no);
    } else if (t.starts_with('>')) {
      line(t.substr(1), no);  // a quoted line: read as any other
    } else if (t.starts_with('|')) {
      whole(BlockKind::paragraph, table_row(t), no);
    } else if (auto item = list_item(t)) {
      start(BlockKind::list_item, no);
      add(*item);
    } else {
      if (raw_.empty()) start(BlockKind::paragraph, no);
      add(t);
    }
  }
  std::vector<DocBlock> finish() && {
    flush();
    return std::move(blocks_);
  }

 private:
  static std::string table_row(std::string_view row) {
    std::string out(row);
    for (char& c : out) c = c == '|' ? ' ' : c;
    return out;
  }
  void start(BlockKind k, int no) {
    flush();
    kind_ = k, line_ = no, code_ = k == BlockKind::code;
  }
  void add(std::string_view l) { raw_.append(l).push_back('\n'); }
  /// A block of one line.
  void whole(BlockKind k, std::string_view text, int no) {
    start(k, no);
    add(text);
    flush();
  }
  void flush() {
    if (!trim(raw_).empty()) {
      blocks_.push_back({kind_, code_ ? render_code(raw_) : render_inline(raw_), line_});
    }
    raw_.clear(), kind_ = BlockKind::paragraph, line_ = 0, code_ = false;
  }
  std::vector<DocBlock> blocks_;
  std::string raw_;
  BlockKind kind_ = BlockKind::paragraph;
  int line_ = 0;
  bool code_ = false;
};

}  // namespace

std::string strip_page_markup(std::string_view md) {
  std::size_t i = front_matter_end(md);
  std::string out = newlines_of(md.substr(0, i));
  while (i < md.size()) {
    if (md.substr(i).starts_with("<!--")) {
      std::size_t end = md.find("-->", i);
      end = end == npos ? md.size() : end + 3;
      out += newlines_of(md.substr(i, end - i));
      i = end;
    } else if (auto tag = md[i] == '{' ? template_tag(md, i) : std::nullopt) {
      out += tag->second;
      i += tag->first;
    } else {
      out += md[i++];
    }
  }
  return out;
}

MarkedText render_inline(std::string_view md) {
  TextWriter w;
  for (std::size_t i = 0; i < md.size();) {
    char c = md[i];
    if (c == '\\' && i + 1 < md.size() && is_punct(md[i + 1])) {
      w.put(md[i + 1]), i += 2;
    } else if (c == '`') {
      auto span = code_span(md, i);
      if (span) w.put_marked(render_code(span->second), {0, 0, true, ""});
      i = span ? i + span->first : std::min(md.size(), md.find_first_not_of('`', i));  // unmatched: dropped
    } else if (auto link = (c == '[' || md.substr(i, 2) == "![") ? link_at(md, i) : std::nullopt) {
      w.put_marked(render_inline(link->text), {0, 0, false, link->target});
      i += link->length;
    } else if (c == '<' && i + 1 < md.size() && (is_alpha(md[i + 1]) || md[i + 1] == '/' || md[i + 1] == '!') &&
               md.find('>', i) != npos) {
      std::string_view tag = md.substr(i + 1, md.find('>', i) - i - 1);
      if (tag.starts_with("http://") || tag.starts_with("https://") || tag.starts_with("mailto:")) w.put(tag);
      i += tag.size() + 2;
    } else if (auto entity = c == '&' ? entity_at(md, i) : std::nullopt) {
      w.put(entity->second), i += entity->first;
    } else if (c == '*' || (c == '~' && md.substr(i, 2) == "~~")) {
      i += c == '~' ? 2 : 1;
    } else if (c == '_' && !(i > 0 && is_alnum(md[i - 1]) && i + 1 < md.size() && is_alnum(md[i + 1]))) {
      ++i;
    } else {
      w.put(c), ++i;
    }
  }
  return std::move(w).finish();
}

std::string plain_text(std::string_view markdown) { return render_inline(strip_page_markup(markdown)).text; }

std::string heading_id(std::string_view heading) {
  std::string out;
  for (char c : heading) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (is_alnum(l) || l == '-' || l == '_' || (c & 0x80)) out += l;
    else if (c == ' ') out += '-';
  }
  return out;
}

std::vector<MarkdownSection> markdown_sections(std::string_view markdown) {
  std::string md = strip_page_markup(markdown);
  std::vector<MarkdownSection> out;
  BlockBuilder body;
  auto finish = [&] {
    if (!out.empty()) out.back().blocks = std::move(body).finish();
    body = BlockBuilder();
  };
  bool in_code = false;
  int no = 0;
  for (std::size_t pos = 0; pos < md.size();) {
    std::size_t nl = std::string_view(md).find('\n', pos);
    std::string_view line = std::string_view(md).substr(pos, nl == npos ? npos : nl - pos);
    pos = nl == npos ? md.size() : nl + 1;
    ++no;
    if (!in_code && atx_heading(line).first == 2) {
      finish();
      auto [heading, id] = explicit_id(atx_heading(line).second);
      std::string title = render_inline(heading).text;
      out.push_back({title, id.empty() ? heading_id(title) : id, no, {}});
      continue;
    }
    if (is_fence(line)) in_code = !in_code;
    if (!out.empty()) body.line(line, no);
  }
  finish();
  return out;
}

}  // namespace tmfault
