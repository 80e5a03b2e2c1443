/*
 * Builds the kernels once per instruction set and picks the widest one the
 * CPU supports at run time, so one binary runs on any x86-64 (no
 * -march=native) and every path gives identical bits (docs/STREAM.md, promise 5).
 * On arm64 the one SIMD path is NEON; elsewhere the scalar one.
 */
#include "fi_platform.h" /* first: refuses builds that would change the bits */
#include <math.h>
#include <string.h>
#include "fi_kernels.h"
#include "fi_elements.h"
#include "fi_exponential.h"
#include "fi_integers.h"

#define FI_TILE 2048 /* words per tile: 8 KiB, stays in L1 with its output */
#define FI_ALIGN __attribute__((aligned(64)))
#define FI_STREAM_MIN_BYTES (1u << 20) /* below this, outputs stay in cache */

typedef void (*fi_fill_fn)(const fi_stream *, uint64_t, int64_t, void *, const fi_params *);

/* n rounded up to a multiple of block (the normal kernels work in whole blocks) */
static inline int64_t fi_round_up(int64_t n, int64_t block) { return (n + block - 1) / block * block; }

#ifdef FI_X86
#include <immintrin.h>
#endif
#ifdef FI_NEON
#include <arm_neon.h>
#endif

/* Scalar: no explicit SIMD, the reference the others are tested against
 * (GCC is also told not to auto-vectorise it; clang may, which changes no
 * bits: lanes do the same IEEE operations). */
#if !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-tree-vectorize", "no-tree-slp-vectorize")
#endif
#define FI_ISA scalar
#define FI_W 1
#define FI_G 1
#include "fi_kernels_impl.h"
#undef FI_ISA
#undef FI_W
#undef FI_G
#if !defined(__clang__)
#pragma GCC pop_options
#endif

#ifdef FI_X86
/* SSE2 is part of x86-64 itself. */
#define FI_ISA sse2
#define FI_W 2
#define FI_G 4
#include "fi_kernels_impl.h"
#undef FI_ISA
#undef FI_W
#undef FI_G

FI_TARGET_BEGIN("avx2,fma,f16c") /* every AVX2 CPU also has FMA3 and F16C; all are checked */
#define FI_ISA avx2
#define FI_W 4
#define FI_G 3
#include "fi_kernels_impl.h"
#undef FI_ISA
#undef FI_W
#undef FI_G
FI_TARGET_END()

#if defined(__clang__) /* clang has no prefer-vector-width target option (its explicit vectors are 512-bit anyway) */
FI_TARGET_BEGIN("avx512f,avx512dq,avx512bw,avx512vl")
#else
FI_TARGET_BEGIN("avx512f,avx512dq,avx512bw,avx512vl,prefer-vector-width=512")
#endif
#define FI_ISA avx512
#define FI_W 8
#define FI_G 4
#include "fi_kernels_impl.h"
#undef FI_ISA
#undef FI_W
#undef FI_G
FI_TARGET_END()
#endif

#ifdef FI_NEON
/* NEON is part of arm64: always there, no target switch or detection. */
#define FI_ISA neon
#define FI_W 2
#define FI_G 4
#include "fi_kernels_impl.h"
#undef FI_ISA
#undef FI_W
#undef FI_G
#endif

#ifdef FI_X86
#include <cpuid.h>
/* XCR0: which register states the operating system saves (xgetbv, spelled
 * as bytes so no "xsave" target is needed; only run when cpuid says OSXSAVE). */
static uint64_t fi_xgetbv0(void) {
    uint32_t lo, hi;
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t)hi << 32 | lo;
}
#endif

/* The widest instruction set the CPU and the OS support, read from cpuid
 * directly rather than __builtin_cpu_supports, which needs the compiler's
 * run-time library (clang-cl on Windows does not link it). */
