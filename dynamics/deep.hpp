// Deep linear networks: GD, FA and DFA at depth L >= 2 (docs/claims-deep.md, "Setting").
//
// Layers W_1 .. W_L, W_l of shape d_l x d_{l-1}, with d_0 = m (input), d_L = n (output);
// P_l = W_l ... W_1 (d_l x m), P_0 = I_m; the output is P_L, E = P_L - Y, loss 1/2 ||E||_F^2.
// Backward signals: delta_L = E and, for l = L-1 .. 1,
//   GD  (backprop):        delta_l = W_{l+1}^T delta_{l+1}
//   FA  (feedback align.): delta_l = B_{l+1}^T delta_{l+1}, B_{l+1} fixed, of W_{l+1}'s shape
//   DFA (direct feedback): delta_l = B_l^T E,               B_l fixed, n x d_l
// Every layer moves simultaneously, from the current weights: W_l+ = W_l - eta delta_l P_{l-1}^T.
//
// At L = 2 (W_2 = Z, W_1 = W, FA's B_2 = B, DFA's B_1 = B) this is the two-layer GD and FA of
// dynamics.hpp, and deep_step() then runs the very same operations in the same order as gd_step()
// and fa_step() (the same fused residual for double, the same MPFR kernels), so it reproduces them
// bit for bit in every arithmetic (tests/unit/test_deep.cpp); at L = 2 FA and DFA coincide.
//
// Indices are the layer numbers of the text: vectors are sized L + 1 and entry 0 is unused.
#pragma once

#include "dynamics/dynamics.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace fa {

enum class DeepAlgorithm { gd, fa, dfa };

inline std::string deep_algorithm_name(DeepAlgorithm a) {
  switch (a) {
    case DeepAlgorithm::gd:
      return "GD";
    case DeepAlgorithm::fa:
      return "FA";
    case DeepAlgorithm::dfa:
      return "DFA";
  }
  return "?";
}

inline DeepAlgorithm parse_deep_algorithm(const std::string& s) {
  if (s == "gd" || s == "GD") return DeepAlgorithm::gd;
  if (s == "fa" || s == "FA") return DeepAlgorithm::fa;
  if (s == "dfa" || s == "DFA") return DeepAlgorithm::dfa;
  throw std::invalid_argument("unknown deep algorithm '" + s + "' (expected gd, fa or dfa)");
}

/// The layers being trained: W[l] = W_l (d_l x d_{l-1}) for l = 1..L; W[0] is unused (empty).
template <class T>
struct Layers {
  std::vector<Mat<T>> W;
  int depth() const { return static_cast<int>(W.size()) - 1; }
};

/// The fixed feedback of both algorithms that use one: fa[l] = B_l (W_l's shape, d_l x d_{l-1})
/// for l = 2..L, sending delta_l back to layer l-1; dfa[l] = B_l (n x d_l) for l = 1..L-1,
/// sending E straight to layer l. Unused slots are empty. A run reads only its algorithm's set.
template <class T>
struct DeepFeedback {
  std::vector<Mat<T>> fa;
  std::vector<Mat<T>> dfa;
};

/// Scratch space so that a step allocates nothing once warmed up: P[l] = W_l ... W_1 for
/// l = 2..L-1 (P_1 is W_1 itself), E = P_L - Y, delta[l] for l = 1..L-1 (delta_L is E).
template <class T>
struct DeepWorkspace {
  std::vector<Mat<T>> P;
  std::vector<Mat<T>> delta;
  Mat<T> E;
};

/// Widths d_0 .. d_L of a stack of layers (d_0 = m, d_L = n).
template <class T>
std::vector<int> layer_widths(const Layers<T>& w) {
  std::vector<int> d;
  if (w.depth() < 1) return d;
  d.push_back(static_cast<int>(w.W[1].cols()));
  for (int l = 1; l <= w.depth(); ++l)
    d.push_back(static_cast<int>(w.W[static_cast<std::size_t>(l)].rows()));
  return d;
}

namespace deep_detail {
template <class T>
const Mat<T>& at(const std::vector<Mat<T>>& v, int l) {
  return v[static_cast<std::size_t>(l)];
}
template <class T>
Mat<T>& at(std::vector<Mat<T>>& v, int l) {
  return v[static_cast<std::size_t>(l)];
}
}  // namespace deep_detail

