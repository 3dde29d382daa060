// Odeint's vector operations for the flows in MPFR (dynamics/flow_impl.hpp,
// dynamics/deep_flow_impl.hpp).
//
// Why: Runge-Kutta-Fehlberg 7(8) forms, per step and per state entry, thirteen combinations
// t1 = a1 t2 + ... + aN t(N+1) of up to 14 terms. Odeint's default_operations write them as one
// Boost.Multiprecision expression, which on these numbers (no expression templates) constructs,
// copies and rounds a temporary for every product and every partial sum: most of an mp flow's
// time (perf on F2 in mp: the scale sums ~60%, the right-hand side ~26%).
// Here, for MPFR numbers: t1 = the exact sum a1 t2 + ... + aN t(N+1) rounded once, by the
// kernels' exact dot product (dynamics/exact_dot.hpp) of the factors with the terms. One rounding
// where the expression had 2N - 1 (and a loop of mpfr_fma, tried first, N at ~100 ns each), so
// every rounding bound stated for the flows (checks/flow_checks.hpp) still holds. Other types keep
// Odeint's expression. Aliasing (t1 also one of the t_k, an in-place update) is safe: the dot
// product reads every term before it writes t1.
#pragma once

#include "dynamics/kernels.hpp"

#include <boost/numeric/odeint/algebra/default_operations.hpp>

#include <mpfr.h>

#include <tuple>
#include <type_traits>
#include <utility>

namespace fa {

template <class... Fac>
struct MpfrScaleSum {
  std::tuple<Fac...> alpha;
  explicit MpfrScaleSum(Fac... a) : alpha(a...) {}
  typedef void result_type;

  template <class T1, class... Ts>
  void operator()(T1& t1, const Ts&... ts) const {
    static_assert(sizeof...(Ts) == sizeof...(Fac), "one factor per term");
    apply(std::index_sequence_for<Ts...>{}, t1, ts...);
  }

