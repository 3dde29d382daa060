// Claims as checks: a claim file in theorems/ declares its falsifiers and a ClaimSpec and writes
// its check once, as a template over the scalar type, against a Case<T>. The registration macro at
// the bottom (FA_REGISTER_CLAIM) instantiates it for the scalar types of its kind (the one place
// where that happens) and registers it with the runner (checks/claim_runner.hpp), which drives it
// with RapidCheck, keeps the worst margin, the minimal counterexample and the reproduction command,
// and writes a report fragment. docs/adding-a-claim.md walks through a claim file.
#pragma once

#include "checks/falsifier.hpp"
#include "checks/polynomial.hpp"
#include "checks/region.hpp"
#include "checks/search_power.hpp"
#include "core/linalg.hpp"
#include "dynamics/flow.hpp"
#include "dynamics/trajectory.hpp"
#include "generators/arbitrary.hpp"
#include "generators/instance.hpp"

#include <rapidcheck.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace fa {

/// paper_abstract: our formalisation of a statement of the paper's abstract; derived: a fact we
/// derived; conjecture: a plausible statement the suite must refute; literature: our
/// formalisation of a statement from another paper's abstract (docs/claims-literature.md), cited in
/// ClaimSpec::citation. Every source but conjecture is expected to hold.
enum class Source { paper_abstract, derived, conjecture, literature };

inline std::string source_name(Source s) {
  switch (s) {
    case Source::paper_abstract:
      return "paper-abstract";
    case Source::derived:
      return "derived";
    case Source::conjecture:
      return "conjecture";
    case Source::literature:
      return "literature";
  }
  return "?";
}

/// What a claim is, which fixes where it runs (FA_REGISTER_CLAIM):
///   property        a property checked in double and mp;
///   exact_identity  an identity of the discrete dynamics: double, mp, exact rationals and the
///                   precision ladder (MPFR at 53..400 bits; needs ClaimSpec::ladder_recipe);
///   float_identity  an identity checked in floating point and on the precision ladder, not in
///                   exact arithmetic (it needs square roots or decompositions);
///   double_only     a property checked in double alone (the claim file says why).
enum class ClaimKind { property, exact_identity, float_identity, double_only };

constexpr bool kind_has_ladder(ClaimKind k) {
  return k == ClaimKind::exact_identity || k == ClaimKind::float_identity;
}

/// A refuted conjecture's minimal counterexample replayed in exact arithmetic (docs/strengths.md:
/// "a refutation must never be a rounding artefact").
struct ExactReplay {
  /// "certified exact": the counterexample, its numbers taken exactly, refutes the conjecture in
  /// exact arithmetic; "rounding artefact": it does not (then `exact_counterexample` may give one
  /// that does); "not certified": the replay could not decide (the detail says why).
  std::string status;
  std::string detail;                             // what was computed, with the exact numbers
  nlohmann::json exact_counterexample = nullptr;  // a counterexample certified exact, if found
};

