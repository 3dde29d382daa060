// Mutant dynamics for mutation testing (issue 6). TEST-ONLY: this header is included by the
// fa-mutants driver alone; nothing in the library, fa-claims or fa-check can reach it.
//
// Each mutant is a small, plausible mistake in the GD / FA / FA* steps of dynamics/dynamics.hpp,
// injected through the Dynamics<T> interface (step and zero_init) that the claim checks take from
// Case<T>::dynamics(). A mutant that no claim kills shows a hole in the suite: the fix is to add
// or sharpen a claim, never to delete the mutant.
//
// The perturbation mutant ("perturbed-2^-50"): every step multiplies W by 1 + (-1)^t 2^-50, a
// relative change of 2^-50 = 4 eps_double (eps = 2^-52, the suite's epsilon<double>()).
// Why this size: the example was 1e-10, but the suite's double identity tolerances are
// k eps scale with k >= 8 (d + 2) >= 24 (X1, X2, X3, X4, X7; X5: 4 (d + 2) >= 12; X6: 2e3 (d + 2))
// and the terms move by at most 2 x 4 eps of their scale (W W^T: twice W's relative change), so a
// 1e-10 bug would be caught in double too and prove nothing about precision. 2^-50 lies below
// every double identity tolerance (so double cannot tell it from rounding) yet some 2^116 times
// above mp's (168 bits: eps = 2^-167, tolerances ~ 2^-160 relative), so any mp run of an exact
// identity must catch it. The sign alternates with t so that the error does not build up over a
// run: the convergence claims' floors in double (A1: 2^6 eps / (eta sigma_1) relative) see a
// jitter of one step's size only, not a drift.
#pragma once

#include "dynamics/dynamics.hpp"
#include "generators/random.hpp"
#include "tests/mutants/mpfr_mutants.hpp"

#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace fa::mutants {

enum class Kind {
  redrawn_feedback,
  gd_as_fa,
  gd_uses_feedback,
  w_sign_flipped,
  z_step_doubled,
  sequential_update,
  feedback_transposed,
  fastar_new_w,
  fastar_as_fa,
  perturbed,
  nonzero_init,
  feedback_scaled,
  stale_residual,
  // The MPFR step path (mpfr_mutants.hpp): Mp and MpVar run the mutated kernel code.
  mpfr_residual_drops_last_term,
  mpfr_residual_adds_y,
  mpfr_digits_ignore_precision,
  mpfr_z_update_wrong_stride,
  mpfr_wmid_sign,
  mpfr_gd_back_after_z_moves,
  // The deep steps (dynamics/deep.hpp), through Dynamics<T>::deep(): DeepMutant below.
  deep_sequential_below,
  deep_dfa_wrong_layer,
  deep_product_wrong_order,
  mpfr_deep_times_drops_last_term,
};

/// Which scalars can see a mutant, hence what its test expects of the double and mp runs.
enum class Reach {
  every_scalar,  // a mistake in code every scalar runs: killed in double and in mp
  below_double,  // on every path, but rounding-sized at double's precision: missed in double,
                 // killed in mp
  mpfr_path,     // in the MPFR kernels only: double runs the reference step (survives), mp kills
};

struct MutantInfo {
  Kind kind;
  std::string name;
  std::string description;
  Reach reach = Reach::every_scalar;
  /// Double cannot kill it (below its precision, or not on its path).
  bool double_blind() const { return reach != Reach::every_scalar; }
  /// The mutated code is not on double's path at all.
  bool off_double_path() const { return reach == Reach::mpfr_path; }
  mpfr_path::Bug mpfr_bug = mpfr_path::Bug::residual_drops_last_term;  // mpfr_path only
  /// A mistake in the deep steps only (the two-layer steps are the reference's): the claims on
  /// deep networks (DL1-DL4) must kill it.
  bool deep = false;
};

