/*
 * Standard normal in float32 from one 32-bit word (stream version 2).
 *
 * Included by fi_kernels_impl.h once per ISA with FI_NL float lanes per
 * vector (16 AVX-512, 8 AVX2, 4 SSE2, 1 scalar) and FI_FMA_VEC.  The math is
 * written once, on GCC vector types, so every ISA performs the same IEEE
 * operations in the same order on every lane: the scalar build (FI_NL = 1)
 * is the reference the others are tested against.
 *
 *   p = (w + 1/2) / 2^32,  q = p - 1/2,  r = min(p, 1 - p)   (both kept with
 *                                   full precision; z(2^32 - 1 - w) = -z(w))
 *   u = log(4 r (1 - r))             (= log(1 - 4 q^2), in [-21.5, 0])
 *   z = q * P(u)                     for u > -7, i.e. |z| < 3.5
 *   z = fi_std_normal32_tail(w)      otherwise (4.6e-4 of draws): AS241
 *                                    PPND16 in float64, rounded once
 *   value = loc + scale * z        (so normal(loc, scale) is exactly
 *                                    loc + scale * standard_normal())
 *
 * P (degree 10) and the log polynomial Q (degree 6) were fitted for this
 * project by scripts/fit_normal32.py, which also says where the form comes
 * from.  Over all 2^32 words the error against PPND16 is at most 2.83 ulp
 * (2.04e-7 relative, mean 0.47 ulp); version 1 (AS241 PPND7 in float32 for
 * every draw) had up to 6 ulp and needed two divisions and a square root per
 * draw, where the common path here has none.  Its Horner steps are explicit
 * fused multiply-adds: one rounding each, the same on every ISA (docs/STREAM.md, the explicit-FMA rule, allows
 * "explicit fma everywhere"; AVX2 and AVX-512 have it in hardware, the SSE2
 * and scalar builds on x86 compute it exactly in double, see fi_fma32).
 * 2^-32 is folded into P's coefficients, which is exact.  The few tail draws are
 * finished by scalar code, identical on every ISA.
 *
 * FI_NL_IL vectors are processed side by side: each is one long chain of
 * dependent operations, and interleaving independent chains keeps the FPU
 * busy (about 1.3x over one chain at a time on AVX-512).
 */
#define FI_NL_IL 4 /* vectors in flight (for the scalar build, values) */
#define FI_NORMAL32_BLOCK (FI_NL * FI_NL_IL)
#if FI_NL == 1
enum { FI_NORMAL32_BLOCK_SCALAR = FI_NORMAL32_BLOCK }; /* for fi_transform_words */
#endif
#define FI_NORMAL32_U_TAIL (-7.0f) /* u <= this: |z| > 3.5, the tail */

#define VF32 FI_FN(vf32)
#define VI32 FI_FN(vi32)
#define VU32 FI_FN(vu32)
typedef float VF32 __attribute__((vector_size(4 * FI_NL)));
typedef int32_t VI32 __attribute__((vector_size(4 * FI_NL)));
typedef uint32_t VU32 __attribute__((vector_size(4 * FI_NL)));

/*
 * a * b + c with one rounding, every lane.  Without an FMA unit (the SSE2 and
 * scalar builds on x86; the C library's fmaf would be a call per value, and
 * emulated with slow rounding-mode switches on CPUs without FMA) it is
 * computed exactly in double.  The product of two floats is exact, and the
 * sum with c rounded to double, s, rounds on to the correctly rounded float
 * unless s is exactly halfway between two floats (a double nearer the exact
 * sum than s would lie between them otherwise): then the sum is redone
 * rounded "to odd" (made odd when inexact, from the exact error of the sum,
 * Knuth's two-sum), which a double, having more than 24 + 2 bits, turns into
 * the correctly rounded float (Boldo and Melquiond, "Emulation of FMA and
 * correctly rounded sums: proved algorithms using rounding to odd", IEEE
 * Trans. Computers 57(4), 2008).  Same bits as the instruction;
 * tests/support/normal32_reference.py rounds to odd every time.
 */
typedef double FI_FN(vf32_as_f64) __attribute__((vector_size(8 * FI_NL)));
typedef uint64_t FI_FN(vf32_as_u64) __attribute__((vector_size(8 * FI_NL)));
#if !defined(FI_FMA_VEC) && !defined(__FMA__) && !defined(__aarch64__)
#define FI_FMA_EMULATED 1

