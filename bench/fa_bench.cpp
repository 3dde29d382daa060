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
//   double FA steps vs numpy (bench/compare_numpy.py, /usr/bin/python3), same number of steps
//   a Python user claim vs the same C++ claim (python/bench/user_claim_bench.py, fa-user-twin)
//
// A step costs 6 n m r flops (three n x m x r products) = 3 n m r multiply-adds; every rate below
// uses that count. Each case also runs the plain implementation (the straightforward Eigen
// expressions the step functions had before issue 7) to show the gain. Timings are the best of
// --benchmark_repetitions runs (default 5 of >= 0.1 s each, randomly interleaved); every ratio
// is taken within one run.
//
// Usage: fa-bench [--json FILE] [--python PYTHON] [--no-numpy] [--benchmark_* flags]
//        fa-bench --fa-steps N M R STEPS [--repeats K]   (seconds for STEPS double FA steps)
#include "bench/mpfr_loop_steps.hpp"
#include "dynamics/deep.hpp"
#include "dynamics/trajectory_impl.hpp"
#include "dynamics/plain_steps.hpp"

#include <arb.h>
#include <benchmark/benchmark.h>
#include <mpfr.h>
#include <qd/qd_real.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace fa;

// run_dynamics for double, compiled here with this binary's flags (it links nothing of the core).
template fa::Trajectory<double> fa::run_dynamics<double>(const Dynamics<double>&,
                                                         const Mat<double>&, const Mat<double>&,
                                                         Factors<double>, const RunConfig<double>&);

