#include "harness/stages/doc.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include <fmt/format.h>

#include "harness/stages/diagnostic.h"
#include "harness/stages/scenario.h"

namespace tmfault {
namespace {

constexpr auto npos = std::string::npos;

/// [begin, end) of a text.
struct Span {
  std::size_t begin = 0, end = 0;
};

struct Mention {
  Span at;
  Role role;
};

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string collapse_spaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
    else if (!out.empty() && out.back() != ' ') out += ' ';
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string_view slice(const std::string& text, Span s) {
  return std::string_view(text).substr(s.begin, s.end - s.begin);
}

bool inside(Span inner, Span outer) { return outer.begin <= inner.begin && inner.end <= outer.end; }

/// Sentences of a block's text: split after . ! ? and a space, unless the next word starts in
/// lower case ("e.g. negative", "etc. or") or the sentence so far ends in "e.g." or "i.e.".
std::vector<Span> sentences(const std::string& text) {
  std::vector<Span> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    char c = text[i];
    if ((c != '.' && c != '!' && c != '?') || text[i + 1] != ' ') continue;
    if (std::islower(static_cast<unsigned char>(text[i + 2]))) continue;
    std::string_view before = slice(text, {start, i + 1});
    if (before.ends_with("e.g.") || before.ends_with("i.e.")) continue;
    out.push_back({start, i + 1});
    start = i + 2;
  }
  if (start < text.size()) out.push_back({start, text.size()});
  return out;
}

/// The words (runs of letters, lower case) of a span, outside code spans.
std::vector<std::pair<Span, std::string>> words(const MarkedText& t, Span s) {
  std::vector<std::pair<Span, std::string>> out;
  for (std::size_t i = s.begin; i < s.end;) {
    if (!is_alpha(t.text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.end && is_alpha(t.text[j])) ++j;
    bool code = std::any_of(t.marks.begin(), t.marks.end(), [&](const TextMark& m) {
      return m.code && inside({i, j}, {m.begin, m.end});
    });
    bool hyphenated = (i > 0 && t.text[i - 1] == '-') || (j < t.text.size() && t.text[j] == '-');
    if (!code && !hyphenated) out.push_back({{i, j}, lower(slice(t.text, {i, j}))});
    i = j;
  }
  return out;
}

constexpr std::array<std::string_view, 22> kSuggestingVerbs{"increase",  "increasing",  "adjust",   "adjusting",
                                                            "enable",    "enabling",    "set",      "setting",
                                                            "raise",     "raising",     "lower",    "lowering",
                                                            "reduce",    "reducing",    "decrease", "decreasing",
                                                            "configure", "configuring", "disable",  "disabling",
                                                            "check",     "checking"};

/// Where the span's suggesting verbs are. Not a suggestion: after an article ("the setting",
/// "an increase"), after "how to" (a topic: "see how to configure"), before "than" ("lower than").
std::vector<Span> suggesting_verbs(const MarkedText& t, Span s) {
  auto ws = words(t, s);
  std::vector<Span> out;
  for (std::size_t i = 0; i < ws.size(); ++i) {
    const std::string& w = ws[i].second;
    if (std::find(kSuggestingVerbs.begin(), kSuggestingVerbs.end(), w) == kSuggestingVerbs.end()) continue;
    auto before = [&](std::size_t back) { return i >= back ? ws[i - back].second : std::string(); };
    if (before(1) == "a" || before(1) == "an" || before(1) == "the") continue;
    if (before(2) == "how" && before(1) == "to") continue;
    if (i + 1 < ws.size() && ws[i + 1].second == "than") continue;
    out.push_back(ws[i].first);
  }
  return out;
}

/// "taskmanager.memory.network.min": lower case, dotted, no spaces.
bool is_option_key(std::string_view s) {
  if (s.empty() || !std::islower(static_cast<unsigned char>(s.front())) || s.back() == '.') return false;
  bool dotted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      if (s[i - 1] == '.') return false;
      dotted = true;
    } else if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                 c == '-' || c == '_')) {
      return false;
    }
  }
  return dotted;
}

/// Does the span name an option in a code span or as a link's text?
bool names_option(const MarkedText& t, Span s) {
  return std::any_of(t.marks.begin(), t.marks.end(), [&](const TextMark& m) {
    return inside({m.begin, m.end}, s) && is_option_key(slice(t.text, {m.begin, m.end}));
  });
}

constexpr std::array<std::pair<std::string_view, Role>, 5> kProcessWords{{{"jobmanager", Role::jobmanager},
                                                                          {"job manager", Role::jobmanager},
                                                                          {"taskmanager", Role::taskmanager},
                                                                          {"task manager", Role::taskmanager},
                                                                          {"task executor", Role::taskmanager}}};
