// The training dynamics under study (docs/algorithms.md, "The three algorithms").
//
// Minimise L = 1/2 ||ZW - Y||_F^2 over Z (n x r) and W (r x m); E = ZW - Y; B (n x r) is the fixed
// feedback matrix. All updates are simultaneous: every right-hand side uses the current (Z, W).
//   GD:  Z+ = Z - eta E W^T,  W+ = W - eta Z^T E
//   FA:  Z+ = Z - eta E W^T,  W+ = W - eta B^T E
//   FA*: RECONSTRUCTION (the paper's definition was not available to us):
//        W+ = W - eta B^T E,  Z+ = Z - eta E ((W + W+)/2)^T.
// FA* is defined in fa_star_step() alone, so a user with the paper can replace it in one place.
#pragma once

#include "core/scalar.hpp"
#include "dynamics/kernels.hpp"

#include <stdexcept>
#include <string>

namespace fa {

enum class Algorithm { gd, fa, fa_star };

inline std::string algorithm_name(Algorithm a) {
  switch (a) {
    case Algorithm::gd: return "GD";
    case Algorithm::fa: return "FA";
    case Algorithm::fa_star: return "FA*";
  }
  return "?";
}

inline Algorithm parse_algorithm(const std::string& s) {
  if (s == "gd" || s == "GD") return Algorithm::gd;
  if (s == "fa" || s == "FA") return Algorithm::fa;
  if (s == "fastar" || s == "fa-star" || s == "FA*") return Algorithm::fa_star;
  throw std::invalid_argument("unknown algorithm '" + s + "' (expected gd, fa or fastar)");
}

/// The factors being trained.
template <class T>
struct Factors {
  Mat<T> Z;  // n x r, output layer
  Mat<T> W;  // r x m, hidden layer
};

/// Scratch space so that a step allocates nothing once warmed up.
template <class T>
struct Workspace {
  Mat<T> E;        // n x m residual ZW - Y
  Mat<T> G;        // r x m error sent back to W (B^T E or Z^T E)
  Mat<T> W_mid;    // r x m, FA* only
};

/// E = ZW - Y (the MPFR types: each entry the exact sum rounded once, by the step's kernel; the
/// runs compute it for their loss checks every few steps, where Eigen's generic product was a
/// tenth of a small mp run).
template <class T>
void residual(const Factors<T>& f, const Mat<T>& Y, Mat<T>& E) {
  if constexpr (kernels::is_mpfr_v<T>) {
    kernels::mpfr_residual(f.Z, f.W, Y, E);
  } else {
    E.noalias() = f.Z * f.W;
    E -= Y;
  }
}

/// ||E||_F^2 (the MPFR types: the exact sum of squares rounded once).
template <class T>
T squared_norm(const Mat<T>& E) {
  if constexpr (kernels::is_mpfr_v<T>)
    return kernels::squared_norm(E);
  else
    return E.squaredNorm();
}

template <class T>
T loss(const Factors<T>& f, const Mat<T>& Y) {
  if constexpr (kernels::is_mpfr_v<T>) {
    Mat<T> E;
    residual(f, Y, E);
    return squared_norm(E) / 2;
  } else {
    Mat<T> E = f.Z * f.W - Y;
    return E.squaredNorm() / 2;
  }
}

/// GD: W's update uses Z^T E with the old Z, so G is formed before Z moves.
/// The MPFR types go through the in-place kernels of dynamics/kernels.hpp (no temporaries); double
/// and Rational through Eigen's products. Both compute exactly these formulas (kernels.hpp says
/// how the results compare with the plain Eigen expressions).
template <class T>
void gd_step(Factors<T>& f, const Mat<T>& Y, const T& eta, Workspace<T>& ws) {
  if constexpr (kernels::is_mpfr_v<T>) {
    kernels::mpfr_residual(f.Z, f.W, Y, ws.E);
    kernels::transpose_times(f.Z, ws.E, ws.G);
    kernels::sub_scaled_times_transpose(f.Z, eta, ws.E, f.W);
    kernels::sub_scaled(f.W, eta, ws.G);
  } else {
    kernels::dense_residual(f.Z, f.W, Y, ws.E);
    ws.G.noalias() = f.Z.transpose() * ws.E;
    f.Z.noalias() -= eta * (ws.E * f.W.transpose());
    f.W.noalias() -= eta * ws.G;
  }
}

/// FA: B^T replaces Z^T in the error sent back to W.
template <class T>
void fa_step(Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta, Workspace<T>& ws) {
  if constexpr (kernels::is_mpfr_v<T>) {
    kernels::mpfr_residual(f.Z, f.W, Y, ws.E);
    kernels::transpose_times(B, ws.E, ws.G);
    kernels::sub_scaled_times_transpose(f.Z, eta, ws.E, f.W);
    kernels::sub_scaled(f.W, eta, ws.G);
  } else {
    kernels::dense_residual(f.Z, f.W, Y, ws.E);
    ws.G.noalias() = B.transpose() * ws.E;
    f.Z.noalias() -= eta * (ws.E * f.W.transpose());
    f.W.noalias() -= eta * ws.G;
  }
}

/// FA* (reconstruction, see the header comment): Z moves with the average of the old and new W,
/// which makes Q = B^T Z + Z^T B - W W^T exactly invariant (claim X7).
template <class T>
void fa_star_step(Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta,
                  Workspace<T>& ws) {
  if constexpr (kernels::is_mpfr_v<T>) {
    kernels::mpfr_residual(f.Z, f.W, Y, ws.E);
    kernels::transpose_times(B, ws.E, ws.G);
    kernels::assign_sub_scaled(ws.W_mid, f.W, T(eta / 2), ws.G);  // W_mid = W - (eta/2) G
    kernels::sub_scaled_times_transpose(f.Z, eta, ws.E, ws.W_mid);
    kernels::sub_scaled(f.W, eta, ws.G);
  } else {
    kernels::dense_residual(f.Z, f.W, Y, ws.E);
    ws.G.noalias() = B.transpose() * ws.E;
    ws.W_mid = f.W;
    ws.W_mid.noalias() -= (eta / 2) * ws.G;
    f.Z.noalias() -= eta * (ws.E * ws.W_mid.transpose());
    f.W.noalias() -= eta * ws.G;
  }
}

template <class T>
void reference_step(Algorithm a, Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta,
                    Workspace<T>& ws) {
  switch (a) {
    case Algorithm::gd: gd_step(f, Y, eta, ws); return;
    case Algorithm::fa: fa_step(f, Y, B, eta, ws); return;
    case Algorithm::fa_star: fa_star_step(f, Y, B, eta, ws); return;
  }
}

/// The dynamics as seen by trajectories and claim checks. The reference implementation is the
/// only one reachable from the library; mutation tests (tests/mutants) derive from this interface
/// to inject plausible mistakes and show that the claim checks catch them.
template <class T>
class DeepDynamics;  // dynamics/deep.hpp
template <class T>
const DeepDynamics<T>& reference_deep_dynamics();

template <class T>
class Dynamics {
 public:
  virtual ~Dynamics() = default;
  virtual std::string name() const { return "reference"; }
  /// One simultaneous update at step index t (0-based).
  virtual void step(Algorithm a, Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta,
                    long /*t*/, Workspace<T>& ws) const {
    reference_step(a, f, Y, B, eta, ws);
  }
  /// Zero initialisation, as the claims that assume it mean it.
  virtual Factors<T> zero_init(Eigen::Index n, Eigen::Index r, Eigen::Index m) const {
    return Factors<T>{Mat<T>::Zero(n, r), Mat<T>::Zero(r, m)};
  }
  /// The deep networks' dynamics (dynamics/deep.hpp) that go with these: the claims on deep
  /// networks take them from here, so a mutant of the deep steps reaches them the same way.
  virtual const DeepDynamics<T>& deep() const { return reference_deep_dynamics<T>(); }
};

template <class T>
const Dynamics<T>& reference_dynamics() {
  static const Dynamics<T> instance;
  return instance;
}

// The steps and the reference dynamics are compiled once per scalar, in fa_core (part "kernels",
// core/instantiate.cpp.in); every other translation unit that links fa_core sees them as extern
// templates. Instantiated in each claim, test and tool instead, they cost 14 translation units
// ~1 s of compile time each (issue 12). Targets that do not link fa_core (the kernel-precision
// test) do not define FA_CORE_EIGEN_KERNELS and instantiate them themselves.
#define FA_DECLARE_STEPS(T, EXTERN)                                                               \
  EXTERN template void gd_step<T>(Factors<T>&, const Mat<T>&, const T&, Workspace<T>&);           \
  EXTERN template void fa_step<T>(Factors<T>&, const Mat<T>&, const Mat<T>&, const T&,            \
                                  Workspace<T>&);                                                 \
  EXTERN template void fa_star_step<T>(Factors<T>&, const Mat<T>&, const Mat<T>&, const T&,       \
                                       Workspace<T>&);                                            \
  EXTERN template void reference_step<T>(Algorithm, Factors<T>&, const Mat<T>&, const Mat<T>&,    \
                                         const T&, Workspace<T>&);                                \
  EXTERN template class Dynamics<T>;                                                              \
  EXTERN template const Dynamics<T>& reference_dynamics<T>();

#ifdef FA_CORE_EIGEN_KERNELS
FA_DECLARE_STEPS(double, extern)
FA_DECLARE_STEPS(Mp, extern)
FA_DECLARE_STEPS(MpVar, extern)
FA_DECLARE_STEPS(Rational, extern)
#endif

}  // namespace fa

// Dynamics<T>::deep() returns the deep networks' reference dynamics, defined there.
#include "dynamics/deep.hpp"
