// `fa-check run` compiled for scalar double (see cli/run_impl.hpp).
#include "cli/run_impl.hpp"

namespace fa::cli {
template int run_check<double>(const RunOptions&);
}  // namespace fa::cli