inline const std::vector<MutantInfo>& catalogue() {
  static const std::vector<MutantInfo> list = {
      {Kind::redrawn_feedback, "redrawn-feedback",
       "FA and FA* draw a fresh N(0, 1/n) feedback matrix at every step instead of keeping B "
       "fixed (the draw put inside the loop)"},
      {Kind::gd_as_fa, "gd-as-fa",
       "FA and FA* send the error back through Z^T instead of B^T: GD passed off as FA"},
      {Kind::gd_uses_feedback, "gd-uses-feedback",
       "GD sends the error back through B^T instead of Z^T: FA passed off as GD"},
      {Kind::w_sign_flipped, "w-sign-flipped",
       "the W-update's sign is flipped (W+ = W + eta G) in every algorithm"},
      {Kind::z_step_doubled, "z-step-doubled",
       "the Z-update takes twice the step (Z+ = Z - 2 eta E W^T): one layer's step doubled"},
      {Kind::sequential_update, "sequential-update",
       "sequential instead of simultaneous updates: Z moves first, then E (and GD's Z^T) is "
       "recomputed with the new Z before W moves"},
      {Kind::feedback_transposed, "feedback-transposed",
       "FA and FA* use B E instead of B^T E when B is square (n = r), where the shapes let the "
       "mistake compile; other shapes are unaffected"},
      {Kind::fastar_new_w, "fastar-new-w",
       "FA* moves Z with the new W instead of the average (W + W+)/2"},
      {Kind::fastar_as_fa, "fastar-as-fa",
       "FA* falls through to the plain FA step (a switch fall-through)"},
      {Kind::perturbed, "perturbed-2^-50",
       "every step multiplies W by 1 + (-1)^t 2^-50 (4 eps_double, relative): a rounding-sized "
       "bug below double's identity tolerances, far above mp's",
       Reach::below_double},
      {Kind::nonzero_init, "nonzero-init",
       "the 'zero' initialisation leaves Z with entries of size 2^-20 (W is zero): initial Z "
       "not zero when zero is claimed"},
      {Kind::feedback_scaled, "feedback-scaled",
       "FA and FA* scale the feedback by 1.01 (W+ = W - 1.01 eta B^T E)"},
      {Kind::stale_residual, "stale-residual",
       "the residual E is cached in the workspace and recomputed only when the workspace is "
       "fresh: every step after the first uses the first step's E"},
      {Kind::mpfr_residual_drops_last_term, "mpfr-residual-drops-last-term",
       "MPFR kernel mpfr_residual: the exact sum of E = ZW - Y stops at r - 1 (the last product "
       "of every entry dropped; r = 1 unaffected)",
       Reach::mpfr_path, mpfr_path::Bug::residual_drops_last_term},
      {Kind::mpfr_residual_adds_y, "mpfr-residual-adds-y",
       "MPFR kernel mpfr_residual: Y passed to the exact dot product with the wrong sign, so "
       "E = ZW + Y",
       Reach::mpfr_path, mpfr_path::Bug::residual_adds_y},
      {Kind::mpfr_digits_ignore_precision, "mpfr-digits-ignore-precision",
       "MPFR kernel transpose_times (G = A^T E, GD's Z^T E and FA's B^T E): the fixed-point "
       "digits of each row and column counted from the spread of its exponents alone, not the "
       "entries' precision (dynamics/exact_dot.hpp, scan_panels), so the low bits of the "
       "entries are cut off",
       Reach::mpfr_path, mpfr_path::Bug::digits_ignore_precision},
      {Kind::mpfr_z_update_wrong_stride, "mpfr-z-update-wrong-stride",
       "MPFR kernel sub_scaled_times_transpose (Z -= eta E V^T): row k of V read with stride 1 "
       "instead of r (the wrong entries of W when r >= 2)",
       Reach::mpfr_path, mpfr_path::Bug::z_update_wrong_stride},
      {Kind::mpfr_wmid_sign, "mpfr-wmid-sign",
       "MPFR kernel assign_sub_scaled: FA*'s average W_mid = W + (eta/2) G instead of "
       "W - (eta/2) G",
       Reach::mpfr_path, mpfr_path::Bug::wmid_sign},
      {Kind::mpfr_gd_back_after_z_moves, "mpfr-gd-back-after-z-moves",
       "MPFR branch of gd_step: the kernels called in the wrong order, Z updated before "
       "G = Z^T E is formed, so W's update uses the new Z",
       Reach::mpfr_path, mpfr_path::Bug::gd_back_after_z_moves},
      {Kind::deep_sequential_below, "deep-sequential-below",
       "deep steps: the layers move one at a time from the bottom up, each from signals "
       "recomputed with the layers below already moved (a layer updated from the already-updated "
       "layer below)",
       Reach::every_scalar, mpfr_path::Bug::residual_drops_last_term, true},
      {Kind::deep_dfa_wrong_layer, "deep-dfa-wrong-layer",
       "deep DFA: layer l (below the top hidden layer) receives the signal of the layer above, "
       "B_{l+1}^T E, where the widths let it compile (d_l = d_{l+1})",
       Reach::every_scalar, mpfr_path::Bug::residual_drops_last_term, true},
      {Kind::deep_product_wrong_order, "deep-product-wrong-order",
       "deep steps: the forward products taken in the wrong order, P_l = P_{l-1} W_l "
       "(= W_1 ... W_l), where the shapes let it compile (square layers)",
       Reach::every_scalar, mpfr_path::Bug::residual_drops_last_term, true},
      {Kind::mpfr_deep_times_drops_last_term, "mpfr-deep-times-drops-last-term",
       "MPFR kernel times (the deep forward products P_l = W_l P_{l-1}, L >= 3): the inner sum "
       "stops one term early (d_{l-1} = 1 unaffected)",
       Reach::mpfr_path, mpfr_path::Bug::residual_drops_last_term, true},
  };
  return list;
}

