// Dot products of MPFR numbers computed exactly and rounded once (issue 23), for the MPFR
// kernels of dynamics/kernels.hpp.
//
//   out = round(sum_{k < len} x_k y_k - c)        (c optional: the residual's - Y(i, j))
//
// rounded to nearest (ties to even) to out's precision: the correctly rounded value of the exact
// sum, whatever the order, signs or sizes of the terms. MPFR's flags are those of that one
// rounding (inexact, overflow, underflow), so "no inexact flag" means "the result is exact".
// An exact zero result is +0.
//
// Why: a loop of mpfr_mul and mpfr_add costs ~45 ns per multiply-add at 168 bits, almost all of
// it in MPFR's general entry points (special values, precisions, exponent range, rounding, the
// thread-local flags, twice per term), while the arithmetic is a handful of word products.
//
// How (block fixed point). A regular MPFR number is x = M 2^(e - 64 L), M an integer of L limbs
// with its top bit set and its low 64 L - p bits zero. A kernel call first writes each vector it
// takes dot products of (a row or column of an operand: a "panel") in fixed point relative to the
// panel's largest exponent a: x = X 2^(a - 56 D), X a signed integer of D digits of 56 bits,
// exact when 56 D >= p + (a - e) for every entry (D is chosen so, the same for every panel of the
// call). A dot product of two panels is then an integer dot product at the scale
// 2^(ax + ay - 112 D): column sums S_c = sum_k sum_{i + j = c} X_k,i Y_k,j of signed 112-bit
// digit products in 128-bit integers, no carries, no branches (at most 2^13 / D terms between two
// carry passes keep |S_c| < 2^126). The subtracted c is added to the columns as digits, the
// columns are carried into one integer, and mpfr_set_z_2exp rounds that exact integer once.
// Converting the panels costs one pass over each operand per call; a dot product costs D^2 word
// products per term (D = 4 at 168 bits, 3 when a panel's exponents are all equal).
//
// The general path: exact products (mpfr_mul into temporaries of the operands' summed
// precision: exact) summed by mpfr_sum, which is correctly rounded. The same value, slower (it
// allocates). Taken for a whole call when a panel holds a NaN or an infinity (MPFR's
// special-value rules then decide, as for mpfr_mul/mpfr_add) or needs more than kMaxDigits
// digits (more than ~1300 bits of precision plus exponent spread within a row or column), and
// for one dot product when c is special or lies too far from the panels' scale. Both paths give
// the correctly rounded sum, so which one ran never changes a result
// (tests/unit/test_kernels.cpp checks both against the exact rational sum rounded by MPFR).
#pragma once

#include <gmp.h>
#include <mpfr.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <vector>

namespace fa::kernels::exact_dot {

static_assert(GMP_NUMB_BITS == 64 && sizeof(mp_limb_t) == 8, "64-bit limbs assumed");
static_assert(GMP_NAIL_BITS == 0, "GMP without nails assumed");

using Limb = mp_limb_t;
using Wide = __int128;
using Digit = std::int64_t;

inline constexpr int kDigitBits = 56;
inline constexpr Digit kDigitMask = (Digit(1) << kDigitBits) - 1;
/// Panels needing more digits than this take the general path (56 * 24 = 1344 bits).
inline constexpr int kMaxDigits = 24;
/// Columns of a dot product: 2D - 1 of products, carries, and c's digits when c lies above.
inline constexpr int kMaxColumns = 2 * kMaxDigits + 16;
/// Terms between two carry passes: |S_c| <= D * kChunk * 2^112 stays below 2^125.
inline constexpr long kChunkTimesDigits = 1L << 13;

inline int limbs_of(mpfr_prec_t p) {
  return static_cast<int>((p + 63) / 64);
}

inline const Limb* significand(mpfr_srcptr x) {
  return static_cast<const Limb*>(mpfr_custom_get_significand(x));
}

/// Bits [pos, pos + 56) of the L-limb integer M (zero outside it); pos may be negative.
inline Digit bits_at(const Limb* M, int L, long pos) {
  if (pos <= -kDigitBits || pos >= 64L * L) return 0;
  if (pos < 0) return static_cast<Digit>((M[0] << -pos) & kDigitMask);
  const int li = static_cast<int>(pos >> 6), off = static_cast<int>(pos & 63);
  Limb v = M[li] >> off;
  if (off > 64 - kDigitBits && li + 1 < L) v |= M[li + 1] << (64 - off);
  return static_cast<Digit>(v & kDigitMask);
}

/// Vectors ("panels") of MPFR numbers in block fixed point (see the header comment): panel q's
/// entry k is digits[(q len + k) D .. + D) (least significant first) times 2^(anchor[q] - 56 D).
/// Reused across calls (the kernels keep them thread_local): a warmed-up step allocates nothing.
struct Panels {
  std::vector<Digit> digits;
  std::vector<long> anchor;  // each panel's largest exponent; LONG_MIN when every entry is zero
  long count = 0, len = 0;
  int D = 1;              // digits per entry, as filled
  int digits_needed = 1;  // after scan: what every entry needs (kMaxDigits + 1: more than that)
  bool special = false;   // after scan: some entry is NaN or infinite

