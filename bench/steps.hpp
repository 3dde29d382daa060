// fa-bench's step benchmarks (issues 7, 23): one FA and one GD step in double, Mp and MpVar,
// ours against the plain Eigen expressions (before issue 7), the MPFR loop kernels (before
// issue 23) and the limit each can reach; the agreement of the fast steps with the plain ones;
// the table's rows made from their timings.
#pragma once

#include "bench/instances.hpp"
#include "bench/table.hpp"

#include <ostream>
#include <vector>

namespace fa::bench {

extern const std::vector<Shape> kDoubleShapes;
extern const std::vector<Shape> kMpShapes;
/// The shapes the mp claims run (RapidCheck's small sizes: n, m <= 6), and 8x8x4 above them.
extern const std::vector<Shape> kMpClaimShapes;

/// Registers every step, GEMM and raw-MPFR benchmark, for every shape above.
void register_step_benchmarks();

/// "  TYPE SHAPE: FA identical; GD differs, max X ulp (relative)" for every step row's instance:
/// the fast steps against the plain ones, 3 steps, on this binary's flags.
void print_agreement(std::ostream& os);

/// The rows of the step benchmarks (double, mp, mpfr200, then the claims' sizes), from the
/// timings the reporter captured; a row whose benchmarks did not run is left out.
std::vector<Row> step_rows(const CaptureReporter& timings);

}  // namespace fa::bench
