// Forwarding header, kept for one release: the run library moved to run/run.hpp (namespace
// fa::run). Code that still spells fa::cli::run_problem, cli::RunOptions... finds them here.
#pragma once

#include "run/run.hpp"

namespace fa::cli {
using namespace ::fa::run;  // NOLINT(google-build-using-namespace): the forwarding is the point
}  // namespace fa::cli
