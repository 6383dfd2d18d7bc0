/// @file nn/blas.cpp
/// @brief CBLAS, LAPACK and cuBLAS calls behind nn/blas.hpp (the only file
/// that includes cblas.h or cublas_v2.h or declares LAPACK's Fortran symbols).
#include "nn/blas.hpp"

#include "nn/error.hpp"
#include "nn/kokkos_types.hpp"

#include <cblas.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#ifdef PINN_HAVE_CUBLAS
#include <cublas_v2.h>
#endif

// OpenBLAS's thread control, weak so that any other BLAS links too (then the
// addresses are null and the scopes do nothing).
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
  const SequentialScope one_thread;
  cblas_dgemv(CblasColMajor, transpose_a ? CblasTrans : CblasNoTrans, m, n, alpha, a, lda, x, 1, beta, y, 1);
}

#ifdef PINN_HAVE_CUBLAS
namespace {

/// The process's cuBLAS handle, made on first use and destroyed when Kokkos
/// finalises (while the CUDA context still exists).
cublasHandle_t cublas_handle() {
  static const cublasHandle_t handle = [] {
    cublasHandle_t made = nullptr;
    PINN_REQUIRE(cublasCreate(&made) == CUBLAS_STATUS_SUCCESS, "cuBLAS could not be initialised");
    Kokkos::push_finalize_hook([made] { cublasDestroy(made); });
    return made;
  }();
  return handle;
}

/// The handle on `space`'s stream, so that its products run in order with the space's kernels.
cublasHandle_t cublas_on(const ExecSpace& space) {
  const cublasHandle_t handle = cublas_handle();
  PINN_REQUIRE(cublasSetStream(handle, space.cuda_stream()) == CUBLAS_STATUS_SUCCESS, "cublasSetStream failed");
  return handle;
}

cublasOperation_t operation(bool transpose) { return transpose ? CUBLAS_OP_T : CUBLAS_OP_N; }

}  // namespace

void gemm(const ExecSpace& space, bool transpose_a, bool transpose_b, int m, int n, int k, double alpha,
          const double* a, int lda, const double* b, int ldb, double beta, double* c, int ldc) {
  const cublasStatus_t status = cublasDgemm(cublas_on(space), operation(transpose_a), operation(transpose_b), m, n, k,
                                            &alpha, a, lda, b, ldb, &beta, c, ldc);
  PINN_REQUIRE(status == CUBLAS_STATUS_SUCCESS, "cublasDgemm failed (status " << status << ") for m " << m << ", n "
                                                                                << n << ", k " << k);
}

void gemv(const ExecSpace& space, bool transpose_a, int m, int n, double alpha, const double* a, int lda,
          const double* x, double beta, double* y) {
  const cublasStatus_t status =
      cublasDgemv(cublas_on(space), operation(transpose_a), m, n, &alpha, a, lda, x, 1, &beta, y, 1);
  PINN_REQUIRE(status == CUBLAS_STATUS_SUCCESS, "cublasDgemv failed (status " << status << ") for m " << m << ", n "
                                                                                << n);
}
#else
// A host backend: the space's kernels have finished when their dispatch
// returns (OpenMP, Serial), so the host BLAS may run at once.
static_assert(Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemSpace>::accessible,
              "a device backend other than CUDA needs its BLAS in nn/blas.cpp");

