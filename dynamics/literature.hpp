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

#include <stdexcept>
#include <string>
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

/// Lillicrap et al.'s pseudo-backprop as a training rule: W moves along the pseudo-backprop
/// signal instead of B^T E (FA) or Z^T E (GD):
///   Z+ = Z - eta E W^T,  W+ = W - eta Z^+ E,  E = ZW - Y,
/// Z^+ E as hidden_signals computes it. Throws std::domain_error when Z Z^T is singular to working
/// precision (n > r, or Z of rank < n), where Z^+ E is not defined.
template <class T>
void pseudo_backprop_step(Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta);

/// The literature's training rules as Dynamics (dynamics.hpp), so that run_dynamics records them as
/// it records GD and FA (fa-check run --weight-decay / --algo pseudo-bp, faverify.run): GD or FA
/// with weight decay lambda (regularised_step, even at lambda = 0: the steps L7 takes), or the
/// pseudo-backprop rule (the algorithm argument is then ignored).
template <class T>
class LiteratureDynamics : public Dynamics<T> {
 public:
  static LiteratureDynamics weight_decay(const T& lambda) {
    return LiteratureDynamics(lambda, false);
  }
  static LiteratureDynamics pseudo_backprop() { return LiteratureDynamics(T(0), true); }
  std::string name() const override { return pseudo_ ? "pseudo-backprop" : "weight decay"; }
  void step(Algorithm a, Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta, long t,
            Workspace<T>& /*ws*/) const override {
    if (!pseudo_) return regularised_step(a, f, Y, B, eta, lambda_);
    try {
      pseudo_backprop_step(f, Y, B, eta);
    } catch (const std::domain_error& e) {
      throw std::domain_error("step " + std::to_string(t) + ": " + e.what());
    }
  }

 private:
  LiteratureDynamics(const T& lambda, bool pseudo) : lambda_(lambda), pseudo_(pseudo) {}
  T lambda_;
  bool pseudo_;
};

#define FA_DECLARE_LITERATURE(T, EXTERN)                                                         \
  EXTERN template void regularised_step<T>(Algorithm, Factors<T>&, const Mat<T>&, const Mat<T>&, \
                                           const T&, const T&);                                  \
  EXTERN template HiddenSignals<T> hidden_signals<T>(const Factors<T>&, const Mat<T>&,           \
                                                     const Mat<T>&);                             \
  EXTERN template AlignedStart<T> aligned_start<T>(const Mat<T>&, const Mat<T>&,                 \
                                                   const std::vector<double>&, double);          \
  EXTERN template std::vector<long> component_half_times<T>(                                     \
      Factors<T>, const Mat<T>&, const Mat<T>&, const Mat<T>&, const Mat<T>&, const Vec<T>&,     \
      const T&, long);                                                                           \
  EXTERN template void pseudo_backprop_step<T>(Factors<T>&, const Mat<T>&, const Mat<T>&, const T&);

FA_DECLARE_LITERATURE(double, extern)
FA_DECLARE_LITERATURE(Mp, extern)
FA_DECLARE_LITERATURE(MpVar, extern)

}  // namespace fa
