#include "harness/stages/doc.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "harness/stages/scenario.h"

namespace tmfault {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string collapse_spaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// "* item" or "- item" (after indentation): the item's text, else nullopt.
std::optional<std::string_view> list_item(std::string_view line) {
  std::size_t i = line.find_first_not_of(' ');
  if (i == std::string_view::npos || i + 1 >= line.size()) return std::nullopt;
  if ((line[i] == '*' || line[i] == '-') && line[i + 1] == ' ') return line.substr(i + 2);
  return std::nullopt;
}

/// Sentences of a paragraph's plain text: split after . ! ? or : followed by a space, except
/// after "e.g." and "i.e.".
std::vector<std::string> sentences(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    char c = text[i];
    if ((c != '.' && c != '!' && c != '?' && c != ':') || text[i + 1] != ' ') continue;
    std::string_view before = std::string_view(text).substr(start, i + 1 - start);
    if (before.ends_with("e.g.") || before.ends_with("i.e.")) continue;
    out.emplace_back(before);
    start = i + 2;
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

/// Does this unit tell the reader to change something?
bool is_advice(std::string_view unit) {
  std::string l = lower(unit);
  return l.find("increas") != std::string::npos || l.find("adjust") != std::string::npos;
}

/// Advice units of a section body: advising sentences of its paragraphs, and the items of a
/// list that an advising sentence ending in ':' introduces (the items replace that sentence).
std::vector<std::string> advice_units(const std::vector<std::string_view>& body) {
  std::vector<std::string> units;
  std::string paragraph;
  bool list_wanted = false;  // the last advising sentence ended with ':'
  auto flush = [&] {
    if (paragraph.empty()) return;
    list_wanted = false;
    for (const std::string& s : sentences(plain_text(paragraph))) {
      if (!is_advice(s)) continue;
      if (s.ends_with(":")) list_wanted = true;
      else units.push_back(s);
    }
    paragraph.clear();
  };
  for (std::string_view line : body) {
    if (auto item = list_item(line)) {
      flush();
      if (list_wanted) units.push_back(plain_text(*item));
      continue;
    }
    if (collapse_spaces(line).empty()) {
      flush();
      continue;
    }
    paragraph.append(line).push_back('\n');
  }
  flush();
  return units;
}

std::string_view strip_front_matter(std::string_view md) {
  if (!md.starts_with("---\n")) return md;
  std::size_t end = md.find("\n---\n", 3);
  return end == std::string_view::npos ? md : md.substr(end + 5);
}

DocClaim make_claim(const Scenario& sc, const std::string& variant, std::string name, VariantKind kind,
                    const std::string& quote, SourcePos pos, const SuiteResult* results) {
  DocClaim c{sc.id + "/" + variant, std::move(name), kind, collapse_spaces(quote), false, std::move(pos), nullptr};
  if (results)
    for (const RunRecord& r : results->records)
      if (r.plan.scenario_id == sc.id && r.plan.variant == variant) c.record = &r;
  return c;
}

}  // namespace

std::string plain_text(std::string_view md) {
  std::string out;
  for (std::size_t i = 0; i < md.size();) {
    if (md.substr(i).starts_with("<!--")) {  // comment: dropped whole
      std::size_t end = md.find("-->", i);
      i = end == std::string_view::npos ? md.size() : end + 3;
      continue;
    }
    char c = md[i];
    if (c == '<') {  // an HTML tag: dropped, its inner text stays
      std::size_t end = md.find('>', i);
      if (end != std::string_view::npos) { i = end + 1; continue; }
    }
    if (c == '[') {  // [text](target) -> text
      std::size_t close = md.find(']', i);
      if (close != std::string_view::npos && close + 1 < md.size() && md[close + 1] == '(') {
        std::size_t end = md.find(')', close);
        if (end != std::string_view::npos) {
          out += plain_text(md.substr(i + 1, close - i - 1));
          i = end + 1;
          continue;
        }
      }
    }
    if (c == '*' || c == '`') { ++i; continue; }  // emphasis, code and bullet marks
    out += c;
    ++i;
  }
  return collapse_spaces(out);
}

std::string heading_id(std::string_view heading) {
  std::string out;
  for (char c : lower(heading)) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') out += c;
    else if (c == ' ') out += '-';
  }
  return out;
}

