// `fa-check run` and faverify.run compiled for scalar double (see cli/run.hpp, cli/run_impl.hpp).
#include "cli/deep_run.hpp"
#include "cli/run_impl.hpp"

namespace fa::cli {
FA_DECLARE_RUN(double, )
FA_DECLARE_DEEP_RUN(double, )
}  // namespace fa::cli
