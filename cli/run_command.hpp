// `fa-check run`: the command-line front end of the run library (run/run.hpp). Reads the files of
// the options, runs run_problem with scalar double or fa::MpVar (whose precision the caller has
// set), writes the outputs and prints the summary.
#pragma once

#include "run/run.hpp"

namespace fa::cli {

/// Exit codes of `fa-check run`.
inline constexpr int exit_ok = 0;        // converged or budget exhausted
inline constexpr int exit_error = 1;     // bad input or usage
inline constexpr int exit_diverged = 2;  // the run diverged

/// Throws run::UsageError, io::MatrixIoError or std::invalid_argument on bad input; returns the
/// exit code.
template <class T>
int run_check(const run::RunOptions& opt);

extern template int run_check<double>(const run::RunOptions&);
extern template int run_check<MpVar>(const run::RunOptions&);

}  // namespace fa::cli
