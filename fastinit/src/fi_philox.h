/*
 * Philox4x32-10, scalar reference.
 *
 * Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3",
 * SC'11.  Round constants and the round function are the published ones
 * (Random123 philox.h); known-answer vectors live in tests/test_philox_kat.py.
 *
 * The fastinit stream (docs/STREAM.md, promise 2): Philox block number `b`
 * (64 bits) is encrypted with counter words
 *     ctr = { low32(b), high32(b), low32(stream_id), high32(stream_id) }
 * and key = { key0, key1 }.  Block b yields stream words 4b .. 4b+3, in
 * output order.  Nothing else is part of the state, so word w of a stream is
 * a pure function of (key, stream id, w).
 */
#ifndef FI_PHILOX_H
#define FI_PHILOX_H

#include <stdint.h>

#define FI_PHILOX_M0 0xD2511F53u
#define FI_PHILOX_M1 0xCD9E8D57u
#define FI_PHILOX_W0 0x9E3779B9u /* golden ratio */
#define FI_PHILOX_W1 0xBB67AE85u /* sqrt(3) - 1 */
#define FI_PHILOX_ROUNDS 10

typedef struct {
    uint32_t key[2];
    uint32_t stream[2];
} fi_stream;

static inline void fi_philox4x32_10(const uint32_t ctr_in[4],
                                    const uint32_t key_in[2],
                                    uint32_t out[4]) {
    uint32_t c0 = ctr_in[0], c1 = ctr_in[1], c2 = ctr_in[2], c3 = ctr_in[3];
    uint32_t k0 = key_in[0], k1 = key_in[1];
    for (int round = 0; round < FI_PHILOX_ROUNDS; round++) {
        if (round > 0) {
            k0 += FI_PHILOX_W0;
            k1 += FI_PHILOX_W1;
        }
        uint64_t p0 = (uint64_t)FI_PHILOX_M0 * c0;
        uint64_t p1 = (uint64_t)FI_PHILOX_M1 * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n1 = (uint32_t)p1;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        uint32_t n3 = (uint32_t)p0;
        c0 = n0; c1 = n1; c2 = n2; c3 = n3;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

/* The four stream words of block `block`. */
static inline void fi_philox_block(const fi_stream *s, uint64_t block,
                                   uint32_t out[4]) {
    uint32_t ctr[4] = {(uint32_t)block, (uint32_t)(block >> 32),
                       s->stream[0], s->stream[1]};
    fi_philox4x32_10(ctr, s->key, out);
}

#endif
