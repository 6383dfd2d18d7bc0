/// @file nn/blas.cpp
/// @brief CBLAS and LAPACK calls behind nn/blas.hpp (the only file that
/// includes cblas.h or declares LAPACK's Fortran symbols).
#include "nn/blas.hpp"

#include <cblas.h>

// OpenBLAS's thread control, weak so that any other BLAS links too (then the
// addresses are null and SingleThreadedScope does nothing).
extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
int openblas_get_parallel(void);
}
#pragma weak openblas_set_num_threads
#pragma weak openblas_get_num_threads
#pragma weak openblas_get_parallel

// LAPACK's Fortran interface (every argument by address).
extern "C" {
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info);
void dpotrs_(const char* uplo, const int* n, const int* nrhs, const double* a, const int* lda, double* b,
             const int* ldb, int* info);
}

namespace pinn::blas {

void gemm(bool transpose_a, bool transpose_b, int m, int n, int k, double alpha, const double* a, int lda,
          const double* b, int ldb, double beta, double* c, int ldc) {
  cblas_dgemm(CblasColMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, m, n,
              k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemv(bool transpose_a, int m, int n, double alpha, const double* a, int lda, const double* x, double beta,
          double* y) {
  cblas_dgemv(CblasColMajor, transpose_a ? CblasTrans : CblasNoTrans, m, n, alpha, a, lda, x, 1, beta, y, 1);
}

void syrk_upper(bool transpose, int n, int k, double alpha, const double* a, int lda, double beta, double* c,
                int ldc) {
  cblas_dsyrk(CblasColMajor, CblasUpper, transpose ? CblasTrans : CblasNoTrans, n, k, alpha, a, lda, beta, c, ldc);
}

bool cholesky_upper(int n, double* a, int lda) {
  const char uplo = 'U';
  int info = 0;
  dpotrf_(&uplo, &n, a, &lda, &info);
  return info == 0;
}

void cholesky_solve_upper(int n, const double* factor, int lda, double* b) {
  const char uplo = 'U';
  const int nrhs = 1;
  int info = 0;
  dpotrs_(&uplo, &n, &nrhs, factor, &lda, b, &n, &info);
}

SingleThreadedScope::SingleThreadedScope() {
  // openblas_get_parallel: 0 sequential, 1 pthreads, 2 OpenMP (which runs
  // single-threaded inside a parallel region by itself; its set_num_threads
  // would also change OpenMP's default).
  if (openblas_get_parallel == nullptr || openblas_get_num_threads == nullptr || openblas_set_num_threads == nullptr ||
      openblas_get_parallel() != 1)
    return;
  saved_threads_ = openblas_get_num_threads();
  if (saved_threads_ != 1) openblas_set_num_threads(1);
}

SingleThreadedScope::~SingleThreadedScope() {
  if (saved_threads_ > 1) openblas_set_num_threads(saved_threads_);
}

}  // namespace pinn::blas
