#pragma once
// The guide under test and what `tmfault doc-check` found about it: plain value types.
#include <string>
#include <vector>

#include "model/model.h"

namespace tmfault {

/// One "## " section of the guide.
struct DocSection {
  std::string title;                ///< the heading's text
  std::string anchor;               ///< its kramdown id, as in `doc = "mem_trouble.md#<anchor>"`
  int line = 0;                     ///< 1-based line of the heading
  std::string text;                 ///< the section's plain text (see plain_text)
  std::vector<std::string> advice;  ///< what it tells the reader to change, one unit each
};

/// One claim of a scenario: a faulty run (the symptom) or a remedy, with the guide's words it
/// quotes. `record` points into the results given to check_doc (nullptr: not in them).
struct DocClaim {
  std::string variant;              ///< "heap-space/increase-total-memory"
  std::string name;                 ///< the remedy's name, or "symptom"
  VariantKind kind = VariantKind::faulty;
  std::string quote;                ///< "" when the scenario quotes nothing
  bool quote_found = false;         ///< the quote is in its section's plain text
  SourcePos pos;                    ///< where the claim is written
  const RunRecord* record = nullptr;
};

struct DocSectionCheck {
  DocSection section;
  std::vector<std::string> scenarios;      ///< ids of the scenarios that check this section
  std::vector<DocClaim> claims;
  std::vector<std::string> untested;       ///< advice units that no claim quotes
};

struct DocCheck {
  std::string doc_name;                    ///< "mem_trouble.md"
  std::vector<DocSectionCheck> sections;   ///< in the guide's order
  std::vector<DocClaim> orphans;           ///< claims of scenarios whose anchor names no section
  std::string flink_version;               ///< of the results, "" without
};

}  // namespace tmfault