struct ClaimSpec {
  std::string id;     // as in docs/claims.md: A1 ... R6
  std::string title;  // reads as the claim, used in test names
  Source source = Source::derived;
  std::string statement;  // our formal statement (never the paper's text)
  /// The paper a literature claim formalises (authors, venue, arXiv id), for Source::literature
  /// and for a conjecture that widens one: the report's literature section lists these.
  std::string citation;
  std::string hypotheses;  // each: enforced by the generator / checked as precondition / assumed
  std::string recipe;      // the instance recipe in words
  /// Set by the registration from its kind (FA_REGISTER_CLAIM), never by the claim file.
  ClaimKind kind = ClaimKind::property;
  /// The older spelling of "this claim has a precision ladder", kept so that claim files written
  /// before FA_REGISTER_CLAIM(kind, ...) still build: the kind implies it, and a claim that sets it
  /// without a ladder kind is refused at registration (registration_problems).
  bool ladder = false;
  bool slow = false;       // outside the quick subset
  int cases_double = 200;  // RapidCheck cases (times FA_DEPTH)
  int cases_mp = 40;
  int cases_exact = 50;
  /// A statistical family (A4.family, A5.family): each case is a batch of draws. The main job
  /// (FA_PROFILE=main, see main_job_multiplier) runs 10x its batches in every scalar.
  bool family = false;
  std::vector<Falsifier> falsifiers;
  /// The precision ladder's fixed recipe: required by the identity kinds, refused by the others.
  std::optional<Recipe> ladder_recipe;
  /// The symbolic proof of the statement for every shape (SymPy), a script that names this claim:
  /// "theorems/proofs/<ID>.py". Empty: none.
  std::string proof;
  /// The claim as a polynomial identity of the implementation, for the Schwartz-Zippel check.
  std::optional<PolynomialIdentity> polynomial;
  /// Replays a refuted minimal counterexample (the report's JSON: matrices as exact decimal
  /// text, notes) in exact arithmetic. Conjectures only.
  ExactReplay (*replay_exactly)(const nlohmann::json& counterexample) = nullptr;
  /// What keeps the claim from a stronger verdict (the report shows it with the strength).
  std::string strength_note;
  /// Conjectures: the measured probability that one case refutes, per scalar (`fa-claims power`,
  /// checks/search_power.hpp). The random search's case budget in that scalar is derived from it
  /// (derive_budget) instead of cases_double / cases_mp.
  std::vector<PowerMeasurement> power;
  /// Cases replayed on every run on their fixed recipes (`fa-claims pinned`), like Hypothesis'
  /// @example: a conjecture's known minimal counterexample (must refute, exactly certified where
  /// replay_exactly exists), a claim's regression case (must pass). One line each, the recipe as
  /// the report prints it: {"double", "{n=2 m=2 k=2 r=1 ...}", "where it was found"}.
  std::vector<PinnedCase> pinned;

  bool expected_to_hold() const { return source != Source::conjecture; }
  bool has_ladder() const { return kind_has_ladder(kind); }
  /// The falsifier of this name, or null.
  const Falsifier* find_falsifier(const std::string& name) const {
    for (const Falsifier& f : falsifiers)
      if (f.name == name) return &f;
    return nullptr;
  }
};

/// What is wrong with a claim's registration (kind, spec, falsifiers, ladder, pinned cases, proof
/// and polynomial identity), one line per problem; empty when nothing is (checks/claim_registry.cpp).
/// fa-claims and fa-mutants refuse to start while a registered claim has a problem.
std::vector<std::string> registration_problems(const ClaimSpec& spec);

/// The main job's depth (README's first command, scripts/verify.sh sets FA_PROFILE=main): every
/// claim with 10x its double cases (200 -> 2000), 5x its mp cases (40 -> 200), 4x its exact
/// cases (50 -> 200); a statistical family 10x its batches in every scalar. Without
/// FA_PROFILE=main (ctest's default) 1. FA_DEPTH multiplies either.
inline int main_profile_multiplier(const ClaimSpec& spec, const std::string& scalar) {
  if (spec.family) return 10;
  return scalar == "double" ? 10 : scalar == "mp" ? 5 : 4;
}
inline int main_job_multiplier(const ClaimSpec& spec, const std::string& scalar) {
  const char* profile = std::getenv("FA_PROFILE");
  if (!profile || std::string(profile) != "main") return 1;
  return main_profile_multiplier(spec, scalar);
}

/// Worst margin seen: margin = (bound - quantity) / |bound| for "quantity <= bound" (1 means far
/// inside, 0 at the bound, negative violated); for ">=" the roles swap.
struct Margin {
  double margin = std::numeric_limits<double>::infinity();
  std::string quantity;  // full-precision text
  std::string bound;
  std::string what;
  std::string recipe;
};