namespace {

struct Shape {
  int n, m, r;
  std::string str() const {
    return std::to_string(n) + "x" + std::to_string(m) + "x" + std::to_string(r);
  }
  double madds() const { return 3.0 * n * m * r; }  // per step; flops = 2 * madds
};

const std::vector<Shape> kDoubleShapes = {{64, 64, 8}, {256, 256, 32}, {1024, 1024, 64}};
const std::vector<Shape> kMpShapes = {{16, 16, 4}, {32, 32, 8}, {64, 64, 16}};
constexpr int kMpVarBits = 200;

// ---- instances (built here, so that this -march=native binary links nothing of the core) ----
Mat<double> gaussian(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& g, double scale) {
  std::normal_distribution<double> nd;
  Mat<double> M(rows, cols);
  for (Eigen::Index q = 0; q < M.size(); ++q) M.data()[q] = scale * nd(g);
  return M;
}

double spectral_norm(const Mat<double>& A) {
  Vec<double> v = Vec<double>::Ones(A.cols()).normalized();
  double s = 0;
  for (int it = 0; it < 100; ++it) {
    Vec<double> w = A.transpose() * (A * v);
    s = std::sqrt(w.norm());
    v = w.normalized();
  }
  return s;
}

/// Y of rank r, B with N(0, 1/n) entries, small random (Z, W), eta = 0.1 / (s1 max(1, ||B||^2)):
/// FA and GD both converge on it, so values stay bounded however many steps a benchmark runs.
template <class T>
struct State {
  Mat<T> Y, B;
  Factors<T> start, f;
  T eta;
  Workspace<T> ws;
};

template <class T>
State<T> make_state(const Shape& s, std::uint64_t seed = 12345) {
  std::mt19937_64 g(seed);
  const Mat<double> Y = gaussian(s.n, s.r, g, 1 / std::sqrt(double(s.n))) *
                        gaussian(s.r, s.m, g, 1 / std::sqrt(double(s.m)));
  const Mat<double> B = gaussian(s.n, s.r, g, 1 / std::sqrt(double(s.n)));
  const Mat<double> Z = gaussian(s.n, s.r, g, 1.0 / 256);
  const Mat<double> W = gaussian(s.r, s.m, g, 1.0 / 256);
  const double b = spectral_norm(B);
  const double eta = 0.1 / (spectral_norm(Y) * std::max(1.0, b * b));
  State<T> st;
  st.Y = cast_matrix<T>(Y);
  st.B = cast_matrix<T>(B);
  st.start = Factors<T>{cast_matrix<T>(Z), cast_matrix<T>(W)};
  st.f = st.start;
  st.eta = T(eta);
  // Run a few steps first, so that mp values carry full-precision mantissas (not 53-bit ones).
  for (int t = 0; t < 3; ++t) fa_step(st.f, st.Y, st.B, st.eta, st.ws);
  st.start = st.f;
  return st;
}

template <class T>
std::string type_label() {
  if constexpr (std::is_same_v<T, double>) return "double";
  if constexpr (std::is_same_v<T, Mp>) return "mp";
  if constexpr (std::is_same_v<T, MpVar>) return "mpfr" + std::to_string(kMpVarBits);
}

void set_rates(benchmark::State& st, const Shape& s) {
  st.counters["FLOP/s"] =
      benchmark::Counter(2 * s.madds(), benchmark::Counter::kIsIterationInvariantRate);
  st.counters["madd/s"] =
      benchmark::Counter(s.madds(), benchmark::Counter::kIsIterationInvariantRate);
}

// ---- the benchmarks ---------------------------------------------------------------------------
/// ours: the library's step; plain: the Eigen expressions before issue 7; loop: the MPFR kernels
/// before issue 23 (a loop of mpfr_mul and mpfr_add per entry; mp types only).
enum class Impl { ours, plain, loop };

template <class T>
void bm_step(benchmark::State& bs, Shape s, Algorithm a, Impl impl) {
  State<T> st = make_state<T>(s);
  for (auto _ : bs) {
    if (a == Algorithm::fa) {
      if (impl == Impl::plain)
        plain::plain_fa_step(st.f, st.Y, st.B, st.eta, st.ws);
      else if constexpr (kernels::is_mpfr_v<T>) {
        if (impl == Impl::loop)
          loop::fa_step(st.f, st.Y, st.B, st.eta, st.ws);
        else
          fa_step(st.f, st.Y, st.B, st.eta, st.ws);
      } else
        fa_step(st.f, st.Y, st.B, st.eta, st.ws);
    } else {
      if (impl == Impl::plain)
        plain::plain_gd_step(st.f, st.Y, st.eta, st.ws);
      else if constexpr (kernels::is_mpfr_v<T>) {
        if (impl == Impl::loop)
          loop::gd_step(st.f, st.Y, st.eta, st.ws);
        else
          gd_step(st.f, st.Y, st.eta, st.ws);
      } else
        gd_step(st.f, st.Y, st.eta, st.ws);
    }
    benchmark::ClobberMemory();
  }
  if (!all_finite(st.f.Z) || !all_finite(st.f.W)) bs.SkipWithError("the run diverged");
  set_rates(bs, s);
}

/// The roofline for a double step: Eigen's GEMM on the three products of a step, same shapes
/// ((n x r)(r x m), (r x n)(n x m), (n x m)(m x r)), into preallocated results.
void bm_gemm(benchmark::State& bs, Shape s) {
  State<double> st = make_state<double>(s);
  Mat<double> E(s.n, s.m), G(s.r, s.m), P(s.n, s.r);
  for (auto _ : bs) {
    E.noalias() = st.f.Z * st.f.W;
    G.noalias() = st.B.transpose() * E;
    P.noalias() = E * st.f.W.transpose();
    benchmark::ClobberMemory();
  }
  set_rates(bs, s);
}

/// How the three products of a step are formed on contiguous operands (bm_products).
///   muladd, fma: the raw MPFR loops, the limit (mul+add rounds twice per term, as the kernels
///                before issue 23 did; fma once).
///   mpfr_dot:    MPFR 4.2's correctly rounded dot product (exact products, then mpfr_sum).
///   arb_dot:     FLINT/Arb 2.23's arb_dot at the working precision (one rounding per dot
///                product, with an error radius), on arb_t copies made outside the timing.
///   qd:          libqd's quad-double (qd_real, ~212 bits; not correctly rounded), on copies
///                made outside the timing.
enum class Method { muladd, fma, mpfr_dot, arb_dot, qd };

const char* method_name(Method m) {
  switch (m) {
    case Method::muladd: return "mpfr-raw-muladd";
    case Method::fma: return "mpfr-raw-fma";
    case Method::mpfr_dot: return "dot-candidate-mpfr_dot";
    case Method::arb_dot: return "dot-candidate-arb_dot";
    case Method::qd: return "dot-candidate-qd_real";
  }
  return "?";
}

/// The floor for any mp matrix kernel: the 3 n m r multiply-adds of a step's three products,
/// straight on preallocated values laid out contiguously for each dot product: (ZW)_ij over k,
/// (B^T E)_kj over i, (E W^T)_ik over j, each into its own preallocated result. Nothing else of a
/// step (no Y, no updates, no matrices). `method` says how (Method); the raw MPFR loops are the
/// limit, the others the candidates for the kernels tried in issue 23.
///
/// The operands are the step's own: before every iteration (outside the timed region) the FA
/// state advances one step and its Z, W, B and E are copied in, unless `fresh` is false. Both
/// matter. MPFR's cost depends on the values (cancellation in E = ZW - Y, spread of exponents in
/// sums over E), so random operands would measure a different workload. And MPFR branches on
/// signs, exponent differences and rounding bits: on a small problem repeated on the same values
/// the CPU's branch predictor learns the whole sequence and the loop runs up to 2-3x faster
/// (measured with the repeated-values variant, reported beside). A step never sees the same
/// values twice, so the floor it can reach is the loop on fresh operands.
template <class T>
void bm_products(benchmark::State& bs, Shape s, Method method, bool fresh) {
  const int n = s.n, m = s.m, r = s.r;
  State<T> st = make_state<T>(s);
  const mpfr_prec_t prec = mpfr_get_prec(st.Y(0, 0).backend().data());
  auto make = [&](std::size_t count) {
    std::vector<mpfr_t> v(count);
    for (auto& x : v) mpfr_init2(x, prec);
    return v;
  };
  // Row i of Z, column j of W, column k of B, column j of E, row i of E, row k of W.
  std::vector<mpfr_t> zr = make(std::size_t(n) * r), wc = make(std::size_t(m) * r),
                      bc = make(std::size_t(n) * r), ec = make(std::size_t(n) * m),
                      er = make(std::size_t(n) * m), wr = make(std::size_t(m) * r);
  std::vector<mpfr_t> out1 = make(std::size_t(n) * m), out2 = make(std::size_t(r) * m),
                      out3 = make(std::size_t(n) * r);
  // The same operands for the candidates that need their own types.
  auto arb_vec = [](std::size_t count) { return arb_ptr(_arb_vec_init(slong(count))); };
  const bool use_arb = method == Method::arb_dot, use_qd = method == Method::qd;
  arb_ptr azr = nullptr, awc = nullptr, abc = nullptr, aec = nullptr, aer = nullptr,
          awr = nullptr, aout = nullptr;
  if (use_arb) {
    azr = arb_vec(std::size_t(n) * r), awc = arb_vec(std::size_t(m) * r);
    abc = arb_vec(std::size_t(n) * r), aec = arb_vec(std::size_t(n) * m);
    aer = arb_vec(std::size_t(n) * m), awr = arb_vec(std::size_t(m) * r);
    aout = arb_vec(std::size_t(n) * m + std::size_t(r) * m + std::size_t(n) * r);
  }
  std::vector<qd_real> qzr, qwc, qbc, qec, qer, qwr, qout;
  if (use_qd)
    for (auto* v : {&qzr, &qwc, &qbc, &qec, &qer, &qwr})
      v->resize(v == &qec || v == &qer ? std::size_t(n) * m : std::size_t(n + m) * r);
  qout.resize(use_qd ? std::size_t(n) * m + std::size_t(r) * m + std::size_t(n) * r : 0);
  mpfr_t rest;
  mpfr_init2(rest, prec);
  auto to_qd = [&](mpfr_srcptr x) {  // the value as four doubles, exactly for <= 212 bits
    double part[4];
    mpfr_set(rest, x, MPFR_RNDN);
    for (double& d : part) {
      d = mpfr_get_d(rest, MPFR_RNDN);
      mpfr_sub_d(rest, rest, d, MPFR_RNDN);
    }
    return qd_real(part[0], part[1], part[2], part[3]);
  };
  auto load = [&] {
    auto set = [&](mpfr_t* dst, arb_ptr adst, std::vector<qd_real>& qdst, std::size_t q,
                   const T& x) {
      mpfr_set(dst[q], x.backend().data(), MPFR_RNDN);
      if (use_arb) arb_set_interval_mpfr(adst + q, x.backend().data(), x.backend().data(), prec);
      if (use_qd) qdst[q] = to_qd(x.backend().data());
    };
    for (int i = 0; i < n; ++i)
      for (int k = 0; k < r; ++k) {
        set(zr.data(), azr, qzr, std::size_t(i) * r + k, st.f.Z(i, k));
        set(bc.data(), abc, qbc, std::size_t(k) * n + i, st.B(i, k));
      }
    for (int j = 0; j < m; ++j)
      for (int k = 0; k < r; ++k) {
        set(wc.data(), awc, qwc, std::size_t(j) * r + k, st.f.W(k, j));
        set(wr.data(), awr, qwr, std::size_t(k) * m + j, st.f.W(k, j));
      }
    for (int j = 0; j < m; ++j)
      for (int i = 0; i < n; ++i) {
        set(ec.data(), aec, qec, std::size_t(j) * n + i, st.ws.E(i, j));
        set(er.data(), aer, qer, std::size_t(i) * m + j, st.ws.E(i, j));
      }
  };
  load();
  mpfr_t t;
  mpfr_init2(t, prec);
  std::vector<mpfr_ptr> pa(std::size_t(std::max({n, m, r}))), pb(pa.size());
  std::size_t slot = 0;  // arb_dot / qd: the result's index among all three products
  auto dot = [&](mpfr_ptr acc, mpfr_t* x, arb_srcptr ax, const qd_real* qx, mpfr_t* y,
                 arb_srcptr ay, const qd_real* qy, int len) {
    switch (method) {
      case Method::fma:
        mpfr_set_zero(acc, 1);
        for (int k = 0; k < len; ++k) mpfr_fma(acc, x[k], y[k], acc, MPFR_RNDN);
        break;
      case Method::muladd:
        mpfr_mul(acc, x[0], y[0], MPFR_RNDN);
        for (int k = 1; k < len; ++k) {
          mpfr_mul(t, x[k], y[k], MPFR_RNDN);
          mpfr_add(acc, acc, t, MPFR_RNDN);
        }
        break;
      case Method::mpfr_dot:
        for (int k = 0; k < len; ++k) pa[std::size_t(k)] = x[k], pb[std::size_t(k)] = y[k];
        mpfr_dot(acc, pa.data(), pb.data(), static_cast<unsigned long>(len), MPFR_RNDN);
        break;
      case Method::arb_dot:
        arb_dot(aout + slot++, nullptr, 0, ax, 1, ay, 1, len, prec);
        break;
      case Method::qd: {
        qd_real sum = qx[0] * qy[0];
        for (int k = 1; k < len; ++k) sum += qx[k] * qy[k];
        qout[slot++] = sum;
        break;
      }
    }
  };
  for (auto _ : bs) {
    if (fresh) {
      bs.PauseTiming();
      fa_step(st.f, st.Y, st.B, st.eta, st.ws);
      load();
      bs.ResumeTiming();
    }
    slot = 0;
    for (int j = 0; j < m; ++j)
      for (int i = 0; i < n; ++i) {
        const std::size_t a = std::size_t(i) * r, b = std::size_t(j) * r;
        dot(out1[std::size_t(j) * n + i], &zr[a], azr + (use_arb ? a : 0), qzr.data() + (use_qd ? a : 0),
            &wc[b], awc + (use_arb ? b : 0), qwc.data() + (use_qd ? b : 0), r);
      }
    for (int j = 0; j < m; ++j)
      for (int k = 0; k < r; ++k) {
        const std::size_t a = std::size_t(k) * n, b = std::size_t(j) * n;
        dot(out2[std::size_t(j) * r + k], &bc[a], abc + (use_arb ? a : 0), qbc.data() + (use_qd ? a : 0),
            &ec[b], aec + (use_arb ? b : 0), qec.data() + (use_qd ? b : 0), n);
      }
    for (int k = 0; k < r; ++k)
      for (int i = 0; i < n; ++i) {
        const std::size_t a = std::size_t(i) * m, b = std::size_t(k) * m;
        dot(out3[std::size_t(k) * n + i], &er[a], aer + (use_arb ? a : 0), qer.data() + (use_qd ? a : 0),
            &wr[b], awr + (use_arb ? b : 0), qwr.data() + (use_qd ? b : 0), m);
      }
    benchmark::ClobberMemory();
  }
  mpfr_clear(t);
  mpfr_clear(rest);
  for (auto* v : {&zr, &wc, &bc, &ec, &er, &wr, &out1, &out2, &out3})
    for (auto& x : *v) mpfr_clear(x);
  if (use_arb) {
    _arb_vec_clear(azr, slong(n) * r), _arb_vec_clear(awc, slong(m) * r);
    _arb_vec_clear(abc, slong(n) * r), _arb_vec_clear(aec, slong(n) * m);
    _arb_vec_clear(aer, slong(n) * m), _arb_vec_clear(awr, slong(m) * r);
    _arb_vec_clear(aout, slong(n) * m + slong(r) * m + slong(n) * r);
  }
  set_rates(bs, s);
}

// ---- capture the timings (best of the repetitions) while the console shows the runs ---------
class CaptureReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> best;  // name -> seconds per iteration, best repetition
  std::vector<std::string> errors;