/* The rare case: the sum rounded to odd, then to float (out of line). */
__attribute__((noinline, cold)) static VF32 FI_FN(fi_fma32_to_odd)(VF32 a, VF32 b, VF32 c) {
    typedef FI_FN(vf32_as_f64) VD;
    typedef FI_FN(vf32_as_u64) VQ;
    VD p = __builtin_convertvector(a, VD) * __builtin_convertvector(b, VD);
    VD cd = __builtin_convertvector(c, VD);
    VD s = p + cd;
    VD c_part = s - p;
    VD err = (p - (s - c_part)) + (cd - c_part);
    /* One ulp towards the exact sum when the sum was inexact and came out
     * even.  Integer operations on the bits only (SSE2 has no 64-bit
     * compares). */
    VQ bits = (VQ)s;
    VQ err_magnitude = (VQ)err << 1;
    VQ inexact = (err_magnitude | -err_magnitude) >> 63;   /* err != 0 */
    VQ step = inexact & ~bits & 1;                         /* 1: inexact and even */
    VQ away_from_zero = ~(((VQ)err ^ bits) >> 63) & 1;     /* err has the sign of s */
    bits += step - ((step & ~away_from_zero) << 1);        /* +step, or -step */
    return __builtin_convertvector((VD)bits, VF32);
}
#endif

static inline VF32 FI_FN(fi_fma32)(VF32 a, VF32 b, VF32 c) {
#if defined(FI_FMA_VEC)
    return (VF32)FI_FMA_VEC(a, b, c);
#elif !defined(FI_FMA_EMULATED)
    VF32 r;
    for (int lane = 0; lane < FI_NL; lane++) r[lane] = __builtin_fmaf(a[lane], b[lane], c[lane]);
    return r;
#else
    typedef FI_FN(vf32_as_f64) VD;
    typedef FI_FN(vf32_as_u64) VQ;
    VD s = __builtin_convertvector(a, VD) * __builtin_convertvector(b, VD) + __builtin_convertvector(c, VD);
    /* halfway between floats: the 29 bits below float precision are 1000...0 */
    VU32 low = __builtin_convertvector((VQ)s, VU32);
    if (__builtin_expect(FI_ANY_LANE((low & 0x1FFFFFFFu) == 0x10000000u), 0))
        return FI_FN(fi_fma32_to_odd)(a, b, c);
    return __builtin_convertvector(s, VF32);
#endif
}

/* a > b ? a : b and a < b ? a : b, lane by lane (as fi_truncnorm32_tail) */
static inline VF32 FI_FN(fi_max32)(VF32 a, VF32 b) {
#ifdef FI_MAX_VEC
    return (VF32)FI_MAX_VEC(a, b);
#else
    VI32 keep = a > b;
    return (VF32)(((VI32)a & keep) | ((VI32)b & ~keep));
#endif
}
static inline VF32 FI_FN(fi_min32)(VF32 a, VF32 b) {
#ifdef FI_MIN_VEC
    return (VF32)FI_MIN_VEC(a, b);
#else
    VI32 keep = a < b;
    return (VF32)(((VI32)a & keep) | ((VI32)b & ~keep));
#endif
}

/* every lane = x, bit for bit (x - +0 is x for every x, -0 and NaN
 * included, so the compiler emits a plain broadcast; a lane-by-lane loop
 * became masked inserts that were rebuilt inside the loops) */
static inline VF32 FI_FN(fi_splat32)(float x) {
    return x - (VF32){0};
}
#define FI_FMA(a, b, c) FI_FN(fi_fma32)((a), (b), (c))
#define FI_K(c) FI_FN(fi_splat32)(c)
#define FI_P(c) ((c) * 0x1p-32f) /* exact: a power of two */

/* The tail lanes of a block (u <= FI_NORMAL32_U_TAIL), in scalar code.  Kept
 * out of line: it is rare, and inlined it would crowd the hot loop. */
__attribute__((noinline, cold)) static void FI_FN(fi_normal32_tails)(const uint32_t *words,
                                                                      const float *u, float *out,
                                                                      const fi_affine32 *a) {
    for (int i = 0; i < FI_NORMAL32_BLOCK; i++)
        if (u[i] <= FI_NORMAL32_U_TAIL) out[i] = a->loc + a->scale * fi_std_normal32_tail(words[i]);
}

