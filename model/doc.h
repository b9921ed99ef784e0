#pragma once
// The guide under test and what `tmfault doc-check` found about it: plain value types.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "model/model.h"

namespace tmfault {

/// One unit of advice: a sentence that tells the reader to change something, or one item of
/// a list such a sentence introduces, or, where a sentence advises both processes, its part
/// for one of them ("You can also directly increase JVM Heap memory for JobManagers.").
struct DocAdvice {
  std::string text;              ///< as a reader would act on it (a part keeps its sentence's stem)
  std::optional<Role> process;   ///< the process it names; nullopt: it names neither
  std::size_t begin = 0, end = 0;  ///< its own words in DocSection::text: [begin, end)
};

/// One "## " section of the guide.
struct DocSection {
  std::string title;                ///< the heading's text
  std::string anchor;               ///< its heading id, as in `doc = "mem_trouble.md#<anchor>"`
  int line = 0;                     ///< 1-based line of the heading
  std::string text;                 ///< the section's plain text (see plain_text)
  std::vector<DocAdvice> advice;    ///< what it tells the reader to change, one unit each
};

/// One claim of a scenario: a faulty run (the symptom) or a remedy, with the guide's words it
/// quotes. `record` points into the results given to check_doc (nullptr: not in them).
struct DocClaim {
  std::string variant;              ///< "heap-space/increase-total-memory"
  std::string name;                 ///< the remedy's name, or "symptom"
  VariantKind kind = VariantKind::faulty;
  Role subject = Role::taskmanager; ///< the process its scenario is about
  std::string quote;                ///< "" when the scenario quotes nothing
  bool quote_found = false;         ///< the quote is in its section's plain text (any case, any spacing)
  SourcePos pos;                    ///< where the claim is written
  const RunRecord* record = nullptr;
  std::string source;               ///< a remedy from another page: quote is that page's, not looked for
};

/// A unit of advice and the remedies that test it: they quote its words, and their scenario is
/// about the process it names (any process when it names none).
struct DocAdviceCheck {
  DocAdvice advice;
  std::vector<std::string> tested_by;  ///< variants; empty: untested
};

struct DocSectionCheck {
  DocSection section;
  std::vector<std::string> scenarios;      ///< ids of the scenarios that check this section
  std::vector<DocClaim> claims;
  std::vector<DocAdviceCheck> advice;      ///< one per unit of section.advice, in order
};

struct DocCheck {
  std::string doc_name;                    ///< "mem_trouble.md"
  std::vector<DocSectionCheck> sections;   ///< in the guide's order
  std::vector<DocClaim> orphans;           ///< claims of scenarios whose anchor names no section
  std::string flink_version;               ///< of the results, "" without
};

}  // namespace tmfault