constexpr std::array<std::pair<std::string_view, Role>, 4> kProcessLinks{{{"mem_setup_jobmanager", Role::jobmanager},
                                                                          {"mem_setup_tm", Role::taskmanager},
                                                                          {"#jobmanager-", Role::jobmanager},
                                                                          {"#taskmanager-", Role::taskmanager}}};

/// Where the span names a process: a word ("JobManagers", "TaskManager's", "task executor",
/// the key "jobmanager.memory.x"; not "JobManagerProcessUtils") or a link to its pages.
std::vector<Mention> mentions(const MarkedText& t, Span s) {
  std::vector<Mention> out;
  std::string l = lower(t.text);
  for (auto [word, role] : kProcessWords)
    for (std::size_t at = l.find(word, s.begin); at != npos && at + word.size() <= s.end; at = l.find(word, at + 1)) {
      std::size_t end = at + word.size();
      if (l.compare(end, 2, "'s") == 0) end += 2;
      else if (end < s.end && l[end] == 's') ++end;
      if ((at > 0 && is_alnum(l[at - 1])) || (end < s.end && is_alnum(l[end]))) continue;
      out.push_back({{at, end}, role});
    }
  for (const TextMark& m : t.marks)
    for (auto [part, role] : kProcessLinks)
      if (!m.code && inside({m.begin, m.end}, s) && lower(m.target).find(part) != npos)
        out.push_back({{m.begin, m.end}, role});
  std::sort(out.begin(), out.end(), [](const Mention& a, const Mention& b) { return a.at.begin < b.at.begin; });
  return out;
}

/// Runs of mentions of one process, in order: {TaskManagers}, {JobManagers}.
std::vector<Mention> process_runs(const std::vector<Mention>& ms) {
  std::vector<Mention> runs;
  for (const Mention& m : ms) {
    if (!runs.empty() && runs.back().role == m.role) runs.back().at.end = std::max(runs.back().at.end, m.at.end);
    else runs.push_back(m);
  }
  return runs;
}

/// The last " or " / " and " / ", " / "; " within a gap (", or" taken whole); nullopt: none.
std::optional<Span> last_joint(const std::string& text, Span gap) {
  std::optional<Span> best;
  for (std::string_view j : {" or ", " and ", ", ", "; "}) {
    std::size_t at = std::string_view(text).substr(0, gap.end).rfind(j);
    if (at == npos || at < gap.begin || (best && at <= best->begin)) continue;
    best = Span{at, at + j.size()};
  }
  if (best && best->begin > gap.begin && text[best->begin - 1] == ',') --best->begin;
  return best;
}

/// Where the first part of a split sentence starts: as many words before the first joint as
/// the second part has, but after the last verb before it (the stem keeps the verb).
std::size_t first_part_start(const MarkedText& t, Span s, Span joint, Span second, const std::vector<Span>& verbs) {
  std::size_t n = std::count(t.text.begin() + second.begin, t.text.begin() + second.end, ' ') + 1;
  std::size_t start = joint.begin;
  for (; n > 0; --n) {
    while (start > s.begin && t.text[start - 1] == ' ') --start;
    while (start > s.begin && t.text[start - 1] != ' ') --start;
  }
  for (Span v : verbs)
    if (v.end <= joint.begin) start = std::max(start, std::min(v.end + 1, joint.begin));
  return start;
}

DocAdvice unit(const std::string& text, std::optional<Role> process, Span own, std::size_t base) {
  return {collapse_spaces(text), process, base + own.begin, base + own.end};
}

/// A sentence naming both processes, cut at the joints between its runs of mentions: one unit
/// per part, each with the shared stem before the first part and the final punctuation.
std::vector<DocAdvice> split_by_process(const MarkedText& t, Span s, const std::vector<Mention>& runs,
                                        const std::vector<Span>& joints, const std::vector<Span>& verbs,
                                        std::size_t base) {
  std::size_t end = s.end;  // the last part runs to the sentence's final punctuation
  while (end > s.begin && std::string_view(".!?:").find(t.text[end - 1]) != npos) --end;
  std::vector<Span> parts;
  for (std::size_t i = 1; i < runs.size(); ++i)
    parts.push_back({joints[i - 1].end, i + 1 < runs.size() ? joints[i].begin : end});
  std::size_t start = first_part_start(t, s, joints[0], parts[0], verbs);
  if (start > runs[0].at.begin) {  // the first part holds its first mention, the stem a verb if it can
    bool verb_before = std::any_of(verbs.begin(), verbs.end(), [&](Span v) { return v.end <= runs[0].at.begin; });
    start = verb_before ? runs[0].at.begin : s.begin;  // else "For TaskManagers, increase x, and ...": no stem
  }
  parts.insert(parts.begin(), Span{start, joints[0].begin});
  std::string stem(slice(t.text, {s.begin, start})), tail(slice(t.text, {parts.back().end, s.end}));
  std::vector<DocAdvice> out;
  for (std::size_t i = 0; i < parts.size(); ++i)
    out.push_back(unit(stem + std::string(slice(t.text, parts[i])) + tail, runs[i].role, parts[i], base));
  return out;
}