/// P_l = W_l ... W_1 for l >= 1 (P_0 = I is never formed: the bottom layer's update omits it).
/// Returns P_l by reference into the workspace, or W_1 itself for l = 1.
template <class T>
const Mat<T>& forward_product(const Layers<T>& w, const DeepWorkspace<T>& ws, int l) {
  return l == 1 ? deep_detail::at(w.W, 1) : deep_detail::at(ws.P, l);
}

/// The forward pass and the backward signals from the current weights: ws.P[2..L-1], ws.E and
/// ws.delta[1..L-1]. deep_step() moves the layers from them; claims read them.
template <class T>
void deep_signals(DeepAlgorithm a, const Layers<T>& w, const Mat<T>& Y, const DeepFeedback<T>& fb,
                  DeepWorkspace<T>& ws) {
  using deep_detail::at;
  const int L = w.depth();
  ws.P.resize(static_cast<std::size_t>(L + 1));
  ws.delta.resize(static_cast<std::size_t>(L + 1));
  for (int l = 2; l <= L - 1; ++l) {
    if constexpr (kernels::is_mpfr_v<T>) {
      kernels::times(at(w.W, l), forward_product(w, ws, l - 1), at(ws.P, l));
    } else {
      at(ws.P, l).noalias() = at(w.W, l) * forward_product(w, ws, l - 1);
    }
  }
  // E = W_L P_{L-1} - Y: at L = 2 exactly the two-layer residual of Z W - Y.
  if constexpr (kernels::is_mpfr_v<T>) {
    kernels::mpfr_residual(at(w.W, L), forward_product(w, ws, L - 1), Y, ws.E);
  } else {
    kernels::dense_residual(at(w.W, L), forward_product(w, ws, L - 1), Y, ws.E);
  }
  for (int l = L - 1; l >= 1; --l) {
    const Mat<T>& above = l == L - 1 ? ws.E : at(ws.delta, l + 1);
    const Mat<T>* back = nullptr;  // delta_l = back^T (signal from above)
    const Mat<T>* signal = &above;
    switch (a) {
      case DeepAlgorithm::gd:
        back = &at(w.W, l + 1);
        break;
      case DeepAlgorithm::fa:
        back = &at(fb.fa, l + 1);
        break;
      case DeepAlgorithm::dfa:
        back = &at(fb.dfa, l);
        signal = &ws.E;
        break;
    }
    if constexpr (kernels::is_mpfr_v<T>) {
      kernels::transpose_times(*back, *signal, at(ws.delta, l));
    } else {
      at(ws.delta, l).noalias() = back->transpose() * *signal;
    }
  }
}

/// One simultaneous step of the deep GD, FA or DFA. The layers move from the top down, so that
/// P_1 = W_1, which the update of W_2 reads, is still the current W_1 when it does; every other
/// operand is in the workspace, formed from the current weights by deep_signals().
template <class T>
void deep_step(DeepAlgorithm a, Layers<T>& w, const Mat<T>& Y, const DeepFeedback<T>& fb,
               const T& eta, DeepWorkspace<T>& ws) {
  using deep_detail::at;
  const int L = w.depth();
  deep_signals(a, w, Y, fb, ws);
  for (int l = L; l >= 2; --l) {
    const Mat<T>& d = l == L ? ws.E : at(ws.delta, l);
    if constexpr (kernels::is_mpfr_v<T>) {
      kernels::sub_scaled_times_transpose(at(w.W, l), eta, d, forward_product(w, ws, l - 1));
    } else {
      at(w.W, l).noalias() -= eta * (d * forward_product(w, ws, l - 1).transpose());
    }
  }
  if constexpr (kernels::is_mpfr_v<T>) {
    kernels::sub_scaled(at(w.W, 1), eta, at(ws.delta, 1));
  } else {
    at(w.W, 1).noalias() -= eta * at(ws.delta, 1);
  }
}