/// Everything one run of a claim accumulates across its cases.
struct ClaimRecord {
  Margin worst;
  double max_identity_residual = 0;  // relative residual of exact identities (precision ladder)
  /// Largest residual / bound over the exact identities checked (require_identity): <= 1 when
  /// every one met its own k eps scale; and how many were checked (a ladder rung that checked
  /// none proves nothing).
  double max_identity_bound_ratio = 0;
  long identity_checks = 0;
  /// A falsifier run: whether the check asked for the falsifier being run (Case::falsifier). One
  /// that is never asked for cannot change the verdict; its run is an error.
  bool falsifier_asked = false;
  nlohmann::json last_failure;  // the minimal counterexample once RapidCheck has shrunk
  nlohmann::json extra = nlohmann::json::object();  // claim-specific data (statistics, plots)
  RegionSeen region;         // what the cases drew, and the discards (checks/region.hpp)
  bool failed_once = false;  // after the first failure RapidCheck shrinks: not counted in region
};

struct RunRequest;

/// The instance of a recipe in T: generated (orthonormal bases, controlled spectrum) for floating
/// types, small integers for exact rationals (defined below).
template <class T>
Instance<T> make_instance(const Recipe& rec);

template <class T>
class Case {
 public:
  Case(const ClaimSpec& spec, ClaimRecord& record, const Dynamics<T>& dyn, int variant,
       const Recipe* fixed_recipe)
      : spec_(spec), record_(record), dyn_(dyn), variant_(variant), fixed_(fixed_recipe) {}

  const Dynamics<T>& dynamics() const { return dyn_; }
  /// 0: the claim as stated; i >= 1: spec.falsifiers[i-1].
  int variant() const { return variant_; }
  /// Whether this run is falsifier `f`. Throws std::logic_error when the spec does not list `f`.
  bool falsifier(const Falsifier& f) const;
  ClaimRecord& record() { return record_; }

  /// The case's instance, in one call: draws the recipe from `space` (or takes the fixed recipe of
  /// a ladder rung or a pinned case), lets `adjust` change it (what the claim's hypotheses fix
  /// beyond the space), builds the instance in T (make_instance: every scalar sees the same
  /// mathematical instance) and notes it, so that a failure reports its matrices.
  Instance<T> instance(const RecipeSpace& space,
                       const std::function<void(Recipe&)>& adjust = nullptr);

  /// Draws the recipe of this case (or the fixed recipe): for claims that build their own
  /// instances (statistical families, deep networks); instance() does the usual.
  Recipe draw(const RecipeSpace& space);
  /// Uses a recipe built by the claim itself (e.g. from drawn integers).
  void use_recipe(const Recipe& r) {
    recipe_ = r;
    drawn_ = true;
    recipe_text_ = r.describe();
  }
  const Recipe& recipe() const { return recipe_; }
  /// Whether the case has a recipe yet (draw or use_recipe ran).
  bool drawn() const { return drawn_; }
  /// Whether this case runs on a fixed recipe (the precision ladder) rather than a drawn one.
  bool fixed_recipe() const { return fixed_ != nullptr; }

  /// Remembers the instance so a failure can report it as data (all matrices).
  void note_instance(const Instance<T>& inst) { instance_ = inst; }
  void note(const std::string& key, const std::string& value) { notes_[key] = value; }

  /// Discards the case (hypothesis not met); RapidCheck draws another.
  void precondition(bool ok, const std::string& why) {
    if (!ok) throw rc::detail::CaseResult(rc::detail::CaseResult::Type::Discard, why);
  }

  void require_le(const std::string& what, const T& quantity, const T& bound) {
    check(what, quantity, bound, quantity <= bound, "<=");
  }
  void require_ge(const std::string& what, const T& quantity, const T& bound) {
    check(what, quantity, bound, quantity >= bound, ">=");
  }
  /// An exact identity: |residual| <= k eps scale (k justified by the caller; 0 in exact mode).
  /// The claims derive k from d = max(n, m, r) (+ 2) rounded products and sums per entry of a
  /// matrix product, the standard bound gamma_d ~ d eps. That holds for Eigen's products (double,
  /// and the checks' own expressions in every type). The MPFR steps round each dot product once
  /// (dynamics/kernels.hpp, issue 23: within eps of the exact sum, at least d times tighter), so
  /// every k derived for the step's products still bounds the step's share, with room to spare.
  void require_identity(const std::string& what, const T& residual, const T& scale, double k);
  /// Records that this case's statement (`what`) was certified in exact arithmetic
  /// (certify/certificates.hpp): the report counts certified cases against tested ones. Call it
  /// last in a case, so that only cases that completed are counted.
  void certified(const std::string& what) {
    nlohmann::json& c = record_.extra["certificates"];
    c["what"] = what;
    c["certified"] = c.value("certified", 0) + 1;
  }
  /// Fails unconditionally with an explanation (e.g. a run that diverged).
  [[noreturn]] void fail(const std::string& what) {
    record_failure(what, "", "", -std::numeric_limits<double>::infinity());
    throw rc::detail::CaseResult(rc::detail::CaseResult::Type::Failure, message(what));
  }

