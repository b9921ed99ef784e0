#pragma once
// The guide under test (mem_trouble.md) as data, and which of its words the scenarios claim.
// Pure: markdown text in, sections and coverage out. `tmfault doc-check` prints the result.
// Markdown -> text lives in doc_text.h; this half reads advice from the text and checks claims.
#include <string>
#include <string_view>
#include <vector>

#include "harness/stages/doc_text.h"
#include "model/doc.h"
#include "model/model.h"

namespace tmfault {

/// The "## " sections of a guide (Jekyll/kramdown or Hugo Markdown), each with its plain text
/// and its units of advice. The rules, per sentence of a paragraph or list item:
/// - advice: it has a suggesting verb (increase, adjust, enable, set, raise, lower, reduce,
///   decrease, configure, disable, check, or its -ing form) anywhere, not as a noun or topic
///   ("the setting", "how to configure", "lower than"), or it names an option in a code span
///   or a link's text (`taskmanager.memory.network.min`);
/// - an advising sentence that ends in ':' and is followed by a list is replaced by the
///   list's items, each a unit ("... by adjusting the following options:");
/// - its process: the JobManager or the TaskManager when the unit names it (JobManager(s),
///   TaskManager(s), task executor, an option key jobmanager.* / taskmanager.*, a link to
///   mem_setup_jobmanager / mem_setup_tm / #jobmanager-* / #taskmanager-*), else neither;
/// - a sentence naming both is split where "or" / "and" / "," joins the two parts: one unit per
///   part, each with the sentence's shared stem ("You can also directly increase task heap
///   memory for TaskManagers or JVM Heap memory for JobManagers." -> "... increase task heap
///   memory for TaskManagers." and "... increase JVM Heap memory for JobManagers."); when no
///   such joint exists, one unit per process with the whole sentence.
std::vector<DocSection> parse_doc(std::string_view markdown);

/// Which section each scenario checks, whether its quotes are still the guide's words (case and
/// spacing aside), which advice no scenario tests, and (given a stored run) what the runs
/// concluded. A remedy tests a unit when its quote is the unit's own words or lies within them,
/// and its scenario's subject is the unit's process (any, for a unit naming neither).
/// `doc_name` is the page's file name, for the report; anchors alone pick sections.
DocCheck check_doc(const std::vector<DocSection>& sections, std::string_view doc_name,
                   const std::vector<Scenario>& scenarios, const SuiteResult* results);

/// One line per problem, each starting with its kind: "uncovered:" (a section no scenario
/// checks), "stale:" (a quote the guide no longer has), "unquoted:" (a claim without the
/// guide's words), "untested:" (advice no remedy quotes), "orphan:" (a scenario whose anchor
/// names no section), "contradicted:" (a claim whose stored run failed). Empty: every section
/// and every piece of advice is tested, as written.
std::vector<std::string> doc_problems(const DocCheck& dc);

}  // namespace tmfault
