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
// How (block fixed point). A regular MPFR number is x = M 2^(e - 64 Lm), M an integer of Lm
// 64-bit limbs with its top bit set and its low 64 Lm - p bits zero. A kernel call first writes
// each vector it takes dot products of (a row or column of an operand: a "panel") in fixed point
// relative to the panel's largest exponent a: x = X 2^(a - 60 D), X a signed integer of D
// digits of 60 bits (each digit carries the sign: |digit| < 2^60), exact when
// 60 D >= p + (a - e) for every entry. D is chosen per panel: for Mp (168 bits) 3 while the
// exponents of a row or column spread over at most 12 bits, 4 up to 72. A dot product of two
// panels is then an integer dot product at the scale 2^(ax + ay - 60 (Dx + Dy)): column sums
// S_c = sum_k sum_{i + j = c} X_k,i Y_k,j of signed digit products (|product| < 2^120) in
// 128-bit integers, with no branch and no carry, and a carry pass after every 63 / min(Dx, Dy)
// terms keeps |S_c| < 2^126. The subtracted c is added to the columns as digits, the columns are
// carried into one integer, and that exact integer is rounded once, here, into out's
// significand. Converting the panels costs one pass over each operand per call; a dot product
// costs Dx Dy digit products per term (9 for Mp's usual D = 3).
//
// The general path: exact products (mpfr_mul into temporaries of the operands' summed
// precision: exact) summed by mpfr_sum, which is correctly rounded. The same value, slower (it
// allocates). Taken for a whole call when a panel holds a NaN or an infinity (MPFR's
// special-value rules then decide, as for mpfr_mul/mpfr_add), for the dot products of a panel
// that needs more than kMaxDigits digits
// (more than 1560 bits of precision plus exponent spread within a row or column), and for one
// dot product when c is special or lies too far from the panels' scale. Both paths give the
// correctly rounded sum, so which one ran never changes a result (tests/unit/test_kernels.cpp
// checks both against the exact rational sum rounded by MPFR). A result near the ends of MPFR's
// exponent range is rounded by mpfr_set_z_2exp, which gives MPFR's overflow and underflow.
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
using Wide = __int128;  // a column sum
using Digit = std::int64_t;

inline constexpr int kDigitBits = 60;
inline constexpr Digit kDigitMask = (Digit(1) << kDigitBits) - 1;
/// Panels needing more digits per entry than this take the general path (1560 bits).
inline constexpr int kMaxDigits = 26;
/// Columns of one dot product: Dx + Dy - 1 of products, two for the carries, and room for c.
inline constexpr int kMaxColumns = 2 * kMaxDigits + 24;
/// Digit products per column between two carry passes: 63 of them (< 2^120 each) keep every
/// column below 2^126, so that adding a carry (< 2^67) cannot overflow 128 bits.
inline constexpr long kProductsPerCarry = 63;

inline int limbs_of(mpfr_prec_t p) {
  return static_cast<int>((p + 63) / 64);
}

inline const Limb* significand(mpfr_srcptr x) {
  return static_cast<const Limb*>(mpfr_custom_get_significand(x));
}

/// Bits [pos, pos + 64) of the n-limb integer M (zero outside it); pos may be negative.
inline Limb limb_at(const Limb* M, int n, long pos) {
  if (pos <= -64 || pos >= 64L * n) return 0;
  if (pos < 0) return M[0] << -pos;
  const int li = static_cast<int>(pos >> 6), off = static_cast<int>(pos & 63);
  Limb v = M[li] >> off;
  if (off && li + 1 < n) v |= M[li + 1] << (64 - off);
  return v;
}

/// Vectors ("panels") of MPFR numbers in block fixed point (see the header comment): panel q
/// has D[q] digits per entry, entry k at digits[offset[q] + k D[q] ...] (least significant
/// first), x = digits 2^(anchor[q] - 60 D[q]). Reused across calls (the kernels keep them
/// thread_local), so that a warmed-up step allocates nothing.
struct Panels {
  std::vector<Digit> digits;
  std::vector<long> anchor;  // the largest exponent; LONG_MIN when every entry is zero
  std::vector<long> offset;
  std::vector<int> D;  // kMaxDigits + 1: more than the limit (its dot products: general path)
  long count = 0, len = 0;
  bool special = false;  // some entry is NaN or infinite (the whole call: general path)

  const Digit* panel(long q) const { return digits.data() + offset[static_cast<std::size_t>(q)]; }
};

