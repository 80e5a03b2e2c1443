/*
 * Standard and truncated normals in float64: the operations of fi_ndtri64
 * (fi_transforms.h, AS241 PPND16) written on GCC vector types, a tile at a
 * time, giving its bits for every draw.  Per tile:
 *   1. the centre pass: q of every draw, PPND16's central rational for every
 *      lane (the common case: |q| <= 0.425, 85% of normal draws), and a
 *      queue of the lanes that need a tail instead;
 *   2. the tail pass: logarithm, square root and tail rational for whole
 *      vectors of queued lanes only;
 *   3. the merge: each tail value back in its lane, then loc + scale * z.
 * On AVX-512 (Zen 4) the float64 normal then costs about 0.7 ns per element
 * for Philox (two words), 1.0 for the centre pass (bound by its 16
 * multiplications and 16 additions per vector), 0.4 for the tails and 0.25
 * for the merge and store.
 *
 * Included by fi_kernels_impl.h once per ISA, with FI_ND doubles per vector
 * (8 AVX-512, 4 AVX2, 2 SSE2 and NEON, 1 scalar), FI_SQRT_VEC, FI_TILE and
 * FI_ALIGN.  The bits are those of the scalar function, which
 * tests/core/test_hashes.py freezes and tests/core/test_invariance.py
 * compares on every ISA, tail and far-tail lanes included.
 */
#define FI_ND_IL (FI_ND == 1 ? 1 : 4) /* vectors in flight */
#define FI_NORMAL64_BLOCK (FI_ND * FI_ND_IL)

#define VD64 FI_FN(vd64)
#define VL64 FI_FN(vl64)
#define VQ64 FI_FN(vq64)
typedef double VD64 __attribute__((vector_size(8 * FI_ND)));
typedef int64_t VL64 __attribute__((vector_size(8 * FI_ND)));
typedef uint64_t VQ64 __attribute__((vector_size(8 * FI_ND)));

/* mask ? a : b, lane by lane (mask lanes are all ones or all zeros) */
#define FI_SELECT64(mask, a, b) ((VD64)(((VL64)(a) & (mask)) | ((VL64)(b) & ~(mask))))

/* fi_i64_to_f64 on every lane: the correctly rounded double of v.  AVX-512DQ
 * converts directly; elsewhere both 32-bit halves are made exact doubles by
 * placing them in a double's significand (2^52 and 2^52 + 2^51 offsets) and
 * summed with one rounding -- the same value. */
static inline VD64 FI_FN(fi_i64_to_f64v)(VL64 v) {
#if FI_ND == 8
    return __builtin_convertvector(v, VD64);
#else
    VL64 hi = v >> 32;                                   /* signed, |hi| < 2^31 */
    VQ64 lo = (VQ64)v & 0xFFFFFFFFull;
    VD64 hi_d = (VD64)(hi + 0x4338000000000000ll) - 6755399441055744.0; /* 2^52 + 2^51 */
    VD64 lo_d = (VD64)(lo | 0x4330000000000000ull) - 4503599627370496.0; /* 2^52 */
    return hi_d * 4294967296.0 + lo_d;
#endif
}

/* for (j = 0; j < n; j++), unrolled: each step of the functions below is
 * written for all of their n independent vectors before the next step, so
 * the compiled code interleaves n dependency chains (the first scheduling
 * pass that would do so is off on x86, and out-of-order execution cannot
 * look far enough ahead through one chain of a hundred operations) */
#define FI_EACH(j, n) _Pragma("GCC unroll 4") for (int j = 0; j < (n); j++)

