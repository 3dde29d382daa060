// fa-bench's raw MPFR products (bench/products.cpp): the limit of an mp step and the candidate
// dot products of issue 23, as Google Benchmark benchmarks named "METHOD TYPE SHAPE".
#pragma once

#include "bench/instances.hpp"

#include <benchmark/benchmark.h>

namespace fa::bench {

/// How the three products of a step are formed on contiguous operands (bm_products).
///   muladd, fma: the raw MPFR loops, the limit (mul+add rounds twice per term, as the kernels
///                before issue 23 did; fma once).
///   mpfr_dot:    MPFR 4.2's correctly rounded dot product (exact products, then mpfr_sum).
///   arb_dot:     FLINT/Arb 2.23's arb_dot at the working precision (one rounding per dot
///                product, with an error radius), on arb_t copies made outside the timing.
///   qd:          libqd's quad-double (qd_real, ~212 bits; not correctly rounded), on copies
///                made outside the timing.
enum class Method { muladd, fma, mpfr_dot, arb_dot, qd };

const char* method_name(Method m);

/// FLOP/s and madd/s counters of a step-sized benchmark (3 n m r multiply-adds per iteration).
void set_rates(benchmark::State& st, const Shape& s);

/// Registers every Method on fresh operands ("METHOD TYPE SHAPE") and the raw mul+add loop on
/// repeated ones ("mpfr-raw-muladd-repeated TYPE SHAPE"). T: Mp or MpVar.
template <class T>
void register_products(const Shape& s);

/// The claims' sizes: only the raw mul+add loop on fresh operands ("mpfr-raw-muladd TYPE SHAPE"),
/// refilled with the operands of many consecutive steps per pause of the timer (bm_products).
template <class T>
void register_muladd_limit(const Shape& s);

}  // namespace fa::bench
