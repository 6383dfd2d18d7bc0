/// @file nn/blas.hpp
/// @brief The two BLAS calls the batched kernels need, column-major, on host
/// memory. The project links the system BLAS (tools/setup installs OpenBLAS,
/// whose kernels are chosen at run time for the CPU, AVX2/AVX-512 with FMA
/// included; the rest of the engine is compiled without -march).
#pragma once

namespace pinn::blas {

/// C (m×n) = alpha · op(A) · op(B) + beta · C, every matrix column-major with
/// its leading dimension; op(X) = Xᵀ where the flag is true.
void gemm(bool transpose_a, bool transpose_b, int m, int n, int k, double alpha, const double* a, int lda,
          const double* b, int ldb, double beta, double* c, int ldc);

/// y (m or n) = alpha · op(A) · x + beta · y, A column-major (m×n, leading dimension lda).
void gemv(bool transpose_a, int m, int n, double alpha, const double* a, int lda, const double* x, double beta,
          double* y);

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