static int fi_isa_detect(void) {
#ifdef FI_X86
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return FI_ISA_SSE2;
    const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    const int f16c = (c >> 29) & 1; /* vcvtps2ph: the AVX2 path's float16 narrowing */
    if (!osxsave || !avx) return FI_ISA_SSE2;
    const uint64_t xcr0 = fi_xgetbv0();
    const int ymm_saved = (xcr0 & 0x06) == 0x06;  /* SSE and AVX state */
    const int zmm_saved = (xcr0 & 0xE6) == 0xE6;  /* and opmask, ZMM0-15 high halves, ZMM16-31 */
    if (!ymm_saved || !__get_cpuid_count(7, 0, &a, &b, &c, &d)) return FI_ISA_SSE2;
    const int avx2 = (b >> 5) & 1;
    const int avx512 = ((b >> 16) & 1) /* F */ && ((b >> 17) & 1) /* DQ */ &&
                       ((b >> 30) & 1) /* BW */ && ((b >> 31) & 1) /* VL */;
    if (avx512 && zmm_saved) return FI_ISA_AVX512;
    if (avx2 && fma && f16c) return FI_ISA_AVX2;
    return FI_ISA_SSE2;
#elif defined(FI_NEON)
    return FI_ISA_NEON;
#else
    return FI_ISA_SCALAR;
#endif
}

const char *fi_isa_name(int isa) {
    static const char *const names[] = {
        "scalar",
#if defined(FI_X86)
        "sse2", "avx2", "avx512",
#elif defined(FI_NEON)
        "neon",
#endif
    };
    return isa >= 0 && isa < (int)(sizeof names / sizeof names[0]) ? names[isa] : 0;
}

static int fi_best = -1;
static int fi_active = -1;

int fi_isa_best(void) {
    if (fi_best < 0) fi_best = fi_isa_detect();
    return fi_best;
}

int fi_isa_active(void) {
    if (fi_active < 0) fi_active = fi_isa_best();
    return fi_active;
}

int fi_isa_set(int isa) {
    int best = fi_isa_best();
    if (isa < FI_ISA_SCALAR) isa = FI_ISA_SCALAR;
    fi_active = isa > best ? best : isa;
    return fi_active;
}

static const fi_fill_fn (*fi_table_for(int isa))[FI_NDTYPES] {
    switch (isa) {
#ifdef FI_X86
    case FI_ISA_AVX512: return fi_table_avx512;
    case FI_ISA_AVX2: return fi_table_avx2;
    case FI_ISA_SSE2: return fi_table_sse2;
#endif
#ifdef FI_NEON
    case FI_ISA_NEON: return fi_table_neon;
#endif
    default: return fi_table_scalar;
    }
}

static double (*fi_contraction_probe_for(int isa))(const volatile double *) {
    switch (isa) {
#ifdef FI_X86
    case FI_ISA_AVX512: return fi_contraction_probe_avx512;
    case FI_ISA_AVX2: return fi_contraction_probe_avx2;
    case FI_ISA_SSE2: return fi_contraction_probe_sse2;
#endif
#ifdef FI_NEON
    case FI_ISA_NEON: return fi_contraction_probe_neon;
#endif
    default: return fi_contraction_probe_scalar;
    }
}

/* Nonzero when the kernels of some instruction set this CPU has were built
 * contracting a * b - c into one fused operation (clang with
 * -ffp-contract=fast overrides fi_platform.h's pragma): such a build gives
 * other bits, and the extension refuses to load.  (1 + 2^-30)(1 - 2^-30) - 1
 * is 0 rounded twice, -2^-60 fused. */
int fi_build_contracts(void) {
    static const volatile double v[3] = {1.0 + 0x1p-30, 1.0 - 0x1p-30, 1.0};
    for (int isa = 0; isa <= fi_isa_best(); isa++)
        if (fi_contraction_probe_for(isa)(v) != 0.0) return 1;
    return 0;
}

int fi_narrow(int dtype, const float *in, int64_t n, uint16_t *out) {
    if (dtype != FI_F16 && dtype != FI_BF16) return -1;
    switch (fi_isa_active()) {
#ifdef FI_X86
    case FI_ISA_AVX512: fi_narrow_avx512(dtype, in, n, out); break;
    case FI_ISA_AVX2: fi_narrow_avx2(dtype, in, n, out); break;
    case FI_ISA_SSE2: fi_narrow_sse2(dtype, in, n, out); break;
#endif
#ifdef FI_NEON
    case FI_ISA_NEON: fi_narrow_neon(dtype, in, n, out); break;
#endif
    default: fi_narrow_scalar(dtype, in, n, out);
    }
    return 0;
}