 private:
  template <std::size_t... I, class T1, class... Ts>
  void apply(std::index_sequence<I...>, T1& t1, const Ts&... ts) const {
    if constexpr (kernels::is_mpfr_v<T1> && (std::is_same_v<Fac, T1> && ...) &&
                  (std::is_same_v<Ts, T1> && ...)) {
      const mpfr_srcptr factor[] = {std::get<I>(alpha).backend().data()...};
      const mpfr_srcptr term[] = {ts.backend().data()...};
      kernels::detail::exact_dots(
          1, 1, sizeof...(Ts), [&](Eigen::Index, Eigen::Index k) { return factor[k]; },
          [&](Eigen::Index, Eigen::Index k) { return term[k]; }, kernels::detail::no_subtrahend,
          [&](Eigen::Index, Eigen::Index) { return t1.backend().data(); },
          kernels::detail::no_update);
    } else {
      t1 = (... + (std::get<I>(alpha) * ts));
    }
  }
};

/// Odeint's default_operations with scale_sum2 .. scale_sum14 replaced by MpfrScaleSum (with
/// Odeint's default factor types).
struct MpfrOperations : boost::numeric::odeint::default_operations {
  template <class Fac1 = double, class Fac2 = Fac1>
  struct scale_sum2 : MpfrScaleSum<Fac1, Fac2> {
    using MpfrScaleSum<Fac1, Fac2>::MpfrScaleSum;
  };
  template <class Fac1 = double, class Fac2 = Fac1, class Fac3 = Fac2>
  struct scale_sum3 : MpfrScaleSum<Fac1, Fac2, Fac3> {
    using MpfrScaleSum<Fac1, Fac2, Fac3>::MpfrScaleSum;
  };
  template <class Fac1 = double, class Fac2 = Fac1, class Fac3 = Fac2, class Fac4 = Fac3>
  struct scale_sum4 : MpfrScaleSum<Fac1, Fac2, Fac3, Fac4> {
    using MpfrScaleSum<Fac1, Fac2, Fac3, Fac4>::MpfrScaleSum;
  };
  template <class Fac1 = double, class Fac2 = Fac1, class Fac3 = Fac2, class Fac4 = Fac3, class Fac5 = Fac4>
  struct scale_sum5 : MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5> {
    using MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5>::MpfrScaleSum;
  };
  template <class Fac1 = double, class Fac2 = Fac1, class Fac3 = Fac2, class Fac4 = Fac3, class Fac5 = Fac4, class Fac6 = Fac5>
  struct scale_sum6 : MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6> {
    using MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6>::MpfrScaleSum;
  };
  template <class Fac1 = double, class Fac2 = Fac1, class Fac3 = Fac2, class Fac4 = Fac3, class Fac5 = Fac4, class Fac6 = Fac5, class Fac7 = Fac6>
  struct scale_sum7 : MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7> {
    using MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7>::MpfrScaleSum;
  };
  template <class Fac1 = double, class Fac2 = Fac1, class Fac3 = Fac2, class Fac4 = Fac3, class Fac5 = Fac4, class Fac6 = Fac5, class Fac7 = Fac6, class Fac8 = Fac7>
  struct scale_sum8 : MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7, Fac8> {
    using MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7, Fac8>::MpfrScaleSum;
  };
  template <class Fac1 = double, class Fac2 = Fac1, class Fac3 = Fac2, class Fac4 = Fac3, class Fac5 = Fac4, class Fac6 = Fac5, class Fac7 = Fac6, class Fac8 = Fac7, class Fac9 = Fac8>
  struct scale_sum9 : MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7, Fac8, Fac9> {
    using MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7, Fac8, Fac9>::MpfrScaleSum;
  };
  template <class Fac1 = double, class Fac2 = Fac1, class Fac3 = Fac2, class Fac4 = Fac3, class Fac5 = Fac4, class Fac6 = Fac5, class Fac7 = Fac6, class Fac8 = Fac7, class Fac9 = Fac8, class Fac10 = Fac9>
  struct scale_sum10 : MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7, Fac8, Fac9, Fac10> {
    using MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7, Fac8, Fac9, Fac10>::MpfrScaleSum;
  };
  template <class Fac1 = double, class Fac2 = Fac1, class Fac3 = Fac2, class Fac4 = Fac3, class Fac5 = Fac4, class Fac6 = Fac5, class Fac7 = Fac6, class Fac8 = Fac7, class Fac9 = Fac8, class Fac10 = Fac9, class Fac11 = Fac10>
  struct scale_sum11 : MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7, Fac8, Fac9, Fac10, Fac11> {
    using MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7, Fac8, Fac9, Fac10, Fac11>::MpfrScaleSum;
  };
  template <class Fac1 = double, class Fac2 = Fac1, class Fac3 = Fac2, class Fac4 = Fac3, class Fac5 = Fac4, class Fac6 = Fac5, class Fac7 = Fac6, class Fac8 = Fac7, class Fac9 = Fac8, class Fac10 = Fac9, class Fac11 = Fac10, class Fac12 = Fac11>
  struct scale_sum12 : MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7, Fac8, Fac9, Fac10, Fac11, Fac12> {
    using MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7, Fac8, Fac9, Fac10, Fac11, Fac12>::MpfrScaleSum;
  };
  template <class Fac1 = double, class Fac2 = Fac1, class Fac3 = Fac2, class Fac4 = Fac3, class Fac5 = Fac4, class Fac6 = Fac5, class Fac7 = Fac6, class Fac8 = Fac7, class Fac9 = Fac8, class Fac10 = Fac9, class Fac11 = Fac10, class Fac12 = Fac11, class Fac13 = Fac12>
  struct scale_sum13 : MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7, Fac8, Fac9, Fac10, Fac11, Fac12, Fac13> {
    using MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7, Fac8, Fac9, Fac10, Fac11, Fac12, Fac13>::MpfrScaleSum;
  };
  template <class Fac1 = double, class Fac2 = Fac1, class Fac3 = Fac2, class Fac4 = Fac3, class Fac5 = Fac4, class Fac6 = Fac5, class Fac7 = Fac6, class Fac8 = Fac7, class Fac9 = Fac8, class Fac10 = Fac9, class Fac11 = Fac10, class Fac12 = Fac11, class Fac13 = Fac12, class Fac14 = Fac13>
  struct scale_sum14 : MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7, Fac8, Fac9, Fac10, Fac11, Fac12, Fac13, Fac14> {
    using MpfrScaleSum<Fac1, Fac2, Fac3, Fac4, Fac5, Fac6, Fac7, Fac8, Fac9, Fac10, Fac11, Fac12, Fac13, Fac14>::MpfrScaleSum;
  };
};

}  // namespace fa
