/*
 * The kernels of one instruction set.  fi_kernels.c includes this file once
 * per ISA with FI_ISA (a name suffix) and FI_W (64-bit lanes per vector:
 * 8 for AVX-512, 4 for AVX2, 2 for SSE2 and NEON, 1 for scalar) defined,
 * between the matching FI_TARGET_BEGIN/END (fi_platform.h).
 *
 * Stage 1 generates stream words for a tile that fits in L1 (explicit SIMD:
 * the auto-vectoriser does poorly on Philox's 32x32->64 multiplies); stage 2
 * transforms the tile with a plain loop that the compiler vectorises at the
 * same width.  Both stages compute exactly what fi_philox.h and
 * fi_transforms.h define, so every ISA gives the same bits.
 */
#define FI_CAT2(a, b) a##_##b
#define FI_CAT(a, b) FI_CAT2(a, b)
#define FI_FN(name) FI_CAT(name, FI_ISA)

#if FI_W > 1
/*
 * SIMD Philox.  Each 64-bit lane carries one 32-bit Philox word in its low
 * half: the multiply instruction (pmuludq) reads exactly those low halves and
 * returns the full 64-bit product, whose high half is the "hi" word and whose
 * low half is the "lo" word, so no lane shuffling is needed inside a round.
 * The high halves of c0..c3 may hold garbage: only the low halves are ever
 * multiplied or stored.  FI_G independent groups of FI_W blocks are
 * interleaved to hide the multiply latency of the round chain.
 */
#define VU64 FI_FN(vu64)
typedef uint64_t VU64 __attribute__((vector_size(8 * FI_W)));

#if FI_W == 8
#define FI_MUL_LOW32(a, b) ((VU64)_mm512_mul_epu32((__m512i)(a), (__m512i)(b)))
#define FI_STREAM_STORE(p, v) _mm512_stream_si512((void *)(p), (__m512i)(v))
#define FI_LANES {0, 1, 2, 3, 4, 5, 6, 7}
#define FI_ZIP_LO 0, 8, 1, 9, 2, 10, 3, 11
#define FI_ZIP_HI 4, 12, 5, 13, 6, 14, 7, 15
#elif FI_W == 4
#define FI_MUL_LOW32(a, b) ((VU64)_mm256_mul_epu32((__m256i)(a), (__m256i)(b)))
#define FI_STREAM_STORE(p, v) _mm256_stream_si256((__m256i *)(p), (__m256i)(v))
#define FI_LANES {0, 1, 2, 3}
#define FI_ZIP_LO 0, 4, 1, 5
#define FI_ZIP_HI 2, 6, 3, 7
#elif FI_W == 2 && defined(FI_NEON)
/* umull of the low halves (xtn takes them); no non-temporal store intrinsic */
#define FI_MUL_LOW32(a, b) ((VU64)vmull_u32(vmovn_u64((uint64x2_t)(a)), vmovn_u64((uint64x2_t)(b))))
#define FI_STREAM_STORE(p, v) memcpy((p), &(v), sizeof(v))
#define FI_LANES {0, 1}
#define FI_ZIP_LO 0, 2
#define FI_ZIP_HI 1, 3
#elif FI_W == 2
#define FI_MUL_LOW32(a, b) ((VU64)_mm_mul_epu32((__m128i)(a), (__m128i)(b)))
#define FI_STREAM_STORE(p, v) _mm_stream_si128((__m128i *)(p), (__m128i)(v))
#define FI_LANES {0, 1}
#define FI_ZIP_LO 0, 2
#define FI_ZIP_HI 1, 3
#else
#error "FI_W must be 1, 2, 4 or 8"
#endif

#define FI_GROUP_BLOCKS (FI_G * FI_W)

