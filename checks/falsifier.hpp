// Falsifiers: the evidence that a check can fail (docs/adding-a-claim.md).
#pragma once

#include <string>
#include <utility>

namespace fa {

/// A deliberately wrong version of the check: a broken algorithm or a false statement for claims
/// that hold, a true statement for conjectures. Running it must flip the verdict: that is the
/// evidence that the check can fail. A claim file declares each one once, as a constant
/// (`const Falsifier kGdAsFa{"gd-as-fa", "..."};`), lists it in its ClaimSpec and asks for it by
/// that constant (`c.falsifier(kGdAsFa)`), so a name cannot be misspelt: a constant the spec does
/// not list is refused when asked for, and a listed one the check never asks for makes its
/// falsifier run an error. A bare name converts (`c.falsifier("gd-as-fa")`, the older spelling,
/// still accepted): a name the spec does not list is refused when asked for, so a misspelt string
/// fails the claim's own run.
struct Falsifier {
  Falsifier(std::string name_, std::string description_ = {})  // NOLINT: implicit on purpose
      : name(std::move(name_)), description(std::move(description_)) {}
  Falsifier(const char* name_) : Falsifier(std::string(name_)) {}  // NOLINT: as above
  std::string name;                                                // short id, e.g. "gd-as-fa"
  std::string description;  // what is broken and why the check must catch it
};

}  // namespace fa
