// What the module's translation units share (python/src/module.cpp, python/src/claims.cpp; two
// files so that a 2-core build compiles them in parallel).
#pragma once

#include <pybind11/pybind11.h>

#include <mutex>
#include <string>

namespace fa::py_module {

/// Raises faverify.InputError (a ValueError) with `msg` (through cli::UsageError).
[[noreturn]] void input_error(const std::string& msg);

/// Held by whatever sets or reads MpVar's process-wide precision (MPFR runs, the ladder). Take it
/// without the GIL.
std::mutex& mpfr_mutex();

/// faverify.claims(), run_claim(), ladder() (python/src/claims.cpp).
void bind_claims(pybind11::module_& m);

}  // namespace fa::py_module