 private:
  void check(const std::string& what, const T& quantity, const T& bound, bool ok, const char* rel);
  std::string message(const std::string& detail) const;
  void record_failure(const std::string& what, const std::string& quantity,
                      const std::string& bound, double margin);

  const ClaimSpec& spec_;
  ClaimRecord& record_;
  const Dynamics<T>& dyn_;
  int variant_;
  const Recipe* fixed_;
  Recipe recipe_;
  bool drawn_ = false;
  std::string recipe_text_ = "(none)";
  std::optional<Instance<T>> instance_;
  std::map<std::string, std::string> notes_;
};

// The members below are defined out of the class (not inline), so that the explicit instantiation
// of Case<T> for each scalar (checks/instantiate, FA_DECLARE_CLAIM_RUN) is the only copy: claim
// files see them as extern templates and do not compile them again.
template <class T>
bool Case<T>::falsifier(const Falsifier& f) const {
  if (!spec_.find_falsifier(f.name))
    throw std::logic_error("claim " + spec_.id + " asks for falsifier '" + f.name +
                           "', which its ClaimSpec does not list");
  const bool running = variant_ >= 1 &&
                       spec_.falsifiers[static_cast<std::size_t>(variant_ - 1)].name == f.name;
  if (running) record_.falsifier_asked = true;
  return running;
}

template <class T>
Instance<T> Case<T>::instance(const RecipeSpace& space,
                              const std::function<void(Recipe&)>& adjust) {
  Recipe rec = draw(space);
  if (adjust) {
    adjust(rec);
    use_recipe(rec);
  }
  Instance<T> inst = make_instance<T>(rec);
  note_instance(inst);
  return inst;
}

template <class T>
Recipe Case<T>::draw(const RecipeSpace& space) {
  recipe_ = fixed_ ? *fixed_ : *recipe_gen(space);
  drawn_ = true;
  recipe_text_ = recipe_.describe();
  if (std::getenv("FA_TRACE_RECIPES")) std::cerr << "case " << recipe_text_ << "\n";
  return recipe_;
}

template <class T>
void Case<T>::require_identity(const std::string& what, const T& residual, const T& scale,
                               double k) {
  const T s = scale > 0 ? scale : T(1);
  const double rel = to_double(T(residual / s));
  if (rel > record_.max_identity_residual) record_.max_identity_residual = rel;
  const T bound = T(k) * epsilon<T>() * s;
  const double ratio = bound > 0       ? to_double(T(residual / bound))
                       : residual == 0 ? 0.0
                                       : std::numeric_limits<double>::infinity();
  if (!(ratio <= record_.max_identity_bound_ratio)) record_.max_identity_bound_ratio = ratio;
  ++record_.identity_checks;
  require_le(what, residual, bound);
}

template <class T>
void Case<T>::check(const std::string& what, const T& quantity, const T& bound, bool ok,
                    const char* rel) {
  double margin;
  const double q = to_double(quantity), b = to_double(bound);
  const double scale = std::abs(b) > 0 ? std::abs(b) : 1.0;
  margin = (rel[0] == '<' ? (b - q) : (q - b)) / scale;
  if (ok && q == 0 && b == 0) margin = 1;  // an exact identity holding exactly: fully inside
  if (!is_finite(quantity)) margin = -std::numeric_limits<double>::infinity(), ok = false;
  if (margin < record_.worst.margin) {
    record_.worst = Margin{margin, to_text(quantity), to_text(bound), what, recipe_text_};
  }
  if (!ok) {
    const std::string detail = what + ": " + to_text(quantity) + " " + rel + " " + to_text(bound) +
                               " is false (margin " + std::to_string(margin) + ")";
    record_failure(what, to_text(quantity), to_text(bound), margin);
    throw rc::detail::CaseResult(rc::detail::CaseResult::Type::Failure, message(detail));
  }
}

