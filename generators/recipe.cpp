#include "core/linalg.hpp"
#include "generators/instance.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>

namespace fa {

namespace {

/// An integer field of a recipe text, whole or refused.
template <class I>
I recipe_integer(const std::string& text, const std::string& key, const std::string& value) {
  I out{};
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, out);
  if (ec != std::errc() || ptr != end || value.empty())
    throw std::invalid_argument("recipe '" + text + "': " + key + "=" + value +
                                " is not an integer in range");
  return out;
}

/// "2^-3" -> -3.
int power_of_two(const std::string& text, const std::string& key, const std::string& value) {
  if (value.rfind("2^", 0) != 0)
    throw std::invalid_argument("recipe '" + text + "': " + key + "=" + value +
                                " is not a power of two 2^x");
  return recipe_integer<int>(text, key, value.substr(2));
}

}  // namespace

Recipe parse_recipe(const std::string& text) {
  auto fail = [&](const std::string& why) {
    throw std::invalid_argument("recipe '" + text + "': " + why);
  };
  if (text.size() < 2 || text.front() != '{' || text.back() != '}')
    fail("expected {key=value ...} as Recipe::describe() writes it");
  std::map<std::string, std::string> fields;
  std::istringstream words(text.substr(1, text.size() - 2));
  for (std::string word; words >> word;) {
    const auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0) fail("'" + word + "' is not key=value");
    const std::string key = word.substr(0, eq);
    if (!fields.emplace(key, word.substr(eq + 1)).second) fail(key + " given twice");
  }
  for (const auto& [key, value] : fields)
    if (key != "n" && key != "m" && key != "k" && key != "r" && key != "spectrum" &&
        key != "spread" && key != "seed" && key != "step" && key != "init" && key != "B")
      fail("unknown field '" + key + "'");
  for (const char* key : {"n", "m", "k", "r", "spectrum", "seed", "step", "init"})
    if (!fields.count(key)) fail(std::string("missing field '") + key + "'");
  Recipe r;
  r.n = recipe_integer<int>(text, "n", fields["n"]);
  r.m = recipe_integer<int>(text, "m", fields["m"]);
  r.k = recipe_integer<int>(text, "k", fields["k"]);
  r.r = recipe_integer<int>(text, "r", fields["r"]);
  const std::string spectrum = fields["spectrum"];
  if (spectrum.rfind("explicit[", 0) == 0 && spectrum.back() == ']') {
    r.spectrum = Spectrum::explicit_values;
    std::istringstream values(spectrum.substr(9, spectrum.size() - 10));
    for (std::string v; std::getline(values, v, ',');) {
      try {
        std::size_t used = 0;
        r.singular_values.push_back(std::stod(v, &used));
        if (used != v.size()) throw std::invalid_argument(v);
      } catch (const std::logic_error&) {
        fail("singular value '" + v + "' is not a number");
      }
    }
  } else {
    try {
      r.spectrum = parse_spectrum(spectrum);
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
  }
  if (fields.count("spread")) r.spread = recipe_integer<int>(text, "spread", fields["spread"]);
  r.seed = recipe_integer<std::uint64_t>(text, "seed", fields["seed"]);
  r.step_log2 = power_of_two(text, "step", fields["step"]);
  const std::string init = fields["init"];
  if (init == "zero") {
    r.init = Init::zero;
  } else if (init.rfind("small(", 0) == 0 && init.back() == ')') {
    r.init = Init::small;
    r.init_log2 = power_of_two(text, "init", init.substr(6, init.size() - 7));
  } else {
    fail("init=" + init + " is neither zero nor small(2^x)");
  }
  if (fields.count("B")) r.b_scale_log2 = power_of_two(text, "B", fields["B"]);
  r.validate();
  return r;
}

std::vector<double> recipe_singular_values(const Recipe& recipe) {
  const int k = recipe.k;
  std::vector<double> s(static_cast<std::size_t>(k), 1.0);
  switch (recipe.spectrum) {
    case Spectrum::flat: break;
    case Spectrum::geometric:
      for (int i = 1; i < k; ++i)
        s[static_cast<std::size_t>(i)] =
            std::exp2(-static_cast<double>(recipe.spread) * i / static_cast<double>(k - 1));
      break;
    case Spectrum::gapped:
      for (int i = std::min(recipe.r, k); i < k; ++i)
        s[static_cast<std::size_t>(i)] = std::ldexp(1.0, -recipe.spread);
      break;
    case Spectrum::clustered:
      for (int i = 0; i < k; ++i)
        s[static_cast<std::size_t>(i)] = 1.0 + std::ldexp(static_cast<double>(k - 1 - i),
                                                          -(recipe.spread + 4));
      break;
    case Spectrum::near_tie:
      for (int i = std::min(recipe.r, k); i < k; ++i)
        s[static_cast<std::size_t>(i)] = 1.0 - std::ldexp(1.0, -recipe.spread);
      break;
    case Spectrum::explicit_values: s = recipe.singular_values; break;
  }
  return s;
}

