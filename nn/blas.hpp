/// @file nn/blas.hpp
/// @brief The BLAS and LAPACK calls the engine needs (the batched kernels'
/// products, the Gram matrix of the natural-gradient step and its Cholesky
/// factorisation), column-major: the one adapter between the engine and a
/// BLAS (nothing else calls one). On host memory the system BLAS; on an
/// execution space's memory (the overloads taking an ExecSpace) cuBLAS in a
/// CUDA build. The project links the system BLAS (tools/setup installs OpenBLAS,
/// whose kernels are chosen at run time for the CPU, AVX2/AVX-512 with FMA
/// included; the rest of the engine is compiled without -march).
///
/// Results do not depend on the number of threads. Called outside a parallel
/// region, OpenBLAS splits a routine over its threads (the OpenMP build over
/// omp_get_max_threads(), which Kokkos' initialisation sets to --threads), and
/// the split changes the rounding: with OpenBLAS 0.3.21, dpotrf, dgemv and
/// dgemm give bitwise different results at 1 and 2 threads. So gemv and the
/// Cholesky calls run on the calling thread (SequentialScope), and syrk_upper
/// runs in parallel over lanes of fixed blocks of its products, each block one
/// single-threaded call, whatever the thread count. gemm is left to BLAS: the
/// engine calls it only inside its per-block kernels, where it runs on one
/// thread (tools/bench_nn calls it from outside to measure the DGEMM rate).
#pragma once

#include "nn/communicator.hpp"
#include "nn/kokkos_types.hpp"

namespace pinn::blas {

/// C (m×n) = alpha · op(A) · op(B) + beta · C, every matrix column-major with
/// its leading dimension; op(X) = Xᵀ where the flag is true.
void gemm(bool transpose_a, bool transpose_b, int m, int n, int k, double alpha, const double* a, int lda,
          const double* b, int ldb, double beta, double* c, int ldc);

/// y (m or n) = alpha · op(A) · x + beta · y, A column-major (m×n, leading dimension lda).
void gemv(bool transpose_a, int m, int n, double alpha, const double* a, int lda, const double* x, double beta,
          double* y);

/// gemm and gemv on the memory of `space` (device pointers in a GPU build),
/// ordered after the kernels launched on it and before those launched after:
/// cuBLAS on the space's stream in a CUDA build (asynchronous), the host
/// BLAS on a host backend (threaded as the BLAS chooses, so reproducible for
/// a given thread count only). The device-shaped batched path
/// (batched_gradient_device.hpp) runs its layer products through them.
void gemm(const ExecSpace& space, bool transpose_a, bool transpose_b, int m, int n, int k, double alpha,
          const double* a, int lda, const double* b, int ldb, double beta, double* c, int ldc);
void gemv(const ExecSpace& space, bool transpose_a, int m, int n, double alpha, const double* a, int lda,
          const double* x, double beta, double* y);

/// syrk_upper's products in blocks of kSyrkRows, dealt in turn to at most
/// kSyrkLanes lanes (both fixed: the rounding must not depend on the thread count).
constexpr int kSyrkRows = 1024;
constexpr int kSyrkLanes = 8;

/// C (n×n, upper triangle) = alpha · A·Aᵀ + beta · C, A n×k (or, with
/// `transpose`, Aᵀ·A with A k×n), column-major. The k rank-one products come
/// in blocks of kSyrkRows; lane l sums blocks l, l + L, l + 2L, … (L lanes)
/// by single-threaded calls, one lane per task on the host threads, and the
/// lanes add up in lane order, so every element is the same at any thread
/// count. With a communicator of several ranks, each rank computes a range
/// of the lanes and the lanes are gathered: every rank ends with the whole C,
/// bitwise as one process computes it. Scratch memory: L·n² doubles.
void syrk_upper(bool transpose, int n, int k, double alpha, const double* a, int lda, double beta, double* c,
                int ldc, const Communicator& communicator = Communicator());

/// Cholesky factorisation of the symmetric positive definite n×n matrix
/// whose upper triangle `a` holds (overwritten by the factor U, A = UᵀU).
/// Returns false when A is not positive definite (numerically).
bool cholesky_upper(int n, double* a, int lda);

/// Solves A x = b with the factor of cholesky_upper; b (n) is overwritten by x.
void cholesky_solve_upper(int n, const double* factor, int lda, double* b);

/// While alive, BLAS and LAPACK calls made from this thread outside a
/// parallel region run on it alone (see the top of this file for why). The
/// adapter's own calls use it; code that calls LAPACK by itself (Ceres' dense
/// Cholesky in the ceres_lm stage) runs inside one. OpenBLAS's OpenMP build
/// follows omp_get_max_threads() of the calling thread, its pthreads build its
/// own count: the scope sets either to 1 and restores it. Inside a parallel
/// region, or for a sequential or another BLAS, it does nothing.
class SequentialScope {
 public:
  SequentialScope();
  ~SequentialScope();
  SequentialScope(const SequentialScope&) = delete;
  SequentialScope& operator=(const SequentialScope&) = delete;

 private:
  int saved_threads_ = 0;
};

/// While alive, BLAS runs every call on the calling thread. The batched
/// kernels call BLAS from inside their own parallel region, one block of
/// points per thread: OpenBLAS's OpenMP build does this by itself, its
/// pthreads build (which Debian prefers once installed, e.g. alongside
/// PyTorch) would start its own threads inside every call. A no-op for other
/// BLAS libraries.
class SingleThreadedScope {
 public:
  SingleThreadedScope();
  ~SingleThreadedScope();
  SingleThreadedScope(const SingleThreadedScope&) = delete;
  SingleThreadedScope& operator=(const SingleThreadedScope&) = delete;

 private:
  int saved_threads_ = 0;
};

}  // namespace pinn::blas
