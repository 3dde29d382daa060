// `fa-check run` and faverify.run compiled for scalar MpVar (see cli/run.hpp, cli/run_impl.hpp).
#include "cli/deep_run.hpp"
#include "cli/run_impl.hpp"

namespace fa::cli {
FA_DECLARE_RUN(MpVar, )
FA_DECLARE_DEEP_RUN(MpVar, )
}  // namespace fa::cli