/* out[j] = fi_log64 of every lane of x[j], j < n */
static inline __attribute__((always_inline)) void FI_FN(fi_log64v)(const VD64 *x, VD64 *out, int n) {
    VL64 e[4]; /* n <= 4 */
    VD64 s[4], s2[4], series[4];
    FI_EACH(j, n) {
        VQ64 bits = (VQ64)x[j];
        e[j] = (VL64)(bits >> 52) - 1023;
        VD64 m = (VD64)((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
        VL64 big = m > 1.4142135623730951;
        m = FI_SELECT64(big, m * 0.5, m);
        e[j] = e[j] - big; /* + 1 where big */
        s[j] = (m - 1.0) / (m + 1.0);
    }
    FI_EACH(j, n) s2[j] = s[j] * s[j];
    FI_EACH(j, n) series[j] = 1.0 / 19.0 + s2[j] * (1.0 / 21.0);
    FI_EACH(j, n) series[j] = 1.0 / 17.0 + s2[j] * series[j];
    FI_EACH(j, n) series[j] = 1.0 / 15.0 + s2[j] * series[j];
    FI_EACH(j, n) series[j] = 1.0 / 13.0 + s2[j] * series[j];
    FI_EACH(j, n) series[j] = 1.0 / 11.0 + s2[j] * series[j];
    FI_EACH(j, n) series[j] = 1.0 / 9.0 + s2[j] * series[j];
    FI_EACH(j, n) series[j] = 1.0 / 7.0 + s2[j] * series[j];
    FI_EACH(j, n) series[j] = 1.0 / 5.0 + s2[j] * series[j];
    FI_EACH(j, n) series[j] = 1.0 / 3.0 + s2[j] * series[j];
    FI_EACH(j, n) series[j] = 1.0 + s2[j] * series[j];
    FI_EACH(j, n) {
        VD64 fe = FI_FN(fi_i64_to_f64v)(e[j]);
        out[j] = fe * 6.93147180369123816490e-01 + (fe * 1.90821492927058770002e-10 + 2.0 * s[j] * series[j]);
    }
}

/*
 * PPND16's central rational q P(rr) / D(rr), rr = 0.180625 - q^2, for
 * |q| <= 0.425, on every lane, given Q = 2^64 q (the draw's q before
 * fi_std_normal64's exact scaling by 2^-64: one multiplication fewer per
 * lane; the truncated normal scales its q up instead).  The bits are those
 * of fi_ndtri64: with rr' = 2^128 rr, the k-th Horner coefficient of P
 * scaled by 2^(-128 k) and of D by 2^(64 - 128 k), every intermediate is
 * fi_ndtri64's times a power of two.  That is exact, so each rounding is
 * the same, as long as no step leaves the normal range, and none does on a
 * central lane: the coefficients are positive, rr is 0 or at least 2^-55
 * (a difference of doubles near 0.18), so every product is at least
 * 2^-55 2^-768.  The numerator Q P comes out as 2^64 q P, the denominator
 * as 2^64 D, and the quotient is unchanged.  (Tail lanes compute garbage
 * here that the merge replaces.)
 */
/* 2^(-128 k), for k = 0..7 */
#define FI_SCALE128(k)                                                                       \
    ((k) == 0 ? 1.0 : (k) == 1 ? 0x1p-128 : (k) == 2 ? 0x1p-256 : (k) == 3 ? 0x1p-384 :        \
     (k) == 4 ? 0x1p-512 : (k) == 5 ? 0x1p-640 : (k) == 6 ? 0x1p-768 : 0x1p-896)
#define FI_S(c, k) ((c) * FI_SCALE128(k))
#define FI_CENTRAL_STEP(k)                                                                  \
    FI_EACH(j, n) {                                                                        \
        num[j] = num[j] * rr[j] + FI_S(FI_NUM_C##k, k);                                    \
        den[j] = den[j] * rr[j] + FI_S(FI_DEN_C##k, k) * 0x1p64;                           \
    }
#define FI_NUM_C0 3.3871328727963666080e0
#define FI_NUM_C1 1.3314166789178437745e+2
#define FI_NUM_C2 1.9715909503065514427e+3
#define FI_NUM_C3 1.3731693765509461125e+4
#define FI_NUM_C4 4.5921953931549871457e+4
#define FI_NUM_C5 6.7265770927008700853e+4
#define FI_NUM_C6 3.3430575583588128105e+4
#define FI_NUM_C7 2.5090809287301226727e+3
#define FI_DEN_C0 1.0
#define FI_DEN_C1 4.2313330701600911252e+1
#define FI_DEN_C2 6.8718700749205790830e+2
#define FI_DEN_C3 5.3941960214247511077e+3
#define FI_DEN_C4 2.1213794301586595867e+4
#define FI_DEN_C5 3.9307895800092710610e+4
#define FI_DEN_C6 2.8729085735721942674e+4
#define FI_DEN_C7 5.2264952788528545610e+3
/* z[j] = the central rational of every lane of big_q[j], j < n */
static inline __attribute__((always_inline)) void FI_FN(fi_ndtri64_central)(const VD64 *big_q, VD64 *z,
                                                                            int n) {
    VD64 rr[4], num[4], den[4];
    FI_EACH(j, n) {
        rr[j] = 0.180625 * 0x1p128 - big_q[j] * big_q[j]; /* 2^128 (0.180625 - q^2) */
        num[j] = FI_S(FI_NUM_C7, 7) * rr[j] + FI_S(FI_NUM_C6, 6);
        den[j] = (FI_S(FI_DEN_C7, 7) * 0x1p64) * rr[j] + FI_S(FI_DEN_C6, 6) * 0x1p64;
    }
    FI_CENTRAL_STEP(5)
    FI_CENTRAL_STEP(4)
    FI_CENTRAL_STEP(3)
    FI_CENTRAL_STEP(2)
    FI_CENTRAL_STEP(1)
    FI_CENTRAL_STEP(0)
    FI_EACH(j, n) z[j] = big_q[j] * num[j] / den[j];
}
#undef FI_CENTRAL_STEP
#undef FI_NUM_C0
#undef FI_NUM_C1
#undef FI_NUM_C2
#undef FI_NUM_C3
#undef FI_NUM_C4
#undef FI_NUM_C5
#undef FI_NUM_C6
#undef FI_NUM_C7
#undef FI_DEN_C0
#undef FI_DEN_C1
#undef FI_DEN_C2
#undef FI_DEN_C3
#undef FI_DEN_C4
#undef FI_DEN_C5
#undef FI_DEN_C6
#undef FI_DEN_C7
#undef FI_S
#undef FI_SCALE128

/* z[j] = PPND16's intermediate tail rational (t = sqrt(-log r) <= 5) of every
 * lane of t[j], negated where negative[j] (q < 0), j < n */
static inline __attribute__((always_inline)) void FI_FN(fi_ndtri64_tail)(const VL64 *negative,
                                                                         const VD64 *t, VD64 *z, int n) {
    VD64 t1[4], num[4], den[4];
    FI_EACH(j, n) {
        t1[j] = t[j] - 1.6;
        num[j] = 7.74545014278341407640e-4 * t1[j] + 2.27238449892691845833e-2;
        den[j] = 1.05075007164441684324e-9 * t1[j] + 5.47593808499534494600e-4;
    }
    FI_EACH(j, n) {
        num[j] = num[j] * t1[j] + 2.41780725177450611770e-1;
        den[j] = den[j] * t1[j] + 1.51986665636164571966e-2;
    }
    FI_EACH(j, n) {
        num[j] = num[j] * t1[j] + 1.27045825245236838258e0;
        den[j] = den[j] * t1[j] + 1.48103976427480074590e-1;
    }
    FI_EACH(j, n) {
        num[j] = num[j] * t1[j] + 3.64784832476320460504e0;
        den[j] = den[j] * t1[j] + 6.89767334985100004550e-1;
    }
    FI_EACH(j, n) {
        num[j] = num[j] * t1[j] + 5.76949722146069140550e0;
        den[j] = den[j] * t1[j] + 1.67638483018380384940e0;
    }
    FI_EACH(j, n) {
        num[j] = num[j] * t1[j] + 4.63033784615654529590e0;
        den[j] = den[j] * t1[j] + 2.05319162663775882187e0;
    }
    FI_EACH(j, n) {
        num[j] = num[j] * t1[j] + 1.42343711074968357734e0;
        den[j] = den[j] * t1[j] + 1.0;
    }
    FI_EACH(j, n) z[j] = FI_SELECT64(negative[j], -num[j], num[j]) / den[j];
}

/*
 * The tails, for the ~15% of lanes with |q| > 0.425, are computed apart:
 * fi_ndtri64_queue appends those lanes to a queue and returns which lanes
 * they were, fi_ndtri64_tails computes the logarithm, square root and tail
 * rational for whole vectors of the queue, and fi_ndtri64_merge puts each
 * lane's tail value back in place of its central one.  So those operations
 * run on tail lanes only, instead of on every lane of each vector that holds
 * one.  AVX-512 compresses and expands in registers (their memory forms are
 * microcoded on Zen 4); other ISAs move lanes one at a time, without
 * branches.
 *
 * A queue entry is 64 bits from which the tail finds r and the sign of q
 * (all a tail value depends on): for the normal the draw's s, so that r is
 * computed for tail lanes only; for the truncated normal r's bits with q's
 * sign bit (r > 0 leaves it free; q is never -0).  A tail lane's bits are
 * those of fi_ndtri64: the same operations on the same r and sign.
 */
#if FI_ND == 8
typedef __mmask8 FI_FN(fi_lanes64);
#else
typedef unsigned FI_FN(fi_lanes64);
#endif
#define FI_LANES64 FI_FN(fi_lanes64)

#if FI_ND == 4 && defined(FI_X86)
/* AVX2 has no compress or expand: a permutation of 32-bit halves per 4-bit
 * lane mask does it.  compress[m] moves the lanes in m, in order, to the
 * front; expand[m] moves the front values to the lanes in m, in order. */
static const int32_t FI_FN(fi_compress64_lut)[16][8] __attribute__((aligned(32))) = {
    {0,1,0,1,0,1,0,1}, {0,1,0,1,0,1,0,1}, {2,3,0,1,0,1,0,1}, {0,1,2,3,0,1,0,1},
    {4,5,0,1,0,1,0,1}, {0,1,4,5,0,1,0,1}, {2,3,4,5,0,1,0,1}, {0,1,2,3,4,5,0,1},
    {6,7,0,1,0,1,0,1}, {0,1,6,7,0,1,0,1}, {2,3,6,7,0,1,0,1}, {0,1,2,3,6,7,0,1},
    {4,5,6,7,0,1,0,1}, {0,1,4,5,6,7,0,1}, {2,3,4,5,6,7,0,1}, {0,1,2,3,4,5,6,7},
};
static const int32_t FI_FN(fi_expand64_lut)[16][8] __attribute__((aligned(32))) = {
    {0,1,0,1,0,1,0,1}, {0,1,0,1,0,1,0,1}, {0,1,0,1,0,1,0,1}, {0,1,2,3,0,1,0,1},
    {0,1,0,1,0,1,0,1}, {0,1,0,1,2,3,0,1}, {0,1,0,1,2,3,0,1}, {0,1,2,3,4,5,0,1},
    {0,1,0,1,0,1,0,1}, {0,1,0,1,0,1,2,3}, {0,1,0,1,0,1,2,3}, {0,1,2,3,0,1,4,5},
    {0,1,0,1,0,1,2,3}, {0,1,0,1,2,3,4,5}, {0,1,0,1,2,3,4,5}, {0,1,2,3,4,5,6,7},
};
#endif

/* One tile's queue: entries in, the tail values' bits written over them. */
typedef struct {
    uint64_t *entry;
    int64_t k; /* entries */
} FI_FN(fi_tail_queue);

/* Appends the entries of the lanes with |q| > 0.425 (|Q| > 0.425 2^64:
 * exactly the same lanes) to the queue (writing up to FI_ND slots past its
 * new end) and returns those lanes as a bit mask. */
static inline FI_LANES64 FI_FN(fi_ndtri64_queue)(VD64 big_q, VQ64 entry, FI_FN(fi_tail_queue) *queue) {
#if FI_ND == 8
    /* !(|Q| <= 0.425 2^64), as fi_ndtri64's central test */
    __mmask8 tail = _mm512_cmp_pd_mask(_mm512_abs_pd((__m512d)big_q), _mm512_set1_pd(0.425 * 0x1p64),
                                       _CMP_NLE_UQ);
    _mm512_storeu_si512(queue->entry + queue->k, _mm512_maskz_compress_epi64(tail, (__m512i)entry));
    queue->k += __builtin_popcount((unsigned)tail);
    return tail;
#elif FI_ND == 4 && defined(FI_X86)
    VL64 central = (big_q <= 0.425 * 0x1p64) & (big_q >= -0.425 * 0x1p64);
    unsigned tail = (unsigned)_mm256_movemask_pd((__m256d)~central);
    __m256i order = _mm256_load_si256((const __m256i *)FI_FN(fi_compress64_lut)[tail]);
    _mm256_storeu_si256((__m256i *)(queue->entry + queue->k), _mm256_permutevar8x32_epi32((__m256i)entry, order));
    queue->k += __builtin_popcount(tail);
    return tail;
#else
    unsigned tail = 0;
    int64_t at = queue->k;
    for (int lane = 0; lane < FI_ND; lane++) {
        unsigned outside = !(big_q[lane] <= 0.425 * 0x1p64 && big_q[lane] >= -0.425 * 0x1p64);
        queue->entry[at] = entry[lane];
        at += outside;
        tail |= outside << lane;
    }
    queue->k = at;
    return tail;
#endif
}

/* r of the normal's draws from s = x ^ 2^63, as fi_std_normal64 */
static inline VD64 FI_FN(fi_normal64_r)(VL64 s) {
    VL64 x = (VL64)((VQ64)s ^ 0x8000000000000000ull);
    VL64 m = (x & (s < 0)) | (~x & ~(s < 0));
    return (FI_FN(fi_i64_to_f64v)(m) + 0.5) * 0x1p-64;
}

#define FI_TAIL_IL (FI_ND == 1 ? 1 : 4) /* vectors in flight in fi_ndtri64_tails */

/* The tail values of n <= FI_TAIL_IL vectors of queue entries, written over
 * them (normal: the entries are s). */
static inline __attribute__((always_inline)) void FI_FN(fi_ndtri64_tail_values)(uint64_t *entries, int n,
                                                                                int normal) {
    VQ64 e[FI_TAIL_IL];
    VL64 negative[FI_TAIL_IL], far = {0};
    VD64 rr[FI_TAIL_IL], log_r[FI_TAIL_IL], t[FI_TAIL_IL], zt[FI_TAIL_IL];
    memcpy(e, entries, (size_t)n * sizeof e[0]);
    FI_EACH(j, n) {
        negative[j] = (VL64)e[j] < 0;
        rr[j] = normal ? FI_FN(fi_normal64_r)((VL64)e[j]) : (VD64)(e[j] & 0x7FFFFFFFFFFFFFFFull);
    }
    FI_FN(fi_log64v)(rr, log_r, n);
    FI_EACH(j, n) {
        t[j] = (VD64)FI_SQRT_VEC(-log_r[j]);
        far |= t[j] > 5.0;
    }
    FI_FN(fi_ndtri64_tail)(negative, t, zt, n);
    unsigned any_far = 0;
    for (int lane = 0; lane < FI_ND; lane++) any_far |= (unsigned)far[lane];
    if (__builtin_expect(any_far != 0, 0)) { /* PPND16's far tail: the scalar function */
        for (int j = 0; j < n; j++)
            for (int lane = 0; lane < FI_ND; lane++)
                if (t[j][lane] > 5.0)
                    zt[j][lane] = normal ? fi_std_normal64(e[j][lane] ^ 0x8000000000000000ull)
                                         : fi_ndtri64(negative[j][lane] ? -0.5 : 0.5, rr[j][lane]);
                    /* (outside the central region fi_ndtri64 reads q's sign only) */
    }
    memcpy(entries, zt, (size_t)n * sizeof zt[0]);
}

/* Every queue entry i < k replaced by the bits of its tail value: FI_TAIL_IL
 * vectors side by side (each is one long chain: division, series, square
 * root, division), the rest one vector at a time.  PPND16's far tail (t > 5:
 * r below e^-25, one normal draw in 2^34) goes to the scalar function.  The
 * queue has room for k + FI_ND entries. */
static inline __attribute__((always_inline)) void FI_FN(fi_ndtri64_tails)(FI_FN(fi_tail_queue) *queue,
                                                                          int normal) {
    uint64_t *entry = queue->entry;
    const int64_t k = queue->k;
    for (int lane = 0; lane < FI_ND; lane++) /* pad the last vector: r = 1/2 - 2^-65 or 1/2 */
        entry[k + lane] = normal ? ~0ull : fi_f64_bits(0.5);
    int64_t g = 0;
    for (; g + FI_ND * FI_TAIL_IL <= k; g += FI_ND * FI_TAIL_IL)
        FI_FN(fi_ndtri64_tail_values)(entry + g, FI_TAIL_IL, normal);
    for (; g < k; g += FI_ND)
        FI_FN(fi_ndtri64_tail_values)(entry + g, 1, normal);
}

/* zc with the lanes in `tail` replaced, in order, by the next queue values
 * (queue->k counts them off). */
static inline VD64 FI_FN(fi_ndtri64_merge)(VD64 zc, FI_LANES64 tail, FI_FN(fi_tail_queue) *queue) {
#if FI_ND == 8
    __m512d next = _mm512_loadu_pd(queue->entry + queue->k);
    __asm__("" : "+v"(next)); /* keeps the load out of the expand: its memory form is microcoded */
    VD64 z = (VD64)_mm512_mask_expand_pd((__m512d)zc, tail, next);
    queue->k += __builtin_popcount((unsigned)tail);
    return z;
#elif FI_ND == 4 && defined(FI_X86)
    __m256i next = _mm256_loadu_si256((const __m256i *)(queue->entry + queue->k));
    __m256i order = _mm256_load_si256((const __m256i *)FI_FN(fi_expand64_lut)[tail]);
    VD64 placed = (VD64)_mm256_permutevar8x32_epi32(next, order);
    VL64 in_tail = ((VL64){1, 2, 4, 8} & (int64_t)tail) != 0;
    queue->k += __builtin_popcount(tail);
    return FI_SELECT64(in_tail, placed, zc);
#else
    int64_t at = queue->k;
    VQ64 z = (VQ64)zc;
    for (int lane = 0; lane < FI_ND; lane++) {
        unsigned outside = (tail >> lane) & 1u;
        z[lane] = outside ? queue->entry[at] : z[lane];
        at += outside;
    }
    queue->k = at;
    return (VD64)z;
#endif
}

#define FI_NORMAL64_MAX (FI_TILE / 2) /* draws per tile */

/* Scratch of one tile: central values, the tail queue, each vector's tail
 * lanes. */
typedef struct {
    FI_ALIGN double zc[FI_NORMAL64_MAX];
    FI_ALIGN uint64_t queue[FI_NORMAL64_MAX + FI_ND];
    FI_LANES64 tail[FI_NORMAL64_MAX / FI_ND];
} FI_FN(fi_normal64_scratch);

/* Central values of FI_ND_IL vectors (written to zc) and the queue of their
 * tail lanes: the part of a tile that runs on every lane. */
static inline void FI_FN(fi_ndtri64_centre)(const VD64 *big_q, const VQ64 *entry, double *zc,
                                            FI_LANES64 *tail, FI_FN(fi_tail_queue) *queue) {
    VD64 z[FI_ND_IL];
    FI_FN(fi_ndtri64_central)(big_q, z, FI_ND_IL);
#pragma GCC unroll 4
    for (int j = 0; j < FI_ND_IL; j++) tail[j] = FI_FN(fi_ndtri64_queue)(big_q[j], entry[j], queue);
    memcpy(zc, z, sizeof z);
}

/* loc + scale * fi_std_normal64 of n draws (2n words; words holds whole
 * blocks of FI_NORMAL64_BLOCK draws, n <= FI_NORMAL64_MAX) into out[0..n).
 * s = x ^ 2^63 and Q = s + 1/2 as fi_std_normal64 (whose q is 2^-64 Q). */
static void FI_FN(fi_normal64_tile)(const uint32_t *words, int64_t n, double *out,
                                    const fi_affine64 *a, FI_FN(fi_normal64_scratch) *scratch) {
    FI_FN(fi_tail_queue) queue = {scratch->queue, 0};
    for (int64_t i = 0; i < n; i += FI_NORMAL64_BLOCK) {
        VD64 big_q[FI_ND_IL];
        VQ64 s[FI_ND_IL];
#pragma GCC unroll 4
        for (int j = 0; j < FI_ND_IL; j++) {
            VQ64 x;
            memcpy(&x, words + 2 * (i + j * FI_ND), sizeof x);
            x = FI_WORD_PAIRS_FROM_MEMORY(x); /* first word low, on any byte order */
            s[j] = x ^ 0x8000000000000000ull;
            big_q[j] = FI_FN(fi_i64_to_f64v)((VL64)s[j]) + 0.5;
        }
        FI_FN(fi_ndtri64_centre)(big_q, s, scratch->zc + i, scratch->tail + i / FI_ND, &queue);
    }
    FI_FN(fi_ndtri64_tails)(&queue, 1);
    queue.k = 0;
    /* standard_normal: loc + scale * z is z itself (z is never 0, so not
     * even a signed zero changes) */
    const int standard = a->loc == 0.0 && a->scale == 1.0;
    for (int64_t i = 0; i < n; i += FI_ND) {
        VD64 z;
        memcpy(&z, scratch->zc + i, sizeof z);
        z = FI_FN(fi_ndtri64_merge)(z, scratch->tail[i / FI_ND], &queue);
        if (!standard) z = a->loc + a->scale * z;
        if (i + FI_ND <= n) memcpy(out + i, &z, sizeof z);
        else memcpy(out + i, &z, (size_t)(n - i) * sizeof(double)); /* the last, partial vector */
    }
}

/* Q = 2^64 q and the tail's queue entry (r with q's sign) of one
 * truncated-normal draw per lane, as
 * fi_elem_truncnorm_f64: u = fi_unit53 + 2^-54 (the midpoint of the 53-bit
 * cell; both halves are exact integers in double), p and 1 - p from
 * Phi(alpha) and its complement.  (2^64 q is exact: q = p - 1/2 is 0 or at
 * least 2^-54 in magnitude.) */
static inline void FI_FN(fi_truncnorm64_qr)(const uint32_t *words, const fi_trunc64 *t,
                                            VD64 *big_q, VQ64 *entry) {
    VQ64 x;
    memcpy(&x, words, sizeof x);
    x = FI_WORD_PAIRS_FROM_MEMORY(x);
    VD64 hi = FI_FN(fi_i64_to_f64v)((VL64)(x >> 32));
    VD64 lo = FI_FN(fi_i64_to_f64v)((VL64)((x & 0xFFFFFFFFull) >> 11));
    VD64 u = (hi * 2097152.0 + lo) * 0x1p-53 + 0x1p-54;
    VD64 pp = t->p_lo + u * t->width;
    VD64 pc = t->pc_lo - u * t->width;
    VD64 rr = FI_SELECT64(pp < pc, pp, pc);
    *big_q = (pp - 0.5) * 0x1p64;
    rr = FI_SELECT64(rr > DBL_MIN, rr, DBL_MIN - (VD64){0});
    *entry = (VQ64)rr | ((VQ64)*big_q & 0x8000000000000000ull); /* the tail's queue entry */
}

/* The truncated normal of n draws (2n words, in whole blocks; n <=
 * FI_NORMAL64_MAX): the quantile as above, then loc + scale * flip * z
 * clamped to [lo, hi], as fi_elem_truncnorm_f64. */
static void FI_FN(fi_truncnorm64_tile)(const uint32_t *words, int64_t n, double *out,
                                       const fi_trunc64 *t, FI_FN(fi_normal64_scratch) *scratch) {
    FI_FN(fi_tail_queue) queue = {scratch->queue, 0};
    for (int64_t i = 0; i < n; i += FI_NORMAL64_BLOCK) {
        VD64 big_q[FI_ND_IL];
        VQ64 entry[FI_ND_IL];
#pragma GCC unroll 4
        for (int j = 0; j < FI_ND_IL; j++)
            FI_FN(fi_truncnorm64_qr)(words + 2 * (i + j * FI_ND), t, &big_q[j], &entry[j]);
        FI_FN(fi_ndtri64_centre)(big_q, entry, scratch->zc + i, scratch->tail + i / FI_ND, &queue);
    }
    FI_FN(fi_ndtri64_tails)(&queue, 0);
    queue.k = 0;
    for (int64_t i = 0; i < n; i += FI_ND) {
        VD64 z;
        memcpy(&z, scratch->zc + i, sizeof z);
        z = FI_FN(fi_ndtri64_merge)(z, scratch->tail[i / FI_ND], &queue);
        VD64 x = t->loc + t->scale * (t->flip * z);
        x = FI_SELECT64(x < t->lo, t->lo - (VD64){0}, x);
        x = FI_SELECT64(x > t->hi, t->hi - (VD64){0}, x);
        if (i + FI_ND <= n) memcpy(out + i, &x, sizeof x);
        else memcpy(out + i, &x, (size_t)(n - i) * sizeof(double)); /* the last, partial vector */
    }
}

#undef FI_SELECT64
#undef FI_EACH
#undef FI_TAIL_IL
#undef VD64
#undef VL64
#undef VQ64