int fi_words_per_element(int kind, int dtype) {
    if (kind < 0 || kind >= FI_NKINDS || dtype < 0 || dtype >= FI_NDTYPES) return 0;
    if (!fi_table_scalar[kind][dtype]) return 0;
    if (kind == FI_INTEGERS) return dtype == FI_U64 ? 3 : 2; /* fi_integers.h */
    return dtype == FI_F64 ? 2 : 1;
}

int fi_fill(int kind, int dtype, const fi_stream *s, uint64_t word0, int64_t n, void *out,
            const fi_params *p) {
    if (!fi_words_per_element(kind, dtype)) return -1;
    fi_table_for(fi_isa_active())[kind][dtype](s, word0, n, out, p);
    return 0;
}

void fi_fill_constant(void *out, int64_t n, int elem_size, uint64_t value_bits) {
    if (elem_size == 8) {
        uint64_t *o = out;
        for (int64_t i = 0; i < n; i++) o[i] = value_bits;
    } else if (elem_size == 4) {
        uint32_t *o = out, v = (uint32_t)value_bits;
        for (int64_t i = 0; i < n; i++) o[i] = v;
    } else if (elem_size == 2) {
        uint16_t *o = out, v = (uint16_t)value_bits;
        for (int64_t i = 0; i < n; i++) o[i] = v;
    } else {
        uint8_t *o = out;
        memset(o, (int)(value_bits & 0xFF), (size_t)n);
    }
}

/* Flat-ABI entry (scalars and one pointer, no structs) for callers that
 * cannot build C structs, such as Numba-compiled code (fastinit.numba).
 * Same stream, same kernels, same bits as fi_fill. */
int fi_fill_flat(int kind, int dtype, uint32_t key0, uint32_t key1, uint32_t stream0,
                 uint32_t stream1, uint64_t word0, int64_t n, void *out, double loc,
                 double scale) {
    fi_stream s = {{key0, key1}, {stream0, stream1}};
    fi_params p = {0};
    p.loc = loc;
    p.scale = scale;
    p.clamp_lo = -HUGE_VAL;  /* no bounds to clamp to */
    p.clamp_hi = HUGE_VAL;
    return fi_fill(kind, dtype, &s, word0, n, out, &p);
}

/* The float32-family normal (truncated when trunc is given) of given words,
 * by the scalar build's blocks (a short last block padded with zero words,
 * whose values are dropped). */
static void fi_normal32_words(const uint32_t *words, int64_t n, void *out, const fi_params *p,
                              int dtype, int truncated) {
    const fi_affine32 a = fi_prep_affine32(p);
    const fi_trunc32 t = fi_prep_trunc32(p);
    for (int64_t i = 0; i < n; i += FI_NORMAL32_BLOCK_SCALAR) {
        uint32_t w[FI_NORMAL32_BLOCK_SCALAR] = {0};
        float x[FI_NORMAL32_BLOCK_SCALAR];
        int64_t m = n - i < FI_NORMAL32_BLOCK_SCALAR ? n - i : FI_NORMAL32_BLOCK_SCALAR;
        memcpy(w, words + i, (size_t)m * sizeof w[0]);
        if (truncated) fi_truncnorm32_block_scalar(w, x, &t);
        else fi_normal32_block_scalar(w, x, &a);
        for (int64_t k = 0; k < m; k++) {
            if (dtype == FI_F32) ((float *)out)[i + k] = x[k];
            else if (dtype == FI_F16) ((uint16_t *)out)[i + k] = fi_f32_to_f16(x[k]);
            else ((uint16_t *)out)[i + k] = fi_f32_to_bf16(x[k]);
        }
    }
}

/* The element transforms applied to given words instead of stream words
 * (scalar reference code): lets tests probe the extremes of each transform,
 * e.g. word 0 -> p = 2^-33, the deepest tail a float32 normal reaches. */
