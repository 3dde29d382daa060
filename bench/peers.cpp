#include "bench/peers.hpp"

#include "bench/instances.hpp"
#include "dynamics/trajectory_impl.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <stdexcept>

// run_dynamics for double, compiled here with this binary's flags (it links nothing of the core).
template fa::Trajectory<double> fa::run_dynamics<double>(const Dynamics<double>&,
                                                         const Mat<double>&, const Mat<double>&,
                                                         Factors<double>, const RunConfig<double>&);

namespace fa::bench {

namespace {

// ---- peers: numpy (OpenBLAS 1 thread / all cores, reference BLAS) and PyTorch ----------------
// Each peer runs in its own /usr/bin/python3 process (bench/peers.py) on the instance written
// here, for the same number of FA steps; the script reports its best time, the BLAS it really
// loaded and how far its final (Z, W) is from ours.
const std::vector<Shape> kPeerShapes = {
    {8, 6, 3}, {64, 64, 8}, {256, 256, 32}, {1024, 1024, 64}, {4096, 512, 16}};
constexpr const char* kReferenceBlasPath =  // Debian's reference BLAS and LAPACK (libblas3)
    "/usr/lib/x86_64-linux-gnu/blas:/usr/lib/x86_64-linux-gnu/lapack";
constexpr const char* kBlisPath =  // Debian's BLIS (libblis4-pthread) as libblas.so.3
    "/usr/lib/x86_64-linux-gnu/blis-pthread:/usr/lib/x86_64-linux-gnu/lapack";
// OpenBLAS picks its kernels for the CPU it finds (here SkylakeX: AVX-512), unless
// OPENBLAS_CORETYPE names one; some machines set it (this one: Haswell, AVX2 only, about 35%
// slower in DGEMM here). The peers run with OpenBLAS's own choice unless fa-bench is given
// --openblas-coretype-from-env. When that choice is a generic fallback for the CPU (Debian 12's
// OpenBLAS runs Prescott kernels on some AVX-512 Xeons: `peers.py kernels` decides), the
// OpenBLAS-based peers run a second time with OPENBLAS_CORETYPE set to the best kernel the CPU
// supports, in their own environment only: the "-tuned" rows. The table says which kernels ran.
// To see the tuned rows on a machine where OpenBLAS chooses well, give the default runs a
// generic kernel: OPENBLAS_CORETYPE=Prescott fa-bench --openblas-coretype-from-env.
std::string openblas_env(const PeerOptions& options) {
  return options.openblas_coretype_from_env ? "env" : "env -u OPENBLAS_CORETYPE";
}

/// Runs `cmd` in a shell and reads all it prints into `out`, its exit status into `rc`; false
/// (nothing read) when the shell cannot be started.
bool read_command(const std::string& cmd, std::string& out, int& rc) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return false;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  rc = pclose(p);
  return true;
}

struct Peer {
  std::string limit_name;   // as in report/bench.json
  std::string script_peer;  // peers.py --peer
  int threads;              // 0: the libraries' default (all cores)
  std::string env;          // prefix for the command line
  bool openblas = true;     // runs on OpenBLAS (and again with the tuned kernel when it fell back)
  std::string args;         // more arguments for peers.py run
};
const std::vector<Peer> kPeers = {
    {"gemm-openblas", "gemm", 1, "", true,
     ""},                     // the roofline: OpenBLAS's GEMM on the step's products
    {"gemm-blis", "gemm", 1,  // a second roofline: BLIS's GEMM, one thread
     std::string("BLIS_NUM_THREADS=1 LD_LIBRARY_PATH=") + kBlisPath, false, ""},
    {"numpy-openblas", "numpy", 1, "", true, ""},
    {"numpy-openblas-mt", "numpy", 0, "", true, ""},
    {"numpy-reference-blas", "numpy", 1, std::string("LD_LIBRARY_PATH=") + kReferenceBlasPath,
     false, ""},
    {"pytorch", "torch", 1, "", true, ""},
    {"pytorch-autograd", "torch-autograd", 1, "", true, ""},
};

/// OpenBLAS's kernel choice for the peers (`peers.py kernels`, in the peers' environment).
struct KernelChoice {
  std::string architecture;  // empty: unknown
  std::string tuned;         // OPENBLAS_CORETYPE for the -tuned rows; empty: no tuned rows
  std::string reason;
};

/// Agreement bound for a peer's final factors: the peers compute the same steps with another
/// summation order (other BLAS kernels), so they differ from ours by rounding, amplified by the
/// dynamics but far below half the digits (measured: 1e-16..1e-12 here); sqrt(eps) ~ 1.5e-8
/// separates that from a peer that computed something else (then the leading digits differ).
const double kAgreementBound = std::sqrt(std::numeric_limits<double>::epsilon());

int peer_steps(const Shape& s) {  // about 1e9 flops of FA steps, at least 5, at most 10000
  return static_cast<int>(std::max(5.0, std::min(1e4, std::floor(1e9 / (2 * s.madds())))));
}

/// A .npy file (float64, Fortran order: Eigen's column-major data as it is).
void write_npy(const std::filesystem::path& file, const Mat<double>& M) {
  std::string header = "{'descr': '<f8', 'fortran_order': True, 'shape': (" +
                       std::to_string(M.rows()) + ", " + std::to_string(M.cols()) + "), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream f(file, std::ios::binary);
  const unsigned short len = static_cast<unsigned short>(header.size());
  f.write("\x93NUMPY\x01\x00", 8);
  f.put(static_cast<char>(len & 0xff)).put(static_cast<char>(len >> 8));
  f << header;
  f.write(reinterpret_cast<const char*>(M.data()),
          static_cast<std::streamsize>(sizeof(double) * M.size()));
  if (!f) throw std::runtime_error("cannot write " + file.string());
}

void write_instance(const std::filesystem::path& dir, const State<double>& st) {
  std::filesystem::create_directories(dir);
  write_npy(dir / "Y.npy", st.Y);
  write_npy(dir / "B.npy", st.B);
  write_npy(dir / "Z0.npy", st.start.Z);
  write_npy(dir / "W0.npy", st.start.W);
  char hex[64];
  std::snprintf(hex, sizeof hex, "%a\n", st.eta);
  std::ofstream(dir / "eta.txt") << hex;
}

const std::vector<DeepShape> kDeepShapes = {
    {64, 64, 32, 3}, {64, 64, 32, 4}, {256, 256, 64, 3}, {256, 256, 64, 4}};

void write_deep_instance(const std::filesystem::path& dir, const DeepState& st) {
  std::filesystem::create_directories(dir);
  write_npy(dir / "Y.npy", st.Y);
  const int L = st.start.depth();
  for (int l = 1; l <= L; ++l) {
    write_npy(dir / ("W" + std::to_string(l) + ".npy"), st.start.W[std::size_t(l)]);
    if (l >= 2) write_npy(dir / ("F" + std::to_string(l) + ".npy"), st.fb.fa[std::size_t(l)]);
    if (l < L) write_npy(dir / ("D" + std::to_string(l) + ".npy"), st.fb.dfa[std::size_t(l)]);
  }
  char hex[64];
  std::snprintf(hex, sizeof hex, "%a\n", st.eta);
  std::ofstream(dir / "eta.txt") << hex;
}

/// Seconds for `steps` deep steps from the start (best of `repeats`); leaves the final layers.
double cxx_deep_seconds(DeepState& st, DeepAlgorithm a, int steps, int repeats) {
  double best = std::numeric_limits<double>::infinity();
  for (int rep = 0; rep < repeats; ++rep) {
    st.w = st.start;
    const auto t0 = std::chrono::steady_clock::now();
    for (int t = 0; t < steps; ++t) deep_step(a, st.w, st.Y, st.fb, st.eta, st.ws);
    benchmark::DoNotOptimize(st.w.W.back().data());
    const auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
  }
  return best;
}

/// Seconds for `steps` of our FA step from the instance's start (best of `repeats`); leaves the
/// final factors in st.f.
double cxx_fa_seconds(State<double>& st, int steps, int repeats) {
  double best = std::numeric_limits<double>::infinity();
  for (int rep = 0; rep < repeats; ++rep) {
    st.f = st.start;
    const auto t0 = std::chrono::steady_clock::now();
    for (int t = 0; t < steps; ++t) fa_step(st.f, st.Y, st.B, st.eta, st.ws);
    benchmark::DoNotOptimize(st.f.Z.data());
    const auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
  }
  return best;
}

/// A whole run as the suite does it: run_dynamics (the trajectory code every claim uses) with a
/// record every `record_every` steps and the divergence check at the same cadence.
double cxx_run_seconds(State<double>& st, int steps, int record_every, int repeats) {
  RunConfig<double> cfg;
  cfg.algorithm = Algorithm::fa;
  cfg.eta = st.eta;
  cfg.max_steps = steps;
  cfg.record_every = record_every;
  cfg.check_every = record_every;
  double best = std::numeric_limits<double>::infinity();
  for (int rep = 0; rep < repeats; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    Trajectory<double> run = run_dynamics(reference_dynamics<double>(), st.Y, st.B, st.start, cfg);
    const auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(run.rows.data());
    if (run.status == RunStatus::diverged) throw std::runtime_error("whole run: " + run.message);
    st.f = run.final;
    best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
  }
  return best;
}

/// Runs one peer; returns its JSON report (empty object if it failed, with the reason printed).
/// coretype: OPENBLAS_CORETYPE for this run alone (the tuned rows), else the default environment.
nlohmann::json run_peer(const PeerOptions& options, const Peer& peer,
                        const std::filesystem::path& dir, int steps, int record_every,
                        const std::string& coretype = "") {
  const std::string env =
      coretype.empty() ? openblas_env(options) : "env OPENBLAS_CORETYPE=" + coretype;
  std::string cmd =
      env + " " + (peer.env.empty() ? "" : peer.env + " ") + options.python + " " + FA_BENCH_DIR +
      "/peers.py run --dir '" + dir.string() + "' --peer " + peer.script_peer + " --steps " +
      std::to_string(steps) + " --threads " + std::to_string(peer.threads) + " --record-every " +
      std::to_string(record_every) + (peer.args.empty() ? "" : " " + peer.args) + " 2>&1";
  std::string out;
  int rc = 0;
  if (!read_command(cmd, out, rc)) return nlohmann::json::object();
  // The report is the last line that starts with '{' (warnings may come before it).
  const std::size_t nl = out.rfind("\n{");
  nlohmann::json j =
      nlohmann::json::parse(nl == std::string::npos ? out : out.substr(nl + 1), nullptr, false);
  if (rc != 0 || j.is_discarded() || !j.contains("seconds")) {
    std::cerr << "peer " << peer.limit_name << " failed (" << cmd << "):\n" << out << "\n";
    return nlohmann::json::object();
  }
  return j;
}

KernelChoice kernel_choice(const PeerOptions& options) {
  const std::string cmd =
      openblas_env(options) + " " + options.python + " " + FA_BENCH_DIR + "/peers.py kernels 2>&1";
  KernelChoice c;
  std::string out;
  int rc = 0;
  if (!read_command(cmd, out, rc)) return c;
  const nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
  if (j.is_discarded()) {
    std::cerr << "peers.py kernels failed (" << cmd << "):\n" << out << "\n";
    return c;
  }
  if (j["architecture"].is_string()) c.architecture = j["architecture"];
  if (j["tuned_coretype"].is_string()) c.tuned = j["tuned_coretype"];
  c.reason = j.value("reason", "");
  return c;
}

/// True when the peer's final factors agree with ours (kAgreementBound); peers without steps
/// (the rooflines) agree by definition.
bool agrees(const nlohmann::json& j) {
  return !j.contains("agreement") || !j["agreement"].is_number() ||
         j["agreement"].get<double>() <= kAgreementBound;
}

/// "; agreement X" (how far the peer's final factors are from ours), when the peer ran steps.
std::string agreement_words(const nlohmann::json& j) {
  if (!j.contains("agreement") || !j["agreement"].is_number()) return "";
  return "; agreement " + fmt(j["agreement"].get<double>(), 2);
}

/// Which library a peer used, in a few words for the table's note.
std::string blas_words(const nlohmann::json& j) {
  std::string words;
  if (j.contains("blas") && j["blas"].contains("libraries"))
    for (const auto& lib : j["blas"]["libraries"]) {
      const std::string path = lib.get<std::string>();
      if (path.find("liblapack") != std::string::npos) continue;
      // The directory too where it names the library (blis-pthread/libblas.so.3).
      const std::filesystem::path file(path);
      const std::string dir = file.parent_path().filename().string();
      words += (words.empty() ? "" : ", ") +
               (dir.find("blis") != std::string::npos ? dir + "/" : std::string()) +
               file.filename().string();
    }
  if (j.contains("blas") && j["blas"].contains("threadpoolctl") &&
      j["blas"]["threadpoolctl"].is_array())
    for (const auto& pool : j["blas"]["threadpoolctl"])
      if (pool.value("internal_api", "") == "openblas")
        words += " (" + pool.value("architecture", std::string("?")) + " kernels, " +
                 std::to_string(pool.value("num_threads", 0)) + " threads)";
  if (j.contains("torch_threads"))
    words += "; torch threads " + std::to_string(j["torch_threads"].get<int>());
  return words;
}

/// A peer row of steps in GFLOP/s: `gflop` GFLOP (`madds` multiply-adds) of `steps` steps in t
/// seconds (ours) and tp (the peer).
Row step_row(const std::string& what, const std::string& peer, int steps, const std::string& note,
             double gflop, double madds, double t, double tp) {
  return Row{what + " vs " + peer,
             "GFLOP/s",
             peer,
             std::to_string(steps) + " steps; " + note,
             gflop / t,
             gflop / tp,
             tp / t,
             -1,
             gflop / t,
             t * 1e9 / madds};
}

}  // namespace