/// Pass 1 over `count` panels of `len` entries, get(q, k) -> mpfr_srcptr: each panel's largest
/// exponent a and the digits its entries need (60 D >= p + (a - e) for each entry of precision
/// p and exponent e), and whether any entry is NaN or infinite.
template <class Get>
void scan_panels(Panels& P, long count, long len, Get get) {
  P.count = count;
  P.len = len;
  P.special = false;
  // resize, not assign: every entry is written below (a fill per call showed at small shapes)
  P.anchor.resize(static_cast<std::size_t>(count));
  P.D.resize(static_cast<std::size_t>(count));
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
    P.D[static_cast<std::size_t>(q)] =
        a == LONG_MIN ? 1
                      : static_cast<int>(std::min<long>((a - lowest + kDigitBits - 1) / kDigitBits,
                                                        kMaxDigits + 1));
  }
}

/// The D digits of x at anchor a: X = M 2^shift, shift = e - 64 Lm - a + 60 D, so digit i is
/// bits [60 i - shift, ...) of M; with the sign of x. kD: D when known at compile time, else 0.
template <int kD>
inline void digits_of(Digit* out, mpfr_srcptr x, long a, int D_rt) {
  const int D = kD ? kD : D_rt;
  const int Lm = limbs_of(mpfr_get_prec(x));
  const long shift = mpfr_custom_get_exp(x) - 64L * Lm - a + long(kDigitBits) * D;
  const Digit negate = mpfr_signbit(x) ? -1 : 0;
  const Limb* M = significand(x);
  if constexpr (kD > 0) {
    // X as limbs first (at most 60 D bits), then the digits at constant bit offsets.
    constexpr int n = (kDigitBits * kD + 63) / 64;
    Limb T[n + 1];
    if (shift <= 0 && shift > -64) {  // the usual case (the largest entries of Mp: shift -12)
      const int right = static_cast<int>(-shift);
      for (int j = 0; j < n; ++j) {
        const Limb lo = j < Lm ? M[j] >> right : 0;
        const Limb hi = right && j + 1 < Lm ? M[j + 1] << (64 - right) : 0;
        T[j] = lo | hi;
      }
    } else {
      for (int j = 0; j < n; ++j) T[j] = limb_at(M, Lm, 64L * j - shift);
    }
    T[n] = 0;
    for (int i = 0; i < kD; ++i) {
      constexpr int bits = kDigitBits;
      const int at = bits * i, j = at / 64, off = at % 64;
      const Limb v = (T[j] >> off) | (off > 64 - bits ? T[j + 1] << (64 - off) : 0);
      const Digit d = static_cast<Digit>(v) & kDigitMask;
      out[i] = (d ^ negate) - negate;
    }
  } else {
    for (int i = 0; i < D; ++i) {
      const Digit d = static_cast<Digit>(limb_at(M, Lm, long(kDigitBits) * i - shift)) & kDigitMask;
      out[i] = (d ^ negate) - negate;
    }
  }
}

/// Pass 2: the digits of every panel (D[q] of them per entry; none for a panel past the limit).
template <class Get>
void fill_panels(Panels& P, Get get) {
  P.offset.resize(static_cast<std::size_t>(P.count));
  long total = 0;
  for (long q = 0; q < P.count; ++q) {
    P.offset[static_cast<std::size_t>(q)] = total;
    const int D = P.D[static_cast<std::size_t>(q)];
    if (D <= kMaxDigits && P.anchor[static_cast<std::size_t>(q)] != LONG_MIN) total += P.len * D;
  }
  P.digits.resize(static_cast<std::size_t>(total));  // zero entries are zeroed below
  for (long q = 0; q < P.count; ++q) {
    const long a = P.anchor[static_cast<std::size_t>(q)];
    const int D = P.D[static_cast<std::size_t>(q)];
    if (a == LONG_MIN || D > kMaxDigits) continue;
    Digit* out = P.digits.data() + P.offset[static_cast<std::size_t>(q)];
    for (long k = 0; k < P.len; ++k, out += D) {
      mpfr_srcptr x = get(q, k);
      if (!mpfr_regular_p(x)) {  // zero (special values never reach here)
        std::fill(out, out + D, Digit(0));
        continue;
      }
      switch (D) {
        case 3:
          digits_of<3>(out, x, a, D);
          break;
        case 4:
          digits_of<4>(out, x, a, D);
          break;
        default:
          digits_of<0>(out, x, a, D);
          break;
      }
    }
  }
}

