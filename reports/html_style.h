#pragma once
// The inline stylesheet of the HTML report (page and SVG timeline).
#include <string_view>

namespace tmfault::reports {

/// CSS for html_page(): no external fonts, images or imports.
std::string_view html_css();

}  // namespace tmfault::reports