int fi_transform_words(int kind, int dtype, const uint32_t *words, int64_t n, void *out,
                       const fi_params *p) {
    if (!fi_words_per_element(kind, dtype) || kind == FI_RAW) return -1;
#define FI_APPLY(OUT_T, PREP, ELEM)                                   \
    do {                                                              \
        const __typeof__(PREP(p)) prm = PREP(p);                      \
        for (int64_t i = 0; i < n; i++) ((OUT_T *)out)[i] = ELEM(words, i, &prm); \
    } while (0)
    switch (kind * FI_NDTYPES + dtype) {
    case FI_UNIFORM * FI_NDTYPES + FI_F32: FI_APPLY(float, fi_prep_affine32, fi_elem_uniform_f32); break;
    case FI_UNIFORM * FI_NDTYPES + FI_F64: FI_APPLY(double, fi_prep_affine64, fi_elem_uniform_f64); break;
    case FI_UNIFORM * FI_NDTYPES + FI_F16: FI_APPLY(uint16_t, fi_prep_affine32, fi_elem_uniform_f16); break;
    case FI_UNIFORM * FI_NDTYPES + FI_BF16: FI_APPLY(uint16_t, fi_prep_affine32, fi_elem_uniform_bf16); break;
    case FI_NORMAL * FI_NDTYPES + FI_F32: fi_normal32_words(words, n, out, p, FI_F32, 0); break;
    case FI_NORMAL * FI_NDTYPES + FI_F64: FI_APPLY(double, fi_prep_affine64, fi_elem_normal_f64); break;
    case FI_NORMAL * FI_NDTYPES + FI_F16: fi_normal32_words(words, n, out, p, FI_F16, 0); break;
    case FI_NORMAL * FI_NDTYPES + FI_BF16: fi_normal32_words(words, n, out, p, FI_BF16, 0); break;
    case FI_TRUNCNORM * FI_NDTYPES + FI_F32: fi_normal32_words(words, n, out, p, FI_F32, 1); break;
    case FI_TRUNCNORM * FI_NDTYPES + FI_F64: FI_APPLY(double, fi_prep_trunc64, fi_elem_truncnorm_f64); break;
    case FI_TRUNCNORM * FI_NDTYPES + FI_F16: fi_normal32_words(words, n, out, p, FI_F16, 1); break;
    case FI_TRUNCNORM * FI_NDTYPES + FI_BF16: fi_normal32_words(words, n, out, p, FI_BF16, 1); break;
    case FI_INTEGERS * FI_NDTYPES + FI_U8: FI_APPLY(uint8_t, fi_prep_bounded64, fi_elem_integers_u8); break;
    case FI_INTEGERS * FI_NDTYPES + FI_U16: FI_APPLY(uint16_t, fi_prep_bounded64, fi_elem_integers_u16); break;
    case FI_INTEGERS * FI_NDTYPES + FI_U32: FI_APPLY(uint32_t, fi_prep_bounded64, fi_elem_integers_u32); break;
    case FI_INTEGERS * FI_NDTYPES + FI_U64: FI_APPLY(uint64_t, fi_prep_bounded96, fi_elem_integers_u64); break;
#define FI_LOG_CASES(KIND, NAME)                                                                      \
    case KIND * FI_NDTYPES + FI_F32: FI_APPLY(float, fi_prep_affine32, fi_elem_##NAME##_f32); break;  \
    case KIND * FI_NDTYPES + FI_F64: FI_APPLY(double, fi_prep_affine64, fi_elem_##NAME##_f64); break; \
    case KIND * FI_NDTYPES + FI_F16: FI_APPLY(uint16_t, fi_prep_affine32, fi_elem_##NAME##_f16); break; \
    case KIND * FI_NDTYPES + FI_BF16: FI_APPLY(uint16_t, fi_prep_affine32, fi_elem_##NAME##_bf16); break;
    FI_LOG_CASES(FI_EXPONENTIAL, exponential)
    FI_LOG_CASES(FI_LAPLACE, laplace)
    FI_LOG_CASES(FI_LOGISTIC, logistic)
    FI_LOG_CASES(FI_GUMBEL, gumbel)
#undef FI_LOG_CASES
    default: return -1;
    }
#undef FI_APPLY
    return 0;
}

int fi_exp_array(int dtype, void *x, int64_t n) {
    if (dtype == FI_F32) {
        float *v = x;
        for (int64_t i = 0; i < n; i++) v[i] = fi_exp32(v[i]);
    } else if (dtype == FI_F64) {
        double *v = x;
        for (int64_t i = 0; i < n; i++) v[i] = fi_exp64(v[i]);
    } else {
        return -1;
    }
    return 0;
}