std::vector<DocSection> parse_doc(std::string_view markdown) {
  std::string_view md = strip_front_matter(markdown);
  int line_no = static_cast<int>(std::count(markdown.begin(), markdown.end() - md.size(), '\n'));
  std::vector<DocSection> out;
  std::vector<std::string_view> body;
  std::string text;
  auto finish = [&] {
    if (out.empty()) return;
    out.back().text = plain_text(text);
    out.back().advice = advice_units(body);
    body.clear(), text.clear();
  };
  for (std::size_t pos = 0; pos < md.size();) {
    std::size_t nl = md.find('\n', pos);
    std::string_view line = md.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? md.size() : nl + 1;
    ++line_no;
    if (line.starts_with("## ")) {
      finish();
      std::string title = plain_text(line.substr(3));
      out.push_back({title, heading_id(title), line_no, {}, {}});
      continue;
    }
    if (out.empty()) continue;  // before the first section: front matter, licence, toc
    body.push_back(line);
    text.append(line).push_back('\n');
  }
  finish();
  return out;
}

DocCheck check_doc(const std::vector<DocSection>& sections, std::string_view doc_name,
                   const std::vector<Scenario>& scenarios, const SuiteResult* results) {
  DocCheck dc;
  dc.doc_name = doc_name;
  if (results) dc.flink_version = results->flink_version;
  for (const DocSection& s : sections) dc.sections.push_back({s, {}, {}, {}});
  for (const Scenario& sc : scenarios) {
    std::vector<DocClaim> claims;
    claims.push_back(make_claim(sc, "faulty", "symptom", VariantKind::faulty, sc.expect_quote,
                                {sc.file, 0, 0}, results));
    for (const Remedy& r : sc.remedies)
      claims.push_back(make_claim(sc, slugify(r.name), r.name, VariantKind::remedy, r.quote, r.pos, results));
    std::string_view doc = sc.doc;
    std::size_t hash = doc.find('#');
    auto it = std::find_if(dc.sections.begin(), dc.sections.end(), [&](const DocSectionCheck& s) {
      return hash != std::string_view::npos && doc.substr(hash + 1) == s.section.anchor;
    });
    if (it == dc.sections.end()) {
      dc.orphans.insert(dc.orphans.end(), claims.begin(), claims.end());
      continue;
    }
    it->scenarios.push_back(sc.id);
    for (DocClaim& c : claims) {
      c.quote_found = !c.quote.empty() && it->section.text.find(c.quote) != std::string::npos;
      it->claims.push_back(std::move(c));
    }
  }
  for (DocSectionCheck& s : dc.sections)
    for (const std::string& unit : s.section.advice) {
      bool tested = std::any_of(s.claims.begin(), s.claims.end(), [&](const DocClaim& c) {
        return c.kind == VariantKind::remedy && c.quote_found &&
               (unit.find(c.quote) != std::string::npos || c.quote.find(unit) != std::string::npos);
      });
      if (!tested) s.untested.push_back(unit);
    }
  return dc;
}

std::vector<std::string> doc_problems(const DocCheck& dc) {
  std::vector<std::string> out;
  auto where = [](const DocClaim& c) {
    return c.pos.line > 0 ? fmt::format("{}:{}:{}", c.pos.file.string(), c.pos.line, c.pos.column)
                          : c.pos.file.string();
  };
  for (const DocSectionCheck& s : dc.sections) {
    if (s.scenarios.empty())
      out.push_back(fmt::format("uncovered: section '{}' (line {}) has no scenario", s.section.title,
                                s.section.line));
    for (const DocClaim& c : s.claims) {
      if (c.quote.empty())
        out.push_back(fmt::format("unquoted: {} ({}) quotes nothing of the guide (add quote = \"...\")",
                                  c.variant, where(c)));
      else if (!c.quote_found)
        out.push_back(fmt::format("stale: {} ({}): '{}' is no longer in section '{}'", c.variant, where(c),
                                  c.quote, s.section.title));
      if (c.record && c.record->verdict.outcome == Outcome::fail)
        out.push_back(fmt::format("contradicted: {} ({}): {}", c.variant, where(c), c.record->verdict.reason));
    }
    for (const std::string& u : s.untested)
      out.push_back(fmt::format("untested: section '{}' advises '{}', no remedy quotes it", s.section.title, u));
  }
  for (const DocClaim& c : dc.orphans)
    if (c.kind == VariantKind::faulty)
      out.push_back(fmt::format("orphan: scenario {} ({}) names a section the guide does not have",
                                c.variant.substr(0, c.variant.find('/')), where(c)));
  return out;
}

}  // namespace tmfault
