#include "reports/reports.h"

namespace tmfault::reports {

std::optional<Format> format_from_name(std::string_view name) {
  if (name == "text") return Format::text;
  if (name == "json") return Format::json;
  if (name == "junit") return Format::junit;
  if (name == "html") return Format::html;
  return std::nullopt;
}

std::string render(const SuiteResult& s, Format f, bool color) {
  switch (f) {
    case Format::text: return text_report(s, color);
    case Format::json: return suite_json(s);
    case Format::junit: return junit_xml(s);
    case Format::html: return html_page(s);
  }
  return {};
}

}  // namespace tmfault::reports