/// S[c] += sum over k < len of sum_{i + j = c} X_k,i Y_k,j (the digit convolution), column by
/// column: one 128-bit sum lives in registers while the digits (in L1) are read again for each
/// column. Dx, Dy = kDx, kDy, or Dx_rt, Dy_rt when those are 0.
template <int kDx, int kDy, int kC = 0>
inline void accumulate_columns(Wide* S, const Digit* X, const Digit* Y, long len) {
  if constexpr (kC < kDx + kDy - 1) {
    constexpr int lo = kC - kDy + 1 > 0 ? kC - kDy + 1 : 0, hi = kC < kDx - 1 ? kC : kDx - 1;
    Wide s = S[kC];
    for (long k = 0; k < len; ++k)
      for (int i = lo; i <= hi; ++i) s += Wide(X[k * kDx + i]) * Y[k * kDy + kC - i];
    S[kC] = s;
    accumulate_columns<kDx, kDy, kC + 1>(S, X, Y, len);
  }
}

inline void accumulate_any(Wide* S, const Digit* X, int Dx, const Digit* Y, int Dy, long len) {
  for (long k = 0; k < len; ++k, X += Dx, Y += Dy)
    for (int i = 0; i < Dx; ++i)
      for (int j = 0; j < Dy; ++j) S[i + j] += Wide(X[i]) * Y[j];
}

/// Carries S[0 .. C) so that S[0 .. C - 1) are digits in [0, 2^60) and S[C - 1] holds the
/// signed rest; the value sum_c S_c 2^(60 c) is unchanged.
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

/// Bits [pos, pos + 64) of the number sum_c d_c 2^(60 c) (digits d_c in [0, 2^60), followed by
/// two zero digits); pos >= 0.
inline Limb limb_of_digits(const Limb* d, long pos) {
  const long i = static_cast<long>(static_cast<unsigned long>(pos) / kDigitBits);
  const int off = static_cast<int>(pos - i * kDigitBits);
  Limb v = d[i] >> off | d[i + 1] << (kDigitBits - off);
  if (off > 2 * kDigitBits - 64) v |= d[i + 2] << (2 * kDigitBits - off);
  return v;
}

