#include "bench/steps.hpp"

#include "bench/mpfr_loop_steps.hpp"
#include "bench/products.hpp"
#include "dynamics/plain_steps.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <sstream>
#include <string>

namespace fa::bench {

const std::vector<Shape> kDoubleShapes = {{64, 64, 8}, {256, 256, 32}, {1024, 1024, 64}};
const std::vector<Shape> kMpShapes = {{16, 16, 4}, {32, 32, 8}, {64, 64, 16}};
const std::vector<Shape> kMpClaimShapes = {{2, 2, 1}, {3, 3, 2}, {4, 4, 2}, {8, 8, 4}};

namespace {

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

std::string step_name(Algorithm a, const std::string& type, const Shape& s, Impl impl) {
  return std::string(a == Algorithm::fa ? "fa-step" : "gd-step") +
         (impl == Impl::plain  ? "-plain "
          : impl == Impl::loop ? "-loop "
                               : " ") +
         type + " " + s.str();
}

/// with_plain: the claims' sizes leave out the plain steps (their question is ours against the
/// loop kernels).
template <class T>
void register_steps(const Shape& s, bool with_plain = true) {
  for (Algorithm a : {Algorithm::fa, Algorithm::gd})
    for (Impl impl : {Impl::ours, Impl::plain, Impl::loop}) {
      if (impl == Impl::loop && !kernels::is_mpfr_v<T>) continue;
      if (impl == Impl::plain && !with_plain) continue;
      benchmark::RegisterBenchmark(step_name(a, type_label<T>(), s, impl).c_str(),
                                   [=](benchmark::State& bs) { bm_step<T>(bs, s, a, impl); });
    }
}

// The agreement of the fast steps with the plain ones, on this binary's flags.
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

/// An mp step's row in ns per multiply-add from seconds per step: ours t, the limit t_lim, the
/// plain step tp and the loop kernels tl (< 0: not measured).
Row mp_step_row(const std::string& name, const std::string& note, const Shape& s, double t,
                double t_lim, double tp, double tl) {
  const double ns = 1e9 / s.madds();
  Row row{name,
          "ns/multiply-add",
          "mpfr-raw",
          note,
          t * ns,
          t_lim * ns,
          t_lim / t,
          tp > 0 ? tp * ns : -1,
          2 * s.madds() / t / 1e9,
          t * ns};
  row.loop = tl > 0 ? tl * ns : -1;
  return row;
}

/// The mp rows of `type` at shape s: the steps (ours, the plain and loop kernels beside) against
/// the raw loops, then the dot-product candidates on the same products.
void add_mp_rows(const CaptureReporter& timings, const std::string& type, const Shape& s,
                 std::vector<Row>& rows) {
  auto sec = [&](const std::string& name) { return timings.seconds(name); };
  const double t_mul = sec("mpfr-raw-muladd " + type + " " + s.str());
  const double t_fma = sec("mpfr-raw-fma " + type + " " + s.str());
  if (t_mul <= 0 || t_fma <= 0) return;
  const double t_lim = std::min(t_mul, t_fma);  // the faster of the two raw loops
  const double t_rep = sec("mpfr-raw-muladd-repeated " + type + " " + s.str());
  const double ns = 1e9 / s.madds();
  for (Algorithm a : {Algorithm::fa, Algorithm::gd}) {
    const double t = sec(step_name(a, type, s, Impl::ours));
    const double tp = sec(step_name(a, type, s, Impl::plain));
    const double tl = sec(step_name(a, type, s, Impl::loop));
    if (t <= 0) continue;
    std::string note = std::string(t_mul <= t_fma ? "mul+add" : "fma") + "; on repeated values " +
                       fmt(t_rep * ns) + " ns";
    if (tl > 0)
      note += "; before issue 23 (loop kernels) " + fmt(tl * ns) + " ns, " + fmt(tl / t) +
              "x slower than now";
    rows.push_back(mp_step_row(step_name(a, type, s, Impl::ours), note, s, t, t_lim, tp, tl));
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
    rows.push_back({name, "ns/multiply-add", "mpfr-raw", note, t * ns, t_lim * ns, t_lim / t, -1,
                    2 * s.madds() / t / 1e9, t * ns});
  }
}

/// The mp rows at the claims' sizes (Mp only): ours against the raw mul+add loop, with the loop
/// kernels of before issue 23 beside (loop/ours < 1: the loop kernels were faster there).
void add_claim_size_rows(const CaptureReporter& timings, const Shape& s, std::vector<Row>& rows) {
  const std::string type = type_label<Mp>();
  const double t_lim = timings.seconds("mpfr-raw-muladd " + type + " " + s.str());
  if (t_lim <= 0) return;
  const double ns = 1e9 / s.madds();
  for (Algorithm a : {Algorithm::fa, Algorithm::gd}) {
    const double t = timings.seconds(step_name(a, type, s, Impl::ours));
    const double tl = timings.seconds(step_name(a, type, s, Impl::loop));
    if (t <= 0) continue;
    std::string note = "the claims' sizes (RapidCheck's small shapes); limit: mul+add";
    if (tl > 0)
      note += "; before issue 23 (loop kernels) " + fmt(tl * ns) + " ns, loop/ours " + fmt(tl / t);
    rows.push_back(mp_step_row(step_name(a, type, s, Impl::ours), note, s, t, t_lim, -1, tl));
  }
}

}  // namespace

void register_step_benchmarks() {
  for (const Shape& s : kDoubleShapes) {
    register_steps<double>(s);
    benchmark::RegisterBenchmark(("gemm double " + s.str()).c_str(),
                                 [=](benchmark::State& bs) { bm_gemm(bs, s); });
  }
  for (const Shape& s : kMpShapes) {
    register_steps<Mp>(s);
    register_products<Mp>(s);
    register_steps<MpVar>(s);
    register_products<MpVar>(s);
  }
  for (const Shape& s : kMpClaimShapes) {
    register_steps<Mp>(s, /*with_plain=*/false);
    register_muladd_limit<Mp>(s);
  }
}

void print_agreement(std::ostream& os) {
  for (const Shape& s : kDoubleShapes)
    os << "  double " << s.str() << ": " << agreement<double>(s) << "\n";
  for (const Shape& s : kMpShapes) {
    os << "  mp " << s.str() << ": " << agreement<Mp>(s) << "\n";
    os << "  mpfr" << kMpVarBits << " " << s.str() << ": " << agreement<MpVar>(s) << "\n";
  }
  for (const Shape& s : kMpClaimShapes)
    os << "  mp " << s.str() << ": " << agreement<Mp>(s) << "\n";
}

std::vector<Row> step_rows(const CaptureReporter& timings) {
  std::vector<Row> rows;
  for (const Shape& s : kDoubleShapes) {
    const double t_lim = timings.seconds("gemm double " + s.str());
    for (Algorithm a : {Algorithm::fa, Algorithm::gd}) {
      const double t = timings.seconds(step_name(a, "double", s, Impl::ours));
      const double tp = timings.seconds(step_name(a, "double", s, Impl::plain));
      if (t <= 0 || t_lim <= 0) continue;
      const double flops = 2 * s.madds() / 1e9;
      rows.push_back({step_name(a, "double", s, Impl::ours), "GFLOP/s", "gemm", "", flops / t,
                      flops / t_lim, t_lim / t, tp > 0 ? flops / tp : -1, flops / t,
                      t * 1e9 / s.madds()});
    }
  }
  for (const Shape& s : kMpShapes)
    for (const std::string& type : {type_label<Mp>(), type_label<MpVar>()})
      add_mp_rows(timings, type, s, rows);
  for (const Shape& s : kMpClaimShapes) add_claim_size_rows(timings, s, rows);
  return rows;
}

}  // namespace fa::bench
