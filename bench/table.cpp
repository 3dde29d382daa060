#include "bench/table.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace fa::bench {

std::string fmt(double x, int prec) {
  if (x < 0) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", prec, x);
  return buf;
}

void CaptureReporter::ReportRuns(const std::vector<Run>& runs) {
  std::vector<Run> shown;
  for (const Run& run : runs) {
    if (run.run_type != Run::RT_Iteration) continue;  // aggregates: we keep the best run
    shown.push_back(run);
    const std::string name = run.run_name.function_name;
    if (run.error_occurred) {
      errors.push_back(name + ": " + run.error_message);
      continue;
    }
    const double sec = run.real_accumulated_time / static_cast<double>(run.iterations);
    auto it = best.find(name);
    if (it == best.end() || sec < it->second) best[name] = sec;
  }
  if (!shown.empty()) ConsoleReporter::ReportRuns(shown);
}

double CaptureReporter::seconds(const std::string& name) const {
  auto it = best.find(name);
  return it == best.end() ? -1.0 : it->second;
}

void add_claim_throughput_rows(const std::string& claims_json, std::vector<Row>& rows) {
  std::ifstream in(claims_json);
  const nlohmann::json report = nlohmann::json::parse(in, nullptr, false);
  if (report.is_discarded() || !report.contains("claims")) {
    std::cerr << "cannot read claim throughput from " << claims_json << "\n";
    return;
  }
  for (const auto& c : report["claims"]) {
    const double cases = c.value("cases", 0.0), seconds = c.value("seconds", 0.0);
    if (cases <= 0 || seconds <= 0) continue;
    rows.push_back({"claim-throughput " + c.value("id", std::string("?")) + " " +
                        c.value("scalar", std::string("?")),
                    "cases/s", "none",
                    fmt(cases, 6) + " cases in " + fmt(seconds) + " s, verdict " +
                        c.value("verdict", std::string("?")),
                    cases / seconds, -1, -1, -1, -1, -1});
  }
}

void print_table(const std::vector<Row>& rows) {
  std::printf("\n%-56s %-15s %8s %8s %-20s %6s | %8s %8s | %8s %6s | %8s\n", "case", "unit", "ours",
              "limit", "limit", "ratio", "GFLOP/s", "ns/madd", "plain", "gain", "loop");
  for (const Row& r : rows) {
    const bool per_op = r.unit != "GFLOP/s";
    const double gain = r.plain > 0 ? (per_op ? r.plain / r.ours : r.ours / r.plain) : -1;
    std::printf("%-56s %-15s %8s %8s %-20s %6s | %8s %8s | %8s %6s | %8s  %s\n", r.name.c_str(),
                r.unit.c_str(), fmt(r.ours).c_str(), fmt(r.limit).c_str(), r.limit_name.c_str(),
                fmt(r.ratio).c_str(), fmt(r.gflops).c_str(), fmt(r.ns_per_madd).c_str(),
                fmt(r.plain).c_str(), gain > 0 ? fmt(gain, 3).c_str() : "-", fmt(r.loop).c_str(),
                r.note.c_str());
  }
  std::printf(
      "ratio = ours relative to the limit (> 1: faster than it); GFLOP/s and ns/madd: ours "
      "(6nmr flops = 3nmr multiply-adds per step);\nplain = the same step with the plain Eigen "
      "expressions (before issue 7), in the row's unit; gain = plain time / our time;\nloop = "
      "the mp step with the MPFR mul/add loop kernels (before issue 23), ns per multiply-add;\n"
      "dot-candidate-* = a candidate for the kernels' dot products on the limit's three "
      "products (ours: its time; ratio: raw MPFR / it).\n");
}

nlohmann::json rows_json(const std::vector<Row>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const Row& r : rows) {
    nlohmann::json o = {{"case", r.name},
                        {"unit", r.unit},
                        {"ours", r.ours},
                        {"limit", r.limit >= 0 ? nlohmann::json(r.limit) : nlohmann::json()},
                        {"limit_name", r.limit_name},
                        {"ratio", r.ratio >= 0 ? nlohmann::json(r.ratio) : nlohmann::json()}};
    if (r.gflops >= 0) o["gflop_per_s"] = r.gflops;
    if (r.ns_per_madd >= 0) o["ns_per_multiply_add"] = r.ns_per_madd;
    if (r.plain > 0) o["plain"] = r.plain;
    if (r.loop > 0) o["mpfr_loop_kernels"] = r.loop;
    if (!r.note.empty()) o["note"] = r.note;
    out.push_back(o);
  }
  return out;
}

bool write_json(const std::string& path, const nlohmann::json& rows) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::ofstream f(path);
  if (!f) {
    std::cerr << "cannot write " << path << "\n";
    return false;
  }
  f << rows.dump(2) << "\n";
  std::cout << "wrote " << path << "\n";
  return true;
}

}  // namespace fa::bench