double recipe_step_size(const Recipe& recipe) {
  const std::vector<double> s = recipe_singular_values(recipe);
  const Mat<double> B = feedback_scale(recipe) *
                        gaussian_matrix(recipe.n, recipe.r, recipe.seed, Stream::feedback) /
                        std::sqrt(recipe.n);
  const double b_norm = spectral_norm<double>(B);
  return std::ldexp(1.0, recipe.step_log2) / (s.front() * std::max(1.0, b_norm * b_norm));
}

namespace {
/// sigma_1(M) from the largest eigenvalue of the smaller Gram matrix of M / 2^e, 2^e the binade
/// of max |M_ij| (an exact scaling, so that the Gram matrix neither underflows nor overflows for
/// any finite M); 0 for an empty or zero M.
double largest_singular_value(const Mat<double>& M) {
  const double biggest = M.size() ? M.cwiseAbs().maxCoeff() : 0.0;
  if (!(biggest > 0)) return 0;
  const int e = std::ilogb(biggest);
  const Mat<double> S = M * std::ldexp(1.0, -e);
  const Mat<double> gram =
      S.rows() <= S.cols() ? Mat<double>(S * S.transpose()) : Mat<double>(S.transpose() * S);
  const Vec<double> ev = symmetric_eigenvalues<double>(gram);
  return std::ldexp(std::sqrt(std::max(0.0, ev(ev.size() - 1))), e);
}
}  // namespace

double step_size_rule(int step_log2, const Mat<double>& Y, const Mat<double>& B) {
  double sigma_1 = largest_singular_value(Y);
  if (!(sigma_1 > 0)) sigma_1 = 1;
  const double b_norm = largest_singular_value(B);
  return std::ldexp(1.0, step_log2) / (sigma_1 * std::max(1.0, b_norm * b_norm));
}

// Where the two values can differ, relative, in eps = 2^-52 (u = eps/2 the unit roundoff),
// d = max(n, m, r); each item is a first-order rounding bound of a backward-stable computation:
//   recipe_step_size: ||B||_2 from a Jacobi SVD, error <~ d u ||B||, doubled by squaring: d eps;
//     three roundings (square, product, quotient): 1.5 eps.
//   the built Y: U, V orthonormal to ~d u each (Householder QR) and U diag(s) V^T rounded once
//     per term of k: sigma_1(Y) = s_1 (1 + (d + k) eps); rounding a wider type to double: u per
//     entry, ||dY||_2 <= u ||Y||_F <= u sqrt(k) sigma_1 <= k eps/2.
//   the Gram matrix Y Y^T: entries within d u |Y||Y|^T, ||dG||_2 <= d u ||Y||_F^2 <= d k u
//     sigma_1^2, i.e. d k eps/4 on sigma_1; the symmetric eigensolver's backward error
//     ~ d u ||G||: d eps/4. Likewise B^T B: d r u + d u on ||B||_2^2: d (r + 1) eps/2; B itself
//     (N(0,1) draws / sqrt(n), one rounding per entry in each type): r eps.
// The sum is below (d + 2)(k + r + 4)/2 eps; the tolerance is twice that. It grows with the
// sizes but stays some 10^13 times below a factor-2 error in the rule (2^52 eps) for any size
// the generators accept, so a rule off by a constant factor (4x, 2x, even 1 + 1e-6) is refused.
double step_size_rule_ulps(long n, long m, long k, long r) {
  const double d = static_cast<double>(std::max({n, m, r}));
  return (d + 2) * (static_cast<double>(k + r) + 4);
}

void require_step_size_rule(double eta, int step_log2, long k, const Mat<double>& Y,
                            const Mat<double>& B) {
  const double rule = step_size_rule(step_log2, Y, B);
  const double ulps = step_size_rule_ulps(Y.rows(), Y.cols(), k, B.cols());
  const double eps = std::ldexp(1.0, -52);
  const double deviation = std::abs(eta - rule) / rule;
  if (std::isfinite(eta) && deviation <= ulps * eps) return;
  std::ostringstream os;
  os.precision(17);
  os << "step size eta = " << eta << " does not follow the rule 2^" << step_log2
     << " / (sigma_1(Y) max(1, ||B||_2^2)) = " << rule << " recomputed from Y (" << Y.rows() << "x"
     << Y.cols() << ") and B (" << B.rows() << "x" << B.cols() << "): eta / rule = " << eta / rule
     << ", relative deviation " << deviation << " = " << deviation / eps << " eps > " << ulps
     << " eps allowed";
  throw std::logic_error(os.str());
}

}  // namespace fa
