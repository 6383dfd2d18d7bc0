/// @file tests/solver/test_thread_count.cpp
/// @brief The least-squares stages (ceres_lm, natural_gradient) give bitwise
/// the same network, and every stage the same reported losses, at 1 and 2
/// threads. Kokkos is initialised once per process, so the test runs this
/// binary again with --kokkos-threads=1 and 2 (as `obstacle-pinn run
/// --threads` does) and compares checksums. Threaded OpenBLAS (dpotrf in
/// Ceres' dense Cholesky and in the Gauss–Newton step, dgemv for Jᵀr), Ceres'
/// per-thread partial sums of the cost and the parallel_reduce of the
/// reported loss made them differ in the last bits; nn/blas.hpp,
/// solver/stages/ceres_lm_stage.cpp and solver/training_loss.cpp say how that
/// is avoided.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include "tests/child_checksum.hpp"

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

/// FNV-1a of the bytes of the parameters, rel L2 and stage losses of short runs of
/// obstacle1d: Adam, then the given stage. `interior` 96 gives 417 residuals
/// (energy form, two per point, hard boundary conditions) or 419 (penalty)
/// and 321 parameters. The natural-gradient runs take 1100 points: 2200
/// residuals, so the parameter space, its Gram matrix's products over more
/// than one of syrk_upper's row blocks and lanes.
std::uint64_t least_squares_checksum() {
  pinn_test::Fnv1a hash;
  const auto mix = [&](const void* data, std::size_t n) { hash.mix(data, n); };
  const std::vector<std::vector<std::string>> runs = {
      // dpotrf inside Ceres (hard boundary conditions: two residual blocks).
      {"stage.1={type = \"ceres_lm\", iterations = 20, multiplier_updates = 1}"},
      // Three residual blocks: Ceres' per-thread partial sums of the cost.
      {"stage.1={type = \"ceres_lm\", iterations = 40, multiplier_updates = 1}", "loss.boundary=\"penalty\""},
      // The row blocks of Jᵀr, the lanes of syrk_upper, dpotrf and dpotrs.
      {"stage.1={type = \"natural_gradient\", iterations = 10, multiplier_updates = 1}", "sampling.interior=1100"},
      {"stage.1={type = \"natural_gradient\", iterations = 10, multiplier_updates = 0, "
       "step_control = \"line_search\"}",
       "sampling.interior=1100"},
      // The residual space (28 residuals < 321 parameters): J̃J̃ᵀ and the step by dgemv.
      {"stage.1={type = \"natural_gradient\", iterations = 10, multiplier_updates = 0}", "sampling.interior=12"},
  };
  for (const std::vector<std::string>& run : runs) {
    std::vector<std::string> overrides = {"sampling.interior=96", "stage.0.iterations=200",
                                          "stage.0.multiplier_updates=1", "output.log_every=1000"};
    overrides.insert(overrides.end(), run.begin(), run.end());
    pinn::CaseConfig config =
        pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml", overrides);
    pinn::RunOptions options;
    options.quiet = true;
    options.write_files = false;
    pinn::ObstacleSolver solver(config, options);
    const pinn::RunResult result = solver.run();
    pinn::HostVector params("params", solver.network().n_params());
    Kokkos::deep_copy(params, solver.network().params());
    mix(params.data(), params.extent(0) * sizeof(double));
    mix(&result.metrics.rel_l2, sizeof(double));
    // The losses the stages report (TrainingLoss::terms).
    for (const pinn::StageSummary& stage : result.stages) {
      mix(&stage.loss_start, sizeof(double));
      mix(&stage.loss_end, sizeof(double));
    }
  }
  return hash.value();
}

/// Prints the checksum; the test below runs this one in child processes.
TEST(ThreadCount, PrintLeastSquaresChecksum) { pinn_test::print_checksum("least-squares checksum: ", least_squares_checksum()); }

/// Only --kokkos-threads, as on the command line: Kokkos' initialisation sets
/// OpenMP's (and so OpenBLAS's) thread count from it.
TEST(ThreadCount, LeastSquaresStagesAreBitwiseTheSameAtOneAndTwoThreads) {
  pinn_test::expect_same_checksum_at_one_and_two_threads("ThreadCount.PrintLeastSquaresChecksum",
                                                         "least-squares checksum: ", least_squares_checksum(), false);
}

}  // namespace
