// The claim registry: the claims (theorems/*.cpp) register here at start-up, and what is wrong with
// a registration is kept for fa-claims and fa-mutants to report before they run anything.
#include "checks/claim.hpp"
#include "checks/claim_runner.hpp"

#include <set>

namespace fa {

std::vector<RegisteredClaim>& claim_registry() {
  static std::vector<RegisteredClaim> registry;
  return registry;
}

std::vector<std::string>& registry_problems() {
  static std::vector<std::string> problems;
  return problems;
}

const RegisteredClaim* find_claim(const std::string& id) {
  for (const auto& c : claim_registry())
    if (c.spec.id == id) return &c;
  return nullptr;
}

std::vector<std::string> registration_problems(const ClaimSpec& spec) {
  std::vector<std::string> out;
  if (spec.id.empty()) out.push_back("a claim has no id");
  if (spec.title.empty()) out.push_back("no title");
  if (spec.statement.empty()) out.push_back("no statement");
  std::set<std::string> names;
  for (const Falsifier& f : spec.falsifiers) {
    if (f.name.empty()) out.push_back("a falsifier has no name");
    if (f.description.empty()) out.push_back("falsifier '" + f.name + "' has no description");
    if (!names.insert(f.name).second) out.push_back("falsifier '" + f.name + "' listed twice");
  }
  if (spec.ladder && !spec.has_ladder())
    out.push_back("sets ladder = true but its kind has no precision ladder");
  if (spec.has_ladder() && !spec.ladder_recipe)
    out.push_back("an identity kind needs ClaimSpec::ladder_recipe (the ladder's fixed recipe)");
  if (!spec.has_ladder() && spec.ladder_recipe)
    out.push_back("has a ladder_recipe but its kind has no precision ladder");
  if (spec.polynomial)
    for (const Falsifier& f : spec.polynomial->falsifiers)
      if (!spec.find_falsifier(f.name))
        out.push_back("the polynomial identity names falsifier '" + f.name +
                      "', which the ClaimSpec does not list");
  for (const PinnedCase& pin : spec.pinned)
    if (!pin.problem.empty()) out.push_back("pinned case: " + pin.problem);
  if (!spec.expected_to_hold() && spec.falsifiers.empty())
    out.push_back("a conjecture needs a true variant among its falsifiers");
  return out;
}

namespace {

void register_claim(ClaimKind kind, ClaimSpec spec,
                    std::vector<std::pair<std::string, ClaimRunner>> scalars) {
  spec.kind = kind;
  for (const std::string& problem : registration_problems(spec))
    registry_problems().push_back("claim " + spec.id + ": " + problem);
  for (const PinnedCase& pin : spec.pinned) {
    bool runs_in_it = false;
    for (const auto& [name, runner] : scalars) runs_in_it |= name == pin.scalar;
    if (!runs_in_it)
      registry_problems().push_back("claim " + spec.id + ": a pinned case runs in '" + pin.scalar +
                                    "', a scalar the claim is not checked in");
  }
  if (find_claim(spec.id)) registry_problems().push_back("claim " + spec.id + ": registered twice");
  claim_registry().push_back(RegisteredClaim{std::move(spec), std::move(scalars)});
}

ClaimKind kind_of_scalars(const std::vector<std::pair<std::string, ClaimRunner>>& scalars) {
  bool mp = false, exact = false, mpfr = false;
  for (const auto& [name, runner] : scalars) {
    mp |= name == "mp";
    exact |= name == "exact";
    mpfr |= name == "mpfr";
  }
  if (exact) return ClaimKind::exact_identity;
  if (mpfr) return ClaimKind::float_identity;
  return mp ? ClaimKind::property : ClaimKind::double_only;
}

}  // namespace

ClaimRegistrar::ClaimRegistrar(ClaimKind kind, ClaimSpec spec,
                               std::vector<std::pair<std::string, ClaimRunner>> scalars) {
  register_claim(kind, std::move(spec), std::move(scalars));
}

ClaimRegistrar::ClaimRegistrar(ClaimSpec spec,
                               std::vector<std::pair<std::string, ClaimRunner>> scalars) {
  const ClaimKind kind = kind_of_scalars(scalars);
  register_claim(kind, std::move(spec), std::move(scalars));
}

}  // namespace fa
