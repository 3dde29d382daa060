// The kill matrix of the mutation tests, read from report/mutants.json and rendered as Markdown or
// HTML tables: ONE renderer for fa-report (claims.md, index.html) and fa-mutants (mutants.md).
// Rows are the mutants of the dynamics (tests/mutants/mutants.hpp), columns the claims expected
// to hold; a cell is "double/mp", each "K" (killed), "." (survived), "-" (not run), "err" (the
// check threw) or "ref!" (the reference fails the same run). A second table holds the
// certificate falsifiers (certify/certificate_falsifiers.hpp) and their control.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace fa::report {

struct KillMatrix {
  std::vector<std::string> claims;
  struct Row {
    std::string mutant, description, reach;
    std::vector<std::string> cells;
    bool run = true;  // false: the mutant has no record (status "not run")
    bool killed_double = false, killed_mp = false;
    int kills = 0;
    bool ok = false;
  };
  std::vector<Row> rows;
  /// The certificate falsifiers and their control, each compared with an independent computation
  /// (SymPy exact, SVD bound).
  struct CertificateRow {
    std::string falsifier, description, caught_by;
    bool run = false, reference_passes = false, ok = false;
  };
  std::vector<CertificateRow> certificates;
};

/// The matrix of mutants.json's "mutants" and "certificate_mutants". Columns: `claim_order` when
/// given (fa-mutants: its run order), else every claim some row ran, sorted (conjectures R*
/// only when run).
KillMatrix kill_matrix(const nlohmann::json& mutants,
                       const std::vector<std::string>& claim_order = {});

/// The mutants' table (header and one line per mutant), Markdown.
std::string kill_matrix_markdown(const KillMatrix& km);
/// The certificate falsifiers' table with its heading and note; empty without certificate rows.
std::string certificate_falsifiers_markdown(const KillMatrix& km, const std::string& heading);
/// The same two tables as HTML (the page's classes: table.kill, td.ok, td.mp, td.none, td.bad).
std::string kill_matrix_html(const KillMatrix& km);
std::string certificate_falsifiers_html(const KillMatrix& km);

}  // namespace fa::report