  void ReportRuns(const std::vector<Run>& runs) override {
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
};

std::string step_name(Algorithm a, const std::string& type, const Shape& s, Impl impl) {
  return std::string(a == Algorithm::fa ? "fa-step" : "gd-step") +
         (impl == Impl::plain ? "-plain " : impl == Impl::loop ? "-loop " : " ") + type + " " +
         s.str();
}

template <class T>
void register_steps(const Shape& s) {
  for (Algorithm a : {Algorithm::fa, Algorithm::gd})
    for (Impl impl : {Impl::ours, Impl::plain, Impl::loop}) {
      if (impl == Impl::loop && !kernels::is_mpfr_v<T>) continue;
      benchmark::RegisterBenchmark(step_name(a, type_label<T>(), s, impl).c_str(),
                                   [=](benchmark::State& bs) { bm_step<T>(bs, s, a, impl); });
    }
}

// ---- identity / agreement of the fast steps with the plain ones, on this binary's flags -------
template <class T>
double max_ulps(const Mat<T>& x, const Mat<T>& y) {
  double worst = 0;
  const T eps = fa::epsilon<T>();
  for (Eigen::Index q = 0; q < x.size(); ++q) {
    using std::abs;
    const T scale = std::max(T(abs(y.data()[q])), std::numeric_limits<T>::min());
    worst = std::max(worst, to_double(T(abs(x.data()[q] - y.data()[q]) / (scale * eps))));
  }
  return worst;
}

template <class T>
std::string agreement(const Shape& s) {
  std::ostringstream os;
  for (Algorithm a : {Algorithm::fa, Algorithm::gd}) {
    State<T> fast = make_state<T>(s);
    State<T> ref = make_state<T>(s);
    for (int t = 0; t < 3; ++t) {
      if (a == Algorithm::fa) {
        fa_step(fast.f, fast.Y, fast.B, fast.eta, fast.ws);
        plain::plain_fa_step(ref.f, ref.Y, ref.B, ref.eta, ref.ws);
      } else {
        gd_step(fast.f, fast.Y, fast.eta, fast.ws);
        plain::plain_gd_step(ref.f, ref.Y, ref.eta, ref.ws);
      }
    }
    const bool same = fast.f.Z == ref.f.Z && fast.f.W == ref.f.W;
    os << (a == Algorithm::fa ? "FA " : "GD ");
    if (same) {
      os << "identical";
    } else {
      char buf[64];
      std::snprintf(buf, sizeof buf, "differs, max %.2g ulp (relative)",
                    std::max(max_ulps(fast.f.Z, ref.f.Z), max_ulps(fast.f.W, ref.f.W)));
      os << buf;
    }
    if (a == Algorithm::fa) os << "; ";
  }
  return os.str();
}

std::string fmt(double x, int prec = 3) {
  if (x < 0) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", prec, x);
  return buf;
}

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
std::string g_openblas_env = "env -u OPENBLAS_CORETYPE";

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

// ---- deep linear networks (dynamics/deep.hpp): depth L, every hidden width the same ------------
struct DeepShape {
  int n, m, hidden, depth;
  std::string str() const {
    return std::to_string(n) + "x" + std::to_string(m) + " hidden " + std::to_string(hidden) +
           " L=" + std::to_string(depth);
  }
  int width(int l) const { return l == 0 ? m : l == depth ? n : hidden; }  // d_l
  /// Multiply-adds of one step (deep_step): the forward products P_2..P_{L-1}, the residual,
  /// the backward signals (GD/FA: W_{l+1}^T delta_{l+1}; DFA: D_l^T E) and the updates of
  /// W_2..W_L (W_1's takes no product).
  double madds(DeepAlgorithm a) const {
    double total = 0;
    for (int l = 2; l <= depth; ++l) total += 2.0 * width(l) * width(l - 1) * m;
    for (int l = 1; l < depth; ++l)
      total += double(width(l)) * (a == DeepAlgorithm::dfa ? n : width(l + 1)) * m;
    return total;
  }
};
const std::vector<DeepShape> kDeepShapes = {
    {64, 64, 32, 3}, {64, 64, 32, 4}, {256, 256, 64, 3}, {256, 256, 64, 4}};

struct DeepState {
  Layers<double> start, w;
  Mat<double> Y;
  DeepFeedback<double> fb;
  double eta = 0;
  DeepWorkspace<double> ws;
};

/// Seeded like make_state: Y of rank `hidden`, layers of spectral norm about 1 (entries
/// N(0, 1/4d_{l-1})), Gaussian feedback for FA and DFA, and a step small enough for the steps
/// timed (eta = 2^-4 / max(1, ||Y||)): every run stays finite, which peers.py checks.
DeepState make_deep_state(const DeepShape& s, std::uint64_t seed = 12345) {
  std::mt19937_64 g(seed);
  DeepState st;
  st.Y = gaussian(s.n, s.hidden, g, 1 / std::sqrt(double(s.n))) *
         gaussian(s.hidden, s.m, g, 1 / std::sqrt(double(s.m)));
  const auto L = static_cast<std::size_t>(s.depth);
  st.start.W.resize(L + 1);
  st.fb.fa.resize(L + 1);
  st.fb.dfa.resize(L + 1);
  for (int l = 1; l <= s.depth; ++l) {
    const double d = s.width(l - 1);
    st.start.W[std::size_t(l)] = gaussian(s.width(l), s.width(l - 1), g, 0.5 / std::sqrt(d));
    if (l >= 2)
      st.fb.fa[std::size_t(l)] = gaussian(s.width(l), s.width(l - 1), g, 1 / std::sqrt(d));
    if (l < s.depth)
      st.fb.dfa[std::size_t(l)] = gaussian(s.n, s.width(l), g, 1 / std::sqrt(double(s.n)));
  }
  st.eta = 1.0 / 16 / std::max(1.0, spectral_norm(st.Y));
  st.w = st.start;
  return st;
}

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
nlohmann::json run_peer(const std::string& python, const Peer& peer,
                        const std::filesystem::path& dir, int steps, int record_every,
                        const std::string& coretype = "") {
  const std::string openblas_env =
      coretype.empty() ? g_openblas_env : "env OPENBLAS_CORETYPE=" + coretype;
  std::string cmd =
      openblas_env + " " + (peer.env.empty() ? "" : peer.env + " ") + python + " " + FA_BENCH_DIR +
      "/peers.py run --dir '" + dir.string() + "' --peer " + peer.script_peer + " --steps " +
      std::to_string(steps) + " --threads " + std::to_string(peer.threads) + " --record-every " +
      std::to_string(record_every) + (peer.args.empty() ? "" : " " + peer.args) + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return nlohmann::json::object();
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  const int rc = pclose(p);
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

KernelChoice kernel_choice(const std::string& python) {
  const std::string cmd =
      g_openblas_env + " " + python + " " + FA_BENCH_DIR + "/peers.py kernels 2>&1";
  KernelChoice c;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return c;
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  pclose(p);
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

// ---- the table --------------------------------------------------------------------------------
struct Row {
  std::string name, unit, limit_name, note;
  double ours, limit, ratio, plain;  // plain < 0: not measured
  double gflops, ns_per_madd;        // ours in both units
  double loop = -1;                  // mp steps: with the MPFR loop kernels of before issue 23
};

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

int main(int argc, char** argv) {
  std::string json_path = std::string(FA_REPORT_DIR) + "/bench.json";
  std::string python = "/usr/bin/python3";
  bool with_peers = true;
  bool with_user_claims = true;  // the user-claim rows, when fa-user-twin is built
  std::string peer_filter;  // run only the peer rows whose "SHAPE PEER" contains it
  bool peers_disagree = false;
  std::string claims_json;  // a claims.json whose cases and seconds give the claims' throughput
  std::filesystem::path work_dir = std::filesystem::temp_directory_path() / "fa-bench";
  // Our defaults first, so that --benchmark_* flags on the command line override them.
  std::vector<std::string> args = {argv[0], "--benchmark_repetitions=5",
                                   "--benchmark_enable_random_interleaving=true",
                                   "--benchmark_min_time=0.1"};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json" && i + 1 < argc)
      json_path = argv[++i];
    else if (a == "--peer-filter" && i + 1 < argc)
      peer_filter = argv[++i];
    else if (a == "--python" && i + 1 < argc)
      python = argv[++i];
    else if (a == "--no-peers")
      with_peers = false;
    else if (a == "--no-user-claims")
      with_user_claims = false;
    else if (a == "--openblas-coretype-from-env")
      g_openblas_env = "env";
    else if (a == "--claims" && i + 1 < argc)
      claims_json = argv[++i];
    else if (a == "--work-dir" && i + 1 < argc)
      work_dir = argv[++i];
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

  for (const Shape& s : kDoubleShapes) {
    register_steps<double>(s);
    benchmark::RegisterBenchmark(("gemm double " + s.str()).c_str(),
                                 [=](benchmark::State& bs) { bm_gemm(bs, s); });
  }
  auto register_raw = [](auto tag, const Shape& s) {
    using T = decltype(tag);
    const std::string type = type_label<T>();
    for (Method method :
         {Method::muladd, Method::fma, Method::mpfr_dot, Method::arb_dot, Method::qd})
      benchmark::RegisterBenchmark(
          (std::string(method_name(method)) + " " + type + " " + s.str()).c_str(),
          [=](benchmark::State& bs) { bm_products<T>(bs, s, method, true); });
    benchmark::RegisterBenchmark(
        ("mpfr-raw-muladd-repeated " + type + " " + s.str()).c_str(),
        [=](benchmark::State& bs) { bm_products<T>(bs, s, Method::muladd, false); });
  };
  for (const Shape& s : kMpShapes) {
    register_steps<Mp>(s);
    register_raw(Mp(), s);
    register_steps<MpVar>(s);
    register_raw(MpVar(), s);
  }

  std::cout << "fa-bench: mp = " << mp_bits << " bits, mpfr" << kMpVarBits << " = " << bits
            << " bits; best of the repetitions; 6nmr flops = 3nmr multiply-adds per step\n";
  std::cout << "Fast steps against the plain Eigen expressions (3 steps, this binary's flags):\n";
  for (const Shape& s : kDoubleShapes)
    std::cout << "  double " << s.str() << ": " << agreement<double>(s) << "\n";
  for (const Shape& s : kMpShapes) {
    std::cout << "  mp " << s.str() << ": " << agreement<Mp>(s) << "\n";
    std::cout << "  mpfr" << kMpVarBits << " " << s.str() << ": " << agreement<MpVar>(s) << "\n";
  }
  std::cout << std::flush;

  CaptureReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  for (const auto& e : reporter.errors) std::cerr << "ERROR " << e << "\n";

  auto sec = [&](const std::string& name) {
    auto it = reporter.best.find(name);
    return it == reporter.best.end() ? -1.0 : it->second;
  };
  std::vector<Row> rows;
  for (const Shape& s : kDoubleShapes) {
    const double t_lim = sec("gemm double " + s.str());
    for (Algorithm a : {Algorithm::fa, Algorithm::gd}) {
      const double t = sec(step_name(a, "double", s, Impl::ours));
      const double tp = sec(step_name(a, "double", s, Impl::plain));
      if (t <= 0 || t_lim <= 0) continue;
      const double flops = 2 * s.madds() / 1e9;
      rows.push_back({step_name(a, "double", s, Impl::ours), "GFLOP/s", "gemm", "", flops / t,
                      flops / t_lim, t_lim / t, tp > 0 ? flops / tp : -1, flops / t,
                      t * 1e9 / s.madds()});
    }
  }
  for (const Shape& s : kMpShapes) {
    for (const std::string& type : {type_label<Mp>(), type_label<MpVar>()}) {
      const double t_mul = sec("mpfr-raw-muladd " + type + " " + s.str());
      const double t_fma = sec("mpfr-raw-fma " + type + " " + s.str());
      if (t_mul <= 0 || t_fma <= 0) continue;
      const double t_lim = std::min(t_mul, t_fma);  // the faster of the two raw loops
      const double t_rep = sec("mpfr-raw-muladd-repeated " + type + " " + s.str());
      const double ns = 1e9 / s.madds();
      for (Algorithm a : {Algorithm::fa, Algorithm::gd}) {
        const double t = sec(step_name(a, type, s, Impl::ours));
        const double tp = sec(step_name(a, type, s, Impl::plain));
        const double tl = sec(step_name(a, type, s, Impl::loop));
        if (t <= 0) continue;
        std::string note = std::string(t_mul <= t_fma ? "mul+add" : "fma") +
                           "; on repeated values " + fmt(t_rep * ns) + " ns";
        if (tl > 0)
          note += "; before issue 23 (loop kernels) " + fmt(tl * ns) + " ns, " +
                  fmt(tl / t) + "x slower than now";
        Row row{step_name(a, type, s, Impl::ours), "ns/multiply-add", "mpfr-raw", note, t * ns,
                t_lim * ns, t_lim / t, tp > 0 ? tp * ns : -1, 2 * s.madds() / t / 1e9, t * ns};
        row.loop = tl > 0 ? tl * ns : -1;
        rows.push_back(row);
      }
      // The candidates for the kernels' dot products, on the same three products as the limit.
      for (Method method : {Method::mpfr_dot, Method::arb_dot, Method::qd}) {
        const std::string name = std::string(method_name(method)) + " " + type + " " + s.str();
        const double t = sec(name);
        if (t <= 0) continue;
        const char* note =
            method == Method::mpfr_dot
                ? "MPFR 4.2 mpfr_dot: exact products and mpfr_sum, correctly rounded (allocates)"
            : method == Method::arb_dot
                ? "FLINT/Arb 2.23 arb_dot at the working precision (one rounding, error radius); "
                  "operands converted to arb_t outside the timing"
                : "libqd 2.3.23 qd_real (~212 bits, not correctly rounded); operands converted "
                  "outside the timing";
        rows.push_back({name, "ns/multiply-add", "mpfr-raw", note, t * ns, t_lim * ns, t_lim / t,
                        -1, 2 * s.madds() / t / 1e9, t * ns});
      }
    }
  }
  if (with_peers) {
    // One FA step, same instance and number of steps for us and every peer. Ours is
    // single-threaded (this binary does not use threads), so it is compared with the
    // single-threaded peers; the -mt row is all cores against our one (see docs/performance.md).
    const KernelChoice kernels = kernel_choice(python);
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
            const nlohmann::json j = run_peer(python, peer, dir, steps, every, coretype);
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
        for (const Peer& peer :
             {Peer{"numpy-openblas", "deep-numpy", 1, "", true, "--algo " + lower},
              Peer{"pytorch", "deep-torch", 1, "", true, "--algo " + lower}})
          peer_rows(
              key, peer, dir, steps, 0, [&] { return cxx_deep_seconds(st, a, steps, 3); },
              [&](const std::string& name, double t, double tp, const std::string& note) {
                return step_row("deep-" + lower + "-step double " + s.str(), name, steps, note,
                                gflop, s.madds(a) * steps, t, tp);
              });
      }
    if (disagreement) {
      std::cerr << "fa-bench: a peer's final factors disagree with ours (see DISAGREES)\n";
      peers_disagree = true;
    }
  }
  if (!claims_json.empty()) {
    // The claim checks' own throughput: cases per second per claim and scalar, from a claim run
    // (claims.json: cases and seconds of every run). No limit: a figure to follow over time.
    std::ifstream in(claims_json);
    const nlohmann::json report = nlohmann::json::parse(in, nullptr, false);
    if (report.is_discarded() || !report.contains("claims")) {
      std::cerr << "cannot read claim throughput from " << claims_json << "\n";
    } else {
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
  }

  // The table: ours, the limit, ratio (> 1: faster than the limit), and the plain implementation.
  std::printf("\n%-56s %-15s %8s %8s %-20s %6s | %8s %8s | %8s %6s | %8s\n", "case", "unit",
              "ours", "limit", "limit", "ratio", "GFLOP/s", "ns/madd", "plain", "gain", "loop");
  for (const Row& r : rows) {
    const bool per_op = r.unit != "GFLOP/s";
    const double gain = r.plain > 0 ? (per_op ? r.plain / r.ours : r.ours / r.plain) : -1;
    std::printf("%-56s %-15s %8s %8s %-20s %6s | %8s %8s | %8s %6s | %8s  %s\n", r.name.c_str(),
                r.unit.c_str(), fmt(r.ours).c_str(), fmt(r.limit).c_str(), r.limit_name.c_str(),
                fmt(r.ratio).c_str(), fmt(r.gflops).c_str(), fmt(r.ns_per_madd).c_str(),
                fmt(r.plain).c_str(), gain > 0 ? fmt(gain, 3).c_str() : "-",
                fmt(r.loop).c_str(), r.note.c_str());
  }
  std::printf(
      "ratio = ours relative to the limit (> 1: faster than it); GFLOP/s and ns/madd: ours "
      "(6nmr flops = 3nmr multiply-adds per step);\nplain = the same step with the plain Eigen "
      "expressions (before issue 7), in the row's unit; gain = plain time / our time;\nloop = "
      "the mp step with the MPFR mul/add loop kernels (before issue 23), ns per multiply-add;\n"
      "dot-candidate-* = a candidate for the kernels' dot products on the limit's three "
      "products (ours: its time; ratio: raw MPFR / it).\n");

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
  if (with_user_claims && std::filesystem::exists(FA_USER_TWIN)) {
    // A Python user claim against the same property as a C++ claim (fa-user-twin): the rows
    // are python/bench/user_claim_bench.py's, its last line (docs/user-claims.md, "Speed").
    const std::string cmd = "env PYTHONPATH=" + std::string(FA_PYTHON_DIR) + " " + python + " " +
                            FA_BENCH_DIR + "/../python/bench/user_claim_bench.py --rows --twin " +
                            FA_USER_TWIN;
    std::cout << "\nUser claims (" << cmd << "):\n" << std::flush;
    std::string text;
    char buf[4096];
    FILE* p = popen(cmd.c_str(), "r");
    while (p && std::fgets(buf, sizeof buf, p)) text += buf;
    const int rc = p ? pclose(p) : -1;
    const std::size_t last = text.rfind('[');
    const nlohmann::json user_rows = nlohmann::json::parse(
        last == std::string::npos ? std::string() : text.substr(last), nullptr, false);
    if (rc != 0 || !user_rows.is_array()) {
      std::cerr << "user_claim_bench.py failed:\n" << text << "\n";
      reporter.errors.push_back("user-claim rows: user_claim_bench.py failed");
    }
    for (const auto& row : user_rows.is_array() ? user_rows : nlohmann::json::array()) {
      std::cout << "  " << row.value("case", "") << ": " << row.value("note", "") << "\n";
      out.push_back(row);
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(json_path).parent_path(), ec);
  std::ofstream f(json_path);
  if (!f) {
    std::cerr << "cannot write " << json_path << "\n";
    return 1;
  }
  f << out.dump(2) << "\n";
  std::cout << "wrote " << json_path << "\n";
  return reporter.errors.empty() && !peers_disagree ? 0 : 1;
}