inline const MutantInfo* find_mutant(const std::string& name) {
  for (const auto& m : catalogue())
    if (m.name == name) return &m;
  return nullptr;
}

/// 1 + (-1)^t 2^-50, exact in double and in every wider type.
inline double perturbation_factor(long t) {
  const double d = std::ldexp(1.0, -50);
  return t % 2 == 0 ? 1 + d : 1 - d;
}

/// The deep step (dynamics/deep.hpp) written out in plain Eigen, with one mistake; the MPFR
/// mistake runs the library's deep step with a mutated copy of the `times` kernel. Other
/// mutants leave the deep steps alone (the reference).
template <class T>
class DeepMutant : public DeepDynamics<T> {
 public:
  explicit DeepMutant(Kind kind) : kind_(kind) {}
  void step(DeepAlgorithm a, Layers<T>& w, const Mat<T>& Y, const DeepFeedback<T>& fb, const T& eta,
            long t, DeepWorkspace<T>& ws) const override {
    switch (kind_) {
      case Kind::deep_sequential_below:
        for (int l = 1; l <= w.depth(); ++l) {  // BUG: each layer sees the layers below moved
          const DeepSignals<T> s = signals(a, w, Y, fb, false);
          update_layer(w, s, l, eta);
        }
        return;
      case Kind::deep_dfa_wrong_layer:
      case Kind::deep_product_wrong_order: {
        const DeepSignals<T> s = signals(a, w, Y, fb, kind_ == Kind::deep_product_wrong_order);
        for (int l = w.depth(); l >= 1; --l) update_layer(w, s, l, eta);
        return;
      }
      case Kind::mpfr_deep_times_drops_last_term:
        if constexpr (kernels::is_mpfr_v<T>) {
          mpfr_path::deep_step_times_drops_last_term(a, w, Y, fb, eta, ws);
          return;
        }
        break;
      default:
        break;
    }
    DeepDynamics<T>::step(a, w, Y, fb, eta, t, ws);
  }

