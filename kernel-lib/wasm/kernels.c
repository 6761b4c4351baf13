// adlab's WebAssembly SIMD kernels, compiled by kernel-lib/wasm/build.mjs (clang --target=wasm32
// -msimd128) into dist/kernels.wasm. The TypeScript kernels in src/backends/cpu stay the reference:
// elementwise kernels here are only the exactly rounded IEEE operations (add, sub, mul, div, min,
// max, neg, abs, sqrt), which give bit-identical results; matmul and sums accumulate in their own
// order (tests use tolerances for them). All pointers are byte offsets into the imported memory.
#include <wasm_simd128.h>

typedef __SIZE_TYPE__ size_t;

// -nostdlib: the optimizer may emit calls to these.
void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}
void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

#define EXPORT(name) __attribute__((export_name(#name)))

// ---------------------------------------------------------------------------------------------
// Matmul: C[m,n] = A[m,k] @ B[k,n], row-major. Goto-style blocking: a KC x NC block of B is packed
// into NR-wide column panels, an MC x KC block of A into MR-tall row panels, and an MR x NR
// register-tile micro-kernel runs over them, accumulating into C across K blocks.
// ---------------------------------------------------------------------------------------------
#define KC 256
#define MC 96
#define NC 1024

#define MR 4
#define NR 8
// float32 micro-kernel: a 4 x 8 tile in 8 f32x4 accumulators (measured fastest on V8 among 3..8 x
// 8..16: larger tiles spill registers). clang unrolls the loops and keeps `acc` in registers.
static void kernel_f32(int kc, const float *ap, const float *bp, float *c, int ldc, int mr, int nr,
                       int accumulate) {
  v128_t acc[MR * 2];
#pragma clang loop unroll(full)
  for (int i = 0; i < MR * 2; i++) acc[i] = wasm_f32x4_splat(0);
  for (int p = 0; p < kc; p++) {
    v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
      v128_t a = wasm_v128_load32_splat(ap + i);
      acc[2 * i] = wasm_f32x4_add(acc[2 * i], wasm_f32x4_mul(a, b0));
      acc[2 * i + 1] = wasm_f32x4_add(acc[2 * i + 1], wasm_f32x4_mul(a, b1));
    }
    ap += MR;
    bp += NR;
  }
  for (int i = 0; i < mr; i++) {
    float *ci = c + i * ldc;
    v128_t lo = acc[2 * i], hi = acc[2 * i + 1];
    if (nr == NR) {
      if (accumulate) {
        lo = wasm_f32x4_add(lo, wasm_v128_load(ci));
        hi = wasm_f32x4_add(hi, wasm_v128_load(ci + 4));
      }
      wasm_v128_store(ci, lo);
      wasm_v128_store(ci + 4, hi);
    } else {
      float row[NR] __attribute__((aligned(16)));
      wasm_v128_store(row, lo);
      wasm_v128_store(row + 4, hi);
      for (int j = 0; j < nr; j++) ci[j] = accumulate ? ci[j] + row[j] : row[j];
    }
  }
}

// Packs rows [0, mc) x cols [0, kc) of A (leading dim lda) into MR-tall panels, zero-padded.
// With `ta`, A is stored transposed (element (i, p) at a[p * lda + i]).
static void pack_a_f32(int mc, int kc, const float *a, int lda, int ta, float *ap) {
  int si = ta ? 1 : lda, sp = ta ? lda : 1;
  for (int i0 = 0; i0 < mc; i0 += MR) {
    int mr = mc - i0 < MR ? mc - i0 : MR;
    for (int p = 0; p < kc; p++) {
      for (int i = 0; i < mr; i++) ap[i] = a[(i0 + i) * si + p * sp];
      for (int i = mr; i < MR; i++) ap[i] = 0;
      ap += MR;
    }
  }
}