/* u = log(y) for y in [2^-126, 1]: y = 2^k m, m in [sqrt(1/2), sqrt(2)),
 * log m = t + t^2 Q(t), + k ln 2 as a head and a tail (each product exact in
 * the fma). */
static inline VF32 FI_FN(fi_normal32_log)(VF32 y) {
    VU32 bits = (VU32)y;
    VI32 k = (VI32)(bits - 0x3F3504F3u) >> 23;      /* 0x3F3504F3: sqrt(1/2) */
    VF32 t = (VF32)(bits - ((VU32)k << 23)) - 1.0f;
    VF32 Q = FI_K(-1.003442183e-01f);
    Q = FI_FMA(t, Q, FI_K(1.633564383e-01f));
    Q = FI_FMA(t, Q, FI_K(-1.732605398e-01f));
    Q = FI_FMA(t, Q, FI_K(1.988827735e-01f));
    Q = FI_FMA(t, Q, FI_K(-2.496145964e-01f));
    Q = FI_FMA(t, Q, FI_K(3.333526254e-01f));
    Q = FI_FMA(t, Q, FI_K(-5.000058413e-01f));
    VF32 fk = __builtin_convertvector(k, VF32);
    VF32 log_m = FI_FMA(t * t, Q, t);
    return FI_FMA(fk, FI_K(0.693145751953125f), FI_FMA(fk, FI_K(1.428606765330187e-06f), log_m));
}

/* z = q P(u), q in units of 2^-32 (valid for u > FI_NORMAL32_U_TAIL) */
static inline VF32 FI_FN(fi_normal32_poly)(VF32 q, VF32 u) {
    VF32 P = FI_K(FI_P(1.615253264e-09f));
    P = FI_FMA(u, P, FI_K(FI_P(6.339011804e-08f)));
    P = FI_FMA(u, P, FI_K(FI_P(1.009569928e-06f)));
    P = FI_FMA(u, P, FI_K(FI_P(7.666863894e-06f)));
    P = FI_FMA(u, P, FI_K(FI_P(1.782469917e-05f)));
    P = FI_FMA(u, P, FI_K(FI_P(-1.138893786e-04f)));
    P = FI_FMA(u, P, FI_K(FI_P(-3.480977030e-04f)));
    P = FI_FMA(u, P, FI_K(FI_P(6.608275697e-03f)));
    P = FI_FMA(u, P, FI_K(FI_P(3.266495466e-02f)));
    P = FI_FMA(u, P, FI_K(FI_P(-6.562345028e-01f)));
    P = FI_FMA(u, P, FI_K(FI_P(2.506628275e+00f)));
    return q * P;
}

/* loc + scale * z for FI_NORMAL32_BLOCK words, written to out. */
static inline void FI_FN(fi_normal32_block)(const uint32_t *words, float *out, const fi_affine32 *a) {
    const VF32 scale = FI_K(a->scale), loc = FI_K(a->loc);
    VF32 q[FI_NL_IL], y[FI_NL_IL], u[FI_NL_IL];
#pragma GCC unroll 4
    for (int j = 0; j < FI_NL_IL; j++) {
        VU32 w;
        memcpy(&w, words + j * FI_NL, sizeof w);
        /* 2^32 r - 1/2 = w below 1/2, else 2^32 - 1 - w: in [0, 2^31) */
        VI32 m = (VI32)w ^ ((VI32)w >> 31);
        /* 2^32 |q| = (2^31 - 1 - m) + 1/2, then q's sign (negative below 1/2):
         * from m alone, so words w and 2^32 - 1 - w give exactly opposite values */
        VF32 q_abs = __builtin_convertvector(m ^ 0x7FFFFFFF, VF32) + 0.5f;
        q[j] = (VF32)((VU32)q_abs ^ (~w & 0x80000000u));
        VF32 r4 = (__builtin_convertvector(m, VF32) + 0.5f) * 0x1p-30f;
        y[j] = r4 * FI_FMA(r4, FI_K(-0.25f), FI_K(1.0f)); /* 4 r (1 - r), in [2^-31, 1] */
    }
#pragma GCC unroll 4
    for (int j = 0; j < FI_NL_IL; j++) u[j] = FI_FN(fi_normal32_log)(y[j]);
    VI32 any_tail = {0};
#pragma GCC unroll 4
    for (int j = 0; j < FI_NL_IL; j++) {
        VF32 x = loc + scale * FI_FN(fi_normal32_poly)(q[j], u[j]);
        any_tail |= u[j] <= FI_NORMAL32_U_TAIL;
        memcpy(out + j * FI_NL, &x, sizeof x);
    }
    /* rare: some lane of the block lies in a tail; redo those lanes */
    if (__builtin_expect(FI_ANY_LANE(any_tail), 0)) {
        float us[FI_NORMAL32_BLOCK];
        memcpy(us, u, sizeof us);
        FI_FN(fi_normal32_tails)(words, us, out, a);
    }
}