 private:
  static void update_layer(Layers<T>& w, const DeepSignals<T>& s, int l, const T& eta) {
    const auto i = static_cast<std::size_t>(l);
    if (l == 1)
      w.W[i] -= eta * s.delta[i];
    else
      w.W[i] -= eta * (s.delta[i] * s.P[i - 1].transpose());
  }
  /// The signals, with the mistakes of the two signal mutants.
  DeepSignals<T> signals(DeepAlgorithm a, const Layers<T>& w, const Mat<T>& Y,
                         const DeepFeedback<T>& fb, bool wrong_order) const {
    DeepSignals<T> s = plain_deep_signals(a, w, Y, fb);
    const int L = w.depth();
    if (wrong_order) {
      bool square = true;
      for (int l = 1; l <= L; ++l)
        square = square &&
                 w.W[static_cast<std::size_t>(l)].rows() == w.W[static_cast<std::size_t>(l)].cols();
      if (square) {  // BUG: P_l = P_{l-1} W_l, and everything downstream from it
        Mat<T> P = w.W[1];
        for (int l = 2; l <= L; ++l) {
          P = Mat<T>(P * w.W[static_cast<std::size_t>(l)]);
          s.P[static_cast<std::size_t>(l)] = P;
        }
        const Mat<T> E = s.P[static_cast<std::size_t>(L)] - Y;
        s.delta[static_cast<std::size_t>(L)] = E;
        for (int l = L - 1; l >= 1; --l) {
          const auto i = static_cast<std::size_t>(l);
          s.delta[i] = a == DeepAlgorithm::gd   ? Mat<T>(w.W[i + 1].transpose() * s.delta[i + 1])
                       : a == DeepAlgorithm::fa ? Mat<T>(fb.fa[i + 1].transpose() * s.delta[i + 1])
                                                : Mat<T>(fb.dfa[i].transpose() * E);
        }
      }
    }
    if (kind_ == Kind::deep_dfa_wrong_layer && a == DeepAlgorithm::dfa) {
      const Mat<T>& E = s.delta[static_cast<std::size_t>(L)];
      for (int l = 1; l <= L - 2; ++l) {
        const Mat<T>& above = fb.dfa[static_cast<std::size_t>(l + 1)];
        if (above.cols() == fb.dfa[static_cast<std::size_t>(l)].cols())
          s.delta[static_cast<std::size_t>(l)] = above.transpose() * E;  // BUG: layer l + 1's B
      }
    }
    return s;
  }
  Kind kind_;
};

template <class T>
class Mutant : public Dynamics<T> {
 public:
  explicit Mutant(const MutantInfo& info) : info_(info), deep_(info.kind) {}
  const DeepDynamics<T>& deep() const override {
    if (info_.deep) return deep_;
    return Dynamics<T>::deep();
  }
  std::string name() const override { return info_.name; }
  const MutantInfo& info() const { return info_; }

  void step(Algorithm a, Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta, long t,
            Workspace<T>& ws) const override {
    if (info_.deep) {  // the two-layer steps are the reference's
      reference_step(a, f, Y, B, eta, ws);
      return;
    }
    if (info_.off_double_path()) {
      // The mutated code is the MPFR path's: other scalars run their (reference) step.
      if constexpr (kernels::is_mpfr_v<T>)
        mpfr_path::step(info_.mpfr_bug, a, f, Y, B, eta, ws);
      else
        reference_step(a, f, Y, B, eta, ws);
      return;
    }
    switch (info_.kind) {
      case Kind::perturbed:
        reference_step(a, f, Y, B, eta, ws);
        f.W *= T(perturbation_factor(t));
        return;
      case Kind::nonzero_init:
        reference_step(a, f, Y, B, eta, ws);
        return;
      case Kind::fastar_as_fa:
        reference_step(a == Algorithm::fa_star ? Algorithm::fa : a, f, Y, B, eta, ws);
        return;
      default:
        mutated_step(a, f, Y, B, eta, t, ws);
        return;
    }
  }

  Factors<T> zero_init(Eigen::Index n, Eigen::Index r, Eigen::Index m) const override {
    Factors<T> f = Dynamics<T>::zero_init(n, r, m);
    if (info_.kind == Kind::nonzero_init) {
      // A fixed, non-degenerate pattern of size 2^-20 (what a forgotten setZero() in a reused
      // buffer, or a "small" init flag left on, would leave behind).
      for (Eigen::Index j = 0; j < r; ++j)
        for (Eigen::Index i = 0; i < n; ++i)
          f.Z(i, j) = T(std::ldexp(1.0 + double((3 * i + 5 * j) % 7) / 7, -20));
    }
    return f;
  }

