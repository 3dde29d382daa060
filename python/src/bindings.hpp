// Helpers of the module's translation unit(s) (python/src/module.cpp).
#pragma once

#include <pybind11/pybind11.h>

#include <mutex>
#include <string>

namespace fa::py_module {

/// str(h), as text.
inline std::string text_of(pybind11::handle h) {
  const auto s = pybind11::reinterpret_steal<pybind11::object>(PyObject_Str(h.ptr()));
  if (!s) throw pybind11::error_already_set();
  return s.cast<std::string>();
}

/// Raises faverify.InputError (a ValueError) with `msg` (through run::UsageError).
[[noreturn]] void input_error(const std::string& msg);

/// Held by whatever sets or reads MpVar's process-wide precision (MPFR runs, the ladder). Take it
/// without the GIL.
std::mutex& mpfr_mutex();

}  // namespace fa::py_module
