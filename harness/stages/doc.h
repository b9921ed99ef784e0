#pragma once
// The guide under test (mem_trouble.md) as data, and which of its words the scenarios claim.
// Pure: markdown text in, sections and coverage out. `tmfault doc-check` prints the result.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/doc.h"
#include "model/model.h"

namespace tmfault {

/// Markdown -> the text a reader sees: links [t](u) -> t, *emphasis* and `code` marks and HTML
/// tags dropped (their inner text kept), list bullets dropped, whitespace runs -> one space.
/// Quotes in scenarios are compared against this, so line breaks and link targets in the
/// guide never matter, only its words.
std::string plain_text(std::string_view markdown);

/// kramdown's automatic heading id: "OutOfMemoryError: Java heap space" ->
/// "outofmemoryerror-java-heap-space".
std::string heading_id(std::string_view heading);

/// The "## " sections of a guide, each with its plain text and the units a reader would act
/// on: sentences that tell them to increase or adjust something, and the list items such a
/// sentence introduces ("... by adjusting the following options:").
std::vector<DocSection> parse_doc(std::string_view markdown);

/// Which section each scenario checks, whether its quotes are still the guide's words, which
/// advice no scenario tests, and (given a stored run) what the runs concluded. `doc_name` is
/// the file name scenarios use in `doc = "<name>#<anchor>"`.
DocCheck check_doc(const std::vector<DocSection>& sections, std::string_view doc_name,
                   const std::vector<Scenario>& scenarios, const SuiteResult* results);

/// One line per problem, each starting with its kind: "uncovered:" (a section no scenario
/// checks), "stale:" (a quote the guide no longer has), "unquoted:" (a claim without the
/// guide's words), "untested:" (advice no remedy quotes), "orphan:" (a scenario whose anchor
/// names no section). Empty: every section and every piece of advice is tested, as written.
std::vector<std::string> doc_problems(const DocCheck& dc);

}  // namespace tmfault
