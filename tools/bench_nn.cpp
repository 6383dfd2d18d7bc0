/// @file tools/bench_nn.cpp
/// @brief Throughput of loss_and_gradient (forward jet + reverse pass) for an
/// energy-like loss, and this machine's DGEMM rate for comparison; one thread
/// count per run (tools/bench runs it at several and prints the table).
///
/// Output, one whitespace-separated record per line (tools/bench parses it):
///   backend  NAME THREADS
///   dgemm    N GFLOPS                      (Eigen C = A B, 2 N³ flops, best of 5)
///   row      ACT D HIDDEN WIDTH N_PARAMS FLOP_PER_POINT POINTS_PER_S GFLOPS
///
/// FLOP count per point (order = gradient, d inputs, widths n_0 = d, n_1..n_H
/// hidden, n_{H+1} = 1; multiply and add counted separately, σ itself (tanh)
/// counted as 0), read off nn/detail/jet_kernel.hpp:
///   forward : 2 d n_1 (first layer; its tangents are copies of W's columns)
///             + Σ_{l=1..H} 2 (1 + d) n_l n_{l+1}          (value + d tangents)
///             + Σ_{l=1..H} d n_l                           (ȧ = σ'(z) ż)
///   reverse : Σ_{l=1..H} [4 (1 + d) n_l n_{l+1} + n_{l+1}] (∂W, Wᵀ·adjoint, ∂b)
///             + Σ_{l=1..H} (10 d + 13) n_l                 (σ recomputed, adjoint through σ and α)
///             + n_1 (1 + 3 d)                              (first layer ∂W, ∂b)
/// so about 6 (1 + d) Σ n_l n_{l+1} for wide layers. The per-chunk gradient
/// rows (zeroing, final sum: n_params/32 per point) are memory traffic and not
/// counted.
#include "nn/nn.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// ½|∇u|² − f u with f = 1: what the energy form needs (u, ∇u).
struct EnergyLoss {
  int n_inputs;
  KOKKOS_FUNCTION double operator()(int, const pinn::PointJet& jet, pinn::PointJet& seed) const {
    double loss = -jet.value[0];
    seed.value[0] = -1.0;
    for (int k = 0; k < n_inputs; ++k) {
      loss += 0.5 * jet.grad[0][k] * jet.grad[0][k];
      seed.grad[0][k] = jet.grad[0][k];
    }
    return loss;
  }
};

double flops_per_point(int d, const std::vector<int>& hidden) {
  std::vector<double> n{static_cast<double>(d)};
  for (const int w : hidden) n.push_back(w);
  n.push_back(1.0);
  const int H = static_cast<int>(hidden.size());
  double f = 2.0 * d * n[1] + n[1] * (1.0 + 3.0 * d);
  for (int l = 1; l <= H; ++l) {
    f += 6.0 * (1.0 + d) * n[l] * n[l + 1] + n[l + 1];
    f += (11.0 * d + 13.0) * n[l];
  }
  return f;
}

double dgemm_gflops(int n) {
  Eigen::setNbThreads(pinn::backend_concurrency());
  const Eigen::MatrixXd A = Eigen::MatrixXd::Random(n, n), B = Eigen::MatrixXd::Random(n, n);
  Eigen::MatrixXd C(n, n);
  C.noalias() = A * B;  // warm-up
  double best = 1e300;
  for (int rep = 0; rep < 5; ++rep) {
    const auto start = Clock::now();
    C.noalias() = A * B;
    best = std::min(best, seconds_since(start));
  }
  if (C(0, 0) == 12345.678) std::printf("#\n");  // keep the product alive
  return 2.0 * n * n * static_cast<double>(n) / best * 1e-9;
}

void bench_row(pinn::Activation act, int d, int depth, int width, int n_points, double min_seconds) {
  pinn::MlpConfig config;
  config.n_inputs = d;
  config.hidden.assign(depth, width);
  config.activation = act;
  config.alpha = 0.2;
  config.alpha_mode = pinn::AlphaMode::channel;
  pinn::Mlp net(config);
  net.initialize(1);
  pinn::Matrix points("points", n_points, d);
  auto host = Kokkos::create_mirror_view(points);
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  for (int i = 0; i < n_points; ++i)
    for (int k = 0; k < d; ++k) host(i, k) = uniform(rng);
  Kokkos::deep_copy(points, host);
  pinn::GradientWorkspace ws;
  pinn::Vector grad("grad", net.n_params());
  const EnergyLoss loss{d};
  const pinn::ExecSpace space;
  double sink = 0.0;
  for (int warm = 0; warm < 2; ++warm)
    sink += pinn::loss_and_gradient(space, net, points, loss, pinn::JetOrder::gradient, grad, ws);
  // Repeat until min_seconds have passed; best of three such blocks.
  double best_rate = 0.0;
  for (int block = 0; block < 3; ++block) {
    int iterations = 0;
    const auto start = Clock::now();
    double elapsed = 0.0;
    do {
      sink += pinn::loss_and_gradient(space, net, points, loss, pinn::JetOrder::gradient, grad, ws);
      ++iterations;
      elapsed = seconds_since(start);
    } while (elapsed < min_seconds / 3);
    best_rate = std::max(best_rate, static_cast<double>(n_points) * iterations / elapsed);
  }
  if (sink == 12345.678) std::printf("#\n");
  const double flops = flops_per_point(d, config.hidden);
  std::printf("row %s %d %d %d %d %.0f %.6e %.4f\n", pinn::to_string(act).c_str(), d, depth, width, net.n_params(),
              flops, best_rate, best_rate * flops * 1e-9);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  bool quick = false;
  double min_seconds = 0.3;
  int n_points = 4096;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      quick = true;
    } else if (arg.rfind("--seconds=", 0) == 0) {
      min_seconds = std::stod(arg.substr(10));
    } else if (arg.rfind("--points=", 0) == 0) {
      n_points = std::stoi(arg.substr(9));
    } else if (arg.rfind("--kokkos", 0) != 0) {
      std::fprintf(stderr, "bench_nn: unknown argument %s; allowed --quick --seconds=S --points=N --kokkos-*\n",
                   arg.c_str());
      return 2;
    }
  }
  std::printf("backend %s %d\n", pinn::backend_name().c_str(), pinn::backend_concurrency());
  std::printf("dgemm 1024 %.3f\n", dgemm_gflops(1024));
  std::fflush(stdout);
  const std::vector<int> widths = quick ? std::vector<int>{16, 64} : std::vector<int>{16, 32, 64, 128};
  const std::vector<int> depths = quick ? std::vector<int>{2} : std::vector<int>{2, 3, 4};
  for (const pinn::Activation act : {pinn::Activation::tanh, pinn::Activation::prelu})
    for (const int d : {1, 2})
      for (const int depth : depths)
        for (const int width : widths) bench_row(act, d, depth, width, n_points, min_seconds);
  return 0;
}