  const Digit* panel(long q) const { return digits.data() + q * len * D; }
};

/// Pass 1 over `count` panels of `len` entries, get(q, k) -> mpfr_srcptr: each panel's largest
/// exponent a, the digits its entries need (56 D >= p + (a - e) for each entry of precision p
/// and exponent e), and whether any entry is NaN or infinite.
template <class Get>
void scan_panels(Panels& P, long count, long len, Get get) {
  P.count = count;
  P.len = len;
  P.special = false;
  P.digits_needed = 1;
  P.anchor.assign(static_cast<std::size_t>(count), LONG_MIN);
  for (long q = 0; q < count; ++q) {
    long a = LONG_MIN, lowest = LONG_MAX;  // the largest e; the lowest e - p
    for (long k = 0; k < len; ++k) {
      mpfr_srcptr x = get(q, k);
      if (!mpfr_regular_p(x)) {
        if (!mpfr_zero_p(x)) P.special = true;
        continue;
      }
      const long e = mpfr_custom_get_exp(x);
      a = std::max(a, e);
      lowest = std::min(lowest, e - static_cast<long>(mpfr_get_prec(x)));
    }
    P.anchor[static_cast<std::size_t>(q)] = a;
    if (a != LONG_MIN) {
      const long d = (a - lowest + kDigitBits - 1) / kDigitBits;
      P.digits_needed =
          static_cast<int>(std::min<long>(std::max<long>(P.digits_needed, d), kMaxDigits + 1));
    }
  }
}

/// Pass 2: the digits, D per entry (D at least the digits_needed of both operands of the call).
template <class Get>
void fill_panels(Panels& P, int D, Get get) {
  P.D = D;
  P.digits.assign(static_cast<std::size_t>(P.count * P.len * D), 0);
  for (long q = 0; q < P.count; ++q) {
    const long a = P.anchor[static_cast<std::size_t>(q)];
    if (a == LONG_MIN) continue;  // every entry zero: its digits stay zero
    for (long k = 0; k < P.len; ++k) {
      mpfr_srcptr x = get(q, k);
      if (!mpfr_regular_p(x)) continue;
      const int L = limbs_of(mpfr_get_prec(x));
      // X = M 2^(e - 64 L - a + 56 D): digit i is bits [56 i - shift, ...) of M.
      const long shift = mpfr_custom_get_exp(x) - 64L * L - a + long(kDigitBits) * D;
      const Digit negate = mpfr_signbit(x) ? -1 : 0;
      Digit* out = P.digits.data() + (q * P.len + k) * D;
      const Limb* M = significand(x);
      for (int i = 0; i < D; ++i)
        out[i] = (bits_at(M, L, long(kDigitBits) * i - shift) ^ negate) - negate;
    }
  }
}

/// S[c] (+)= sum_k sum_{i + j = c} X_k,i Y_k,j for c <= 2D - 2 (the digit convolution; `add`:
/// += , else =), D = kD or D_rt. Column by column for a fixed D: one 128-bit sum lives in
/// registers while the digits (a few hundred bytes, in L1) are read again for each column.
template <int kD, int kC = 0>
inline void accumulate_columns(Wide* S, const Digit* X, const Digit* Y, long len, bool add) {
  if constexpr (kC < 2 * kD - 1) {
    constexpr int lo = kC < kD ? 0 : kC - kD + 1, hi = kC < kD ? kC : kD - 1;
    Wide s = add ? S[kC] : 0;
    for (long k = 0; k < len; ++k)
      for (int i = lo; i <= hi; ++i) s += Wide(X[k * kD + i]) * Y[k * kD + kC - i];
    S[kC] = s;
    accumulate_columns<kD, kC + 1>(S, X, Y, len, add);
  }
}

template <int kD>
inline void accumulate(Wide* S, const Digit* X, const Digit* Y, long len, int D_rt, bool add) {
  if constexpr (kD > 0) {
    accumulate_columns<kD>(S, X, Y, len, add);
  } else {
    const int D = D_rt;
    if (!add)
      for (int c = 0; c < 2 * D - 1; ++c) S[c] = 0;
    for (long k = 0; k < len; ++k, X += D, Y += D)
      for (int i = 0; i < D; ++i)
        for (int j = 0; j < D; ++j) S[i + j] += Wide(X[i]) * Y[j];
  }
}

/// Carries S[0 .. C) so that S[0 .. C - 1) are digits in [0, 2^56) and S[C - 1] holds the
/// signed rest; the value sum_c S_c 2^(56 c) is unchanged.
inline void carry_columns(Wide* S, int C) {
  Wide carry = 0;
  for (int c = 0; c < C - 1; ++c) {
    const Wide t = S[c] + carry;
    S[c] = t & kDigitMask;
    carry = t >> kDigitBits;  // arithmetic: floor division
  }
  S[C - 1] += carry;
}

/// What a kernel call's dot products share: MPFR's exponent range (read once per call), and
/// whether any result was rounded (the inexact flag is raised once, at the end of the call).
struct Rounding {
  mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
  bool inexact = false;
};

/// Bits [pos, pos + 64) of the number sum_c d_c 2^(56 c) (digits d_c in [0, 2^56), followed by
/// two zero digits); pos may be negative (bits below 0 are zero).
inline Limb limb_of_digits(const Limb* d, long pos) {
  if (pos < 0) return pos <= -64 ? 0 : (d[0] | d[1] << kDigitBits) << -pos;
  const long li = pos / kDigitBits;
  const int off = static_cast<int>(pos - li * kDigitBits);
  Limb v = d[li] >> off | d[li + 1] << (kDigitBits - off);
  if (off > 2 * kDigitBits - 64) v |= d[li + 2] << (2 * kDigitBits - off);
  return v;
}

/// out = round(sum_c S_c 2^(56 c + scale)) to nearest, ties to even, for columns S[0 .. C) whose
/// sum is below 2^(56 (C - 1) + 55) in magnitude. The rounding is done on the digits and written
/// into out's significand in MPFR's documented format (the top bit set, the bits below the
/// precision zero); mpfr_custom_init_set, given out's own significand and precision, sets the
/// exponent and the sign. A result near or outside MPFR's exponent range goes through
/// mpfr_set_z_2exp, which gives the overflow or underflow.
inline void round_columns(mpfr_ptr out, Wide* S, int C, long scale, Rounding& rnd) {
  // Carry into digits d_c in [0, 2^56) and a signed top digit (|top| < 2^55 by the bound).
  Limb d[kMaxColumns + 2];
  Wide carry = 0;
  for (int c = 0; c < C - 1; ++c) {
    const Wide t = S[c] + carry;
    d[c] = static_cast<Limb>(t) & kDigitMask;
    carry = t >> kDigitBits;  // arithmetic: floor division
  }
  const Wide top_digit = S[C - 1] + carry;
  const bool negative = top_digit < 0;
  d[C - 1] = static_cast<Limb>(negative ? -top_digit - 1 : top_digit);
  if (negative) {  // |sum| = -sum: complement every lower digit, then add one
    for (int c = 0; c < C - 1; ++c) d[c] = kDigitMask - d[c];
    for (int c = 0; c < C; ++c) {
      if (c == C - 1 || d[c] != kDigitMask) {
        ++d[c];
        break;
      }
      d[c] = 0;
    }
  }
  d[C] = d[C + 1] = 0;
  int top = C - 1;
  while (top >= 0 && d[top] == 0) --top;
  if (top < 0) {
    mpfr_set_zero(out, 1);
    return;
  }
  const long bits = long(kDigitBits) * top + 64 - __builtin_clzll(d[top]);  // |sum| < 2^bits
  const mpfr_prec_t p = mpfr_get_prec(out);
  const int L = limbs_of(p);
  long e = bits + scale;  // the result's exponent, unless rounding carries into a new bit
  if (e < rnd.emin || e >= rnd.emax) {
    constexpr int kLimbs = (kDigitBits * (kMaxColumns + 2)) / 64 + 1;
    Limb A[kLimbs];
    const int n = static_cast<int>((bits + 63) / 64);
    for (int i = 0; i < n; ++i) A[i] = limb_of_digits(d, 64L * i);
    mpz_t z;
    mpz_roinit_n(z, A, negative ? -n : n);
    if (mpfr_set_z_2exp(out, z, scale, MPFR_RNDN) != 0) rnd.inexact = true;
    return;
  }
  Limb* M = static_cast<Limb*>(mpfr_custom_get_significand(out));
  const long base = bits - 64L * L;  // the bit of |sum| at M's bit 0
  for (int i = 0; i < L; ++i) M[i] = limb_of_digits(d, base + 64L * i);
  const int unused = static_cast<int>(64L * L - p);  // M's bits below the precision
  const long round_pos = base + unused - 1;          // the first bit not kept
  bool half = false, sticky = false;
  if (round_pos >= 0) {
    const long li = round_pos / kDigitBits;
    const int off = static_cast<int>(round_pos - li * kDigitBits);
    half = (d[li] >> off) & 1;
    Limb below = d[li] & ((Limb(1) << off) - 1);
    for (long i = 0; i < li; ++i) below |= d[i];
    sticky = below != 0;
  }
  const Limb ulp = Limb(1) << unused;
  M[0] &= ~(ulp - 1);
  if (half || sticky) {
    rnd.inexact = true;
    if (half && (sticky || (M[0] & ulp))) {
      Limb carry = ulp;
      for (int i = 0; i < L && carry; ++i) {
        M[i] += carry;
        carry = M[i] < carry;
      }
      if (carry) {  // rounded up to 2^bits: 0.1000... 2^(e + 1)
        M[L - 1] = Limb(1) << 63;
        ++e;
      }
    }
  }
  mpfr_custom_init_set(out, negative ? -MPFR_REGULAR_KIND : MPFR_REGULAR_KIND, e, p, M);
}

/// The general path (see the header comment) for one dot product; a(k), b(k) -> mpfr_srcptr.
template <class A, class B>
int dot_general(mpfr_ptr out, A a, B b, long len, mpfr_srcptr c) {
  const std::size_t count = static_cast<std::size_t>(len) + (c ? 1 : 0);
  std::vector<__mpfr_struct> terms(count);
  std::vector<mpfr_ptr> ptrs(count);
  for (long k = 0; k < len; ++k) {
    mpfr_ptr t = &terms[static_cast<std::size_t>(k)];
    mpfr_init2(t, mpfr_get_prec(a(k)) + mpfr_get_prec(b(k)));
    mpfr_mul(t, a(k), b(k), MPFR_RNDN);  // exact: the precision holds every bit of the product
    ptrs[static_cast<std::size_t>(k)] = t;
  }
  if (c) {
    mpfr_ptr t = &terms[count - 1];
    mpfr_init2(t, mpfr_get_prec(c));
    mpfr_neg(t, c, MPFR_RNDN);  // exact
    ptrs[count - 1] = t;
  }
  const int ternary = mpfr_sum(out, ptrs.data(), count, MPFR_RNDN);
  for (auto& t : terms) mpfr_clear(&t);
  if (mpfr_zero_p(out)) mpfr_set_zero(out, 1);  // exact zero: +0, as on the digit path
  return ternary;
}

/// One dot product of panel qx of X and panel qy of Y (both filled with D digits), minus c;
/// false when c does not fit the columns (the caller then takes the general path).
template <int kD>
bool dot_panels(mpfr_ptr out, const Panels& X, long qx, const Panels& Y, long qy, int D_rt,
                mpfr_srcptr c, Rounding& rnd) {
  const int D = kD ? kD : D_rt;
  const long ax = X.anchor[static_cast<std::size_t>(qx)],
             ay = Y.anchor[static_cast<std::size_t>(qy)];
  const bool c_regular = c && mpfr_regular_p(c);
  if (c && !c_regular && !mpfr_zero_p(c)) return false;
  if (ax == LONG_MIN || ay == LONG_MIN) {  // every product zero
    if (!c_regular) {
      mpfr_set_zero(out, 1);
    } else if (mpfr_neg(out, c, MPFR_RNDN) != 0) {
      rnd.inexact = true;
    }
    return true;
  }
  const long scale = ax + ay - 2L * kDigitBits * D;
  int C = 2 * D + 1;  // the products' 2D - 1 columns, and two for the carries
  int c_first = 0, c_last = -1, Lc = 0;
  long c_shift = 0;
  if (c_regular) {
    // c = Mc 2^(ec - 64 Lc): Mc's bit 0 sits at bit c_shift of the columns.
    const mpfr_prec_t pc = mpfr_get_prec(c);
    const long ec = mpfr_custom_get_exp(c);
    Lc = limbs_of(pc);
    c_shift = ec - 64L * Lc - scale;
    if (ec - pc < scale) return false;  // c has bits below the columns' scale
    c_first = static_cast<int>((ec - pc - scale) / kDigitBits);
    c_last = static_cast<int>((ec - 1 - scale) / kDigitBits);
    if (c_last + 3 > kMaxColumns) return false;
    C = std::max(C, c_last + 3);
  }
  Wide S[kMaxColumns];
  const long len = X.len, chunk = kChunkTimesDigits / D;
  const Digit* xp = X.panel(qx);
  const Digit* yp = Y.panel(qy);
  accumulate<kD>(S, xp, yp, std::min(chunk, len), D, false);
  for (int i = 2 * D - 1; i < C; ++i) S[i] = 0;
  for (long k0 = chunk; k0 < len; k0 += chunk) {
    carry_columns(S, C);
    accumulate<kD>(S, xp + k0 * D, yp + k0 * D, std::min(chunk, len - k0), D, true);
  }
  if (c_regular) {
    const Limb* M = significand(c);
    const bool add = mpfr_signbit(c);  // - c
    for (int i = c_first; i <= c_last; ++i) {
      const Digit d = bits_at(M, Lc, long(kDigitBits) * i - c_shift);
      S[i] += add ? d : -d;
    }
  }
  round_columns(out, S, C, scale, rnd);
  return true;
}

using DotFn = bool (*)(mpfr_ptr, const Panels&, long, const Panels&, long, int, mpfr_srcptr,
                       Rounding&);

/// The dot product for D digits: unrolled for the common D, a loop otherwise.
inline DotFn dot_for(int D) {
  switch (D) {
    case 1:
      return &dot_panels<1>;
    case 2:
      return &dot_panels<2>;
    case 3:
      return &dot_panels<3>;
    case 4:
      return &dot_panels<4>;
    case 5:
      return &dot_panels<5>;
    default:
      return &dot_panels<0>;
  }
}

}  // namespace fa::kernels::exact_dot