/// The units of one sentence (or list item) of a block whose text starts at `base` in its
/// section's text. `forced`: advice whatever its words (an item of an advised list).
std::vector<DocAdvice> units_of(const MarkedText& t, Span s, std::size_t base, bool forced,
                                std::optional<Role> inherited) {
  std::vector<Span> verbs = suggesting_verbs(t, s);
  if (!forced && verbs.empty() && !names_option(t, s)) return {};
  std::string whole(slice(t.text, s));
  std::vector<Mention> runs = process_runs(mentions(t, s));
  if (runs.empty()) return {unit(whole, inherited, s, base)};
  if (runs.size() == 1) return {unit(whole, runs[0].role, s, base)};
  std::vector<Span> joints;
  for (std::size_t i = 1; i < runs.size(); ++i)
    if (auto j = last_joint(t.text, {runs[i - 1].at.end, runs[i].at.begin})) joints.push_back(*j);
  if (joints.size() + 1 == runs.size()) return split_by_process(t, s, runs, joints, verbs, base);
  std::vector<DocAdvice> out;  // no joint to split at: the whole sentence, once per process
  for (Role r : {Role::taskmanager, Role::jobmanager})
    if (std::any_of(runs.begin(), runs.end(), [&](const Mention& m) { return m.role == r; }))
      out.push_back(unit(whole, r, s, base));
  return out;
}

/// The units of advice of a section's blocks; `text` gets the section's plain text.
std::vector<DocAdvice> advice_units(const std::vector<DocBlock>& blocks, std::string& text) {
  std::vector<DocAdvice> out;
  std::optional<std::optional<Role>> list_of;  // set while the items of an advised list go on
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const MarkedText& t = blocks[b].text;
    std::size_t base = text.empty() ? 0 : text.size() + 1;
    text += (text.empty() ? "" : " ") + t.text;
    if (blocks[b].kind != BlockKind::list_item) list_of.reset();
    if (blocks[b].kind == BlockKind::code || blocks[b].kind == BlockKind::heading) continue;
    if (list_of) {
      auto units = units_of(t, {0, t.text.size()}, base, true, *list_of);
      out.insert(out.end(), units.begin(), units.end());
      continue;
    }
    std::vector<Span> ss = sentences(t.text);
    for (std::size_t i = 0; i < ss.size(); ++i) {
      auto units = units_of(t, ss[i], base, false, std::nullopt);
      bool introduces = i + 1 == ss.size() && t.text.ends_with(':') && b + 1 < blocks.size() &&
                        blocks[b + 1].kind == BlockKind::list_item;
      if (introduces && !units.empty()) list_of = units.size() == 1 ? units[0].process : std::nullopt;
      else out.insert(out.end(), units.begin(), units.end());
    }
  }
  return out;
}

/// Every place `quote` (lower case) starts in `text` (lower case).
std::vector<std::size_t> occurrences(const std::string& text, const std::string& quote) {
  std::vector<std::size_t> out;
  if (quote.empty()) return out;
  for (std::size_t at = text.find(quote); at != npos; at = text.find(quote, at + 1)) out.push_back(at);
  return out;
}

DocClaim make_claim(const Scenario& sc, const std::string& variant, std::string name, VariantKind kind,
                    const std::string& quote, SourcePos pos, const SuiteResult* results) {
  DocClaim c{sc.id + "/" + variant, std::move(name), kind, sc.subject, collapse_spaces(quote), false,
             std::move(pos),        nullptr,         ""};
  if (results)
    for (const RunRecord& r : results->records)
      if (r.plan.scenario_id == sc.id && r.plan.variant == variant) c.record = &r;
  return c;
}

std::vector<DocClaim> claims_of(const Scenario& sc, const SuiteResult* results) {
  std::vector<DocClaim> claims;
  claims.push_back(make_claim(sc, "faulty", "symptom", VariantKind::faulty, sc.expect_quote, {sc.file, 0, 0}, results));
  for (const Remedy& r : sc.remedies) {
    claims.push_back(make_claim(sc, slugify(r.name), r.name, VariantKind::remedy, r.quote, r.pos, results));
    claims.back().source = r.source;
  }
  return claims;
}

