/// @file tools/bench_mpi.cpp
/// @brief One training step's point sum shared by MPI ranks (tools/bench_mpi
/// runs it under mpirun): per loss-and-gradient evaluation of a tanh network
/// on N random points, the time of the whole call, of its gather of the
/// blocks' partial gradients ([run] rank_sums = "gathered") and the bytes each
/// rank receives, and the time of the reduce + broadcast of one gradient that
/// rank_sums = "reduced" does instead, for the model in BENCHMARKS.md.
///
/// Usage: bench_mpi [--points N] [--dim D] [--width W] [--depth L] [--seconds S] (Kokkos flags too)
#include "nn/communicator.hpp"
#include "nn/mlp_evaluation.hpp"
#include "tools/bench_energy_loss.hpp"

#include <Kokkos_Core.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

int option(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const pinn::MpiSession mpi(argc, argv);
  const pinn::Communicator world = pinn::Communicator::world();
  const int n_points = option(argc, argv, "--points", 4096);
  const int dim = option(argc, argv, "--dim", 2);
  const int width = option(argc, argv, "--width", 32);
  const int depth = option(argc, argv, "--depth", 2);
  const double seconds = option(argc, argv, "--seconds", 3);
  Kokkos::ScopeGuard kokkos(argc, argv);
  {
    pinn::MlpConfig config;
    config.n_inputs = dim;
    config.hidden.assign(static_cast<std::size_t>(depth), width);
    config.activation = pinn::Activation::tanh;
    pinn::Mlp net(config);
    net.initialize(1);
    pinn::Matrix points("points", n_points, dim);
    auto host = Kokkos::create_mirror_view(points);
    std::mt19937_64 random(7);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    for (int i = 0; i < n_points; ++i)
      for (int k = 0; k < dim; ++k) host(i, k) = uniform(random);
    Kokkos::deep_copy(points, host);
    pinn::GradientWorkspace ws;
    ws.communicator = world;
    pinn::Vector gradient("gradient", net.n_params());
    const pinn::ExecSpace space;
    const pinn::bench::EnergyLoss loss{dim};
    // The per-point kernels (the batched jet path gathers the same way, by its blocks).
    const auto step = [&] {
      pinn::loss_and_gradient(space, net, points, loss, pinn::JetOrder::gradient, gradient, ws, -1,
                              pinn::KernelPath::fused);
    };
    step();  // warm-up: allocations
    int calls = 0;
    (void)world.any(false);  // all ranks start together
    const auto start = Clock::now();
    while (world.from_root(seconds_since(start)) < seconds) {
      step();
      ++calls;
    }
    const double per_call = seconds_since(start) / calls;
    // The gather alone, on the same rows.
    const int n_chunks = (n_points + pinn::kPointsPerChunk - 1) / pinn::kPointsPerChunk;
    const std::vector<int> share = world.split(n_chunks);
    std::vector<double> rows(static_cast<std::size_t>(n_chunks) * net.n_params(), 1.0);
    int gathers = 0;
    (void)world.any(false);
    const auto gather_start = Clock::now();
    while (world.from_root(seconds_since(gather_start)) < seconds / 3) {
      world.allgather_items(rows.data(), share, net.n_params());
      ++gathers;
    }
    const double per_gather = seconds_since(gather_start) / gathers;
    const double received = 8.0 * (n_chunks - (share[world.rank() + 1] - share[world.rank()])) * net.n_params();
    // What [run] rank_sums = "reduced" moves instead: one gradient and the
    // loss, reduced onto rank 0 and broadcast.
    std::vector<double> sums(static_cast<std::size_t>(net.n_params()) + 1, 1.0);
    int reductions = 0;
    (void)world.any(false);
    const auto sums_start = Clock::now();
    while (world.from_root(seconds_since(sums_start)) < seconds / 3) {
      world.sum_to_all(sums.data(), static_cast<int>(sums.size()));
      ++reductions;
    }
    const double per_sum = seconds_since(sums_start) / reductions;
    if (world.rank() == 0)
      std::printf(
          "ranks %d threads %d points %d params %d: step %.3f ms (%d calls), gather of the chunk rows %.3f ms "
          "(%.0f kB received per rank), reduce + broadcast of one gradient %.3f ms (%.1f kB)\n",
          world.size(), Kokkos::DefaultExecutionSpace().concurrency(), n_points, net.n_params(), 1e3 * per_call, calls,
          1e3 * per_gather, received / 1e3, 1e3 * per_sum, 8.0 * sums.size() / 1e3);
  }
  return 0;
}
