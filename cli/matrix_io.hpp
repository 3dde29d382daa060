// Forwarding header, kept for one release: the matrix readers moved to io/matrix_io.hpp.
#pragma once

#include "io/matrix_io.hpp"