template <class T>
std::string Case<T>::message(const std::string& detail) const {
  std::string m =
      "claim " + spec_.id + " [" + scalar_name<T>() + "] " + detail + "\n  recipe " + recipe_text_;
  for (const auto& [k, v] : notes_) m += "\n  " + k + ": " + v;
  return m;
}

/// Matrix as JSON: rows of full-precision decimal strings.
template <class T>
nlohmann::json matrix_json(const Mat<T>& M) {
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index i = 0; i < M.rows(); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index j = 0; j < M.cols(); ++j) row.push_back(to_text(M(i, j)));
    rows.push_back(row);
  }
  return rows;
}

template <class T>
void Case<T>::record_failure(const std::string& what, const std::string& quantity,
                             const std::string& bound, double margin) {
  nlohmann::json f;
  f["claim"] = spec_.id;
  f["scalar"] = scalar_name<T>();
  f["violated"] = what;
  f["quantity"] = quantity;
  f["bound"] = bound;
  f["margin"] = std::isfinite(margin) ? nlohmann::json(margin) : nlohmann::json(nullptr);
  f["recipe"] = recipe_text_;
  nlohmann::json notes = nlohmann::json::object();
  for (const auto& [k, v] : notes_) notes[k] = v;
  f["notes"] = notes;
  if (instance_) {
    nlohmann::json m;
    m["Y"] = matrix_json(instance_->Y);
    m["B"] = matrix_json(instance_->B);
    m["Z0"] = matrix_json(instance_->start.Z);
    m["W0"] = matrix_json(instance_->start.W);
    m["eta"] = to_text(instance_->eta);
    f["matrices"] = m;
  }
  record_.last_failure = f;
}

/// Small-integer instances for exact arithmetic: Y = L R (integer factors of inner size k, so
/// rank <= k), B and the initial factors with entries in [-3, 3], eta = 2^step_log2. Every value
/// is an exact rational, so identities must hold with residual exactly zero.
template <class T>
Instance<T> integer_instance(const Recipe& rec) {
  rec.validate();
  Engine engine = make_engine(rec.seed, Stream::extra);
  auto small_int = [&](int lo, int hi) {
    return static_cast<int>(lo + static_cast<int>(engine() % static_cast<unsigned>(hi - lo + 1)));
  };
  auto int_matrix = [&](Eigen::Index r, Eigen::Index c, int lo, int hi) {
    Mat<T> M(r, c);
    for (Eigen::Index j = 0; j < c; ++j)
      for (Eigen::Index i = 0; i < r; ++i) M(i, j) = T(small_int(lo, hi));
    return M;
  };
  Instance<T> inst;
  inst.recipe = rec;
  inst.Y = int_matrix(rec.n, rec.k, -2, 2) * int_matrix(rec.k, rec.m, -2, 2);
  inst.B = int_matrix(rec.n, rec.r, -3, 3) * T(feedback_scale(rec));
  inst.start.Z =
      rec.init == Init::zero ? Mat<T>(Mat<T>::Zero(rec.n, rec.r)) : int_matrix(rec.n, rec.r, -1, 1);
  inst.start.W =
      rec.init == Init::zero ? Mat<T>(Mat<T>::Zero(rec.r, rec.m)) : int_matrix(rec.r, rec.m, -1, 1);
  inst.eta = std::ldexp(1.0, rec.step_log2);
  inst.opt_r = T(0);
  return inst;
}

/// The instance of a recipe in T: generated (orthonormal bases, controlled spectrum) for floating
/// types, small integers for exact rationals.
template <class T>
Instance<T> make_instance(const Recipe& rec) {
  if constexpr (std::is_same_v<T, Rational>) {
    return integer_instance<T>(rec);
  } else {
    return materialise<T>(rec);
  }
}

