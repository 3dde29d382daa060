// The raw MPFR products (issues 7, 23): the limit of an mp step (the bare multiply-add loops on a
// step's three products) and the candidates tried for the kernels' dot products, timed on the
// same operands. Instantiated for Mp and MpVar here.
#include "bench/products.hpp"

#include <arb.h>
#include <mpfr.h>
#include <qd/qd_real.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace fa::bench {

const char* method_name(Method m) {
  switch (m) {
    case Method::muladd:
      return "mpfr-raw-muladd";
    case Method::fma:
      return "mpfr-raw-fma";
    case Method::mpfr_dot:
      return "dot-candidate-mpfr_dot";
    case Method::arb_dot:
      return "dot-candidate-arb_dot";
    case Method::qd:
      return "dot-candidate-qd_real";
  }
  return "?";
}

void set_rates(benchmark::State& st, const Shape& s) {
  st.counters["FLOP/s"] =
      benchmark::Counter(2 * s.madds(), benchmark::Counter::kIsIterationInvariantRate);
  st.counters["madd/s"] =
      benchmark::Counter(s.madds(), benchmark::Counter::kIsIterationInvariantRate);
}

namespace {

/// The floor for any mp matrix kernel: the 3 n m r multiply-adds of a step's three products,
/// straight on preallocated values laid out contiguously for each dot product: (ZW)_ij over k,
/// (B^T E)_kj over i, (E W^T)_ik over j, each into its own preallocated result. Nothing else of a
/// step (no Y, no updates, no matrices). `method` says how (Method); the raw MPFR loops are the
/// limit, the others the candidates for the kernels tried in issue 23.
///
/// The operands are the step's own: outside the timed region the FA state advances one step and
/// its Z, W, B and E are copied in, once for each of the `batch` operand sets, and every iteration
/// takes the next set (a refill when all are used), unless `fresh` is false. Both matter. MPFR's
/// cost depends on the values (cancellation in E = ZW - Y, spread of exponents in sums over E),
/// so random operands would measure a different workload. And MPFR branches on signs, exponent
/// differences and rounding bits: on a small problem repeated on the same values the CPU's branch
/// predictor learns the whole sequence and the loop runs up to 2-3x faster (measured with the
/// repeated-values variant, reported beside). A step never sees the same values twice, so the
/// floor it can reach is the loop on fresh operands. `batch` > 1 is for the claims' tiny shapes,
/// whose products take less time than pausing and resuming Google Benchmark's timer, a cost
/// that would otherwise count in the limit (measured here, 2026-12-03: the raw loop at 2x2x1 took
/// 1.41 us per iteration with a pause every iteration, 0.59-0.65 us batched; 3x3x2 4.8 against
/// 3.5 us; 8x8x4 the same within noise).
template <class T>
void bm_products(benchmark::State& bs, Shape s, Method method, bool fresh, int batch) {
  const int n = s.n, m = s.m, r = s.r;
  State<T> st = make_state<T>(s);
  const mpfr_prec_t prec = mpfr_get_prec(st.Y(0, 0).backend().data());
  auto make = [&](std::size_t count) {
    std::vector<mpfr_t> v(count);
    for (auto& x : v) mpfr_init2(x, prec);
    return v;
  };
  // The sizes of one operand set: row i of Z, column j of W, column k of B, column j of E, row i
  // of E, row k of W.
  const std::size_t nr = std::size_t(n) * r, mr = std::size_t(m) * r, nm = std::size_t(n) * m;
  const std::size_t sets = std::size_t(batch);
  std::vector<mpfr_t> zr = make(sets * nr), wc = make(sets * mr), bc = make(sets * nr),
                      ec = make(sets * nm), er = make(sets * nm), wr = make(sets * mr);
  std::vector<mpfr_t> out1 = make(nm), out2 = make(std::size_t(r) * m), out3 = make(nr);
  // The same operands for the candidates that need their own types.
  auto arb_vec = [](std::size_t count) { return arb_ptr(_arb_vec_init(slong(count))); };
  const bool use_arb = method == Method::arb_dot, use_qd = method == Method::qd;
  arb_ptr azr = nullptr, awc = nullptr, abc = nullptr, aec = nullptr, aer = nullptr, awr = nullptr,
          aout = nullptr;
  if (use_arb) {
    azr = arb_vec(sets * nr), awc = arb_vec(sets * mr);
    abc = arb_vec(sets * nr), aec = arb_vec(sets * nm);
    aer = arb_vec(sets * nm), awr = arb_vec(sets * mr);
    aout = arb_vec(nm + std::size_t(r) * m + nr);
  }
  std::vector<qd_real> qzr, qwc, qbc, qec, qer, qwr, qout;
  if (use_qd)
    for (auto* v : {&qzr, &qwc, &qbc, &qec, &qer, &qwr})
      v->resize(sets * (v == &qec || v == &qer ? nm : std::size_t(n + m) * r));
  qout.resize(use_qd ? nm + std::size_t(r) * m + nr : 0);
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
  auto load = [&](std::size_t set_index) {  // the state's operands into set `set_index`
    auto set = [&](mpfr_t* dst, arb_ptr adst, std::vector<qd_real>& qdst, std::size_t q,
                   const T& x) {
      mpfr_set(dst[q], x.backend().data(), MPFR_RNDN);
      if (use_arb) arb_set_interval_mpfr(adst + q, x.backend().data(), x.backend().data(), prec);
      if (use_qd) qdst[q] = to_qd(x.backend().data());
    };
    const std::size_t onr = set_index * nr, omr = set_index * mr, onm = set_index * nm;
    for (int i = 0; i < n; ++i)
      for (int k = 0; k < r; ++k) {
        set(zr.data(), azr, qzr, onr + std::size_t(i) * r + k, st.f.Z(i, k));
        set(bc.data(), abc, qbc, onr + std::size_t(k) * n + i, st.B(i, k));
      }
    for (int j = 0; j < m; ++j)
      for (int k = 0; k < r; ++k) {
        set(wc.data(), awc, qwc, omr + std::size_t(j) * r + k, st.f.W(k, j));
        set(wr.data(), awr, qwr, omr + std::size_t(k) * m + j, st.f.W(k, j));
      }
    for (int j = 0; j < m; ++j)
      for (int i = 0; i < n; ++i) {
        set(ec.data(), aec, qec, onm + std::size_t(j) * n + i, st.ws.E(i, j));
        set(er.data(), aer, qer, onm + std::size_t(i) * m + j, st.ws.E(i, j));
      }
  };
  load(0);
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
  std::size_t next = 0;  // the operand set of this iteration
  for (auto _ : bs) {
    if (fresh && next == 0) {
      bs.PauseTiming();
      for (std::size_t q = 0; q < sets; ++q) {
        fa_step(st.f, st.Y, st.B, st.eta, st.ws);
        load(q);
      }
      bs.ResumeTiming();
    }
    slot = 0;
    const std::size_t onr = next * nr, omr = next * mr, onm = next * nm;
    for (int j = 0; j < m; ++j)
      for (int i = 0; i < n; ++i) {
        const std::size_t a = onr + std::size_t(i) * r, b = omr + std::size_t(j) * r;
        dot(out1[std::size_t(j) * n + i], &zr[a], azr + (use_arb ? a : 0),
            qzr.data() + (use_qd ? a : 0), &wc[b], awc + (use_arb ? b : 0),
            qwc.data() + (use_qd ? b : 0), r);
      }
    for (int j = 0; j < m; ++j)
      for (int k = 0; k < r; ++k) {
        const std::size_t a = onr + std::size_t(k) * n, b = onm + std::size_t(j) * n;
        dot(out2[std::size_t(j) * r + k], &bc[a], abc + (use_arb ? a : 0),
            qbc.data() + (use_qd ? a : 0), &ec[b], aec + (use_arb ? b : 0),
            qec.data() + (use_qd ? b : 0), n);
      }
    for (int k = 0; k < r; ++k)
      for (int i = 0; i < n; ++i) {
        const std::size_t a = onm + std::size_t(i) * m, b = omr + std::size_t(k) * m;
        dot(out3[std::size_t(k) * n + i], &er[a], aer + (use_arb ? a : 0),
            qer.data() + (use_qd ? a : 0), &wr[b], awr + (use_arb ? b : 0),
            qwr.data() + (use_qd ? b : 0), m);
      }
    benchmark::ClobberMemory();
    if (fresh) next = (next + 1) % sets;
  }
  mpfr_clear(t);
  mpfr_clear(rest);
  for (auto* v : {&zr, &wc, &bc, &ec, &er, &wr, &out1, &out2, &out3})
    for (auto& x : *v) mpfr_clear(x);
  if (use_arb) {
    _arb_vec_clear(azr, slong(sets * nr)), _arb_vec_clear(awc, slong(sets * mr));
    _arb_vec_clear(abc, slong(sets * nr)), _arb_vec_clear(aec, slong(sets * nm));
    _arb_vec_clear(aer, slong(sets * nm)), _arb_vec_clear(awr, slong(sets * mr));
    _arb_vec_clear(aout, slong(nm + std::size_t(r) * m + nr));
  }
  set_rates(bs, s);
}

/// Operand sets per refill for the claims' sizes: enough steps that one pause and resume of the
/// timer (about 1 us here, see bm_products) is spread over >= 2^12 multiply-adds (>= 100 us of
/// MPFR at >= 25 ns each), so that it adds about 1% or less to the limit.
int claim_size_batch(const Shape& s) {
  return std::max(1, static_cast<int>(std::ceil(4096 / s.madds())));
}

}  // namespace

template <class T>
void register_products(const Shape& s) {
  const std::string type = type_label<T>();
  for (Method method : {Method::muladd, Method::fma, Method::mpfr_dot, Method::arb_dot, Method::qd})
    benchmark::RegisterBenchmark(
        (std::string(method_name(method)) + " " + type + " " + s.str()).c_str(),
        [=](benchmark::State& bs) { bm_products<T>(bs, s, method, true, 1); });
  benchmark::RegisterBenchmark(
      ("mpfr-raw-muladd-repeated " + type + " " + s.str()).c_str(),
      [=](benchmark::State& bs) { bm_products<T>(bs, s, Method::muladd, false, 1); });
}

template <class T>
void register_muladd_limit(const Shape& s) {
  const int batch = claim_size_batch(s);
  benchmark::RegisterBenchmark(
      (std::string(method_name(Method::muladd)) + " " + type_label<T>() + " " + s.str()).c_str(),
      [=](benchmark::State& bs) { bm_products<T>(bs, s, Method::muladd, true, batch); });
}

template void register_products<Mp>(const Shape&);
template void register_products<MpVar>(const Shape&);
template void register_muladd_limit<Mp>(const Shape&);

}  // namespace fa::bench
