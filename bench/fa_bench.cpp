// fa-bench (issue 7): one FA step and one GD step, each against the limit it can reach, in one run.
//
//   double            (64,64,8) (256,256,32) (1024,1024,64)   limit: Eigen's GEMM on the three
//                                                            products of the step (same shapes)
//   mp, mpfr at 200b  (16,16,4) (32,32,8) (64,64,16)         limit: a raw MPFR multiply-add loop
//                                                            on preallocated mpfr_t values; also
//                                                            the step before issue 23 (that loop
//                                                            in the kernels) and the candidate
//                                                            dot products (mpfr_dot, arb_dot,
//                                                            quad-double) on the same products
//   mp at the claims' sizes (2,2,1) (3,3,2) (4,4,2) (8,8,4)  ours, the loop kernels of before
//                                                            issue 23 and the raw mul+add loop
//   the peers (bench/peers.py, /usr/bin/python3): numpy, PyTorch, the BLAS rooflines, same
//   instance and number of steps; whole runs; deep networks
//   a Python user claim vs the same C++ claim (python/bench/user_claim_bench.py, fa-user-twin)
//
// A step costs 6 n m r flops (three n x m x r products) = 3 n m r multiply-adds; every rate below
// uses that count. Each case also runs the plain implementation (the straightforward Eigen
// expressions the step functions had before issue 7) to show the gain. Timings are the best of
// --benchmark_repetitions runs (default 5 of >= 0.1 s each, randomly interleaved); every ratio
// is taken within one run.
//
// The parts, one job per file: instances (the seeded problems), steps and products (the step
// benchmarks, the raw MPFR loops and dot candidates, the agreement check), peers (the Python
// peers and user-claim rows), table (the rows, the console table, bench.json). This file reads
// the command line and wires them.
//
// Usage: fa-bench --help
#include "bench/peers.hpp"
#include "bench/steps.hpp"
#include "bench/table.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

using namespace fa;
using namespace fa::bench;

int main(int argc, char** argv) {
  std::string json_path = std::string(FA_REPORT_DIR) + "/bench.json";
  PeerOptions peers;  // --python, --peer-filter, --work-dir, --openblas-coretype-from-env
  bool with_peers = true;
  bool with_user_claims = true;  // the user-claim rows, when fa-user-twin is built
  std::string claims_json;  // a claims.json whose cases and seconds give the claims' throughput
  // Our defaults first, so that --benchmark_* flags on the command line override them.
  std::vector<std::string> args = {argv[0], "--benchmark_repetitions=5",
                                   "--benchmark_enable_random_interleaving=true",
                                   "--benchmark_min_time=0.1"};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json" && i + 1 < argc)
      json_path = argv[++i];
    else if (a == "--peer-filter" && i + 1 < argc)
      peers.peer_filter = argv[++i];
    else if (a == "--python" && i + 1 < argc)
      peers.python = argv[++i];
    else if (a == "--no-peers")
      with_peers = false;
    else if (a == "--no-user-claims")
      with_user_claims = false;
    else if (a == "--openblas-coretype-from-env")
      peers.openblas_coretype_from_env = true;
    else if (a == "--claims" && i + 1 < argc)
      claims_json = argv[++i];
    else if (a == "--work-dir" && i + 1 < argc)
      peers.work_dir = argv[++i];
    else if (a == "--help" || a == "-h") {
      std::cout << "usage: fa-bench [--json FILE] [--python PYTHON] [--no-peers] "
                   "[--no-user-claims] [--claims "
                   "CLAIMS_JSON] [--work-dir DIR] [--openblas-coretype-from-env] "
                   "[--peer-filter TEXT] [--benchmark_* flags]\n"
                   "  --peer-filter TEXT: only the peer rows whose 'SHAPE PEER' contains TEXT\n"
                   "  (e.g. '256x256x32 numpy'); --benchmark_filter=REGEX selects the step rows\n";
      return 0;
    } else
      args.push_back(a);
  }
  std::vector<char*> cargs;
  for (auto& a : args) cargs.push_back(a.data());
  int bargc = static_cast<int>(cargs.size());
  benchmark::Initialize(&bargc, cargs.data());
  if (benchmark::ReportUnrecognizedArguments(bargc, cargs.data())) return 2;

  const int bits = set_mpvar_bits(kMpVarBits);
  const mpfr_prec_t mp_bits = std::numeric_limits<Mp>::digits;
  register_step_benchmarks();

  std::cout << "fa-bench: mp = " << mp_bits << " bits, mpfr" << kMpVarBits << " = " << bits
            << " bits; best of the repetitions; 6nmr flops = 3nmr multiply-adds per step\n";
  std::cout << "Fast steps against the plain Eigen expressions (3 steps, this binary's flags):\n";
  print_agreement(std::cout);
  std::cout << std::flush;

  CaptureReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  for (const auto& e : reporter.errors) std::cerr << "ERROR " << e << "\n";

  std::vector<Row> rows = step_rows(reporter);
  const bool peers_agree = !with_peers || add_peer_rows(peers, rows);
  if (!claims_json.empty()) add_claim_throughput_rows(claims_json, rows);
  print_table(rows);

  nlohmann::json out = rows_json(rows);
  if (with_user_claims && std::filesystem::exists(FA_USER_TWIN))
    add_user_claim_rows(peers.python, out, reporter.errors);
  if (!write_json(json_path, out)) return 1;
  return reporter.errors.empty() && peers_agree ? 0 : 1;
}