bool add_peer_rows(const PeerOptions& options, std::vector<Row>& rows) {
  const std::string& python = options.python;
  const std::filesystem::path& work_dir = options.work_dir;
  const std::string& peer_filter = options.peer_filter;
  // One FA step, same instance and number of steps for us and every peer. Ours is
  // single-threaded (this binary does not use threads), so it is compared with the
  // single-threaded peers; the -mt row is all cores against our one (see docs/performance.md).
  const KernelChoice kernels = kernel_choice(options);
  std::cout << "\nPeers (bench/peers.py, " << python << "), same instance and steps; OpenBLAS: "
            << (kernels.architecture.empty() ? "?" : kernels.architecture) << " kernels; "
            << kernels.reason << "\n"
            << std::flush;
  auto selected = [&](const std::string& key) {
    return peer_filter.empty() || key.find(peer_filter) != std::string::npos;
  };
  bool disagreement = false;
  // Each peer once with OpenBLAS's own kernels, and once more with the tuned ones when it runs
  // on OpenBLAS and OpenBLAS fell back to generic kernels. ours() times our side right before
  // each peer run, so each ratio compares neighbouring moments (on a shared machine the load
  // changes between peers); row(name, ours seconds, peer seconds, note) makes the row.
  auto peer_rows =
      [&](const std::string& key, const Peer& peer, const std::filesystem::path& dir, int steps,
          int every, const std::function<double()>& ours,
          const std::function<Row(const std::string&, double, double, const std::string&)>& row) {
        if (!selected(key + " " + peer.limit_name)) return;
        std::vector<std::string> coretypes{""};
        if (peer.openblas && !kernels.tuned.empty()) coretypes.push_back(kernels.tuned);
        for (const std::string& coretype : coretypes) {
          const std::string name = peer.limit_name + (coretype.empty() ? "" : "-tuned");
          const double t = ours();
          const nlohmann::json j = run_peer(options, peer, dir, steps, every, coretype);
          if (j.empty()) continue;
          const double tp = j["seconds"].get<double>();
          std::string note = blas_words(j) + agreement_words(j);
          if (!coretype.empty())
            note += "; OPENBLAS_CORETYPE=" + coretype +
                    " (OpenBLAS's choice: " + kernels.architecture + ")";
          if (!agrees(j)) {
            note += "; DISAGREES with ours (agreement > sqrt(eps))";
            disagreement = true;
          }
          std::cout << "  " << key << " " << name << ": ours " << fmt(t) << " s, " << fmt(tp)
                    << " s; " << note << "\n"
                    << std::flush;
          rows.push_back(row(name, t, tp, note));
        }
      };
  for (const Shape& s : kPeerShapes) {
    const int steps = peer_steps(s);
    State<double> st = make_state<double>(s);
    const std::filesystem::path dir = work_dir / ("step-" + s.str());
    write_instance(dir, st);
    cxx_fa_seconds(st, steps, 1);  // the final factors, for the peers' agreement
    write_npy(dir / "ours_Z.npy", st.f.Z);
    write_npy(dir / "ours_W.npy", st.f.W);
    const double gflop = 2 * s.madds() * steps / 1e9;
    for (const Peer& peer : kPeers)
      peer_rows(
          s.str(), peer, dir, steps, 0, [&] { return cxx_fa_seconds(st, steps, 3); },
          [&](const std::string& name, double t, double tp, const std::string& note) {
            return step_row("fa-step double " + s.str(), name, steps, note, gflop,
                            s.madds() * steps, t, tp);
          });
  }
  // Whole runs: 10^4 FA steps at 32x32x8 recording the trajectory every 10 steps, as the
  // suite's claim checks do (run_dynamics), against the same loop in each peer.
  const Shape s{32, 32, 8};
  const int steps = 10000, every = 10;
  State<double> st = make_state<double>(s);
  const std::filesystem::path dir = work_dir / ("run-" + s.str());
  write_instance(dir, st);
  cxx_run_seconds(st, steps, every, 1);
  write_npy(dir / "ours_Z.npy", st.f.Z);
  write_npy(dir / "ours_W.npy", st.f.W);
  for (const Peer& peer : kPeers) {
    // Nothing to share between cores at 32x32; the rooflines are the step rows' business.
    if (peer.limit_name == "numpy-openblas-mt" || peer.script_peer == "gemm") continue;
    peer_rows(
        "run " + s.str(), peer, dir, steps, every,
        [&] { return cxx_run_seconds(st, steps, every, 3); },
        [&](const std::string& name, double t, double tp, const std::string& note) {
          return Row{"fa-run double " + s.str() + " 10^4 steps, record every 10 vs " + name,
                     "runs/s",
                     name,
                     "10^4 steps, " + std::to_string(steps / every + 1) + " records; " + note,
                     1 / t,
                     1 / tp,
                     tp / t,
                     -1,
                     2 * s.madds() * steps / t / 1e9,
                     t * 1e9 / (s.madds() * steps)};
        });
  }
  // Deep linear networks: depth 3 and 4, GD, FA and DFA, one thread on each side.
  for (const DeepShape& s : kDeepShapes)
    for (DeepAlgorithm a : {DeepAlgorithm::gd, DeepAlgorithm::fa, DeepAlgorithm::dfa}) {
      const std::string algo = deep_algorithm_name(a);
      std::string lower = algo;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const int steps =
          static_cast<int>(std::max(5.0, std::min(1e4, std::floor(2.5e8 / (2 * s.madds(a))))));
      DeepState st = make_deep_state(s);
      const std::filesystem::path dir =
          work_dir / ("deep-" + std::to_string(s.n) + "x" + std::to_string(s.m) + "-h" +
                      std::to_string(s.hidden) + "-L" + std::to_string(s.depth) + "-" + lower);
      write_deep_instance(dir, st);
      cxx_deep_seconds(st, a, steps, 1);
      for (int l = 1; l <= s.depth; ++l)
        write_npy(dir / ("ours_W" + std::to_string(l) + ".npy"), st.w.W[std::size_t(l)]);
      const double gflop = 2 * s.madds(a) * steps / 1e9;
      const std::string key = "deep " + lower + " " + s.str();
      for (const Peer& peer : {Peer{"numpy-openblas", "deep-numpy", 1, "", true, "--algo " + lower},
                               Peer{"pytorch", "deep-torch", 1, "", true, "--algo " + lower}})
        peer_rows(
            key, peer, dir, steps, 0, [&] { return cxx_deep_seconds(st, a, steps, 3); },
            [&](const std::string& name, double t, double tp, const std::string& note) {
              return step_row("deep-" + lower + "-step double " + s.str(), name, steps, note, gflop,
                              s.madds(a) * steps, t, tp);
            });
    }
  if (disagreement)
    std::cerr << "fa-bench: a peer's final factors disagree with ours (see DISAGREES)\n";
  return !disagreement;
}

