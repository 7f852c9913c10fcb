/*
 * gemm_x86.c - the float32 micro-kernels for x86-64: AVX-512 (12 x 32)
 * and AVX2 + FMA (6 x 16). Each computes one MR x NR tile of C from a
 * packed strip of A (a[p][MR]) and a packed panel of B (b[p][NR]) over kc
 * steps, holding the whole tile in registers.
 *
 * Compiled with per-function target attributes, so the default build
 * needs no -march flag; gemm.c calls one only after cpuid said the CPU
 * has it. Elsewhere (other compilers or CPUs) this file is empty and the
 * portable kernels run.
 */
#include "gemm.h"

#if BP_GEMM_X86

#include <immintrin.h>
#include <string.h>

/* Store a tile: all of it, or its valid mr x nr corner; overwrite or add. */
#define STORE_TILE(MR, NR, tile)                                              \
    do {                                                                      \
        for (int i = 0; i < mr; i++)                                          \
            for (int j = 0; j < nr; j++)                                      \
                c[(size_t)i * ldc + j] =                                      \
                    accumulate ? c[(size_t)i * ldc + j] + tile[i][j]          \
                               : tile[i][j];                                  \
    } while (0)

__attribute__((target("avx512f")))
void bp__uk_avx512(int kc, const float *a, const float *b, float *c, int ldc,
                   int mr, int nr, int accumulate)
{
    __m512 c0[12], c1[12];
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) {
        c0[i] = _mm512_setzero_ps();
        c1[i] = _mm512_setzero_ps();
    }
    for (int p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_loadu_ps(b + (size_t)p * 32);
        const __m512 b1 = _mm512_loadu_ps(b + (size_t)p * 32 + 16);
        const float *ap = a + (size_t)p * 12;
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++) {
            const __m512 ai = _mm512_set1_ps(ap[i]);
            c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);
            c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);
        }
    }
    if (mr == 12 && nr == 32) {
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++) {
            float *ci = c + (size_t)i * ldc;
            if (accumulate) {
                c0[i] = _mm512_add_ps(_mm512_loadu_ps(ci), c0[i]);
                c1[i] = _mm512_add_ps(_mm512_loadu_ps(ci + 16), c1[i]);
            }
            _mm512_storeu_ps(ci, c0[i]);
            _mm512_storeu_ps(ci + 16, c1[i]);
        }
        return;
    }
    float tile[12][32];
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) {
        _mm512_storeu_ps(tile[i], c0[i]);
        _mm512_storeu_ps(tile[i] + 16, c1[i]);
    }
    STORE_TILE(12, 32, tile);
}

__attribute__((target("avx2,fma")))
void bp__uk_avx2(int kc, const float *a, const float *b, float *c, int ldc,
                 int mr, int nr, int accumulate)
{
    __m256 c0[6], c1[6];
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        c0[i] = _mm256_setzero_ps();
        c1[i] = _mm256_setzero_ps();
    }
    for (int p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_loadu_ps(b + (size_t)p * 16);
        const __m256 b1 = _mm256_loadu_ps(b + (size_t)p * 16 + 8);
        const float *ap = a + (size_t)p * 6;
#pragma GCC unroll 6
        for (int i = 0; i < 6; i++) {
            const __m256 ai = _mm256_broadcast_ss(ap + i);
            c0[i] = _mm256_fmadd_ps(ai, b0, c0[i]);
            c1[i] = _mm256_fmadd_ps(ai, b1, c1[i]);
        }
    }
    if (mr == 6 && nr == 16) {
#pragma GCC unroll 6
        for (int i = 0; i < 6; i++) {
            float *ci = c + (size_t)i * ldc;
            if (accumulate) {
                c0[i] = _mm256_add_ps(_mm256_loadu_ps(ci), c0[i]);
                c1[i] = _mm256_add_ps(_mm256_loadu_ps(ci + 8), c1[i]);
            }
            _mm256_storeu_ps(ci, c0[i]);
            _mm256_storeu_ps(ci + 8, c1[i]);
        }
        return;
    }
    float tile[6][16];
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        _mm256_storeu_ps(tile[i], c0[i]);
        _mm256_storeu_ps(tile[i] + 8, c1[i]);
    }
    STORE_TILE(6, 16, tile);
}

int bp__cpu_has(const char *feature)
{
    __builtin_cpu_init();
    if (strcmp(feature, "avx512f") == 0)
        return __builtin_cpu_supports("avx512f");
    if (strcmp(feature, "avx2") == 0)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return 0;
}

#else

int bp__cpu_has(const char *feature)
{
    (void)feature;
    return 0;
}

#endif
