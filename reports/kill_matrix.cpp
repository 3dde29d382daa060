// The kill matrix's tables (reports/kill_matrix.hpp).
#include "reports/kill_matrix.hpp"

#include "reports/render_common.hpp"

#include <set>
#include <sstream>

namespace fa::report {

using namespace render_detail;

namespace {

std::string kill_cell(const std::string& v) {
  return v == "killed"                ? "K"
         : v == "survived"            ? "."
         : v == "error"               ? "err"
         : v == "reference fails too" ? "ref!"
                                      : "-";
}

const char* const kCertificateNote =
    "Deliberately wrong separation certificates (certify/certificate_falsifiers.hpp) compared "
    "with an independent computation (tests/mutants/certificate_oracle.py): SymPy exact "
    "arithmetic on small instances, Eckart-Young from a float SVD with its error bound on large "
    "ones. Killed: some check fails for the falsifier while the real certificate passes every "
    "check; the control is the real certificate.";

}  // namespace

KillMatrix kill_matrix(const json& mutants, const std::vector<std::string>& claim_order) {
  KillMatrix km;
  if (!mutants.is_object()) return km;
  const json rows = mutants.value("mutants", json::array());
  if (!claim_order.empty()) {
    km.claims = claim_order;
  } else {
    std::set<std::string> ids;
    for (const auto& m : rows)
      if (m.contains("matrix"))
        for (const auto& [id, v] : m["matrix"].items())
          if (v.get<std::string>() != "not run" || id[0] != 'R') ids.insert(id);
    km.claims.assign(ids.begin(), ids.end());
  }
  for (const auto& m : rows) {
    KillMatrix::Row row;
    row.mutant = str(m, "mutant");
    row.description = str(m, "description");
    row.reach = str(m, "reach");
    row.run = str(m, "status") != "not run";
    const json by_scalar = m.value("matrix_by_scalar", json::object());
    for (const auto& id : km.claims) {
      auto cell = [&](const char* scalar) {
        return by_scalar.contains(scalar) && by_scalar[scalar].contains(id)
                   ? by_scalar[scalar][id].get<std::string>()
                   : std::string("not run");
      };
      const std::string d = cell("double"), p = cell("mp");
      if (d == "killed" || p == "killed") ++row.kills;
      row.cells.push_back(row.run ? kill_cell(d) + "/" + kill_cell(p) : "-");
    }
    auto flag = [&](const char* key) { return m.contains(key) && m[key] == true; };
    row.killed_double = flag("killed_in_double");
    row.killed_mp = flag("killed_in_mp");
    row.ok = m.contains("as_expected") ? flag("as_expected") : row.kills > 0;
    km.rows.push_back(row);
  }
  for (const auto& m : mutants.value("certificate_mutants", json::array())) {
    KillMatrix::CertificateRow row;
    row.falsifier = str(m, "mutant");
    row.description = str(m, "description");
    row.run = str(m, "status") == "run";
    for (const auto& by : m.value("killed_by", json::array()))
      row.caught_by += (row.caught_by.empty() ? "" : ", ") + by.get<std::string>();
    if (row.caught_by.empty()) row.caught_by = row.run ? "nothing" : "not run";
    row.reference_passes = m.value("reference_passes", false);
    row.ok = m.value("as_expected", false);
    km.certificates.push_back(row);
  }
  return km;
}

std::string kill_matrix_markdown(const KillMatrix& km) {
  std::ostringstream os;
  os << "| mutant | reach |";
  for (const auto& id : km.claims) os << " " << md(id) << " |";
  os << " killed in double | killed in mp | as expected |\n|---|---|";
  for (std::size_t i = 0; i < km.claims.size(); ++i) os << ":-:|";
  os << ":-:|:-:|:-:|\n";
  for (const auto& r : km.rows) {
    os << "| " << md(r.mutant) << " | " << md(r.reach) << " |";
    for (const auto& c : r.cells) os << " " << c << " |";
    if (r.run)
      os << " " << (r.killed_double ? "yes" : "no") << " | " << (r.killed_mp ? "yes" : "no")
         << " | " << (r.ok ? "yes" : "**NO**") << " |\n";
    else
      os << " - | - | not run |\n";
  }
  return os.str();
}

std::string certificate_falsifiers_markdown(const KillMatrix& km, const std::string& heading) {
  if (km.certificates.empty()) return "";
  std::ostringstream os;
  os << heading << " Certificate falsifiers\n\n"
     << kCertificateNote
     << "\n\n| falsifier | caught by | real certificate passes | as expected "
        "|\n|---|---|:-:|:-:|\n";
  for (const auto& r : km.certificates)
    os << "| " << md(r.falsifier) << " | " << md(r.caught_by) << " | "
       << (!r.run               ? "-"
           : r.reference_passes ? "yes"
                                : "**no**")
       << " | "
       << (!r.run ? "not run"
           : r.ok ? "yes"
                  : "**NO**")
       << " |\n";
  return os.str() + "\n";
}

std::string kill_matrix_html(const KillMatrix& km) {
  std::ostringstream os;
  os << "<div class=\"wide\"><table class=\"kill\"><tr><th>mutant</th><th>reach</th>";
  for (const auto& id : km.claims) os << "<th>" << html(id) << "</th>";
  os << "<th>killed in double</th><th>killed in mp</th><th>as expected</th></tr>\n";
  for (const auto& r : km.rows) {
    os << "<tr><td title=\"" << html(r.description) << "\"><code>" << html(r.mutant)
       << "</code></td><td>" << html(r.reach) << "</td>";
    for (const auto& c : r.cells)
      os << "<td class=\""
         << (c.rfind("K/", 0) == 0               ? "ok"
             : c.find("/K") != std::string::npos ? "mp"
                                                 : "none")
         << "\">" << html(c) << "</td>";
    os << "<td>" << (r.killed_double ? "yes" : "no") << "</td><td>" << (r.killed_mp ? "yes" : "no")
       << "</td><td class=\"" << (r.ok ? "ok" : "bad") << "\">" << (r.ok ? "yes" : "NO")
       << "</td></tr>\n";
  }
  os << "</table></div>\n";
  return os.str();
}

std::string certificate_falsifiers_html(const KillMatrix& km) {
  if (km.certificates.empty()) return "";
  std::ostringstream os;
  os << "<h3 id=\"certificate-falsifiers\">Certificate falsifiers</h3>\n<p class=\"note\">"
     << html(kCertificateNote)
     << "</p>\n<table class=\"kill\"><tr><th>falsifier</th><th>caught by</th><th>real "
        "certificate passes</th><th>as expected</th></tr>\n";
  for (const auto& r : km.certificates)
    os << "<tr><td title=\"" << html(r.description) << "\"><code>" << html(r.falsifier)
       << "</code></td><td>" << html(r.caught_by) << "</td><td>"
       << (!r.run               ? "-"
           : r.reference_passes ? "yes"
                                : "NO")
       << "</td><td class=\"" << (r.ok ? "ok" : "bad") << "\">"
       << (!r.run ? "not run"
           : r.ok ? "yes"
                  : "NO")
       << "</td></tr>\n";
  os << "</table>\n";
  return os.str();
}

}  // namespace fa::report