/* FI_GROUP_BLOCKS consecutive Philox blocks from `block`, in stream order. */
static inline void FI_FN(fi_philox_group)(const fi_stream *s, uint64_t block, uint32_t *out) {
    const VU64 lanes = FI_LANES;
    const VU64 zero = {0};
    const VU64 low_half = zero + 0xFFFFFFFFull;
    const VU64 m0 = zero + FI_PHILOX_M0, m1 = zero + FI_PHILOX_M1;
    VU64 c0[FI_G], c1[FI_G], c2[FI_G], c3[FI_G];
    for (int g = 0; g < FI_G; g++) {
        VU64 b = (zero + (block + (uint64_t)(g * FI_W))) + lanes; /* 64-bit: carries for free */
        c0[g] = b;
        c1[g] = b >> 32;
        c2[g] = zero + s->stream[0];
        c3[g] = zero + s->stream[1];
    }
    uint32_t k0 = s->key[0], k1 = s->key[1];
#pragma GCC unroll 10 /* no register moves between rounds (c0..c3 change roles) */
    for (int round = 0; round < FI_PHILOX_ROUNDS; round++) {
        if (round > 0) {
            k0 += FI_PHILOX_W0;
            k1 += FI_PHILOX_W1;
        }
        const VU64 kv0 = zero + k0, kv1 = zero + k1;
        for (int g = 0; g < FI_G; g++) {
            VU64 p0 = FI_MUL_LOW32(c0[g], m0);
            VU64 p1 = FI_MUL_LOW32(c2[g], m1);
            c0[g] = (p1 >> 32) ^ c1[g] ^ kv0;
            c1[g] = p1;
            c2[g] = (p0 >> 32) ^ c3[g] ^ kv1;
            c3[g] = p0;
        }
    }
    for (int g = 0; g < FI_G; g++) {
        VU64 w01 = (c0[g] & low_half) | (c1[g] << 32); /* words 0,1 of each block */
        VU64 w23 = (c2[g] & low_half) | (c3[g] << 32); /* words 2,3 (little-endian) */
        VU64 first = FI_SHUFFLE(w01, w23, FI_ZIP_LO);
        VU64 second = FI_SHUFFLE(w01, w23, FI_ZIP_HI);
        memcpy(out + g * 4 * FI_W, &first, sizeof first);
        memcpy(out + g * 4 * FI_W + 2 * FI_W, &second, sizeof second);
    }
}
#undef FI_MUL_LOW32
#undef FI_LANES
#undef FI_ZIP_LO
#undef FI_ZIP_HI

/* Copy a finished tile to the output with non-temporal stores: large fills
 * are write-only streams, and skipping the read-for-ownership of each cache
 * line roughly doubles the store bandwidth two cores get. */
static inline void FI_FN(fi_copy_out)(void *dst, const void *src, size_t bytes) {
    char *d = (char *)dst;
    const char *from = (const char *)src;
    size_t head = (size_t)(-(uintptr_t)d) & (sizeof(VU64) - 1);
    if (head > bytes) head = bytes;
    memcpy(d, from, head);
    d += head, from += head, bytes -= head;
    for (; bytes >= sizeof(VU64); bytes -= sizeof(VU64), d += sizeof(VU64), from += sizeof(VU64)) {
        VU64 v;
        memcpy(&v, from, sizeof v);
        FI_STREAM_STORE(d, v);
    }
    memcpy(d, from, bytes);
}
#ifdef FI_NEON
#define FI_FENCE() ((void)0)
#else
#define FI_FENCE() _mm_sfence()
#endif
#undef FI_STREAM_STORE
#undef VU64
#else
static inline void FI_FN(fi_copy_out)(void *dst, const void *src, size_t bytes) {
    memcpy(dst, src, bytes);
}
#define FI_FENCE() ((void)0)
#define FI_GROUP_BLOCKS 1
static inline void FI_FN(fi_philox_group)(const fi_stream *s, uint64_t block, uint32_t *out) {
    fi_philox_block(s, block, out);
}
#endif

