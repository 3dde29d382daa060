// `fa-check run` compiled for scalar MpVar (see cli/run_impl.hpp).
#include "cli/run_impl.hpp"

namespace fa::cli {
template int run_check<MpVar>(const RunOptions&);
}  // namespace fa::cli
