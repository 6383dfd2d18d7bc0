/// @file nn/blas.cpp
/// @brief CBLAS, LAPACK and cuBLAS calls behind nn/blas.hpp (the only file
/// that includes cblas.h or cublas_v2.h or declares LAPACK's Fortran symbols).
#include "nn/blas.hpp"

#include "nn/error.hpp"
#include "nn/kokkos_types.hpp"

#include <cblas.h>

#include <algorithm>
#include <cstddef>
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

namespace {

/// First panel of each rank's range (size() + 1 entries) among the panels of
/// kSyrkPanel columns of an n×n C: panel p's work is its rectangle above the
/// diagonal block and that block's triangle, w·(j0 + w/2), so that the ranges
/// hold about equal work.
std::vector<int> balanced_panels(int n, int panels, const Communicator& communicator) {
  const auto work = [&](int p) {
    const double j0 = static_cast<double>(p) * kSyrkPanel, w = std::min(kSyrkPanel, n - p * kSyrkPanel);
    return w * (j0 + 0.5 * w);
  };
  double total = 0.0;
  for (int p = 0; p < panels; ++p) total += work(p);
  std::vector<int> first(static_cast<std::size_t>(communicator.size()) + 1, panels);
  first[0] = 0;
  double done = 0.0;
  int rank = 1;
  for (int p = 0; p < panels && rank < communicator.size(); ++p) {
    done += work(p);
    // Panel p goes to the rank whose share its middle falls in.
    while (rank < communicator.size() && done - 0.5 * work(p) >= total * rank / communicator.size())
      first[rank++] = p;
    while (rank < communicator.size() && done >= total * rank / communicator.size()) first[rank++] = p + 1;
  }
  return first;
}

}  // namespace

void syrk_upper(bool transpose, int n, int k, double alpha, const double* a, int lda, double beta, double* c,
                int ldc, const Communicator& communicator) {
  const CBLAS_TRANSPOSE op = transpose ? CblasTrans : CblasNoTrans;
  // Row/column j of op(A)·op(A)ᵀ's factor: A's row j (A·Aᵀ) or column j (Aᵀ·A).
  const std::size_t stride = transpose ? static_cast<std::size_t>(lda) : 1;
  const int panels = (n + kSyrkPanel - 1) / kSyrkPanel;
  // Panel p holds columns [j0, j0 + w) of C: the rectangle above its diagonal
  // block by one GEMM, the block's upper triangle by one SYRK. Every call is
  // single-threaded (inside the region by itself, and SequentialScope covers
  // a single panel and OpenBLAS's pthreads build), so the rounding is the
  // panels', not the thread count's.
  const SequentialScope one_thread;
  const auto panel = [=](const int q) {
    const int p = panels - 1 - q;  // widest rectangles first, for the balance
    const int j0 = p * kSyrkPanel, w = std::min(kSyrkPanel, n - j0);
    double* column = c + static_cast<std::size_t>(j0) * ldc;
    if (j0 > 0)
      cblas_dgemm(CblasColMajor, op, transpose ? CblasNoTrans : CblasTrans, j0, w, k, alpha, a, lda,
                  a + j0 * stride, lda, beta, column, ldc);
    cblas_dsyrk(CblasColMajor, CblasUpper, op, w, k, alpha, a + j0 * stride, lda, beta, column + j0, ldc);
  };
  if (communicator.distributed()) {
    PINN_REQUIRE(ldc == n, "syrk_upper over several ranks gathers whole columns: ldc " << ldc << " must be n " << n);
    const std::vector<int> first = balanced_panels(n, panels, communicator);
    const int begin = first[communicator.rank()], end = first[communicator.rank() + 1];
    // This rank's panels (q counts from the last panel), then every rank's columns.
    Kokkos::parallel_for("pinn::nn::blas::syrk_upper",
                         Kokkos::RangePolicy<HostExecSpace, Kokkos::Schedule<Kokkos::Dynamic>>(0, end - begin),
                         [=](const int i) { panel(panels - 1 - (begin + i)); });
    communicator.allgather_items(c, item_offsets(first, kSyrkPanel, n), ldc);
    return;
  }
  if (panels == 1) {
    panel(0);
    return;
  }
  Kokkos::parallel_for("pinn::nn::blas::syrk_upper",
                       Kokkos::RangePolicy<HostExecSpace, Kokkos::Schedule<Kokkos::Dynamic>>(0, panels), panel);
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