 private:
  /// The step written out in plain Eigen (the reference's formulas), with the mutation applied.
  void mutated_step(Algorithm a, Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta,
                    long t, Workspace<T>& ws) const {
    const Kind k = info_.kind;
    const bool feedback_alg = a != Algorithm::gd;
    // Residual (stale-residual: only when the workspace does not hold one yet).
    Mat<T> E;
    if (k == Kind::stale_residual && ws.E.rows() == Y.rows() && ws.E.cols() == Y.cols()) {
      E = ws.E;
    } else {
      E = f.Z * f.W - Y;
      ws.E = E;
    }
    // The matrix the error is sent back through, as the W-update sees it: G = back^T E.
    auto feedback_of = [&](const Mat<T>& Zcur, const Mat<T>& Ecur) -> Mat<T> {
      if (!feedback_alg) {
        if (k == Kind::gd_uses_feedback) return B.transpose() * Ecur;
        return Zcur.transpose() * Ecur;
      }
      switch (k) {
        case Kind::gd_as_fa: return Zcur.transpose() * Ecur;
        case Kind::redrawn_feedback: {
          // Stateless and deterministic: a fresh draw per step index and instance.
          double b00 = to_double(T(B(0, 0)));
          std::uint64_t bits = 0;
          std::memcpy(&bits, &b00, sizeof bits);
          Engine engine = make_engine(splitmix64(bits) ^ static_cast<std::uint64_t>(t + 1),
                                      Stream::extra);
          const Mat<T> fresh = cast_matrix<T>(gaussian_matrix(B.rows(), B.cols(), engine)) /
                               T(std::sqrt(double(B.rows())));
          return fresh.transpose() * Ecur;
        }
        case Kind::feedback_transposed:
          if (B.rows() == B.cols()) return B * Ecur;
          return B.transpose() * Ecur;
        case Kind::feedback_scaled: return T(1.01) * (B.transpose() * Ecur);
        default: return B.transpose() * Ecur;
      }
    };
    const T w_sign = k == Kind::w_sign_flipped ? T(1) : T(-1);
    const T z_gain = k == Kind::z_step_doubled ? T(2) : T(1);

    if (k == Kind::sequential_update) {
      // Z first (with the matrix the algorithm prescribes), then W from the new Z's residual.
      Mat<T> W_for_z = f.W;
      if (a == Algorithm::fa_star) {
        const Mat<T> G0 = feedback_of(f.Z, E);
        W_for_z = f.W - (eta / 2) * G0;
      }
      f.Z -= eta * (E * W_for_z.transpose());
      const Mat<T> E_new = f.Z * f.W - Y;
      f.W -= eta * feedback_of(f.Z, E_new);
      return;
    }

    const Mat<T> G = feedback_of(f.Z, E);
    const Mat<T> W_new = f.W + w_sign * eta * G;
    Mat<T> W_for_z = f.W;
    if (a == Algorithm::fa_star)
      W_for_z = k == Kind::fastar_new_w ? W_new : Mat<T>((f.W + W_new) / 2);
    f.Z -= z_gain * eta * (E * W_for_z.transpose());
    f.W = W_new;
  }

  MutantInfo info_;
  DeepMutant<T> deep_;
};

/// Double dynamics with W multiplied by 1 + (-1)^t 10^6 eps (eps = 2^-52) after every reference
/// step: a bug confined to the 53-bit rung of a precision ladder, 10^6 eps relative, far above
/// the claims' double identity tolerances (k <= 2e3 (d + 2)) but, on one rung of four, too small
/// to move the ladder's slope out of [0.8, 1.2]. fa-mutants ladder-rung runs it.
class DoubleRungPerturbation : public Dynamics<double> {
 public:
  std::string name() const override { return "W *= 1 + (-1)^t 1e6 eps (53-bit rung only)"; }
  void step(Algorithm a, Factors<double>& f, const Mat<double>& Y, const Mat<double>& B,
            const double& eta, long t, Workspace<double>& ws) const override {
    reference_step(a, f, Y, B, eta, ws);
    const double d = 1e6 * std::ldexp(1.0, -52);
    f.W *= t % 2 == 0 ? 1 + d : 1 - d;
  }
};

}  // namespace fa::mutants