void add_user_claim_rows(const std::string& python, nlohmann::json& out,
                         std::vector<std::string>& errors) {
  // A Python user claim against the same property as a C++ claim (fa-user-twin): the rows
  // are python/bench/user_claim_bench.py's, its last line (docs/user-claims.md, "Speed").
  const std::string cmd = "env PYTHONPATH=" + std::string(FA_PYTHON_DIR) + " " + python + " " +
                          FA_BENCH_DIR + "/../python/bench/user_claim_bench.py --rows --twin " +
                          FA_USER_TWIN;
  std::cout << "\nUser claims (" << cmd << "):\n" << std::flush;
  std::string text;
  int rc = -1;
  read_command(cmd, text, rc);
  const std::size_t last = text.rfind('[');
  const nlohmann::json user_rows = nlohmann::json::parse(
      last == std::string::npos ? std::string() : text.substr(last), nullptr, false);
  if (rc != 0 || !user_rows.is_array()) {
    std::cerr << "user_claim_bench.py failed:\n" << text << "\n";
    errors.push_back("user-claim rows: user_claim_bench.py failed");
  }
  for (const auto& row : user_rows.is_array() ? user_rows : nlohmann::json::array()) {
    std::cout << "  " << row.value("case", "") << ": " << row.value("note", "") << "\n";
    out.push_back(row);
  }
}

}  // namespace fa::bench