// ---- registry -----------------------------------------------------------------------------------

/// Mutant or reference dynamics for each scalar type, chosen by the caller of a run.
struct DynamicsSet {
  const Dynamics<double>* d = nullptr;
  const Dynamics<Mp>* mp = nullptr;
  const Dynamics<MpVar>* mpvar = nullptr;
  const Dynamics<Rational>* exact = nullptr;
  template <class T>
  const Dynamics<T>& get() const {
    const Dynamics<T>* p = nullptr;
    if constexpr (std::is_same_v<T, double>) p = d;
    if constexpr (std::is_same_v<T, Mp>) p = mp;
    if constexpr (std::is_same_v<T, MpVar>) p = mpvar;
    if constexpr (std::is_same_v<T, Rational>) p = exact;
    return p ? *p : reference_dynamics<T>();
  }
};

struct RunRequest {
  int variant = 0;  // 0: as stated; i: falsifier i
  int cases = 0;    // 0: the claim's default for the scalar (times FA_DEPTH)
  std::optional<std::uint64_t> seed;
  std::string reproduce;  // RapidCheck reproduce string for this id
  DynamicsSet dynamics;
  bool shrink = true;
  const Recipe* fixed_recipe = nullptr;  // run one case on this recipe (precision ladder)
  /// Measure the search's power (`fa-claims power`): run all `cases` as the property draws them,
  /// count the refuting ones (RunResult::power) instead of stopping at the first.
  bool power = false;
};

struct RunResult {
  std::string verdict;  // verified / refuted / inconclusive / error
  bool property_failed = false;
  int cases = 0;
  std::uint64_t seed = 0;
  double seconds = 0;
  std::string message;
  std::string reproduce;  // RapidCheck's reproduce string
  ClaimRecord record;
  nlohmann::json exact_replay = nullptr;  // a refuted conjecture's counterexample, replayed exactly
  /// A power run's tally: cases, refuting, errors, and refuting / drawn by feature of the recipe.
  nlohmann::json power = nullptr;
};

using ClaimRunner = std::function<RunResult(const ClaimSpec&, const RunRequest&)>;

struct RegisteredClaim {
  ClaimSpec spec;
  std::vector<std::pair<std::string, ClaimRunner>> scalars;  // "double", "mp", "exact", "mpfr"
};

std::vector<RegisteredClaim>& claim_registry();

template <class T>
RunResult run_case_property(const ClaimSpec& spec, const RunRequest& req, void (*check)(Case<T>&));

template <class T>
ClaimRunner make_runner(void (*check)(Case<T>&)) {
  return [check](const ClaimSpec& spec, const RunRequest& req) {
    return run_case_property<T>(spec, req, check);
  };
}

/// Registers a claim at start-up (FA_REGISTER_CLAIM): sets the spec's kind and adds it to the
/// registry; what is wrong with it is kept for fa-claims to report (registration_problems).
struct ClaimRegistrar {
  ClaimRegistrar(ClaimKind kind, ClaimSpec spec,
                 std::vector<std::pair<std::string, ClaimRunner>> scalars);
  /// The older form (a claim file that lists its runners itself): the kind is read off the scalars
  /// (exact -> exact_identity, mpfr -> float_identity, mp -> property, double alone -> double_only).
  ClaimRegistrar(ClaimSpec spec, std::vector<std::pair<std::string, ClaimRunner>> scalars);
};

/// Problems found while registering, one line each ("claim X: ..."): fa-claims and fa-mutants
/// print them and refuse to run.
std::vector<std::string>& registry_problems();

