// fa-bench's rows (issue 7): the timings Google Benchmark measured, the rows made from them and
// from the peers and claim runs, the console table and report/bench.json.
#pragma once

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace fa::bench {

/// x with `prec` significant digits; "-" for a value not measured (< 0).
std::string fmt(double x, int prec = 3);

struct Row {
  std::string name, unit, limit_name, note;
  double ours, limit, ratio, plain;  // plain < 0: not measured
  double gflops, ns_per_madd;        // ours in both units
  double loop = -1;                  // mp steps: with the MPFR loop kernels of before issue 23
};

/// Captures the timings (best of the repetitions) while the console shows the runs.
class CaptureReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> best;  // name -> seconds per iteration, best repetition
  std::vector<std::string> errors;

  void ReportRuns(const std::vector<Run>& runs) override;
  /// Seconds per iteration of the benchmark `name`, best repetition; -1 if it did not run.
  double seconds(const std::string& name) const;
};

/// The claim checks' own throughput: cases per second per claim and scalar, from a claim run
/// (claims.json: cases and seconds of every run). No limit: a figure to follow over time.
/// Appends nothing (and says why on stderr) when the file cannot be read.
void add_claim_throughput_rows(const std::string& claims_json, std::vector<Row>& rows);

/// The table: ours, the limit, ratio (> 1: faster than the limit), and the plain implementation.
void print_table(const std::vector<Row>& rows);

/// The rows as report/bench.json holds them (null where a value was not measured).
nlohmann::json rows_json(const std::vector<Row>& rows);

/// Writes bench.json (creating its directory); false, with the reason on stderr, if it cannot.
bool write_json(const std::string& path, const nlohmann::json& rows);

}  // namespace fa::bench
