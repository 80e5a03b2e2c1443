/*
 * The kernels of one instruction set.  fi_kernels.c includes this file once
 * per ISA with FI_ISA (a name suffix) and FI_W (Philox blocks per SIMD group:
 * 16 for AVX-512, 8 for AVX2, 4 for SSE2, 1 for scalar) defined, under the
 * matching `#pragma GCC target`.
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
#define VU32 FI_FN(vu32)
#define VU64 FI_FN(vu64)
typedef uint32_t VU32 __attribute__((vector_size(4 * FI_W)));
typedef uint64_t VU64 __attribute__((vector_size(4 * FI_W)));

#if FI_W == 16
#define FI_MUL_EVEN(a, b) ((VU64)_mm512_mul_epu32((__m512i)(a), (__m512i)(b)))
#define FI_ZIP32_LO {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23}
#define FI_ZIP32_HI {8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31}
#define FI_ZIP64_LO {0, 8, 1, 9, 2, 10, 3, 11}
#define FI_ZIP64_HI {4, 12, 5, 13, 6, 14, 7, 15}
#define FI_LANES {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
#elif FI_W == 8
#define FI_MUL_EVEN(a, b) ((VU64)_mm256_mul_epu32((__m256i)(a), (__m256i)(b)))
#define FI_ZIP32_LO {0, 8, 1, 9, 2, 10, 3, 11}
#define FI_ZIP32_HI {4, 12, 5, 13, 6, 14, 7, 15}
#define FI_ZIP64_LO {0, 4, 1, 5}
#define FI_ZIP64_HI {2, 6, 3, 7}
#define FI_LANES {0, 1, 2, 3, 4, 5, 6, 7}
#elif FI_W == 4
#define FI_MUL_EVEN(a, b) ((VU64)_mm_mul_epu32((__m128i)(a), (__m128i)(b)))
#define FI_ZIP32_LO {0, 4, 1, 5}
#define FI_ZIP32_HI {2, 6, 3, 7}
#define FI_ZIP64_LO {0, 2}
#define FI_ZIP64_HI {1, 3}
#define FI_LANES {0, 1, 2, 3}
#else
#error "FI_W must be 1, 4, 8 or 16"
#endif

/* lo and hi halves of the 32x32 products m * a, lane by lane.  The multiply
 * instruction only uses even lanes, so odd lanes are shifted down first. */
static inline void FI_FN(fi_mulhilo)(VU32 a, VU32 m, VU32 *lo, VU32 *hi) {
    const VU32 even = (VU32)((VU64){0} + 0x00000000FFFFFFFFull);
    VU64 pe = FI_MUL_EVEN(a, m);
    VU64 po = FI_MUL_EVEN((VU32)((VU64)a >> 32), m);
    *lo = ((VU32)pe & even) | (VU32)(po << 32);
    *hi = (VU32)(pe >> 32) | ((VU32)po & ~even);
}

/* FI_W consecutive Philox blocks starting at `block`, stored in stream order. */
static inline void FI_FN(fi_philox_group)(const fi_stream *s, uint64_t block, uint32_t *out) {
    const VU32 lanes = FI_LANES;
    const VU32 zero = {0};
    const VU32 lo = zero + (uint32_t)block;
    VU32 c0 = lo + lanes;
    VU32 c1 = (zero + (uint32_t)(block >> 32)) - (VU32)(c0 < lo); /* carry into the high word */
    VU32 c2 = zero + s->stream[0];
    VU32 c3 = zero + s->stream[1];
    const VU32 m0 = zero + FI_PHILOX_M0, m1 = zero + FI_PHILOX_M1;
    uint32_t k0 = s->key[0], k1 = s->key[1];
    for (int round = 0; round < FI_PHILOX_ROUNDS; round++) {
        if (round > 0) {
            k0 += FI_PHILOX_W0;
            k1 += FI_PHILOX_W1;
        }
        VU32 lo0, hi0, lo1, hi1;
        FI_FN(fi_mulhilo)(c0, m0, &lo0, &hi0);
        FI_FN(fi_mulhilo)(c2, m1, &lo1, &hi1);
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    /* Transpose 4 x FI_W (word-major) into FI_W x 4 (block-major). */
    const VU32 zlo = FI_ZIP32_LO, zhi = FI_ZIP32_HI;
    const VU64 wlo = FI_ZIP64_LO, whi = FI_ZIP64_HI;
    VU64 t0 = (VU64)__builtin_shuffle(c0, c1, zlo), t1 = (VU64)__builtin_shuffle(c0, c1, zhi);
    VU64 t2 = (VU64)__builtin_shuffle(c2, c3, zlo), t3 = (VU64)__builtin_shuffle(c2, c3, zhi);
    VU64 u0 = __builtin_shuffle(t0, t2, wlo), u1 = __builtin_shuffle(t0, t2, whi);
    VU64 u2 = __builtin_shuffle(t1, t3, wlo), u3 = __builtin_shuffle(t1, t3, whi);
    memcpy(out, &u0, sizeof u0);
    memcpy(out + FI_W, &u1, sizeof u1);
    memcpy(out + 2 * FI_W, &u2, sizeof u2);
    memcpy(out + 3 * FI_W, &u3, sizeof u3);
}
#undef FI_MUL_EVEN
#undef FI_ZIP32_LO
#undef FI_ZIP32_HI
#undef FI_ZIP64_LO
#undef FI_ZIP64_HI
#undef FI_LANES
#undef VU32
#undef VU64
#else
static inline void FI_FN(fi_philox_group)(const fi_stream *s, uint64_t block, uint32_t *out) {
    fi_philox_block(s, block, out);
}
#endif

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
    for (; n >= 4 * FI_W; n -= 4 * FI_W, out += 4 * FI_W, block += FI_W)
        FI_FN(fi_philox_group)(s, block, out);
    if (n > 0) { /* trailing partial group */
        FI_ALIGN uint32_t tmp[4 * FI_W];
        FI_FN(fi_philox_group)(s, block, tmp);
        memcpy(out, tmp, (size_t)n * 4);
    }
}