/*
 * Truncated normal (stream version 3): the same kernel at
 * p = Phi(alpha) + (w + 1/2) 2^-32 (Phi(beta) - Phi(alpha)).
 *   2^32 q = q_mid + (w - 2^31) width, in double (two roundings; q_mid =
 *            2^32 (Phi(alpha) - 1/2) + (2^31 + 1/2) width, fi_prep_trunc32)
 *   2^32 r = 2^31 - 2^32 |q|, in double (to 2^-54 absolute: 2^-41
 *            relative or better wherever the polynomial is used, u > -7)
 *   y = 4 r (1 - r), u = log(y), z = q P(u)  in float32, as for the normal,
 *   z = fi_truncnorm32_tail(w)               where u <= -7 (|z| > 3.5):
 *            PPND16 in double at p and its complement, rounded once,
 * then loc + scale * flip * z, clamped to [lo, hi] (the bounds representable
 * in the output dtype).  A y below FLT_MIN (r under about 3e-39, even 0)
 * comes out of fi_normal32_log as u < -87: a tail lane like any other.
 */
__attribute__((noinline, cold)) static void FI_FN(fi_truncnorm32_tails)(const uint32_t *words,
                                                                         const float *u, float *out,
                                                                         const fi_trunc32 *t) {
    for (int i = 0; i < FI_NORMAL32_BLOCK; i++)
        if (u[i] <= FI_NORMAL32_U_TAIL) out[i] = fi_truncnorm32_tail(words[i], t);
}

static inline void FI_FN(fi_truncnorm32_block)(const uint32_t *words, float *out, const fi_trunc32 *t) {
    typedef FI_FN(vf32_as_f64) VD;
    typedef FI_FN(vf32_as_u64) VQ;
    const VF32 scale = FI_K(t->scale * t->flip), loc = FI_K(t->loc);
    const VF32 lo = FI_K(t->lo), hi = FI_K(t->hi);
    VF32 q[FI_NL_IL], y[FI_NL_IL], u[FI_NL_IL];
#pragma GCC unroll 4
    for (int j = 0; j < FI_NL_IL; j++) {
        VU32 w;
        memcpy(&w, words + j * FI_NL, sizeof w);
        VI32 centred = (VI32)(w ^ 0x80000000u); /* w - 2^31: signed converts are the common ones */
        VD q32 = t->q_mid + __builtin_convertvector(centred, VD) * t->width; /* 2^32 q */
        VD r32 = 2147483648.0 - (VD)((VQ)q32 & 0x7FFFFFFFFFFFFFFFull);  /* 2^32 r */
        q[j] = __builtin_convertvector(q32, VF32);
        VF32 r4 = __builtin_convertvector(r32, VF32) * 0x1p-30f;
        y[j] = r4 * FI_FMA(r4, FI_K(-0.25f), FI_K(1.0f)); /* 4 r (1 - r) */
    }
#pragma GCC unroll 4
    for (int j = 0; j < FI_NL_IL; j++) u[j] = FI_FN(fi_normal32_log)(y[j]);
    VI32 any_tail = {0};
#pragma GCC unroll 4
    for (int j = 0; j < FI_NL_IL; j++) {
        VF32 x = loc + scale * FI_FN(fi_normal32_poly)(q[j], u[j]);
        x = FI_FN(fi_min32)(FI_FN(fi_max32)(x, lo), hi);
        any_tail |= u[j] <= FI_NORMAL32_U_TAIL;
        memcpy(out + j * FI_NL, &x, sizeof x);
    }
    if (__builtin_expect(FI_ANY_LANE(any_tail), 0)) {
        float us[FI_NORMAL32_BLOCK];
        memcpy(us, u, sizeof us);
        FI_FN(fi_truncnorm32_tails)(words, us, out, t);
    }
}

#undef FI_FMA
#undef FI_FMA_EMULATED
#undef FI_K
#undef FI_P
#undef VF32
#undef VI32
#undef VU32
