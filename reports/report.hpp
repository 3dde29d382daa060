// fa-report: the claim-by-claim report (docs/report.md).
//
// fa-claims writes one part per (claim, scalar) and per precision ladder into <report>/parts/.
// fa-report assembles the parts into claims.json (schema: reports/claims.schema.json),
// claims.md and index.html (one self-contained page, SVG plots by gnuplot embedded), each written
// to a temporary file and renamed, so a reader never sees a half-written file.
//
// Determinism: claims.json depends only on the parts, the fixed figure recipes and the machine
// and build; the only fields that change between two runs with the same seeds are every key
// named "seconds" and run.date_utc / run.started_utc (see volatile_fields()).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fa::report {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path default_report_dir();
void write_atomically(const fs::path& path, const std::string& text);
std::string read_text(const fs::path& path);

/// begin: clears <dir>/parts (part files and shard manifests only) and notes the start time.
void begin(const fs::path& dir);

/// The parts of <dir>/parts: claim fragments, ladders, shard manifests.
struct Parts {
  std::vector<json> claims;   // <ID>.<scalar>.json
  std::vector<json> ladders;  // <ID>.ladder.json
  std::vector<json> shards;   // _shard.<i>-of-<n>.json
  json run_start;             // _run.json from begin, or null
  std::vector<json> proofs;   // <ID>.proof.json: symbolic proofs (theorems/proofs/<ID>.py)
  std::vector<json> sz;       // <ID>.sz.json: Schwartz-Zippel checks of the implementation
  json ties;                  // implementation.ties.json: double / MPFR tied to the proved path
  std::vector<json> pinned;   // <ID>.pinned.json: a claim's pinned cases, replayed
  std::vector<json> sweeps;   // _sweep.<seed>.json: one seed of the seed sweep
};
Parts read_parts(const fs::path& dir);

/// claims.json as a JSON value (figures and plot status filled in by the caller's options).
json assemble(const Parts& parts, const json& figures, const std::string& plot_status);

/// Figure data computed from fixed recipes (deterministic): trajectories, the A5 sweep.
json compute_figures();

struct Plot {
  std::string name;     // file stem under <dir>/plots/
  std::string title;
  std::string caption;
  std::string svg;      // the SVG text, empty if not drawn
};
/// Draws the plots with gnuplot into <dir>/plots/*.svg; status says what happened.
std::vector<Plot> draw_plots(const json& report, const fs::path& dir, std::string& status,
                             bool enabled);
std::string gnuplot_version();
/// Runs one gnuplot script (the report's SVG header, output and title put first) in `tmp` and
/// keeps the SVG as <out_dir>/<name>.svg, appended to `plots`; false when gnuplot fails.
bool draw_svg(const fs::path& tmp, const fs::path& out_dir, const std::string& name,
              const std::string& title, const std::string& caption, const std::string& script,
              std::vector<Plot>& plots);
/// A string as a single-quoted gnuplot (and shell) literal.
std::string gnuplot_quote(const std::string& s);

// ---- the regime map (regimes.json, written by fa-map; reports/regimes_render.cpp) ----------
/// Heatmaps of <dir>/regimes.json (none when plots are off or gnuplot is missing).
std::vector<Plot> draw_regime_plots(const json& regimes, const fs::path& dir, bool enabled);
/// Pieces of the claims page the regime map's section reuses (reports/render_common.cpp).
std::string html_escape(const std::string& s);
std::string markdown_escape(const std::string& s);
/// x through printf's format f (one number), as the tables print it.
std::string fmt(double x, const char* f = "%.3g");
std::string figure_html(const Plot& p);
/// The regime map's section of claims.md / index.html (empty JSON: an empty string).
std::string regimes_markdown(const json& regimes, const std::vector<Plot>& plots);
std::string regimes_html(const json& regimes, const std::vector<Plot>& plots);

/// claims.md (reports/render_markdown.cpp) and index.html (reports/render_html.cpp). `mutants` is
/// report/mutants.json (the mutation tests' kill matrix, reports/kill_matrix.hpp) or null when absent;
/// `regimes` is regimes.json (the regime map) or null (only its size is read here: the depth line).
std::string render_markdown(const json& report, const std::vector<Plot>& plots, const json& mutants,
                            const json& regimes);
std::string render_html(const json& report, const std::vector<Plot>& plots, const json& mutants,
                        const json& regimes);

/// write: parts -> claims.json, claims.md, index.html (+ plots/). Returns the process exit code.
int write_report(const fs::path& dir, bool plots, bool quiet);

/// merge: the parts of several report (or parts) directories into <out>/parts, then write.
int merge(const std::vector<fs::path>& sources, const fs::path& out, bool allow_partial,
          bool plots);

/// Validates a JSON value against a JSON Schema (the subset reports/claims.schema.json uses:
/// $ref to #/$defs, type, properties, required, additionalProperties, items, enum, const,
/// minimum, maximum, minLength, pattern, anyOf, oneOf). Unknown keywords are refused so that
/// the schema cannot silently ask for more than is checked. Returns the list of violations.
std::vector<std::string> validate(const json& value, const json& schema);
json load_schema(const fs::path& path);
fs::path default_schema_path();

/// Removes the fields that may differ between two runs with the same seeds (timing and date).
json strip_volatile(json report);

}  // namespace fa::report