/// The forward products and backward signals written out in plain Eigen, straight from the
/// definitions (no workspace, no kernels): what claims compare the steps against, and what the
/// flows integrate. P[l] = W_l ... W_1 for l = 1..L (P[0] is I_m, left empty), delta[l] for
/// l = 1..L with delta[L] = E.
template <class T>
struct DeepSignals {
  std::vector<Mat<T>> P;
  std::vector<Mat<T>> delta;
  /// P_{l-1}^T P_{l-1} (d_{l-1}... m x m), with P_0 = I: the Gram matrix of the input to layer l.
  Mat<T> input_gram(int l) const {
    if (l == 1) return Mat<T>::Identity(delta[1].cols(), delta[1].cols());
    const Mat<T>& p = P[static_cast<std::size_t>(l - 1)];
    return p.transpose() * p;
  }
};

template <class T>
DeepSignals<T> plain_deep_signals(DeepAlgorithm a, const Layers<T>& w, const Mat<T>& Y,
                                  const DeepFeedback<T>& fb) {
  const int L = w.depth();
  DeepSignals<T> s;
  s.P.resize(static_cast<std::size_t>(L + 1));
  s.delta.resize(static_cast<std::size_t>(L + 1));
  s.P[1] = w.W[1];
  for (int l = 2; l <= L; ++l) {
    const auto i = static_cast<std::size_t>(l);
    s.P[i] = w.W[i] * s.P[i - 1];
  }
  const Mat<T> E = s.P[static_cast<std::size_t>(L)] - Y;
  s.delta[static_cast<std::size_t>(L)] = E;
  for (int l = L - 1; l >= 1; --l) {
    const auto i = static_cast<std::size_t>(l);
    switch (a) {
      case DeepAlgorithm::gd:
        s.delta[i] = w.W[i + 1].transpose() * s.delta[i + 1];
        break;
      case DeepAlgorithm::fa:
        s.delta[i] = fb.fa[i + 1].transpose() * s.delta[i + 1];
        break;
      case DeepAlgorithm::dfa:
        s.delta[i] = fb.dfa[i].transpose() * E;
        break;
    }
  }
  return s;
}

/// E = P_L - Y.
template <class T>
Mat<T> deep_residual(const Layers<T>& w, const Mat<T>& Y) {
  Mat<T> P = w.W[1];
  for (int l = 2; l <= w.depth(); ++l) P = Mat<T>(w.W[static_cast<std::size_t>(l)] * P);
  return P - Y;
}

template <class T>
T deep_loss(const Layers<T>& w, const Mat<T>& Y) {
  return deep_residual(w, Y).squaredNorm() / 2;
}

/// Throws std::invalid_argument naming the problem unless the layers chain (W_l is d_l x d_{l-1}
/// with d_0 = m, d_L = n), L >= 2, every width >= 1, and the feedback of `a` has the shapes its
/// algorithm needs (FA: B_l of W_l's shape, l = 2..L; DFA: B_l n x d_l, l = 1..L-1).
template <class T>
void validate_deep_problem(DeepAlgorithm a, const Layers<T>& w, const Mat<T>& Y,
                           const DeepFeedback<T>& fb) {
  auto fail = [](const std::string& what) { throw std::invalid_argument(what); };
  auto shape = [](const Mat<T>& M) {
    return std::to_string(M.rows()) + "x" + std::to_string(M.cols());
  };
  const int L = w.depth();
  if (L < 2) fail("a deep network needs depth L >= 2 (got " + std::to_string(L) + ")");
  if (Y.rows() == 0 || Y.cols() == 0) fail("Y is empty (" + shape(Y) + ")");
  if (w.W[1].cols() != Y.cols())
    fail("W_1 has " + shape(w.W[1]) + ": its columns must match Y's " + std::to_string(Y.cols()));
  if (w.W[static_cast<std::size_t>(L)].rows() != Y.rows())
    fail("W_L has " + shape(w.W[static_cast<std::size_t>(L)]) + ": its rows must match Y's " +
         std::to_string(Y.rows()));
  for (int l = 1; l <= L; ++l) {
    const Mat<T>& Wl = w.W[static_cast<std::size_t>(l)];
    if (Wl.rows() < 1) fail("width d_" + std::to_string(l) + " must be >= 1");
    if (l >= 2 && Wl.cols() != w.W[static_cast<std::size_t>(l - 1)].rows())
      fail("W_" + std::to_string(l) + " has " + shape(Wl) + " but W_" + std::to_string(l - 1) +
           " has " + std::to_string(w.W[static_cast<std::size_t>(l - 1)].rows()) + " rows");
    if (!all_finite(Wl)) fail("W_" + std::to_string(l) + " has a non-finite entry");
  }
  if (!all_finite(Y)) fail("Y has a non-finite entry");
  if (a == DeepAlgorithm::fa) {
    if (static_cast<int>(fb.fa.size()) != L + 1) fail("FA needs feedback B_2..B_L");
    for (int l = 2; l <= L; ++l) {
      const Mat<T>& Bl = fb.fa[static_cast<std::size_t>(l)];
      const Mat<T>& Wl = w.W[static_cast<std::size_t>(l)];
      if (Bl.rows() != Wl.rows() || Bl.cols() != Wl.cols())
        fail("FA's B_" + std::to_string(l) + " has " + shape(Bl) + ", expected " + shape(Wl) +
             " (the shape of W_" + std::to_string(l) + ")");
      if (!all_finite(Bl)) fail("FA's B_" + std::to_string(l) + " has a non-finite entry");
    }
  }
  if (a == DeepAlgorithm::dfa) {
    if (static_cast<int>(fb.dfa.size()) != L + 1) fail("DFA needs feedback B_1..B_{L-1}");
    for (int l = 1; l <= L - 1; ++l) {
      const Mat<T>& Bl = fb.dfa[static_cast<std::size_t>(l)];
      if (Bl.rows() != Y.rows() || Bl.cols() != w.W[static_cast<std::size_t>(l)].rows())
        fail("DFA's B_" + std::to_string(l) + " has " + shape(Bl) + ", expected " +
             std::to_string(Y.rows()) + "x" +
             std::to_string(w.W[static_cast<std::size_t>(l)].rows()) + " (n x d_" +
             std::to_string(l) + ")");
      if (!all_finite(Bl)) fail("DFA's B_" + std::to_string(l) + " has a non-finite entry");
    }
  }
}