// Packs rows [0, kc) x cols [0, nc) of B (leading dim ldb) into NR-wide panels, zero-padded.
// With `tb`, B is stored transposed (element (p, j) at b[j * ldb + p]).
static void pack_b_f32(int kc, int nc, const float *b, int ldb, int tb, float *bp) {
  for (int j0 = 0; j0 < nc; j0 += NR) {
    int nr = nc - j0 < NR ? nc - j0 : NR;
    if (tb) {
      for (int p = 0; p < kc; p++) {
        for (int j = 0; j < nr; j++) bp[j] = b[(j0 + j) * ldb + p];
        for (int j = nr; j < NR; j++) bp[j] = 0;
        bp += NR;
      }
      continue;
    }
    for (int p = 0; p < kc; p++) {
      const float *row = b + p * ldb + j0;
      if (nr == NR) {
        wasm_v128_store(bp, wasm_v128_load(row));
        wasm_v128_store(bp + 4, wasm_v128_load(row + 4));
      } else {
        for (int j = 0; j < nr; j++) bp[j] = row[j];
        for (int j = nr; j < NR; j++) bp[j] = 0;
      }
      bp += NR;
    }
  }
}

// Rows [row0, row1) of C = op(A) @ op(B). `work` holds packed panels: (MC + NC) * KC floats.
// `trans` bit 0: A is stored transposed (k x m); bit 1: B is stored transposed (n x k). Packing
// reads the transposed layout directly, so the products and their order are those of C = A @ B.
EXPORT(matmul_f32)
void matmul_f32(const float *a, const float *b, float *c, int m, int k, int n, int row0, int row1,
                float *work, int trans) {
  int ta = trans & 1, tb = trans >> 1;
  float *ap = work, *bp = work + MC * KC;
  if (k == 0) {
    for (int i = row0; i < row1; i++)
      for (int j = 0; j < n; j++) c[i * n + j] = 0;
    return;
  }
  for (int jc = 0; jc < n; jc += NC) {
    int nc = n - jc < NC ? n - jc : NC;
    for (int pc = 0; pc < k; pc += KC) {
      int kc = k - pc < KC ? k - pc : KC;
      pack_b_f32(kc, nc, tb ? b + jc * k + pc : b + pc * n + jc, tb ? k : n, tb, bp);
      for (int ic = row0; ic < row1; ic += MC) {
        int mc = row1 - ic < MC ? row1 - ic : MC;
        pack_a_f32(mc, kc, ta ? a + pc * m + ic : a + ic * k + pc, ta ? m : k, ta, ap);
        for (int jr = 0; jr < nc; jr += NR) {
          int nr = nc - jr < NR ? nc - jr : NR;
          for (int ir = 0; ir < mc; ir += MR) {
            int mr = mc - ir < MR ? mc - ir : MR;
            kernel_f32(kc, ap + ir * kc, bp + jr * kc, c + (ic + ir) * n + jc + jr, n, mr, nr,
                       pc > 0);
          }
        }
      }
    }
  }
}

// float64: the same blocking with a 4 x 4 tile (8 accumulators of f64x2).
#define NR64 4
static void kernel_f64(int kc, const double *ap, const double *bp, double *c, int ldc, int mr,
                       int nr, int accumulate) {
  v128_t acc[MR * 2];
  for (int i = 0; i < MR * 2; i++) acc[i] = wasm_f64x2_splat(0);
  for (int p = 0; p < kc; p++) {
    v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 2);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
      v128_t a = wasm_v128_load64_splat(ap + i);
      acc[2 * i] = wasm_f64x2_add(acc[2 * i], wasm_f64x2_mul(a, b0));
      acc[2 * i + 1] = wasm_f64x2_add(acc[2 * i + 1], wasm_f64x2_mul(a, b1));
    }
    ap += MR;
    bp += NR64;
  }
  double tile[MR * NR64] __attribute__((aligned(16)));
  for (int i = 0; i < MR * 2; i++) wasm_v128_store(tile + 2 * i, acc[i]);
  for (int i = 0; i < mr; i++) {
    double *ci = c + i * ldc;
    for (int j = 0; j < nr; j++)
      ci[j] = accumulate ? ci[j] + tile[i * NR64 + j] : tile[i * NR64 + j];
  }
}

