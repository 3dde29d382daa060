// A6  Two-layer network corollary.       source: paper abstract (formalisation and proof: ours)
// Specification: docs/claims.md#claim-a6
// Statement (ours): a linear network x -> W x -> Z W x trained on inputs X (m x N) with
// X X^T = N I_m and teacher y = A x has loss (1/2N) ||Z W X - A X||_F^2 = 1/2 ||Z W - A||_F^2, and
// its GD / FA updates, (1/N) E_net (W X)^T for Z and (1/N) Z^T E_net X^T or (1/N) B^T E_net X^T
// for W (E_net = ZWX - AX), equal the matrix updates with Y = A. With Gaussian X the match is
// approximate: the deviation of one update is of order ||X X^T / N - I|| ~ sqrt(m / N).
// Check: (i) whitened X (X = sqrt(N) Q^T, Q with orthonormal columns): 10 network steps of FA and
// of GD against the matrix dynamics, equal within k eps t (the scale of the iterates);
// (ii) Gaussian X (double only: a statement about sampling, not rounding): the mean relative
// deviation of one FA W-update over 32 draws shrinks by at least 2x from N = 16 m to N = 1024 m
// (the 1/sqrt(N) law predicts 8x).
#include "checks/claim_helpers.hpp"
#include "dynamics/network.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "A6";
  s.title = "two-layer network corollary: whitened data gives the matrix dynamics";
  s.source = Source::paper_abstract;
  s.statement =
      "With X X^T = N I, teacher A: network loss = 1/2 ||ZW - A||^2 and the network's "
      "GD/FA updates equal the matrix updates with Y = A; with Gaussian X the "
      "deviation shrinks as N grows (~ sqrt(m/N)).";
  s.hypotheses =
      "Whitened inputs for (i) (enforced by construction); Gaussian inputs for (ii). "
      "Small init 2^-8 or 2^-2 and c in [2^-8, 2^-2] (enforced: a non-expanding run, "
      "which the k eps t tolerance of (i) assumes).";
  s.recipe = std::string(kWideRegionText) +
             ", small init 2^-8 or 2^-2, c <= 2^-2; N = 4 m for (i); N = 16 m "
             "and 1024 m for (ii), "
             "checked for m <= 12 (double)";
  s.falsifiers = {{"unwhitened",
                   "Gaussian X in part (i): the network dynamics then differ from "
                   "the matrix dynamics by far more than rounding"}};
  s.strength_note =
      "The whitened-data identity is checked along runs within rounding, and the "
      "Gaussian-data part is statistical: tested.";
  return s;
}

template <class T>
void check(Case<T>& c) {
  RecipeSpace space = wide_region<T>();
  space.inits = {Init::small};
  // Narrowed (issue 11): the check compares two trajectories computed with different roundings
  // (X X^T = N I holds to eps), so its k eps t tolerance assumes dynamics that do not expand
  // errors. From a unit-scale init at c = 2^-1 they do (the iterates grow ~50x within 6 steps)
  // and rounding differences grow with them: the identity still holds, the error model does
  // not. Region: small init 2^-8 or 2^-2 and c <= 2^-2.
  space.init_scales_log2 = {-8, -2};
  space.step_log2_max = -2;
  const Recipe rec = c.draw(space);
  const Instance<T> inst = make_instance<T>(rec);
  c.note_instance(inst);
  const T eta(inst.eta);
  const int N = 4 * rec.m;
  using std::sqrt;
  Mat<T> X = c.falsifier("unwhitened")
                 ? cast_matrix<T>(gaussian_matrix(rec.m, N, rec.seed, Stream::extra))
                 : Mat<T>(sqrt(T(double(N))) *
                          orthonormal_columns<T>(
                              cast_matrix<T>(gaussian_matrix(N, rec.m, rec.seed, Stream::extra)))
                              .transpose());
  const double k_per_step = 16.0 * (std::max({rec.n, rec.m, rec.r, N}) + 2);
  for (Algorithm alg : {Algorithm::fa, Algorithm::gd}) {
    Factors<T> net = inst.start, mat = inst.start;
    Workspace<T> ws;
    for (int t = 0; t < 10; ++t) {
      const T net_loss = network_loss(net, X, inst.Y);
      const T mat_loss = loss(mat, inst.Y);
      const T scale = max_abs(net.Z) + max_abs(net.W) + max_abs(inst.Y) + T(1);
      c.require_identity("|network loss - matrix loss| (" + algorithm_name(alg) + ", step " +
                             std::to_string(t) + ")",
                         mat_loss > net_loss ? T(mat_loss - net_loss) : T(net_loss - mat_loss),
                         T(scale * scale), k_per_step * (t + 1));
      net = network_step(net, X, inst.Y, inst.B, eta, alg);
      c.dynamics().step(alg, mat, inst.Y, inst.B, eta, t, ws);
      c.require_identity("max |network - matrix iterates| (" + algorithm_name(alg) + ", step " +
                             std::to_string(t + 1) + ")",
                         T(max_abs(Mat<T>(net.Z - mat.Z)) + max_abs(Mat<T>(net.W - mat.W))), scale,
                         k_per_step * (t + 1));
    }
  }
  // (ii) Gaussian inputs: the deviation of one FA W-update shrinks with N.
  auto deviation = [&](int n_samples, int draw) {
    const Mat<T> G = cast_matrix<T>(gaussian_matrix(
        rec.m, n_samples, splitmix64(rec.seed + 7919ull * static_cast<std::uint64_t>(draw)),
        Stream::extra));
    const Factors<T> net = network_step(inst.start, G, inst.Y, inst.B, eta, Algorithm::fa);
    Factors<T> mat = inst.start;
    Workspace<T> ws;
    reference_step(Algorithm::fa, mat, inst.Y, inst.B, eta, ws);
    const T update = (mat.W - inst.start.W).norm();
    return to_double(T((net.W - mat.W).norm() / (update > 0 ? update : T(1))));
  };
  // Statistical, and about sampling rather than rounding: checked in double only (the mp run
  // checks part (i), where precision matters). 32 draws: the mean of 32 deviations, each of the
  // order of a half-normal variable, has a relative spread of about 0.76/sqrt(32) = 0.13, so a
  // drop of only 2x where 8x is expected is a > 10 sigma event (with 8 draws, 20 seeds x 200
  // cases did produce one).
  if constexpr (!std::is_same_v<T, double>) return;
  // N = 1024 m samples cost 2 r m N per network step: part (ii) is a statement about
  // sampling, the same at every size, so it is checked where it is cheap (m <= 12).
  if (rec.m > 12) return;
  const int draws = 32;
  double small_n = 0, large_n = 0;
  for (int d = 0; d < draws; ++d) {
    small_n += deviation(16 * rec.m, d);
    large_n += deviation(1024 * rec.m, d);
  }
  c.note("mean deviation N=16m", std::to_string(small_n / draws));
  c.note("mean deviation N=1024m", std::to_string(large_n / draws));
  c.require_le("Gaussian X: deviation at N = 1024 m vs half that at N = 16 m", T(large_n),
               T(small_n / 2));
}

FA_REGISTER_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