/* float32 -> float16 / bfloat16 bits of n values, rounded to nearest even:
 * exactly fi_f32_to_f16 / fi_f32_to_bf16 of each (fi_transforms.h).  The
 * float16 conversion is an instruction on AVX-512 (vcvtps2ph) and AVX2
 * builds (F16C, checked with them); it rounds, overflows to inf and makes
 * subnormals as the portable code does, and quiets NaNs keeping the top
 * payload bits, which the portable code copies (tests/core/test_narrowing.py
 * compares the two on every ISA).  bfloat16 stays portable: AVX-512 BF16's
 * vcvtneps2bf16 flushes subnormal inputs to zero, and the portable rounding
 * is a few integer operations that the compiler vectorises. */
static void FI_FN(fi_narrow_f16)(const float *in, uint16_t *out, int64_t n) {
    int64_t i = 0;
#if FI_W == 8
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(out + i),
                            _mm512_cvtps_ph(_mm512_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
#elif FI_W == 4
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(out + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
#endif
    for (; i < n; i++) out[i] = fi_f32_to_f16(in[i]);
}
static void FI_FN(fi_narrow_bf16)(const float *in, uint16_t *out, int64_t n) {
    for (int64_t i = 0; i < n; i++) out[i] = fi_f32_to_bf16(in[i]);
}

/* Stream words [word0, word0 + n) into out. */
static void FI_FN(fi_philox_words)(const fi_stream *s, uint64_t word0, int64_t n, uint32_t *out) {
    uint64_t block = word0 >> 2;
    unsigned skip = (unsigned)(word0 & 3);
    if (skip && n > 0) { /* leading partial block */
        uint32_t tmp[4];
        fi_philox_block(s, block, tmp);
        int64_t take = (int64_t)(4 - skip) < n ? (int64_t)(4 - skip) : n;
        memcpy(out, tmp + skip, (size_t)take * 4);
        out += take;
        n -= take;
        block++;
    }
    for (; n >= 4 * FI_GROUP_BLOCKS; n -= 4 * FI_GROUP_BLOCKS, out += 4 * FI_GROUP_BLOCKS)
    {
        FI_FN(fi_philox_group)(s, block, out);
        block += FI_GROUP_BLOCKS;
    }
    if (n > 0) { /* trailing partial group */
        FI_ALIGN uint32_t tmp[4 * FI_GROUP_BLOCKS];
        FI_FN(fi_philox_group)(s, block, tmp);
        memcpy(out, tmp, (size_t)n * 4);
    }
}

/* One tile loop per (kind, dtype): words for a tile, then the transform.
 * STREAMED kernels (the fast ones, whose store bandwidth is the limit) write
 * calls of at least FI_STREAM_MIN_BYTES through an L1 buffer with
 * non-temporal stores; smaller calls, and the compute-bound kernels, store
 * in place so the values stay in cache. */
#define FI_DEFINE_FILL(NAME, WORDS_PER_ELEM, OUT_T, PREP_T, PREP_FN, ELEM_FN, STREAMED)     \
    static void FI_FN(NAME)(const fi_stream *s, uint64_t word0, int64_t n, void *out_,     \
                            const fi_params *p) {                                          \
        OUT_T *restrict out = (OUT_T *)out_;                                               \
        const PREP_T prm = PREP_FN(p);                                                     \
        const int streaming = (STREAMED) && (uint64_t)n * sizeof(OUT_T) >= FI_STREAM_MIN_BYTES; \
        FI_ALIGN uint32_t buf[FI_TILE];                                                    \
        FI_ALIGN OUT_T vals[(STREAMED) ? FI_TILE / (WORDS_PER_ELEM) : 1];                  \
        const int64_t tile = FI_TILE / (WORDS_PER_ELEM);                                   \
        while (n > 0) {                                                                    \
            const int64_t m = n < tile ? n : tile;                                         \
            FI_FN(fi_philox_words)(s, word0, m * (WORDS_PER_ELEM), buf);                   \
            if (streaming) {                                                               \
                for (int64_t i = 0; i < m; i++) vals[i] = ELEM_FN(buf, i, &prm);           \
                FI_FN(fi_copy_out)(out, vals, (size_t)m * sizeof(OUT_T));                  \
            } else {                                                                       \
                for (int64_t i = 0; i < m; i++) out[i] = ELEM_FN(buf, i, &prm);            \
            }                                                                              \
            out += m;                                                                      \
            n -= m;                                                                        \
            word0 += (uint64_t)m * (WORDS_PER_ELEM);                                       \
        }                                                                                  \
        if (streaming) FI_FENCE();                                                         \
    }

/* The float32-family normals, a tile at a time through fi_normal32.h's
 * blocks.  A tile is rounded up to whole blocks: the few extra words are
 * computed and dropped (every word is a pure function of its position, so
 * this changes nothing else).  float32 output is written in place. */
#define FI_NL (FI_W == 1 ? 1 : 2 * FI_W)
/* FI_MAX_VEC(a, b) / FI_MIN_VEC(a, b): exactly a > b ? a : b / a < b ? a : b
 * in every lane (what x86's maxps/minps compute, signed zeros included);
 * without them fi_normal32.h selects by masks, with the same result. */
#if FI_W == 8
#define FI_ANY_LANE(v) (_mm512_test_epi32_mask((__m512i)(v), (__m512i)(v)) != 0)
#define FI_FMA_VEC(a, b, c) _mm512_fmadd_ps((__m512)(a), (__m512)(b), (__m512)(c))
#define FI_MAX_VEC(a, b) _mm512_max_ps((__m512)(a), (__m512)(b))
#define FI_MIN_VEC(a, b) _mm512_min_ps((__m512)(a), (__m512)(b))
#elif FI_W == 4
#define FI_ANY_LANE(v) (!_mm256_testz_si256((__m256i)(v), (__m256i)(v)))
#define FI_FMA_VEC(a, b, c) _mm256_fmadd_ps((__m256)(a), (__m256)(b), (__m256)(c))
#define FI_MAX_VEC(a, b) _mm256_max_ps((__m256)(a), (__m256)(b))
#define FI_MIN_VEC(a, b) _mm256_min_ps((__m256)(a), (__m256)(b))
#elif FI_W == 2 && defined(FI_NEON)
/* no FI_MAX_VEC / FI_MIN_VEC: NEON's fmax/fmin order -0 below +0, which is
 * not a > b ? a : b, so fi_normal32.h's generic mask form is used */
#define FI_ANY_LANE(v) (vmaxvq_u32((uint32x4_t)(v)) != 0)
#define FI_FMA_VEC(a, b, c) vfmaq_f32((float32x4_t)(c), (float32x4_t)(a), (float32x4_t)(b))
#elif FI_W == 2
#define FI_ANY_LANE(v) (_mm_movemask_epi8((__m128i)(v)) != 0)
#define FI_MAX_VEC(a, b) _mm_max_ps((__m128)(a), (__m128)(b))
#define FI_MIN_VEC(a, b) _mm_min_ps((__m128)(a), (__m128)(b))
#else
#define FI_ANY_LANE(v) ((v)[0] != 0)
#endif
#include "fi_normal32.h"

#define FI_DEFINE_NORMAL32_FILL(NAME, OUT_T, NARROW, PREP_T, PREP_FN, BLOCK_FN)            \
    static void FI_FN(NAME)(const fi_stream *s, uint64_t word0, int64_t n, void *out_,     \
                            const fi_params *p) {                                          \
        OUT_T *restrict out = (OUT_T *)out_;                                               \
        const PREP_T a = PREP_FN(p);                                                       \
        const int streaming = (uint64_t)n * sizeof(OUT_T) >= FI_STREAM_MIN_BYTES;         \
        FI_ALIGN uint32_t buf[FI_TILE];                                                    \
        FI_ALIGN float vals[FI_TILE];                                                      \
        FI_ALIGN OUT_T narrow[sizeof(OUT_T) == 4 ? 1 : FI_TILE];                           \
        while (n > 0) {                                                                    \
            const int64_t m = n < FI_TILE ? n : FI_TILE;                                   \
            const int64_t whole = fi_round_up(m, FI_NORMAL32_BLOCK);                       \
            FI_FN(fi_philox_words)(s, word0, whole, buf);                                  \
            const int direct = sizeof(OUT_T) == 4 && whole == m && !streaming;            \
            float *dst = direct ? (float *)out : vals;                                     \
            for (int64_t i = 0; i < whole; i += FI_NORMAL32_BLOCK)                         \
                BLOCK_FN(buf + i, dst + i, &a);                                            \
            if (!direct && sizeof(OUT_T) == 4) {                                           \
                if (streaming) FI_FN(fi_copy_out)(out, vals, (size_t)m * sizeof(OUT_T));   \
                else memcpy(out, vals, (size_t)m * sizeof(OUT_T));                         \
            } else if (!direct && !streaming) {                                            \
                NARROW(vals, (uint16_t *)out, m);                                          \
            } else if (!direct) {                                                          \
                NARROW(vals, (uint16_t *)narrow, m);                                       \
                FI_FN(fi_copy_out)(out, narrow, (size_t)m * sizeof(OUT_T));                \
            }                                                                              \
            out += m;                                                                      \
            n -= m;                                                                        \
            word0 += (uint64_t)m;                                                          \
        }                                                                                  \
        if (streaming) FI_FENCE();                                                         \
    }

/* float32 output needs no narrowing (the fill never calls this) */
static inline void FI_FN(fi_narrow_none)(const float *in, uint16_t *out, int64_t n) {
    (void)in, (void)out, (void)n;
}
FI_DEFINE_NORMAL32_FILL(fill_normal_f32, float, FI_FN(fi_narrow_none), fi_affine32, fi_prep_affine32, FI_FN(fi_normal32_block))
FI_DEFINE_NORMAL32_FILL(fill_normal_f16, uint16_t, FI_FN(fi_narrow_f16), fi_affine32, fi_prep_affine32, FI_FN(fi_normal32_block))
FI_DEFINE_NORMAL32_FILL(fill_normal_bf16, uint16_t, FI_FN(fi_narrow_bf16), fi_affine32, fi_prep_affine32, FI_FN(fi_normal32_block))
FI_DEFINE_NORMAL32_FILL(fill_truncnorm_f32, float, FI_FN(fi_narrow_none), fi_trunc32, fi_prep_trunc32, FI_FN(fi_truncnorm32_block))
FI_DEFINE_NORMAL32_FILL(fill_truncnorm_f16, uint16_t, FI_FN(fi_narrow_f16), fi_trunc32, fi_prep_trunc32, FI_FN(fi_truncnorm32_block))
FI_DEFINE_NORMAL32_FILL(fill_truncnorm_bf16, uint16_t, FI_FN(fi_narrow_bf16), fi_trunc32, fi_prep_trunc32, FI_FN(fi_truncnorm32_block))
#undef FI_DEFINE_NORMAL32_FILL

static void FI_FN(fill_raw_u32)(const fi_stream *s, uint64_t word0, int64_t n, void *out,
                                const fi_params *p) {
    (void)p;
    if ((uint64_t)n * 4 < FI_STREAM_MIN_BYTES) {
        FI_FN(fi_philox_words)(s, word0, n, (uint32_t *)out);
        return;
    }
    FI_ALIGN uint32_t buf[FI_TILE];
    uint32_t *o = (uint32_t *)out;
    for (int64_t m; n > 0; n -= m, o += m, word0 += (uint64_t)m) {
        m = n < FI_TILE ? n : FI_TILE;
        FI_FN(fi_philox_words)(s, word0, m, buf);
        FI_FN(fi_copy_out)(o, buf, (size_t)m * 4);
    }
    FI_FENCE();
}

FI_DEFINE_FILL(fill_uniform_f32, 1, float, fi_affine32, fi_prep_affine32, fi_elem_uniform_f32, 1)
FI_DEFINE_FILL(fill_uniform_f64, 2, double, fi_affine64, fi_prep_affine64, fi_elem_uniform_f64, 1)
/* 16-bit uniforms: a tile of float32 values, then one narrowing pass. */
#define FI_DEFINE_UNIFORM16_FILL(NAME, NARROW)                                             \
    static void FI_FN(NAME)(const fi_stream *s, uint64_t word0, int64_t n, void *out_,     \
                            const fi_params *p) {                                          \
        uint16_t *restrict out = (uint16_t *)out_;                                         \
        const fi_affine32 a = fi_prep_affine32(p);                                         \
        const int streaming = (uint64_t)n * 2 >= FI_STREAM_MIN_BYTES;                     \
        FI_ALIGN uint32_t buf[FI_TILE];                                                    \
        FI_ALIGN float vals[FI_TILE];                                                      \
        FI_ALIGN uint16_t narrow[FI_TILE];                                                 \
        while (n > 0) {                                                                    \
            const int64_t m = n < FI_TILE ? n : FI_TILE;                                   \
            FI_FN(fi_philox_words)(s, word0, m, buf);                                      \
            for (int64_t i = 0; i < m; i++) vals[i] = fi_elem_uniform16(buf, i, &a);       \
            NARROW(vals, streaming ? narrow : out, m);                                     \
            if (streaming) FI_FN(fi_copy_out)(out, narrow, (size_t)m * 2);                 \
            out += m;                                                                      \
            n -= m;                                                                        \
            word0 += (uint64_t)m;                                                          \
        }                                                                                  \
        if (streaming) FI_FENCE();                                                         \
    }
FI_DEFINE_UNIFORM16_FILL(fill_uniform_f16, FI_FN(fi_narrow_f16))
FI_DEFINE_UNIFORM16_FILL(fill_uniform_bf16, FI_FN(fi_narrow_bf16))
#undef FI_DEFINE_UNIFORM16_FILL
/* float64 normals, a tile at a time (rounded up to whole blocks, as for
 * float32) through fi_normal64.h, which computes each lane's tail only where
 * it is needed and leaves PPND16's far tail (one draw in 2^34) to the scalar
 * function: the bits of fi_elem_normal_f64 and fi_elem_truncnorm_f64. */
#define FI_ND FI_W
#if FI_W == 8
#define FI_SQRT_VEC(v) _mm512_sqrt_pd((__m512d)(v))
#elif FI_W == 4
#define FI_SQRT_VEC(v) _mm256_sqrt_pd((__m256d)(v))
#elif FI_W == 2 && defined(FI_NEON)
#define FI_SQRT_VEC(v) vsqrtq_f64((float64x2_t)(v))
#elif FI_W == 2
#define FI_SQRT_VEC(v) _mm_sqrt_pd((__m128d)(v))
#else
#define FI_SQRT_VEC(v) ((__typeof__(v)){__builtin_sqrt((v)[0])})
#endif
#include "fi_normal64.h"

static void FI_FN(fill_normal_f64)(const fi_stream *s, uint64_t word0, int64_t n, void *out_,
                                   const fi_params *p) {
    double *restrict out = (double *)out_;
    const fi_affine64 a = fi_prep_affine64(p);
    FI_ALIGN uint32_t buf[FI_TILE];
    FI_FN(fi_normal64_scratch) scratch;
    while (n > 0) {
        const int64_t m = n < FI_NORMAL64_MAX ? n : FI_NORMAL64_MAX;
        FI_FN(fi_philox_words)(s, word0, 2 * fi_round_up(m, FI_NORMAL64_BLOCK), buf);
        FI_FN(fi_normal64_tile)(buf, m, out, &a, &scratch);
        out += m;
        n -= m;
        word0 += 2 * (uint64_t)m;
    }
}

static void FI_FN(fill_truncnorm_f64)(const fi_stream *s, uint64_t word0, int64_t n, void *out_,
                                      const fi_params *p) {
    double *restrict out = (double *)out_;
    const fi_trunc64 t = fi_prep_trunc64(p);
    FI_ALIGN uint32_t buf[FI_TILE];
    FI_FN(fi_normal64_scratch) scratch;
    while (n > 0) {
        const int64_t m = n < FI_NORMAL64_MAX ? n : FI_NORMAL64_MAX;
        FI_FN(fi_philox_words)(s, word0, 2 * fi_round_up(m, FI_NORMAL64_BLOCK), buf);
        FI_FN(fi_truncnorm64_tile)(buf, m, out, &t, &scratch);
        out += m;
        n -= m;
        word0 += 2 * (uint64_t)m;
    }
}
#undef FI_ND
#undef FI_ND_IL
#undef FI_NORMAL64_BLOCK
#undef FI_NORMAL64_MAX
#undef FI_LANES64
#undef FI_SQRT_VEC


/* this ISA's float32 -> float16 / bfloat16 narrowing (for fi_narrow) */
static void FI_FN(fi_narrow)(int dtype, const float *in, int64_t n, uint16_t *out) {
    if (dtype == FI_F16) FI_FN(fi_narrow_f16)(in, out, n);
    else FI_FN(fi_narrow_bf16)(in, out, n);
}

/* a * b - c as written: a build that contracts it into a fused multiply-add
 * although the source does not ask for one gives other bits (fi_platform.h) */
static double FI_FN(fi_contraction_probe)(const volatile double *v) { return v[0] * v[1] - v[2]; }

#include "fi_dists_impl.h"

static const fi_fill_fn FI_FN(fi_table)[FI_NKINDS][FI_NDTYPES] = {
    /* columns: U32, F32, F64, F16, BF16, U8, U16, U64 */
    [FI_RAW] = {FI_FN(fill_raw_u32), 0, 0, 0, 0},
    [FI_UNIFORM] = {0, FI_FN(fill_uniform_f32), FI_FN(fill_uniform_f64), FI_FN(fill_uniform_f16), FI_FN(fill_uniform_bf16)},
    [FI_NORMAL] = {0, FI_FN(fill_normal_f32), FI_FN(fill_normal_f64), FI_FN(fill_normal_f16), FI_FN(fill_normal_bf16)},
    [FI_TRUNCNORM] = {0, FI_FN(fill_truncnorm_f32), FI_FN(fill_truncnorm_f64), FI_FN(fill_truncnorm_f16), FI_FN(fill_truncnorm_bf16)},
    [FI_INTEGERS] = {FI_FN(fill_integers_u32), 0, 0, 0, 0, FI_FN(fill_integers_u8), FI_FN(fill_integers_u16), FI_FN(fill_integers_u64)},
#define FI_LOG_ROW(NAME) {0, FI_FN(fill_##NAME##_f32), FI_FN(fill_##NAME##_f64), FI_FN(fill_##NAME##_f16), FI_FN(fill_##NAME##_bf16)}
    [FI_EXPONENTIAL] = FI_LOG_ROW(exponential),
    [FI_LAPLACE] = FI_LOG_ROW(laplace),
    [FI_LOGISTIC] = FI_LOG_ROW(logistic),
    [FI_GUMBEL] = FI_LOG_ROW(gumbel),
    [FI_LOGNORMAL] = FI_LOG_ROW(lognormal),
#undef FI_LOG_ROW
};

#undef FI_DEFINE_FILL
#undef FI_FENCE
#undef FI_GROUP_BLOCKS
#undef FI_NL
#undef FI_ANY_LANE
#undef FI_FMA_VEC
#undef FI_MAX_VEC
#undef FI_MIN_VEC
#undef FI_NL_IL
#undef FI_NORMAL32_BLOCK
#undef FI_FN
#undef FI_CAT
#undef FI_CAT2