static void pack_a_f64(int mc, int kc, const double *a, int lda, int ta, double *ap) {
  int si = ta ? 1 : lda, sp = ta ? lda : 1;
  for (int i0 = 0; i0 < mc; i0 += MR) {
    int mr = mc - i0 < MR ? mc - i0 : MR;
    for (int p = 0; p < kc; p++) {
      for (int i = 0; i < mr; i++) ap[i] = a[(i0 + i) * si + p * sp];
      for (int i = mr; i < MR; i++) ap[i] = 0;
      ap += MR;
    }
  }
}

static void pack_b_f64(int kc, int nc, const double *b, int ldb, int tb, double *bp) {
  int sj = tb ? ldb : 1, sp = tb ? 1 : ldb;
  for (int j0 = 0; j0 < nc; j0 += NR64) {
    int nr = nc - j0 < NR64 ? nc - j0 : NR64;
    for (int p = 0; p < kc; p++) {
      for (int j = 0; j < nr; j++) bp[j] = b[p * sp + (j0 + j) * sj];
      for (int j = nr; j < NR64; j++) bp[j] = 0;
      bp += NR64;
    }
  }
}

// Rows [row0, row1) of C = op(A) @ op(B) in float64, `trans` as for matmul_f32.
EXPORT(matmul_f64)
void matmul_f64(const double *a, const double *b, double *c, int m, int k, int n, int row0,
                int row1, double *work, int trans) {
  int ta = trans & 1, tb = trans >> 1;
  double *ap = work, *bp = work + MC * KC;
  if (k == 0) {
    for (int i = row0; i < row1; i++)
      for (int j = 0; j < n; j++) c[i * n + j] = 0;
    return;
  }
  for (int jc = 0; jc < n; jc += NC) {
    int nc = n - jc < NC ? n - jc : NC;
    for (int pc = 0; pc < k; pc += KC) {
      int kc = k - pc < KC ? k - pc : KC;
      pack_b_f64(kc, nc, tb ? b + jc * k + pc : b + pc * n + jc, tb ? k : n, tb, bp);
      for (int ic = row0; ic < row1; ic += MC) {
        int mc = row1 - ic < MC ? row1 - ic : MC;
        pack_a_f64(mc, kc, ta ? a + pc * m + ic : a + ic * k + pc, ta ? m : k, ta, ap);
        for (int jr = 0; jr < nc; jr += NR64) {
          int nr = nc - jr < NR64 ? nc - jr : NR64;
          for (int ir = 0; ir < mc; ir += MR) {
            int mr = mc - ir < MR ? mc - ir : MR;
            kernel_f64(kc, ap + ir * kc, bp + jr * kc, c + (ic + ir) * n + jc + jr, n, mr, nr,
                       pc > 0);
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Elementwise, exactly rounded ops only. `b` repeats with period `bn` along `a` (bn = n: same
// shape; bn = 1: a scalar; otherwise a trailing-axes broadcast such as a bias row). With `swap`
// the operands are (b, a) for the non-commutative ops.
// ---------------------------------------------------------------------------------------------
enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MAX, OP_MIN };

// JS semantics: max(a, b) = a > b || isNaN(a) ? a : b (so ties and signed zeros take b).
static inline v128_t bin_f32(int op, v128_t x, v128_t y) {
  switch (op) {
  case OP_ADD: return wasm_f32x4_add(x, y);
  case OP_SUB: return wasm_f32x4_sub(x, y);
  case OP_MUL: return wasm_f32x4_mul(x, y);
  case OP_DIV: return wasm_f32x4_div(x, y);
  case OP_MAX: return wasm_v128_bitselect(x, y, wasm_v128_or(wasm_f32x4_gt(x, y), wasm_f32x4_ne(x, x)));
  default: return wasm_v128_bitselect(x, y, wasm_v128_or(wasm_f32x4_lt(x, y), wasm_f32x4_ne(x, x)));
  }
}
static inline float bin1_f32(int op, float x, float y) {
  switch (op) {
  case OP_ADD: return x + y;
  case OP_SUB: return x - y;
  case OP_MUL: return x * y;
  case OP_DIV: return x / y;
  case OP_MAX: return (x > y || x != x) ? x : y;
  default: return (x < y || x != x) ? x : y;
  }
}
static inline v128_t bin_f64(int op, v128_t x, v128_t y) {
  switch (op) {
  case OP_ADD: return wasm_f64x2_add(x, y);
  case OP_SUB: return wasm_f64x2_sub(x, y);
  case OP_MUL: return wasm_f64x2_mul(x, y);
  case OP_DIV: return wasm_f64x2_div(x, y);
  case OP_MAX: return wasm_v128_bitselect(x, y, wasm_v128_or(wasm_f64x2_gt(x, y), wasm_f64x2_ne(x, x)));
  default: return wasm_v128_bitselect(x, y, wasm_v128_or(wasm_f64x2_lt(x, y), wasm_f64x2_ne(x, x)));
  }
}
static inline double bin1_f64(int op, double x, double y) {
  switch (op) {
  case OP_ADD: return x + y;
  case OP_SUB: return x - y;
  case OP_MUL: return x * y;
  case OP_DIV: return x / y;
  case OP_MAX: return (x > y || x != x) ? x : y;
  default: return (x < y || x != x) ? x : y;
  }
}

#define BINARY(T, SUF, LANES, SPLAT)                                                              \
  static void binary_##SUF##_op(int op, const T *a, const T *b, T *out, int n, int bn, int swap) { \
    if (bn == 1) {                                                                               \
      T s = b[0];                                                                                \
      v128_t vs = SPLAT(s);                                                                      \
      int i = 0;                                                                                 \
      for (; i + LANES <= n; i += LANES) {                                                       \
        v128_t va = wasm_v128_load(a + i);                                                       \
        wasm_v128_store(out + i, swap ? bin_##SUF(op, vs, va) : bin_##SUF(op, va, vs));           \
      }                                                                                          \
      for (; i < n; i++) out[i] = swap ? bin1_##SUF(op, s, a[i]) : bin1_##SUF(op, a[i], s);     \
      return;                                                                                    \
    }                                                                                            \
    for (int o = 0; o < n; o += bn) {                                                            \
      const T *ao = a + o;                                                                       \
      T *oo = out + o;                                                                           \
      int i = 0;                                                                                 \
      for (; i + LANES <= bn; i += LANES) {                                                      \
        v128_t va = wasm_v128_load(ao + i), vb = wasm_v128_load(b + i);                          \
        wasm_v128_store(oo + i, swap ? bin_##SUF(op, vb, va) : bin_##SUF(op, va, vb));            \
      }                                                                                          \
      for (; i < bn; i++) oo[i] = swap ? bin1_##SUF(op, b[i], ao[i]) : bin1_##SUF(op, ao[i], b[i]); \
    }                                                                                            \
  }                                                                                              \
  EXPORT(binary_##SUF)                                                                           \
  void binary_##SUF(int op, const T *a, const T *b, T *out, int n, int bn, int swap) {           \
    switch (op) { /* one specialized loop per op */                                              \
    case OP_ADD: binary_##SUF##_op(OP_ADD, a, b, out, n, bn, swap); break;                        \
    case OP_SUB: binary_##SUF##_op(OP_SUB, a, b, out, n, bn, swap); break;                        \
    case OP_MUL: binary_##SUF##_op(OP_MUL, a, b, out, n, bn, swap); break;                        \
    case OP_DIV: binary_##SUF##_op(OP_DIV, a, b, out, n, bn, swap); break;                        \
    case OP_MAX: binary_##SUF##_op(OP_MAX, a, b, out, n, bn, swap); break;                        \
    default: binary_##SUF##_op(OP_MIN, a, b, out, n, bn, swap); break;                            \
    }                                                                                            \
  }

BINARY(float, f32, 4, wasm_f32x4_splat)
BINARY(double, f64, 2, wasm_f64x2_splat)

enum { OP_NEG, OP_ABS, OP_SQRT };

EXPORT(unary_f32)
void unary_f32(int op, const float *a, float *out, int n) {
  int i = 0;
  if (op == OP_NEG) {
    for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, wasm_f32x4_neg(wasm_v128_load(a + i)));
    for (; i < n; i++) out[i] = -a[i];
  } else if (op == OP_ABS) {
    for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, wasm_f32x4_abs(wasm_v128_load(a + i)));
    for (; i < n; i++) out[i] = __builtin_fabsf(a[i]);
  } else {
    for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, wasm_f32x4_sqrt(wasm_v128_load(a + i)));
    for (; i < n; i++) out[i] = __builtin_sqrtf(a[i]);
  }
}

EXPORT(unary_f64)
void unary_f64(int op, const double *a, double *out, int n) {
  int i = 0;
  if (op == OP_NEG) {
    for (; i + 2 <= n; i += 2) wasm_v128_store(out + i, wasm_f64x2_neg(wasm_v128_load(a + i)));
    for (; i < n; i++) out[i] = -a[i];
  } else if (op == OP_ABS) {
    for (; i + 2 <= n; i += 2) wasm_v128_store(out + i, wasm_f64x2_abs(wasm_v128_load(a + i)));
    for (; i < n; i++) out[i] = __builtin_fabs(a[i]);
  } else {
    for (; i + 2 <= n; i += 2) wasm_v128_store(out + i, wasm_f64x2_sqrt(wasm_v128_load(a + i)));
    for (; i < n; i++) out[i] = __builtin_sqrt(a[i]);
  }
}

// ---------------------------------------------------------------------------------------------
// Sums over the middle axis of x viewed as [outer, red, inner], accumulating in float64.
// `acc` is scratch for `inner` doubles.
// ---------------------------------------------------------------------------------------------
EXPORT(sum_f32)
void sum_f32(const float *x, float *out, int outer, int red, int inner, double *acc) {
  for (int o = 0; o < outer; o++) {
    const float *xo = x + (size_t)o * red * inner;
    if (inner == 1) {
      v128_t s0 = wasm_f64x2_splat(0), s1 = s0;
      int r = 0;
      for (; r + 4 <= red; r += 4) {
        v128_t v = wasm_v128_load(xo + r);
        s0 = wasm_f64x2_add(s0, wasm_f64x2_promote_low_f32x4(v));
        s1 = wasm_f64x2_add(s1, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)));
      }
      s0 = wasm_f64x2_add(s0, s1);
      double s = wasm_f64x2_extract_lane(s0, 0) + wasm_f64x2_extract_lane(s0, 1);
      for (; r < red; r++) s += xo[r];
      out[o] = (float)s;
      continue;
    }
    for (int i = 0; i < inner; i++) acc[i] = 0;
    for (int r = 0; r < red; r++) {
      const float *row = xo + (size_t)r * inner;
      int i = 0;
      for (; i + 2 <= inner; i += 2) {
        v128_t v = wasm_v128_load64_zero(row + i);
        wasm_v128_store(acc + i, wasm_f64x2_add(wasm_v128_load(acc + i), wasm_f64x2_promote_low_f32x4(v)));
      }
      for (; i < inner; i++) acc[i] += row[i];
    }
    for (int i = 0; i < inner; i++) out[(size_t)o * inner + i] = (float)acc[i];
  }
}

EXPORT(sum_f64)
void sum_f64(const double *x, double *out, int outer, int red, int inner, double *acc) {
  for (int o = 0; o < outer; o++) {
    const double *xo = x + (size_t)o * red * inner;
    if (inner == 1) {
      v128_t s0 = wasm_f64x2_splat(0), s1 = s0;
      int r = 0;
      for (; r + 4 <= red; r += 4) {
        s0 = wasm_f64x2_add(s0, wasm_v128_load(xo + r));
        s1 = wasm_f64x2_add(s1, wasm_v128_load(xo + r + 2));
      }
      s0 = wasm_f64x2_add(s0, s1);
      double s = wasm_f64x2_extract_lane(s0, 0) + wasm_f64x2_extract_lane(s0, 1);
      for (; r < red; r++) s += xo[r];
      out[o] = s;
      continue;
    }
    for (int i = 0; i < inner; i++) acc[i] = 0;
    for (int r = 0; r < red; r++) {
      const double *row = xo + (size_t)r * inner;
      int i = 0;
      for (; i + 2 <= inner; i += 2)
        wasm_v128_store(acc + i, wasm_f64x2_add(wasm_v128_load(acc + i), wasm_v128_load(row + i)));
      for (; i < inner; i++) acc[i] += row[i];
    }
    for (int i = 0; i < inner; i++) out[(size_t)o * inner + i] = acc[i];
  }
}

// ---------------------------------------------------------------------------------------------
// exp and tanh of float32 data, computed in float64 (error below 1e-14, far inside a float32 ulp)
// and rounded once. Rounding agrees with the float64 formula (Math.exp / Math.tanh) rounded to
// float32 except where the float64 value lies within ~2^-43 relative of a float32 rounding
// midpoint, or the result is subnormal, infinite or NaN: those elements are listed in `flags` and
// the caller recomputes them with the formula itself, so results are bit-identical.
// ---------------------------------------------------------------------------------------------
#define SPLAT(v) wasm_f64x2_splat(v)

static inline v128_t exp_f64x2(v128_t x) {
  // x = k ln2 + r, |r| <= ln2/2 (Cody-Waite: k * LN2_HI is exact).
  // k = round(x / ln2) with the 1.5 * 2^52 trick: its low bits are k as an integer.
  v128_t shifter = SPLAT(0x1.8p52);
  v128_t t = wasm_f64x2_add(wasm_f64x2_mul(x, SPLAT(1.4426950408889634)), shifter);
  v128_t k = wasm_f64x2_sub(t, shifter);
  v128_t r = wasm_f64x2_sub(x, wasm_f64x2_mul(k, SPLAT(6.93147180369123816490e-01)));
  r = wasm_f64x2_sub(r, wasm_f64x2_mul(k, SPLAT(1.90821492927058770002e-10)));
  // Taylor to degree 11: the remainder r^12/12! < 7e-15 relative.
  static const double c[12] = {1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320,
                               1.0 / 5040,     1.0 / 720,     1.0 / 120,    1.0 / 24,
                               1.0 / 6,        0.5,           1.0,          1.0};
  v128_t p = SPLAT(c[0]);
#pragma clang loop unroll(full)
  for (int i = 1; i < 12; i++) p = wasm_f64x2_add(wasm_f64x2_mul(p, r), SPLAT(c[i]));
  // 2^k from the exponent bits: t - shifter as integers is k (callers keep |k| < 1000).
  v128_t ki = wasm_i64x2_sub(t, shifter);
  v128_t scale = wasm_i64x2_shl(wasm_i64x2_add(ki, wasm_i64x2_splat(1023)), 52);
  return wasm_f64x2_mul(p, scale);
}

// expm1(u) for |u| <= 0.5 by Taylor to degree 14 (no cancellation).
static inline v128_t expm1_small_f64x2(v128_t u) {
  double f = 1;
  double c[14];
  for (int i = 1; i <= 14; i++) c[14 - i] = 1.0 / (f *= i); // c[0] = 1/14!, c[13] = 1/1!
  v128_t p = SPLAT(c[0]);
#pragma clang loop unroll(full)
  for (int i = 1; i < 14; i++) p = wasm_f64x2_add(wasm_f64x2_mul(p, u), SPLAT(c[i]));
  return wasm_f64x2_mul(p, u);
}

static inline v128_t tanh_f64x2(v128_t x) {
  v128_t ax = wasm_f64x2_min(wasm_f64x2_abs(x), SPLAT(20));
  v128_t u = wasm_f64x2_mul(ax, SPLAT(-2));
  v128_t small = wasm_f64x2_lt(ax, SPLAT(0.25));
  v128_t em;
  if (!wasm_v128_any_true(small)) em = wasm_f64x2_sub(exp_f64x2(u), SPLAT(1));
  else if (wasm_i64x2_all_true(small)) em = expm1_small_f64x2(u);
  else em = wasm_v128_bitselect(expm1_small_f64x2(u), wasm_f64x2_sub(exp_f64x2(u), SPLAT(1)), small);
  v128_t y = wasm_f64x2_div(wasm_f64x2_neg(em), wasm_f64x2_add(SPLAT(2), em));
  // tanh is odd: copy the sign of x.
  v128_t sign = wasm_i64x2_splat((long long)0x8000000000000000ULL);
  return wasm_v128_bitselect(x, y, sign);
}

// Lanes whose rounding to float32 cannot be trusted (see above), as an all-ones mask.
static inline v128_t unsure(v128_t y) {
  v128_t low = wasm_v128_and(y, wasm_i64x2_splat(0x1FFFFFFF));
  v128_t dist = wasm_i64x2_abs(wasm_i64x2_sub(low, wasm_i64x2_splat(0x10000000)));
  v128_t near = wasm_i64x2_gt(wasm_i64x2_splat(1024), dist);
  v128_t ay = wasm_f64x2_abs(y);
  v128_t odd = wasm_v128_or(wasm_f64x2_lt(ay, SPLAT(0x1p-125)), wasm_f64x2_ge(ay, SPLAT(0x1p127)));
  odd = wasm_v128_andnot(odd, wasm_f64x2_eq(y, SPLAT(0)));
  return wasm_v128_or(wasm_v128_or(near, odd), wasm_f64x2_ne(y, y));
}

enum { OP_EXP, OP_TANH };

// Returns how many indices were written to `flags` (elements left for the caller).
EXPORT(transcendental_f32)
int transcendental_f32(int op, const float *a, float *out, int n, int *flags) {
  int count = 0;
  int i = 0;
  for (; i + 2 <= n; i += 2) {
    v128_t x = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(a + i));
    v128_t y;
    v128_t bad;
    if (op == OP_EXP) {
      // Outside [-87, 88] the float32 result is subnormal or overflows: left to the caller.
      bad = wasm_v128_not(wasm_v128_and(wasm_f64x2_ge(x, SPLAT(-87)), wasm_f64x2_le(x, SPLAT(88))));
      y = exp_f64x2(wasm_f64x2_pmin(wasm_f64x2_pmax(x, SPLAT(-87)), SPLAT(88)));
    } else {
      bad = wasm_f64x2_ne(x, x);
      y = tanh_f64x2(x);
    }
    bad = wasm_v128_or(bad, unsure(y));
    wasm_v128_store64_lane(out + i, wasm_f32x4_demote_f64x2_zero(y), 0);
    if (wasm_v128_any_true(bad)) {
      if (wasm_i64x2_extract_lane(bad, 0)) flags[count++] = i;
      if (wasm_i64x2_extract_lane(bad, 1)) flags[count++] = i + 1;
    }
  }
  for (; i < n; i++) flags[count++] = i;
  return count;
}