/// out = round(sum_c S_c 2^(60 c + scale)) to nearest, ties to even, for columns S[0 .. C) whose
/// sum is below 2^(60 (C - 1) + 59) in magnitude. The rounding is done here on the digits and
/// written into out's significand in MPFR's documented format (the top bit set, the bits below
/// the precision zero); mpfr_custom_init_set, given out's own significand and precision, sets
/// the exponent and the sign. A result near or beyond MPFR's exponent range goes through
/// mpfr_set_z_2exp, which gives the overflow or underflow.
[[gnu::always_inline]] inline void round_columns(mpfr_ptr out, Wide* S, int C, long scale,
                                                 Rounding& rnd) {
  Limb d[kMaxColumns + 2];  // |sum| in digits of 60 bits
  Wide carry = 0;
  for (int c = 0; c < C - 1; ++c) {
    const Wide t = S[c] + carry;
    d[c] = static_cast<Limb>(t) & kDigitMask;
    carry = t >> kDigitBits;
  }
  const Wide top_digit = S[C - 1] + carry;  // |top_digit| < 2^59 by the bound
  const bool negative = top_digit < 0;
  d[C - 1] = static_cast<Limb>(negative ? -top_digit - 1 : top_digit);
  if (negative) {  // |sum| = -sum: complement every lower digit, then add one
    for (int c = 0; c < C - 1; ++c) d[c] = Limb(kDigitMask) - d[c];
    for (int c = 0; c < C; ++c) {
      if (c == C - 1 || d[c] != Limb(kDigitMask)) {
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
    Limb A[(kDigitBits * (kMaxColumns + 2)) / 64 + 1];
    const int n = static_cast<int>((bits + 63) / 64);
    for (int i = 0; i < n; ++i) A[i] = limb_of_digits(d, 64L * i);
    mpz_t z;
    mpz_roinit_n(z, A, negative ? -n : n);
    if (mpfr_set_z_2exp(out, z, scale, MPFR_RNDN) != 0) rnd.inexact = true;
    return;
  }
  Limb* M = static_cast<Limb*>(mpfr_custom_get_significand(out));
  const int unused = static_cast<int>(64L * L - p);  // M's bits below the precision
  const long base = bits - 64L * L;          // the bit of |sum| at M's bit 0 (may be negative)
  const long round_pos = base + unused - 1;  // the first bit not kept
  bool half = false, sticky = false;
  if (base >= 0) {  // the usual case: M's limbs from digit idx, bit off, on
    long idx = static_cast<long>(static_cast<unsigned long>(base) / kDigitBits);
    int off = static_cast<int>(base - idx * kDigitBits);
    for (int i = 0; i < L; ++i) {
      Limb v = d[idx] >> off | d[idx + 1] << (kDigitBits - off);
      if (off > 2 * kDigitBits - 64) v |= d[idx + 2] << (2 * kDigitBits - off);
      M[i] = v;
      off += 64 - kDigitBits;  // the next limb starts 64 bits on: one digit and 4 bits
      ++idx;
      if (off >= kDigitBits) off -= kDigitBits, ++idx;
    }
  } else {
    for (int i = 0; i < L; ++i) {
      const long pos = base + 64L * i;
      M[i] = pos >= 0 ? limb_of_digits(d, pos) : pos > -64 ? limb_of_digits(d, 0) << -pos : 0;
    }
  }
  if (round_pos >= 0) {
    const long li = static_cast<long>(static_cast<unsigned long>(round_pos) / kDigitBits);
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
      Limb up = ulp;
      for (int i = 0; i < L && up; ++i) {
        M[i] += up;
        up = M[i] < up;
      }
      if (up) {  // rounded up to 2^bits: 0.1000... 2^(e + 1)
        M[L - 1] = Limb(1) << 63;
        ++e;
      }
    }
  }
  mpfr_custom_init_set(out, negative ? -MPFR_REGULAR_KIND : MPFR_REGULAR_KIND, e, p, M);
}

/// One term: out = round(x y - c) to nearest (ties to even), for regular x, y, c and out all of
/// one precision p of three limbs (128 < p <= 192: Mp's 168 bits); `inexact` says whether it
/// rounded. False, with out untouched, when another case applies (special values or zeros, other
/// precisions, c more than 192 bits below the product's lowest bit or more than 320 above it, a
/// result at the ends of the exponent range): the caller then takes mpfr_fms. Why: mpfr_fms
/// forms the product at twice the precision and subtracts through MPFR's general (unequal
/// precision) path, ~1.5x the cost of this fixed-size version on the residuals of r = 1.
/// How: the exact 6-limb product and c, aligned in a 12-limb window (unit 2^(e_x + e_y - 576)),
/// added or subtracted exactly, then the top p bits kept and rounded as round_columns does.
inline bool fms_three_limbs(mpfr_ptr out, mpfr_srcptr x, mpfr_srcptr y, mpfr_srcptr c,
                            const Rounding& rnd, bool& inexact) {
  const mpfr_prec_t p = mpfr_get_prec(out);
  if (mpfr_get_prec(x) != p || mpfr_get_prec(y) != p || mpfr_get_prec(c) != p || limbs_of(p) != 3)
    return false;
  if (!mpfr_regular_p(x) || !mpfr_regular_p(y) || !mpfr_regular_p(c)) return false;
  using U = unsigned __int128;
  const Limb* a = significand(x);
  const Limb* b = significand(y);
  // the exact 6-limb product a b, schoolbook
  Limb P[6] = {0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    Limb carry = 0;
    for (int j = 0; j < 3; ++j) {
      const U t = U(a[i]) * b[j] + P[i + j] + carry;
      P[i + j] = static_cast<Limb>(t);
      carry = static_cast<Limb>(t >> 64);
    }
    P[i + 3] = carry;
  }
  // the window: unit 2^(sp - 192), sp = the product's unit, so P sits at limbs 3..8
  const long sp = long(mpfr_custom_get_exp(x)) + mpfr_custom_get_exp(y) - 384;
  const long d = long(mpfr_custom_get_exp(c)) - sp;  // c's unit (e_c - 192) in the window
  if (d < 0 || d > 512) return false;  // so that c's limbs end below the window's top limb
  Limb A[12] = {0, 0, 0, P[0], P[1], P[2], P[3], P[4], P[5], 0, 0, 0};
  Limb C[12] = {};
  const int q = static_cast<int>(d >> 6), r = static_cast<int>(d & 63);
  {
    const Limb* m = significand(c);
    if (r == 0) {
      C[q] = m[0], C[q + 1] = m[1], C[q + 2] = m[2];
    } else {
      C[q] = m[0] << r;
      C[q + 1] = (m[1] << r) | (m[0] >> (64 - r));
      C[q + 2] = (m[2] << r) | (m[1] >> (64 - r));
      C[q + 3] = m[2] >> (64 - r);  // q + 3 <= 10 since d <= 512
    }
  }
  // The limbs either operand occupies, and one above for a sum's carry (at most limb 11).
  const int first = std::min(3, q), last = std::max(8, r ? q + 3 : q + 2) + 1;
  const bool neg_p = mpfr_signbit(x) != mpfr_signbit(y), neg_c = mpfr_signbit(c);
  bool negative = neg_p;
  if (neg_p != neg_c) {  // |x y| + |c|
    unsigned char cf = 0;
    for (int i = first; i <= last; ++i) {
      const U t = U(A[i]) + C[i] + cf;
      A[i] = static_cast<Limb>(t);
      cf = static_cast<unsigned char>(t >> 64);
    }
  } else {  // | |x y| - |c| |, in place in A
    int i = last;
    while (i >= first && A[i] == C[i]) --i;
    if (i < first) {
      mpfr_set_zero(out, 1);
      return true;
    }
    const bool c_larger = A[i] < C[i];
    if (c_larger) negative = !neg_p;
    Limb borrow = 0;
    for (int k = first; k <= last; ++k) {
      const Limb big = c_larger ? C[k] : A[k], small = c_larger ? A[k] : C[k];
      const Limb s = small + borrow;
      borrow = (s < borrow) | (big < s);
      A[k] = big - s;
    }
  }
  int t = last;
  while (A[t] == 0) --t;
  const int lead = __builtin_clzll(A[t]);
  const long bits = 64L * t + 64 - lead;  // |R| < 2^bits
  long e = sp - 192 + bits;
  // M = the top 192 bits of |R| (bits [bits - 192, bits)), then round at p
  const long lo = bits - 192;
  Limb M[3] = {limb_at(A, 12, lo), limb_at(A, 12, lo + 64), limb_at(A, 12, lo + 128)};
  const int unused = static_cast<int>(192 - p);
  const long round_pos = lo + unused - 1;
  bool half = false, sticky = false;
  if (round_pos >= 0) {
    const int li = static_cast<int>(round_pos >> 6), off = static_cast<int>(round_pos & 63);
    half = (A[li] >> off) & 1;
    Limb below = A[li] & ((Limb(1) << off) - 1);
    for (int k = first; k < li; ++k) below |= A[k];  // A is zero below `first`
    sticky = below != 0;
  }
  const Limb ulp = Limb(1) << unused;
  M[0] &= ~(ulp - 1);
  if (half && (sticky || (M[0] & ulp))) {
    M[0] += ulp;
    if (M[0] < ulp && ++M[1] == 0 && ++M[2] == 0) M[2] = Limb(1) << 63, ++e;
  }
  if (e < rnd.emin || e >= rnd.emax) return false;  // MPFR's overflow and underflow (as round_columns)
  inexact = half || sticky;
  Limb* o = static_cast<Limb*>(mpfr_custom_get_significand(out));
  o[0] = M[0], o[1] = M[1], o[2] = M[2];
  mpfr_custom_init_set(out, negative ? -MPFR_REGULAR_KIND : MPFR_REGULAR_KIND, e, p, o);
  return true;
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
  if (mpfr_zero_p(out)) mpfr_set_zero(out, 1);  // exact zero: +0, as on the limb path
  return ternary;
}

/// One dot product of panel qx of X and panel qy of Y, minus c; false when a panel or c does not
/// fit the digits (the caller then takes the general path). kDx, kDy: the panels' digit counts
/// when known at compile time, else 0.
template <int kDx, int kDy>
bool dot_panels(mpfr_ptr out, const Panels& X, long qx, const Panels& Y, long qy, mpfr_srcptr c,
                Rounding& rnd) {
  const long ax = X.anchor[static_cast<std::size_t>(qx)];
  const long ay = Y.anchor[static_cast<std::size_t>(qy)];
  const bool c_regular = c && mpfr_regular_p(c);
  if (c && !c_regular && !mpfr_zero_p(c)) return false;
  if (ax == LONG_MIN || ay == LONG_MIN) {  // every product zero
    if (!c_regular)
      mpfr_set_zero(out, 1);
    else if (mpfr_neg(out, c, MPFR_RNDN) != 0)
      rnd.inexact = true;
    return true;
  }
  const int Dx = kDx ? kDx : X.D[static_cast<std::size_t>(qx)];
  const int Dy = kDy ? kDy : Y.D[static_cast<std::size_t>(qy)];
  if (Dx > kMaxDigits || Dy > kMaxDigits) return false;
  const long scale = ax + ay - long(kDigitBits) * (Dx + Dy);
  int C = Dx + Dy + 1;  // the products' Dx + Dy - 1 columns, and two for the carries
  int c_first = 0, c_last = -1, Lc = 0;
  long c_shift = 0;
  if (c_regular) {
    // |c| = Mc 2^(ec - 64 Lc) = Mc 2^c_shift at the columns' scale; its bits lie in
    // [ec - pc, ec) above the scale, which must be >= 0 (else: the general path).
    const mpfr_prec_t pc = mpfr_get_prec(c);
    const long ec = mpfr_custom_get_exp(c);
    Lc = limbs_of(pc);
    c_shift = ec - 64L * Lc - scale;
    if (ec - pc < scale || (ec - scale) / kDigitBits + 2 > kMaxColumns) return false;
    c_first = static_cast<int>(static_cast<unsigned long>(ec - pc - scale) / kDigitBits);
    c_last = static_cast<int>(static_cast<unsigned long>(ec - 1 - scale) / kDigitBits);
    C = std::max(C, c_last + 2);  // |c| < 2^(60 (c_last + 1)): one more column for the sign
  }
  Wide S[kMaxColumns];
  for (int i = 0; i < C; ++i) S[i] = 0;
  const long len = X.len, chunk = kProductsPerCarry / std::min(Dx, Dy);
  const Digit* xp = X.panel(qx);
  const Digit* yp = Y.panel(qy);
  for (long k0 = 0;; k0 += chunk) {
    const long n = std::min(chunk, len - k0);
    if constexpr (kDx > 0 && kDy > 0)
      accumulate_columns<kDx, kDy>(S, xp + k0 * Dx, yp + k0 * Dy, n);
    else
      accumulate_any(S, xp + k0 * Dx, Dx, yp + k0 * Dy, Dy, n);
    if (k0 + n >= len) break;
    carry_columns(S, C);
  }
  if (c_regular) {  // - c, digit by digit
    const Limb* M = significand(c);
    const Digit negate = mpfr_signbit(c) ? 0 : -1;
    for (int i = c_first; i <= c_last; ++i) {
      const Digit d =
          static_cast<Digit>(limb_at(M, Lc, long(kDigitBits) * i - c_shift)) & kDigitMask;
      S[i] += (d ^ negate) - negate;
    }
  }
  round_columns(out, S, C, scale, rnd);
  return true;
}

using DotFn = bool (*)(mpfr_ptr, const Panels&, long, const Panels&, long, mpfr_srcptr, Rounding&);

/// The dot product for panels of Dx and Dy digits: unrolled for the usual ones (Mp: 3 or 4;
/// MpVar at 200 bits: 4 or 5), a loop otherwise.
template <int kDx>
inline DotFn dot_for_y(int Dy) {
  switch (Dy) {
    case 3:
      return &dot_panels<kDx, 3>;
    case 4:
      return &dot_panels<kDx, 4>;
    case 5:
      return &dot_panels<kDx, 5>;
    default:
      return &dot_panels<0, 0>;
  }
}

inline DotFn dot_for(int Dx, int Dy) {
  switch (Dx) {
    case 3:
      return dot_for_y<3>(Dy);
    case 4:
      return dot_for_y<4>(Dy);
    case 5:
      return dot_for_y<5>(Dy);
    default:
      return &dot_panels<0, 0>;
  }
}

/// The dot products of a call: dot_for for every pair of digit counts up to 5, looked up per dot
/// product (panels choose their digits one by one).
struct DotTable {
  DotFn fn[6][6];
  DotTable() {
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 6; ++j) fn[i][j] = dot_for(i, j);
  }
  DotFn operator()(int Dx, int Dy) const {
    return Dx < 6 && Dy < 6 ? fn[Dx][Dy] : &dot_panels<0, 0>;
  }
};

inline const DotTable& dot_table() {
  static const DotTable table;
  return table;
}

}  // namespace fa::kernels::exact_dot
