// Forwarding header, kept for one release: the plain-loop steps moved to dynamics/plain_steps.hpp
// (bench/ and the tests both use them).
#pragma once

#include "dynamics/plain_steps.hpp"
