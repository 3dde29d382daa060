// Forwarding header, kept for one release: moved to io/matrix_convert.hpp.
#pragma once

#include "io/matrix_convert.hpp"