/// The runners of a claim kind: `check_of` maps a type tag to &check<T> (FA_REGISTER_CLAIM).
template <class T>
struct ScalarTag {
  using type = T;
};
template <ClaimKind Kind, class CheckOf>
std::vector<std::pair<std::string, ClaimRunner>> claim_runners(const CheckOf& check_of) {
  std::vector<std::pair<std::string, ClaimRunner>> out;
  out.emplace_back("double", make_runner<double>(check_of(ScalarTag<double>{})));
  if constexpr (Kind != ClaimKind::double_only)
    out.emplace_back("mp", make_runner<Mp>(check_of(ScalarTag<Mp>{})));
  if constexpr (Kind == ClaimKind::exact_identity)
    out.emplace_back("exact", make_runner<Rational>(check_of(ScalarTag<Rational>{})));
  if constexpr (kind_has_ladder(Kind))
    out.emplace_back("mpfr", make_runner<MpVar>(check_of(ScalarTag<MpVar>{})));
  return out;
}

}  // namespace fa

#include "checks/claim_impl.hpp"

namespace fa {
/// The claim machinery that is the same for every claim (the RapidCheck driver and Case<T>),
/// instantiated once per scalar in checks/instantiate (generated, see tests/CMakeLists.txt).
#define FA_DECLARE_CLAIM_RUN(T, EXTERN)                                               \
  EXTERN template RunResult run_case_property<T>(const ClaimSpec&, const RunRequest&, \
                                                 void (*)(Case<T>&));                 \
  EXTERN template class Case<T>;
FA_DECLARE_CLAIM_RUN(double, extern)
FA_DECLARE_CLAIM_RUN(Mp, extern)
FA_DECLARE_CLAIM_RUN(MpVar, extern)
FA_DECLARE_CLAIM_RUN(Rational, extern)
}  // namespace fa

#define FA_CLAIM_CONCAT2(a, b) a##b
#define FA_CLAIM_CONCAT(a, b) FA_CLAIM_CONCAT2(a, b)

// A claim file's own names (spec, check, helpers) live in `namespace FA_CLAIM_FILE { ... }`: an
// anonymous namespace in a normal build. theorems/CMakeLists.txt compiles the claim files in unity
// batches (several files in one translation unit, so Eigen, Boost and RapidCheck are parsed once
// per batch, not once per claim); there CMake defines FA_CLAIM_FILE to a name unique to each file
// (UNITY_BUILD_UNIQUE_ID), so that two claims' spec() and check() do not collide.
#ifndef FA_CLAIM_FILE
#define FA_CLAIM_FILE
#endif

/// Registers a claim: FA_REGISTER_CLAIM(kind, spec(), check), kind one of ClaimKind's (property,
/// exact_identity, float_identity, double_only), which fixes the scalars it runs in and whether
/// it has a precision ladder. The older two-argument form FA_REGISTER_CLAIM(spec(), check) still
/// registers a property, as do FA_REGISTER_IDENTITY_CLAIM (exact_identity) and
/// FA_REGISTER_LADDER_CLAIM (float_identity): deprecated, kept for claim files written before.
#define FA_REGISTER_CLAIM_OF_KIND(kind, spec, check)                                       \
  static const ::fa::ClaimRegistrar FA_CLAIM_CONCAT(fa_claim_registrar_, __COUNTER__)(     \
      ::fa::ClaimKind::kind, (spec),                                                       \
      ::fa::claim_runners<::fa::ClaimKind::kind>([](auto tag) {                            \
        return &check<typename decltype(tag)::type>;                                       \
      }))
#define FA_REGISTER_CLAIM_PROPERTY(spec, check) FA_REGISTER_CLAIM_OF_KIND(property, spec, check)
#define FA_REGISTER_CLAIM_PICK(_1, _2, _3, NAME, ...) NAME
#define FA_REGISTER_CLAIM(...)                                                              \
  FA_REGISTER_CLAIM_PICK(__VA_ARGS__, FA_REGISTER_CLAIM_OF_KIND, FA_REGISTER_CLAIM_PROPERTY, \
                         unused)(__VA_ARGS__)
#define FA_REGISTER_IDENTITY_CLAIM(spec, check) \
  FA_REGISTER_CLAIM_OF_KIND(exact_identity, spec, check)
#define FA_REGISTER_LADDER_CLAIM(spec, check) FA_REGISTER_CLAIM_OF_KIND(float_identity, spec, check)
