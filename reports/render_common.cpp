// The report's helpers that other files of fa-report use (reports/report.hpp): number format,
// escaping, embedded figures.
#include "reports/render_common.hpp"

namespace fa::report {

using namespace render_detail;

std::string fmt(double x, const char* f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

std::string html_escape(const std::string& s) {
  return html(s);
}
std::string markdown_escape(const std::string& s) {
  return md(s);
}

std::string figure_html(const Plot& p) {
  return "<figure><img alt=\"" + html(p.title) + "\" src=\"data:image/svg+xml;base64," +
         base64(p.svg) + "\"><figcaption>" + html(p.caption) + "</figcaption></figure>\n";
}

}  // namespace fa::report