void gemm(const ExecSpace&, bool transpose_a, bool transpose_b, int m, int n, int k, double alpha, const double* a,
          int lda, const double* b, int ldb, double beta, double* c, int ldc) {
  gemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemv(const ExecSpace&, bool transpose_a, int m, int n, double alpha, const double* a, int lda, const double* x,
          double beta, double* y) {
  cblas_dgemv(CblasColMajor, transpose_a ? CblasTrans : CblasNoTrans, m, n, alpha, a, lda, x, 1, beta, y, 1);
}
#endif

void syrk_upper(bool transpose, int n, int k, double alpha, const double* a, int lda, double beta, double* c,
                int ldc, const Communicator& communicator) {
  const CBLAS_TRANSPOSE op = transpose ? CblasTrans : CblasNoTrans;
  // Where product l of op(A) starts: A's column l (A·Aᵀ) or row l (Aᵀ·A).
  const std::size_t stride = transpose ? 1 : static_cast<std::size_t>(lda);
  const int blocks = std::max(1, (k + kSyrkRows - 1) / kSyrkRows);
  const int lanes = std::min(kSyrkLanes, blocks);
  const std::size_t size = static_cast<std::size_t>(n) * n;
  // Lane l: alpha · Σ of blocks l, l + lanes, l + 2·lanes, … (in that order)
  // on one thread, single-threaded calls (SequentialScope covers a single
  // lane and OpenBLAS's pthreads build). Each block streams its rows of A
  // through the cache once, where column panels read A once per panel.
  // Not zeroed: each lane's first call writes its block with beta = 0.
  const std::unique_ptr<double[]> sums(new double[size * static_cast<std::size_t>(lanes)]);
  const SequentialScope one_thread;
  const auto lane = [=, data = sums.get()](const int l) {
    double* out = data + size * static_cast<std::size_t>(l);
    for (int block = l; block < blocks; block += lanes) {
      const int first = block * kSyrkRows, count = std::max(0, std::min(kSyrkRows, k - first));
      cblas_dsyrk(CblasColMajor, CblasUpper, op, n, count, alpha, a + static_cast<std::size_t>(first) * stride, lda,
                  block == l ? 0.0 : 1.0, out, n);
    }
  };
  if (communicator.distributed()) {
    // This rank's lanes, then every rank's: each rank adds them up as one process does.
    const std::vector<int> first = communicator.split(lanes);
    Kokkos::parallel_for("pinn::nn::blas::syrk_upper",
                         Kokkos::RangePolicy<HostExecSpace, Kokkos::Schedule<Kokkos::Dynamic>>(
                             first[communicator.rank()], first[communicator.rank() + 1]),
                         lane);
    communicator.allgather_items(sums.get(), first, static_cast<long>(size));
  } else if (lanes == 1) {
    lane(0);
  } else {
    Kokkos::parallel_for("pinn::nn::blas::syrk_upper",
                         Kokkos::RangePolicy<HostExecSpace, Kokkos::Schedule<Kokkos::Dynamic>>(0, lanes), lane);
  }
  // C = beta·C + the lanes in lane order, column by column on all threads.
  Kokkos::parallel_for("pinn::nn::blas::syrk_upper_sum", Kokkos::RangePolicy<HostExecSpace>(0, n),
                       [=, data = sums.get()](const int j) {
                         double* column = c + static_cast<std::size_t>(j) * ldc;
                         for (int i = 0; i <= j; ++i) {
                           double sum = beta == 0.0 ? 0.0 : beta * column[i];
                           for (int l = 0; l < lanes; ++l)
                             sum += data[size * static_cast<std::size_t>(l) + static_cast<std::size_t>(j) * n + i];
                           column[i] = sum;
                         }
                       });
}

bool cholesky_upper(int n, double* a, int lda) {
  const SequentialScope one_thread;
  const char uplo = 'U';
  int info = 0;
  dpotrf_(&uplo, &n, a, &lda, &info);
  return info == 0;
}

void cholesky_solve_upper(int n, const double* factor, int lda, double* b) {
  const SequentialScope one_thread;
  const char uplo = 'U';
  const int nrhs = 1;
  int info = 0;
  dpotrs_(&uplo, &n, &nrhs, factor, &lda, b, &n, &info);
}

SequentialScope::SequentialScope() {
  if (openblas_get_parallel == nullptr || openblas_get_num_threads == nullptr || openblas_set_num_threads == nullptr)
    return;
  switch (openblas_get_parallel()) {
    case 1:  // pthreads: its own thread count
      saved_threads_ = openblas_get_num_threads();
      break;
    case 2:  // OpenMP: the calling thread's omp_get_max_threads(), sequential inside a parallel region
#ifdef _OPENMP
      saved_threads_ = omp_in_parallel() ? 1 : omp_get_max_threads();
#else
      saved_threads_ = openblas_get_num_threads();
#endif
      break;
    default: return;
  }
  // openblas_set_num_threads also sets the OpenMP build's omp_set_num_threads,
  // so the destructor restores omp_get_max_threads() as it found it.
  if (saved_threads_ > 1) openblas_set_num_threads(1);
}

SequentialScope::~SequentialScope() {
  if (saved_threads_ > 1) openblas_set_num_threads(saved_threads_);
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