/// The deep dynamics as claims see them. The reference is the only implementation reachable from
/// the library; mutation tests (tests/mutants) derive from it to inject mistakes, and reach the
/// claims through Dynamics<T>::deep().
template <class T>
class DeepDynamics {
 public:
  virtual ~DeepDynamics() = default;
  virtual std::string name() const { return "reference"; }
  /// One simultaneous update at step index t (0-based).
  virtual void step(DeepAlgorithm a, Layers<T>& w, const Mat<T>& Y, const DeepFeedback<T>& fb,
                    const T& eta, long /*t*/, DeepWorkspace<T>& ws) const {
    deep_step(a, w, Y, fb, eta, ws);
  }
  /// All-zero layers of widths d_0 .. d_L.
  virtual Layers<T> zero_init(const std::vector<int>& widths) const {
    Layers<T> w;
    w.W.resize(widths.size());
    for (std::size_t l = 1; l < widths.size(); ++l) w.W[l] = Mat<T>::Zero(widths[l], widths[l - 1]);
    return w;
  }
};

template <class T>
const DeepDynamics<T>& reference_deep_dynamics() {
  static const DeepDynamics<T> instance;
  return instance;
}

// Compiled once per scalar in fa_core (part "kernels", the top-level CMakeLists.txt), like the
// two-layer steps.
#define FA_DECLARE_DEEP_STEPS(T, EXTERN)                                                        \
  EXTERN template void deep_signals<T>(DeepAlgorithm, const Layers<T>&, const Mat<T>&,          \
                                       const DeepFeedback<T>&, DeepWorkspace<T>&);              \
  EXTERN template void deep_step<T>(DeepAlgorithm, Layers<T>&, const Mat<T>&,                   \
                                    const DeepFeedback<T>&, const T&, DeepWorkspace<T>&);       \
  EXTERN template void validate_deep_problem<T>(DeepAlgorithm, const Layers<T>&, const Mat<T>&, \
                                                const DeepFeedback<T>&);                        \
  EXTERN template class DeepDynamics<T>;                                                        \
  EXTERN template const DeepDynamics<T>& reference_deep_dynamics<T>();

#ifdef FA_CORE_EIGEN_KERNELS
FA_DECLARE_DEEP_STEPS(double, extern)
FA_DECLARE_DEEP_STEPS(Mp, extern)
FA_DECLARE_DEEP_STEPS(MpVar, extern)
FA_DECLARE_DEEP_STEPS(Rational, extern)
#endif

}  // namespace fa
