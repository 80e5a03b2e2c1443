/*
 * Standard and truncated normals in float64: the operations of fi_ndtri64
 * (fi_transforms.h, AS241 PPND16) in the same order, written on GCC vector
 * types, a tile at a time (fi_ndtri64_tile: the tails only where needed).
 *
 * Included by fi_kernels_impl.h once per ISA, with FI_ND doubles per vector
 * (8 AVX-512, 4 AVX2, 2 SSE2, 1 scalar) and FI_SQRT_VEC.  The bits are those
 * of the scalar function, which tests/core/test_hashes.py freezes.
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

/* fi_log64 on every lane */
static inline VD64 FI_FN(fi_log64v)(VD64 x) {
    VQ64 bits = (VQ64)x;
    VL64 e = (VL64)(bits >> 52) - 1023;
    VD64 m = (VD64)((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
    VL64 big = m > 1.4142135623730951;
    m = FI_SELECT64(big, m * 0.5, m);
    e = e - big; /* + 1 where big */
    VD64 s = (m - 1.0) / (m + 1.0);
    VD64 s2 = s * s;
    VD64 series = 1.0 / 19.0 + s2 * (1.0 / 21.0);
    series = 1.0 / 17.0 + s2 * series;
    series = 1.0 / 15.0 + s2 * series;
    series = 1.0 / 13.0 + s2 * series;
    series = 1.0 / 11.0 + s2 * series;
    series = 1.0 / 9.0 + s2 * series;
    series = 1.0 / 7.0 + s2 * series;
    series = 1.0 / 5.0 + s2 * series;
    series = 1.0 / 3.0 + s2 * series;
    series = 1.0 + s2 * series;
    VD64 fe = FI_FN(fi_i64_to_f64v)(e);
    return fe * 6.93147180369123816490e-01 + (fe * 1.90821492927058770002e-10 + 2.0 * s * series);
}

/* PPND16's central rational (|q| <= 0.425) on every lane */
static inline VD64 FI_FN(fi_ndtri64_central)(VD64 qq) {
    VD64 rr = 0.180625 - qq * qq;
    VD64 num_c = qq * FI_POLY7(3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
                               1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
                               3.3430575583588128105e+4, 2.5090809287301226727e+3, rr);
    VD64 den_c = FI_POLY7(1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2,
                          5.3941960214247511077e+3, 2.1213794301586595867e+4, 3.9307895800092710610e+4,
                          2.8729085735721942674e+4, 5.2264952788528545610e+3, rr);
    return num_c / den_c;
}

/* PPND16's intermediate tail rational (t = sqrt(-log r) <= 5) on every lane */
static inline VD64 FI_FN(fi_ndtri64_tail)(VD64 qq, VD64 t) {
    VD64 t1 = t - 1.6;
    VD64 num_t = FI_POLY7(1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
                          3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
                          2.27238449892691845833e-2, 7.74545014278341407640e-4, t1);
    VD64 den_t = FI_POLY7(1.0, 2.05319162663775882187e0, 1.67638483018380384940e0,
                          6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2,
                          5.47593808499534494600e-4, 1.05075007164441684324e-9, t1);
    num_t = FI_SELECT64(qq < 0.0, -num_t, num_t);
    return num_t / den_t;
}

/*
 * z[i] = fi_ndtri64(q[i], r[i]) for i < n (n a multiple of FI_ND), bit for
 * bit.  Every lane gets the cheap central rational first; the lanes that
 * need a tail (|q| > 0.425: 15% of normal draws) are then gathered into
 * whole vectors, so the logarithm, square root and second rational are
 * computed for those lanes only, instead of for every lane of a vector that
 * holds one.  Lanes in PPND16's far tail (t > 5) are redone by the scalar
 * function.  idx is scratch for n + 8 indices.
 */
static void FI_FN(fi_ndtri64_tile)(const double *q, const double *r, double *z, int64_t n,
                                   int32_t *idx) {
    int64_t i = 0;
    for (; i + FI_NORMAL64_BLOCK <= n; i += FI_NORMAL64_BLOCK) { /* FI_ND_IL chains side by side */
        VD64 qq[FI_ND_IL], zc[FI_ND_IL];
        memcpy(qq, q + i, sizeof qq);
#pragma GCC unroll 4
        for (int j = 0; j < FI_ND_IL; j++) zc[j] = FI_FN(fi_ndtri64_central)(qq[j]);
        memcpy(z + i, zc, sizeof zc);
    }
    for (; i < n; i += FI_ND) {
        VD64 qq;
        memcpy(&qq, q + i, sizeof qq);
        VD64 zc = FI_FN(fi_ndtri64_central)(qq);
        memcpy(z + i, &zc, sizeof zc);
    }
    /* idx[0..k): the lanes outside the central region, in order */
    int64_t k = 0;
#if FI_ND == 8
    __m256i at = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m512d central_max = _mm512_set1_pd(0.425);
    for (i = 0; i < n; i += 8, at = _mm256_add_epi32(at, _mm256_set1_epi32(8))) {
        __m512d magnitude = _mm512_abs_pd(_mm512_loadu_pd(q + i));
        __mmask8 tail = _mm512_cmp_pd_mask(magnitude, central_max, _CMP_NLE_UQ); /* !(|q| <= 0.425) */
        /* compress in a register, then a plain store of all 8 (idx has 8
         * spare slots): a compressing store to memory is microcoded on Zen 4 */
        _mm256_storeu_si256((__m256i *)(idx + k), _mm256_maskz_compress_epi32(tail, at));
        k += __builtin_popcount((unsigned)tail);
    }
#else
    for (i = 0; i < n; i++) {
        idx[k] = (int32_t)i;
        k += !(q[i] <= 0.425 && q[i] >= -0.425);
    }
#endif
    for (int64_t g = 0; g < k; g += FI_ND) {
        const int64_t m = k - g < FI_ND ? k - g : FI_ND;
        VD64 qq, rr;
        for (int lane = 0; lane < FI_ND; lane++) {
            int32_t at = idx[g + (lane < m ? lane : 0)];
            qq[lane] = q[at];
            rr[lane] = r[at];
        }
        VD64 t = (VD64)FI_SQRT_VEC(-FI_FN(fi_log64v)(rr));
        VD64 zt = FI_FN(fi_ndtri64_tail)(qq, t);
        for (int lane = 0; lane < m; lane++) {
            int32_t at = idx[g + lane];
            z[at] = t[lane] > 5.0 ? fi_ndtri64(q[at], r[at]) : zt[lane];
        }
    }
}

/* q and r of FI_NORMAL64_BLOCK draws (2 words each), as fi_std_normal64 */
static inline void FI_FN(fi_normal64_qr)(const uint32_t *words, double *q, double *r) {
#pragma GCC unroll 4
    for (int j = 0; j < FI_ND_IL; j++) {
        VQ64 x;
        memcpy(&x, words + 2 * j * FI_ND, sizeof x);
        x = FI_WORD_PAIRS_FROM_MEMORY(x); /* first word low, on any byte order */
        VL64 s = (VL64)(x ^ 0x8000000000000000ull);
        VL64 m = ((VL64)x & (s < 0)) | ((VL64)~x & ~(s < 0));
        VD64 qq = (FI_FN(fi_i64_to_f64v)(s) + 0.5) * 0x1p-64;
        VD64 rr = (FI_FN(fi_i64_to_f64v)(m) + 0.5) * 0x1p-64;
        memcpy(q + j * FI_ND, &qq, sizeof qq);
        memcpy(r + j * FI_ND, &rr, sizeof rr);
    }
}

#undef FI_SELECT64
#undef VD64
#undef VL64
#undef VQ64
