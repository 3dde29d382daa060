// The claim API's own guards (checks/claim.hpp, checks/claim_registry.cpp) can fail: a claim
// registered wrongly is reported, a falsifier the spec does not list is refused, one the check
// never asks for makes its run an error, and a pinned recipe is read back from the text the
// report prints. These claims are built here, not registered: fa-claims never sees them.
#include "checks/claim.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace fa;

namespace {

const Falsifier kBroken{"broken", "a deliberately wrong check"};
const Falsifier kNotListed{"not-listed", "a constant the spec forgot"};

ClaimSpec good_spec() {
  ClaimSpec s;
  s.id = "T1";
  s.title = "test claim";
  s.statement = "x >= 0";
  s.falsifiers = {kBroken};
  return s;
}

bool mentions(const std::vector<std::string>& problems, const std::string& words) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const std::string& p) { return p.find(words) != std::string::npos; });
}

// A property that holds unless its falsifier runs: the falsifier's run must refute it.
template <class T>
void asks_for_its_falsifier(Case<T>& c) {
  c.instance(RecipeSpace{});
  c.require_ge("x", T(c.falsifier(kBroken) ? -1 : 1), T(0));
}

// Never asks for kBroken: its falsifier run is the claim as stated.
template <class T>
void never_asks(Case<T>& c) {
  c.instance(RecipeSpace{});
  c.require_ge("x", T(1), T(0));
}

// Asks for a falsifier its spec does not list (what a misspelt name was before constants).
template <class T>
void asks_for_unlisted(Case<T>& c) {
  c.instance(RecipeSpace{});
  c.require_ge("x", T(c.falsifier(kNotListed) ? -1 : 1), T(0));
}

RunResult run(void (*check)(Case<double>&), int variant) {
  RunRequest req;
  req.variant = variant;
  req.cases = 5;
  req.seed = 1;
  return run_case_property<double>(good_spec(), req, check);
}

}  // namespace

TEST_CASE("a well-formed spec has no registration problem", "[claim-api]") {
  ClaimSpec s = good_spec();
  CHECK(registration_problems(s).empty());
  s.kind = ClaimKind::exact_identity;
  s.ladder_recipe = fixed_recipe(2, 2, 1, 1, 1);
  CHECK(registration_problems(s).empty());
}

TEST_CASE("registration problems are reported, one per defect", "[claim-api]") {
  SECTION("an identity kind without its ladder recipe") {
    ClaimSpec s = good_spec();
    s.kind = ClaimKind::float_identity;
    CHECK(mentions(registration_problems(s), "ladder_recipe"));
  }
  SECTION("the older ladder flag on a kind without a ladder") {
    ClaimSpec s = good_spec();
    s.ladder = true;
    CHECK(mentions(registration_problems(s), "ladder = true"));
  }
  SECTION("a ladder recipe on a property") {
    ClaimSpec s = good_spec();
    s.ladder_recipe = fixed_recipe(2, 2, 1, 1, 1);
    CHECK(mentions(registration_problems(s), "no precision ladder"));
  }
  SECTION("a falsifier listed twice") {
    ClaimSpec s = good_spec();
    s.falsifiers.push_back(kBroken);
    CHECK(mentions(registration_problems(s), "listed twice"));
  }
  SECTION("a polynomial identity's falsifier the spec does not list") {
    ClaimSpec s = good_spec();
    s.polynomial = PolynomialIdentity{};
    s.polynomial->falsifiers = {kNotListed};
    CHECK(mentions(registration_problems(s), "not-listed"));
  }
  SECTION("a pinned recipe that does not parse") {
    ClaimSpec s = good_spec();
    s.pinned = {{"double", "{n=2 m=2 k=2}", "a truncated recipe"}};
    CHECK(mentions(registration_problems(s), "missing field"));
  }
  SECTION("a conjecture without a true variant") {
    ClaimSpec s = good_spec();
    s.source = Source::conjecture;
    s.falsifiers.clear();
    CHECK(mentions(registration_problems(s), "true variant"));
  }
}

TEST_CASE("a pinned recipe is read back from the text the report prints", "[claim-api]") {
  Recipe r = fixed_recipe(3, 2, 2, 1, 12345, Init::small);
  r.spectrum = Spectrum::geometric;
  r.spread = 2;
  r.b_scale_log2 = -2;
  CHECK(parse_recipe(r.describe()) == r);
  CHECK_THROWS_AS(parse_recipe("{n=2 m=2 k=2 r=1 spectrum=flat seed=0 step=2^-1 init=zero x=1}"),
                  std::invalid_argument);
  CHECK_THROWS_AS(parse_recipe("{n=two m=2 k=2 r=1 spectrum=flat seed=0 step=2^-1 init=zero}"),
                  std::invalid_argument);
}

TEST_CASE("the falsifier guards flip verdicts", "[claim-api]") {
  CHECK(run(&asks_for_its_falsifier<double>, 0).verdict == "verified");
  CHECK(run(&asks_for_its_falsifier<double>, 1).verdict == "refuted");
  const RunResult unasked = run(&never_asks<double>, 1);
  CHECK(unasked.verdict == "error");
  CHECK(unasked.message.find("never asked for falsifier 'broken'") != std::string::npos);
  // The claim as stated runs fine without asking.
  CHECK(run(&never_asks<double>, 0).verdict == "verified");
  // An unlisted falsifier is refused even in the run of the claim as stated.
  const RunResult unlisted = run(&asks_for_unlisted<double>, 0);
  CHECK(unlisted.verdict == "error");
  CHECK(unlisted.message.find("does not list") != std::string::npos);
}
