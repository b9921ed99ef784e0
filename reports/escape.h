#pragma once
// Escaping for hostile text (logs, exception messages): every report format goes through here.
#include <string>
#include <string_view>

namespace tmfault::reports {

/// `s` as valid UTF-8: each maximal invalid subsequence (per Unicode's "best practice") becomes
/// U+FFFD. Valid input is returned unchanged.
std::string valid_utf8(std::string_view s);

/// valid_utf8(s) with characters that XML 1.0 and HTML forbid or that a terminal would
/// interpret (C0 controls except tab, newline and carriage return; DEL; C1 controls;
/// U+FFFE, U+FFFF) replaced by U+FFFD.
std::string printable_text(std::string_view s);

/// Element content for XML and HTML: printable_text with & < > escaped (so `]]>` and
/// `<script>` are inert; no CDATA is used anywhere).
std::string xml_text(std::string_view s);

/// A double-quoted attribute value: xml_text plus " and ', and tab/newline/CR as character
/// references so attribute-value normalisation keeps them.
std::string xml_attr(std::string_view s);

/// True when `s` is well-formed UTF-8.
bool is_valid_utf8(std::string_view s);

}  // namespace tmfault::reports
