// The run library (fa-check run, faverify.run) compiled for scalar MpVar (see run/run.hpp, run/run_impl.hpp).
#include "run/deep_run.hpp"
#include "run/run_impl.hpp"

namespace fa::run {
FA_DECLARE_RUN(MpVar, )
FA_DECLARE_DEEP_RUN(MpVar, )
}  // namespace fa::run
