// Forwarding header, kept for one release: moved to run/deep_run.hpp (namespace fa::run).
#pragma once

#include "cli/run.hpp"
#include "run/deep_run.hpp"
