// L7  Alignment needs regularisation: weight decay makes the output layer align with the feedback.
//                                                                           source: literature
// Specification: docs/claims-literature.md#claim-l7
// Citation: G. Song, R. Xu, J. Lafferty, "Convergence and alignment of gradient descent with
// random backpropagation weights", NeurIPS 2021, arXiv 2106.06044. Formalised from the abstract
// (over-parameterised networks trained with random feedback converge, and regularisation is
// needed for the weights to align with the feedback); the formalisation is ours.
// Mapping: their two-layer network with the identity activation is our factorisation; their
// output weights (the layer whose backward copy is replaced by the random feedback) are our Z, so
// "alignment" is cos(Z, B) (Frobenius). Their over-parameterised regime, from an initialisation
// that is not small, is ours with r in [2 max(n, m), 4 max(n, m)) and unit-variance-per-fan init
// (Z_0 entries N(0, 1/r), W_0 entries N(0, 1/m)); their regulariser is weight decay lambda on
// both layers (dynamics/literature.hpp, regularised_step).
// Statement (ours): on the same instance, FA with weight decay lambda = 2^-4 ends (after 4000
// steps) with a larger cos(Z, B) than FA with lambda = 0.
// Falsifier: the same comparison under GD (no feedback matrix in the dynamics): weight decay then
// has nothing to align Z with, and the comparison is a coin toss.
#include "checks/literature.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "L7";
  s.title =
      "literature (Song, Xu, Lafferty): weight decay makes FA's output layer align with the "
      "feedback";
  s.source = Source::literature;
  s.citation = "Song, Xu, Lafferty, NeurIPS 2021, arXiv 2106.06044; formalised from the abstract";
  s.statement =
      "Over-parameterised r in [2 max(n, m), 4 max(n, m)), init Z_0 ~ N(0, 1/r), W_0 ~ N(0, 1/m): "
      "after 4000 FA steps, cos(Z, B) with weight decay 2^-4 exceeds cos(Z, B) without.";
  s.hypotheses =
      "n, m in [2, 6] (4 in mp), any rank, orthonormal singular vectors and unit singular values "
      "(flat "
      "spectrum); B N(0, 1/n); eta = 2^-3 / max(1, ||B||^2, ||Z_0||^2 + ||W_0||^2) (the init "
      "is not small, so its scale enters the step bound).";
  s.recipe = "n, m in [2, 6], r in [2 max(n, m), 4 max(n, m)), unit-scale init, 4000 steps each";
  s.falsifiers = {{"gd-instead-of-fa",
                   "GD instead of FA: without feedback in the dynamics, weight decay does not "
                   "make Z align with B"}};
  s.cases_double = 40;
  // 8000 mp steps on n x r matrices cost 7 s a case at n, m <= 6 on the shared 2-core machine:
  // mp draws n, m <= 4 (r < 16), one case (about 2 s).
  s.cases_mp = 1;
  s.strength_note = "Checked on random instances: tested.";
  return s;
}

template <class T>
void check(Case<T>& c) {
  RecipeSpace space;
  space.min_dim = 2;
  space.max_dim = std::is_same_v<T, double> ? 6 : 4;
  space.spectra = {Spectrum::flat};
  space.inits = {Init::zero};  // replaced by the unit-scale start below
  Recipe rec = c.draw(space);
  const int wide = std::max(rec.n, rec.m);
  rec.r = 2 * wide + static_cast<int>(rec.seed % static_cast<std::uint64_t>(2 * wide));
  c.use_recipe(rec);
  const Instance<T> inst = make_instance<T>(rec);
  const Mat<double> Z0 =
      gaussian_matrix(rec.n, rec.r, rec.seed, Stream::init_z) / std::sqrt(double(rec.r));
  const Mat<double> W0 =
      gaussian_matrix(rec.r, rec.m, rec.seed, Stream::init_w) / std::sqrt(double(rec.m));
  const Mat<double> B_d = cast_matrix<double>(inst.B);
  auto spectral_sq = [](const Mat<double>& M) {
    const double s = spectral_norm<double>(M);
    return s * s;
  };
  const T eta(0.125 / std::max({1.0, spectral_sq(B_d), spectral_sq(Z0) + spectral_sq(W0)}));
  Instance<T> noted = inst;
  noted.start = Factors<T>{cast_matrix<T>(Z0), cast_matrix<T>(W0)};
  noted.eta = to_double(eta);
  c.note_instance(noted);
  const Algorithm alg = c.falsifier("gd-instead-of-fa") ? Algorithm::gd : Algorithm::fa;
  auto final_alignment = [&](const T& lambda) {
    Factors<T> f = noted.start;
    for (int t = 0; t < 4000; ++t) regularised_step(alg, f, inst.Y, inst.B, eta, lambda);
    return frobenius_cosine<T>(f.Z, inst.B);
  };
  const T plain = final_alignment(T(0)), decayed = final_alignment(T(1.0 / 16));
  c.note("cos(Z, B) without weight decay", to_text(plain));
  c.note("cos(Z, B) with weight decay 2^-4", to_text(decayed));
  // Strictly larger beyond rounding: a cosine of these runs is exact to a few hundred eps.
  c.require_ge("cos(Z, B) with weight decay 2^-4 vs without (+ 2^10 eps)", decayed,
               T(plain + T(1024) * epsilon<T>()));
}

FA_REGISTER_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
