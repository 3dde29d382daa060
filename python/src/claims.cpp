// faverify.claims(), run_claim(), ladder(): the claims registry fa-claims runs (theorems/*.cpp,
// checks/claim_runner.cpp), through its data API (checks/claim_api.hpp), so this file compiles
// neither RapidCheck nor the claim templates. A claim run returns the report fragment fa-claims
// writes (report/parts/<id>.<scalar>.json), parsed by Python's json module, plus the text it
// prints. Runs release the GIL; they are not interruptible inside (RapidCheck runs the cases), so
// a Ctrl-C during one raises KeyboardInterrupt when it returns (claim runs take seconds at their
// default number of cases).
#include "checks/claim_api.hpp"
#include "python/src/bindings.hpp"

#include <pybind11/stl.h>

#include <limits>
#include <optional>

namespace fa::py_module {

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

py::dict with_text(const api::ClaimReport& rep) {
  py::dict d = py::module_::import("json").attr("loads")(rep.json);
  d["as_expected"] = rep.as_expected;
  d["text"] = rep.text;
  return d;
}

/// After a run that released the GIL: a Ctrl-C that arrived meanwhile is raised now.
void raise_pending_signal() {
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

py::list claims() {
  py::list out;
  for (const api::ClaimInfo& c : api::list_claims()) {
    py::list falsifiers;
    for (const auto& [name, description] : c.falsifiers)
      falsifiers.append(py::dict("name"_a = name, "description"_a = description));
    out.append(py::dict("id"_a = c.id, "title"_a = c.title, "source"_a = c.source,
                        "statement"_a = c.statement, "hypotheses"_a = c.hypotheses,
                        "recipe"_a = c.recipe, "scalars"_a = c.scalars,
                        "falsifiers"_a = falsifiers, "ladder"_a = c.ladder, "slow"_a = c.slow,
                        "expected"_a = c.expected_to_hold ? "holds" : "refuted",
                        "cases"_a = py::dict("double"_a = c.cases_double, "mp"_a = c.cases_mp,
                                             "exact"_a = c.cases_exact)));
  }
  return out;
}

py::dict run_claim(const std::string& id, const std::string& scalar, const py::object& falsifier,
                   const py::object& seed, const py::object& cases,
                   const py::object& reproduce) {
  const std::string fals = falsifier.is_none() ? std::string() : falsifier.cast<std::string>();
  std::optional<std::uint64_t> s;
  if (!seed.is_none()) {
    const py::int_ v(seed);
    if (v < py::int_(0) || v > py::int_(std::numeric_limits<std::uint64_t>::max()))
      input_error("seed=" + py::str(v).cast<std::string>() + ": must be in [0, 2^64 - 1]");
    s = v.cast<std::uint64_t>();
  }
  int n = 0;
  if (!cases.is_none()) {
    n = cases.cast<int>();
    if (n < 1) input_error("cases=" + std::to_string(n) + ": must be >= 1 (None: the claim's)");
  }
  const std::string repro = reproduce.is_none() ? std::string() : reproduce.cast<std::string>();
  api::ClaimReport rep;
  {
    py::gil_scoped_release no_gil;
    std::lock_guard<std::mutex> lock(mpfr_mutex());  // the mpfr scalar runs at MpVar's precision
    rep = api::run_claim(id, scalar, fals, s, n, repro);
  }
  raise_pending_signal();
  return with_text(rep);
}

py::dict ladder(const std::string& id, const py::object& falsifier) {
  const std::string fals = falsifier.is_none() ? std::string() : falsifier.cast<std::string>();
  api::ClaimReport rep;
  {
    py::gil_scoped_release no_gil;
    std::lock_guard<std::mutex> lock(mpfr_mutex());  // the ladder sets MpVar's precision
    rep = api::run_ladder(id, fals);
  }
  raise_pending_signal();
  return with_text(rep);
}

}  // namespace

void bind_claims(py::module_& m) {
  m.def("claims", &claims);
  m.def("run_claim", &run_claim, "id"_a, py::kw_only(), "scalar"_a = "double",
        "falsifier"_a = py::none(), "seed"_a = py::none(), "cases"_a = py::none(),
        "reproduce"_a = py::none());
  m.def("ladder", &ladder, "id"_a, py::kw_only(), "falsifier"_a = py::none());
}

}  // namespace fa::py_module
