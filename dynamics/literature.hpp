// What the claims from the feedback-alignment literature need beyond dynamics.hpp and network.hpp
// (docs/claims-literature.md): weight decay (Song, Xu, Lafferty), the hidden signals that
// Lillicrap et al. compare (FA's B^T E, backprop's Z^T E and the pseudo-backprop Z^+ E), aligned
// (spectral) starts and the time each singular component is learned (Girotti, Mitliagkas, Gidel).
// The over-parameterised data of Robertson and Koyejo's claim is generators/literature.hpp, the
// 30-20-10 experiment of Lillicrap et al. regimes/lillicrap.hpp. Declarations here; the bodies in
// literature_impl.hpp, instantiated once per scalar (CMakeLists.txt, fa_instantiate PART
// literature).
#pragma once

#include "dynamics/dynamics.hpp"

#include <vector>

namespace fa {

/// One simultaneous step of GD or FA on 1/2 ||ZW - Y||^2 + lambda/2 (||Z||^2 + ||W||^2):
///   Z+ = Z - eta (E W^T + lambda Z),  W+ = W - eta (S^T E + lambda W),  E = ZW - Y,
/// S = Z (GD) or B (FA). lambda = 0 is the plain step (up to the order of roundings).
/// Throws std::invalid_argument for FA* or a negative lambda.
template <class T>
void regularised_step(Algorithm alg, Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta,
                      const T& lambda);

/// The hidden-layer signals Lillicrap et al. compare, at (Z, W): FA's B^T E, backprop's Z^T E and
/// the pseudo-backprop signal Z^+ E (the smallest hidden change that moves the output by E). Z^+ is
/// Z^T (Z Z^T)^{-1}, defined for Z of full row rank (n <= r); `pseudo_backprop` is left empty when
/// Z Z^T is singular to working precision.
template <class T>
struct HiddenSignals {
  Mat<T> feedback;         // B^T E
  Mat<T> backprop;         // Z^T E
  Mat<T> pseudo_backprop;  // Z^+ E, or empty
};
template <class T>
HiddenSignals<T> hidden_signals(const Factors<T>& f, const Mat<T>& Y, const Mat<T>& B);

/// An aligned (spectral) start for Y = U diag(s) V^T with r = k: Z_0 = a U, W_0 = a V^T and
/// feedback B = U diag(gains). FA then keeps Z = U diag(z), W = diag(w) V^T: each component i
/// follows z+ = z - eta (z w - s_i) w, w+ = w - eta gain_i (z w - s_i), decoupled from the rest.
template <class T>
struct AlignedStart {
  Factors<T> start;
  Mat<T> B;
};
template <class T>
AlignedStart<T> aligned_start(const Mat<T>& U, const Mat<T>& V, const std::vector<double>& gains,
                              double init_scale);

/// Runs FA from `start` for at most `budget` steps and returns, for each component i, the first
/// step t at which u_i^T Z_t W_t v_i >= s_i / 2 (-1 if it never did within the budget).
template <class T>
std::vector<long> component_half_times(Factors<T> start, const Mat<T>& Y, const Mat<T>& B,
                                       const Mat<T>& U, const Mat<T>& V, const Vec<T>& s,
                                       const T& eta, long budget);

#define FA_DECLARE_LITERATURE(T, EXTERN)                                                         \
  EXTERN template void regularised_step<T>(Algorithm, Factors<T>&, const Mat<T>&, const Mat<T>&, \
                                           const T&, const T&);                                  \
  EXTERN template HiddenSignals<T> hidden_signals<T>(const Factors<T>&, const Mat<T>&,           \
                                                     const Mat<T>&);                             \
  EXTERN template AlignedStart<T> aligned_start<T>(const Mat<T>&, const Mat<T>&,                 \
                                                   const std::vector<double>&, double);          \
  EXTERN template std::vector<long> component_half_times<T>(                                     \
      Factors<T>, const Mat<T>&, const Mat<T>&, const Mat<T>&, const Mat<T>&, const Vec<T>&,     \
      const T&, long);

FA_DECLARE_LITERATURE(double, extern)
FA_DECLARE_LITERATURE(Mp, extern)

}  // namespace fa