/// Finds each claim's quote in the section and which remedies test each unit of its advice.
void check_section(DocSectionCheck& s) {
  std::string text = lower(s.section.text);
  std::vector<std::vector<std::size_t>> found;
  for (DocClaim& c : s.claims) {
    found.push_back(c.source.empty() ? occurrences(text, lower(c.quote)) : std::vector<std::size_t>{});
    c.quote_found = !found.back().empty();
  }
  for (const DocAdvice& a : s.section.advice) {
    DocAdviceCheck check{a, {}};
    for (std::size_t i = 0; i < s.claims.size(); ++i) {
      const DocClaim& c = s.claims[i];
      if (c.kind != VariantKind::remedy || (a.process && *a.process != c.subject)) continue;
      Span own{a.begin, a.end};
      if (std::any_of(found[i].begin(), found[i].end(), [&](std::size_t at) {
            Span q{at, at + c.quote.size()};
            return inside(own, q) || inside(q, own);
          }))
        check.tested_by.push_back(c.variant);
    }
    s.advice.push_back(std::move(check));
  }
}

}  // namespace

std::vector<DocSection> parse_doc(std::string_view markdown) {
  std::vector<DocSection> out;
  for (const MarkdownSection& m : markdown_sections(markdown)) {
    DocSection s{m.title, m.anchor, m.line, {}, {}};
    s.advice = advice_units(m.blocks, s.text);
    out.push_back(std::move(s));
  }
  return out;
}

DocCheck check_doc(const std::vector<DocSection>& sections, std::string_view doc_name,
                   const std::vector<Scenario>& scenarios, const SuiteResult* results) {
  DocCheck dc;
  dc.doc_name = doc_name;
  if (results) dc.flink_version = results->flink_version;
  for (const DocSection& s : sections) dc.sections.push_back({s, {}, {}, {}});
  for (const Scenario& sc : scenarios) {
    std::vector<DocClaim> claims = claims_of(sc, results);
    std::size_t hash = sc.doc.find('#');
    auto it = std::find_if(dc.sections.begin(), dc.sections.end(), [&](const DocSectionCheck& s) {
      return hash != npos && sc.doc.substr(hash + 1) == s.section.anchor;
    });
    if (it == dc.sections.end()) {
      dc.orphans.insert(dc.orphans.end(), claims.begin(), claims.end());
      continue;
    }
    it->scenarios.push_back(sc.id);
    it->claims.insert(it->claims.end(), claims.begin(), claims.end());
  }
  for (DocSectionCheck& s : dc.sections) check_section(s);
  return dc;
}

std::vector<std::string> doc_problems(const DocCheck& dc) {
  std::vector<std::string> out;
  auto where = [](const DocClaim& c) {
    return c.pos.line > 0 ? fmt::format("{}:{}:{}", c.pos.file.string(), c.pos.line, c.pos.column)
                          : c.pos.file.string();
  };
  for (const DocSectionCheck& s : dc.sections) {
    std::string section = quote(s.section.title);
    if (s.scenarios.empty())
      out.push_back(fmt::format("uncovered: section {} (line {}) has no scenario", section, s.section.line));
    for (const DocClaim& c : s.claims) {
      bool guide_claim = c.source.empty();  // else another page's words: nothing of this guide to find
      if (guide_claim && c.quote.empty())
        out.push_back(fmt::format("unquoted: {} ({}) quotes nothing of the guide (add quote = \"...\")", c.variant,
                                  where(c)));
      else if (guide_claim && !c.quote_found)
        out.push_back(fmt::format("stale: {} ({}): {} is no longer in section {}", c.variant, where(c), quote(c.quote),
                                  section));
      if (c.record && c.record->verdict.outcome == Outcome::fail)
        out.push_back(fmt::format("contradicted: {} ({}): {}", c.variant, where(c), c.record->verdict.reason));
    }
    for (const DocAdviceCheck& a : s.advice) {
      if (!a.tested_by.empty()) continue;
      if (a.advice.process)
        out.push_back(fmt::format("untested: section {} advises {} for the {}, no remedy of a {} scenario quotes it",
                                  section, quote(a.advice.text), role_name(*a.advice.process),
                                  role_name(*a.advice.process)));
      else
        out.push_back(fmt::format("untested: section {} advises {}, no remedy quotes it", section,
                                  quote(a.advice.text)));
    }
  }
  for (const DocClaim& c : dc.orphans)
    if (c.kind == VariantKind::faulty)
      out.push_back(fmt::format("orphan: scenario {} ({}) names a section the guide does not have",
                                c.variant.substr(0, c.variant.find('/')), where(c)));
  return out;
}

}  // namespace tmfault