/* One tile loop per (kind, dtype): words for a tile, then the transform. */
#define FI_DEFINE_FILL(NAME, WORDS_PER_ELEM, OUT_T, PREP_T, PREP_FN, ELEM_FN)               \
    static void FI_FN(NAME)(const fi_stream *s, uint64_t word0, int64_t n, void *out_,     \
                            const fi_params *p) {                                          \
        OUT_T *restrict out = (OUT_T *)out_;                                               \
        const PREP_T prm = PREP_FN(p);                                                     \
        FI_ALIGN uint32_t buf[FI_TILE];                                                    \
        const int64_t tile = FI_TILE / (WORDS_PER_ELEM);                                   \
        while (n > 0) {                                                                    \
            const int64_t m = n < tile ? n : tile;                                         \
            FI_FN(fi_philox_words)(s, word0, m * (WORDS_PER_ELEM), buf);                   \
            for (int64_t i = 0; i < m; i++) out[i] = ELEM_FN(buf, i, &prm);                \
            out += m;                                                                      \
            n -= m;                                                                        \
            word0 += (uint64_t)m * (WORDS_PER_ELEM);                                       \
        }                                                                                  \
    }

static void FI_FN(fill_raw_u32)(const fi_stream *s, uint64_t word0, int64_t n, void *out,
                                const fi_params *p) {
    (void)p;
    FI_FN(fi_philox_words)(s, word0, n, (uint32_t *)out);
}

FI_DEFINE_FILL(fill_uniform_f32, 1, float, fi_affine32, fi_prep_affine32, fi_elem_uniform_f32)
FI_DEFINE_FILL(fill_uniform_f64, 2, double, fi_affine64, fi_prep_affine64, fi_elem_uniform_f64)
FI_DEFINE_FILL(fill_uniform_f16, 1, uint16_t, fi_affine32, fi_prep_affine32, fi_elem_uniform_f16)
FI_DEFINE_FILL(fill_uniform_bf16, 1, uint16_t, fi_affine32, fi_prep_affine32, fi_elem_uniform_bf16)
FI_DEFINE_FILL(fill_normal_f32, 1, float, fi_affine32, fi_prep_affine32, fi_elem_normal_f32)
FI_DEFINE_FILL(fill_normal_f64, 2, double, fi_affine64, fi_prep_affine64, fi_elem_normal_f64)
FI_DEFINE_FILL(fill_normal_f16, 1, uint16_t, fi_affine32, fi_prep_affine32, fi_elem_normal_f16)
FI_DEFINE_FILL(fill_normal_bf16, 1, uint16_t, fi_affine32, fi_prep_affine32, fi_elem_normal_bf16)
FI_DEFINE_FILL(fill_truncnorm_f32, 1, float, fi_trunc32, fi_prep_trunc32, fi_elem_truncnorm_f32)
FI_DEFINE_FILL(fill_truncnorm_f64, 2, double, fi_trunc64, fi_prep_trunc64, fi_elem_truncnorm_f64)
FI_DEFINE_FILL(fill_truncnorm_f16, 1, uint16_t, fi_trunc32, fi_prep_trunc32, fi_elem_truncnorm_f16)
FI_DEFINE_FILL(fill_truncnorm_bf16, 1, uint16_t, fi_trunc32, fi_prep_trunc32, fi_elem_truncnorm_bf16)

static const fi_fill_fn FI_FN(fi_table)[FI_NKINDS][FI_NDTYPES] = {
    /* columns: U32, F32, F64, F16, BF16 */
    [FI_RAW] = {FI_FN(fill_raw_u32), 0, 0, 0, 0},
    [FI_UNIFORM] = {0, FI_FN(fill_uniform_f32), FI_FN(fill_uniform_f64), FI_FN(fill_uniform_f16), FI_FN(fill_uniform_bf16)},
    [FI_NORMAL] = {0, FI_FN(fill_normal_f32), FI_FN(fill_normal_f64), FI_FN(fill_normal_f16), FI_FN(fill_normal_bf16)},
    [FI_TRUNCNORM] = {0, FI_FN(fill_truncnorm_f32), FI_FN(fill_truncnorm_f64), FI_FN(fill_truncnorm_f16), FI_FN(fill_truncnorm_bf16)},
};

#undef FI_DEFINE_FILL
#undef FI_FN
#undef FI_CAT
#undef FI_CAT2
