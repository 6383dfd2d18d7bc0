/// @file tools/bench_nn.cpp
/// @brief Throughput of loss_and_gradient (forward jet + reverse pass) for an
/// energy-like loss, and this machine's DGEMM rate for comparison; one thread
/// count per run (tools/bench runs it at several and prints the table).
///
/// Usage: bench_nn [--quick] [--seconds=S] [--points=N] [--configs=LIST]
///                 [--kernel=automatic|general|fused|batched|batched_jets|batched_device|batched_jets_device]
///                 [--no-dgemm] [--checksum]
///   --configs=LIST  comma-separated ACT:D:HIDDEN[:ORDER] items, e.g.
///                   leaky_relu:1:32x32,tanh:2:64x64x64:laplacian (default: the
///                   tanh/prelu × d ∈ {1,2} × depth 2..4 × width 16..128 grid,
///                   ORDER gradient)
///   --kernel=K      which kernel loss_and_gradient uses (default automatic; batched:
///                   the matrix-product path of piecewise-linear networks;
///                   batched_jets: the matrix-product forward-mode jets;
///                   batched_device, batched_jets_device: the two paths' device
///                   shapes, which a GPU build's automatic path takes)
///   --checksum      instead of timing, print one FNV-1a hash of the loss and
///                   gradient bytes per configuration (for bitwise comparisons
///                   between builds)
///
/// Output, one whitespace-separated record per line (tools/bench parses it):
///   backend  NAME THREADS
///   dgemm    N GFLOPS                      (Eigen C = A B, 2 N³ flops, best of 5; the
///                                           instruction set the per-point kernels are built for)
///   blas_dgemm N GFLOPS                    (the same through the system BLAS, OpenBLAS:
///                                           this machine's DGEMM peak, threads as OMP_NUM_THREADS)
///   row      ACT D HIDDEN WIDTH N_PARAMS FLOP_PER_POINT POINTS_PER_S GFLOPS ORDER HIDDEN_LIST PATH
///   checksum ACT D HIDDEN_LIST ORDER HASH
///
/// FLOP count per point (d inputs, C = 1 + d components for ORDER gradient,
/// 2 + d for laplacian; widths n_0 = d, n_1..n_H hidden, n_{H+1} = 1; multiply
/// and add counted separately, σ itself (tanh) counted as 0), read off
/// nn/detail/jet_kernel.hpp:
///   forward : 2 d n_1 (first layer; its tangents are copies of W's columns)
///             + Σ_{l=1..H} 2 C n_l n_{l+1}                (value + tangents [+ Laplacian])
///             + Σ_{l=1..H} d n_l                           (ȧ = σ'(z) ż)
///   reverse : Σ_{l=1..H} [4 C n_l n_{l+1} + n_{l+1}]       (∂W, Wᵀ·adjoint, ∂b)
///             + Σ_{l=1..H} (10 d + 13) n_l                 (adjoint through σ and α)
///             + n_1 (1 + 3 d)                              (first layer ∂W, ∂b)
/// so about 6 C Σ n_l n_{l+1} for wide layers (C = 1 + d gives the figures of
/// BENCHMARKS.md §3). The per-chunk gradient rows (zeroing, final sum:
/// n_params/32 per point) are memory traffic and not counted.
/// PATH batched (nn/detail/host/batched_gradient.hpp) does four products per layer
/// whatever d is: 8 n_l n_{l+1} per linear layer (the first one 8 d n_1, the
/// output layer 4 n_H) plus 6 n_l elementwise, and GFLOPS counts those.
#include "nn/nn.hpp"
#include "tools/bench_energy_loss.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

// The same harness builds against older trees (for before/after ratios), which
// have no kernel choice.
#if __has_include("nn/detail/fused_jet_kernel.hpp")
#define PINN_BENCH_HAS_KERNEL_PATH 1
#endif
#if __has_include("nn/detail/host/batched_gradient.hpp") || __has_include("nn/batched_gradient.hpp")
#define PINN_BENCH_HAS_BATCHED_PATH 1
#endif
#if __has_include("nn/batched_gradient_device.hpp")
#define PINN_BENCH_HAS_DEVICE_SHAPE 1
#endif

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

using pinn::bench::EnergyLoss;

/// Every part of the jet with point-dependent weights (for --checksum).
struct MixedLoss {
  int n_outputs, n_inputs;
  KOKKOS_FUNCTION double operator()(int i, const pinn::PointJet& jet, pinn::PointJet& seed) const {
    double loss = 0.0;
    for (int o = 0; o < n_outputs; ++o) {
      const double w = 1.0 + 0.01 * (i % 7) + 0.3 * o;
      loss += 0.5 * w * jet.value[o] * jet.value[o] - 0.3 * jet.value[o];
      seed.value[o] = w * jet.value[o] - 0.3;
      for (int k = 0; k < n_inputs; ++k) {
        loss += 0.25 * (k + 1) * jet.grad[o][k] * jet.grad[o][k];
        seed.grad[o][k] = 0.5 * (k + 1) * jet.grad[o][k];
      }
      loss += 0.7 * jet.lap[o] + 0.2 * jet.lap[o] * jet.lap[o];
      seed.lap[o] = 0.7 + 0.4 * jet.lap[o];
    }
    return loss;
  }
};

struct BenchConfig {
  pinn::Activation activation = pinn::Activation::tanh;
  int d = 1;
  std::vector<int> hidden;
  pinn::JetOrder order = pinn::JetOrder::gradient;
  int n_outputs = 1;
  pinn::AlphaMode alpha_mode = pinn::AlphaMode::channel;
  pinn::AlphaConstraint alpha_constraint = pinn::AlphaConstraint::none;
};

std::string hidden_list(const std::vector<int>& hidden) {
  std::string s;
  for (std::size_t i = 0; i < hidden.size(); ++i) s += (i ? "x" : "") + std::to_string(hidden[i]);
  return s;
}

const char* order_name(pinn::JetOrder order) {
  return order == pinn::JetOrder::value ? "value" : (order == pinn::JetOrder::gradient ? "gradient" : "laplacian");
}

/// Parses ACT:D:HIDDEN[:ORDER] (HIDDEN = 32x32x32).
BenchConfig parse_config(const std::string& item) {
  std::vector<std::string> parts;
  std::stringstream in(item);
  for (std::string part; std::getline(in, part, ':');) parts.push_back(part);
  if (parts.size() < 3 || parts.size() > 4)
    throw std::runtime_error("bench_nn: config '" + item + "' is not ACT:D:HIDDEN[:ORDER]");
  BenchConfig c;
  c.activation = pinn::activation_from_string(parts[0]);
  c.d = std::stoi(parts[1]);
  std::stringstream widths(parts[2]);
  for (std::string w; std::getline(widths, w, 'x');) c.hidden.push_back(std::stoi(w));
  if (parts.size() == 4) {
    if (parts[3] == "value") c.order = pinn::JetOrder::value;
    else if (parts[3] == "gradient") c.order = pinn::JetOrder::gradient;
    else if (parts[3] == "laplacian") c.order = pinn::JetOrder::laplacian;
    else throw std::runtime_error("bench_nn: order '" + parts[3] + "'; allowed value|gradient|laplacian");
  }
  return c;
}

double batched_flops_per_point(int d, const std::vector<int>& hidden) {
  double f = 8.0 * d * hidden[0] + 4.0 * hidden.back();
  for (std::size_t l = 0; l < hidden.size(); ++l) {
    if (l + 1 < hidden.size()) f += 8.0 * hidden[l] * hidden[l + 1];
    f += 6.0 * hidden[l];
  }
  return f;
}

double flops_per_point(int d, const std::vector<int>& hidden, pinn::JetOrder order) {
  std::vector<double> n{static_cast<double>(d)};
  for (const int w : hidden) n.push_back(w);
  n.push_back(1.0);
  const double C = order == pinn::JetOrder::laplacian ? 2.0 + d : (order == pinn::JetOrder::gradient ? 1.0 + d : 1.0);
  const int H = static_cast<int>(hidden.size());
  double f = 2.0 * d * n[1] + n[1] * (1.0 + 3.0 * d);
  for (int l = 1; l <= H; ++l) {
    f += 6.0 * C * n[l] * n[l + 1] + n[l + 1];
    f += (11.0 * d + 13.0) * n[l];
  }
  return f;
}

double dgemm_gflops(int n) {
  Eigen::setNbThreads(Kokkos::DefaultHostExecutionSpace().concurrency());  // host threads, also on a device backend
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

#ifdef PINN_BENCH_HAS_BATCHED_PATH
double blas_dgemm_gflops(int n) {
  std::vector<double> A(static_cast<std::size_t>(n) * n), B(A.size()), C(A.size(), 0.0);
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  for (std::size_t i = 0; i < A.size(); ++i) A[i] = uniform(rng), B[i] = uniform(rng);
  pinn::blas::gemm(false, false, n, n, n, 1.0, A.data(), n, B.data(), n, 0.0, C.data(), n);  // warm-up
  double best = 1e300;
  for (int rep = 0; rep < 5; ++rep) {
    const auto start = Clock::now();
    pinn::blas::gemm(false, false, n, n, n, 1.0, A.data(), n, B.data(), n, 0.0, C.data(), n);
    best = std::min(best, seconds_since(start));
  }
  if (C[0] == 12345.678) std::printf("#\n");
  return 2.0 * n * n * static_cast<double>(n) / best * 1e-9;
}
#endif

pinn::Mlp make_net(const BenchConfig& c) {
  pinn::MlpConfig config;
  config.n_inputs = c.d;
  config.n_outputs = c.n_outputs;
  config.hidden = c.hidden;
  config.activation = c.activation;
  config.alpha = 0.2;
  config.alpha_mode = c.alpha_mode;
  config.alpha_constraint = c.alpha_constraint;
  pinn::Mlp net(config);
  net.initialize(1);
  return net;
}

pinn::Matrix make_points(int n_points, int d, unsigned seed) {
  pinn::Matrix points("points", n_points, d);
  auto host = Kokkos::create_mirror_view(points);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  for (int i = 0; i < n_points; ++i)
    for (int k = 0; k < d; ++k) host(i, k) = uniform(rng);
  Kokkos::deep_copy(points, host);
  return points;
}

struct KernelChoice {
  std::string name = "automatic";
};

template <class Loss>
double run_once(const pinn::Mlp& net, const pinn::Matrix& points, const Loss& loss, pinn::JetOrder order,
                const pinn::Vector& grad, pinn::GradientWorkspace& ws, const KernelChoice& kernel) {
  const pinn::ExecSpace space;
#ifdef PINN_BENCH_HAS_KERNEL_PATH
  pinn::KernelPath path = pinn::KernelPath::automatic;
  if (kernel.name == "general") path = pinn::KernelPath::general;
  if (kernel.name == "fused") path = pinn::KernelPath::fused;
#ifdef PINN_BENCH_HAS_BATCHED_PATH
  if (kernel.name == "batched") path = pinn::KernelPath::batched;
  if (kernel.name == "batched_jets") path = pinn::KernelPath::batched_jets;
#endif
#ifdef PINN_BENCH_HAS_DEVICE_SHAPE
  if (kernel.name == "batched_device") path = pinn::KernelPath::batched_device;
  if (kernel.name == "batched_jets_device") path = pinn::KernelPath::batched_jets_device;
#endif
  return pinn::loss_and_gradient(space, net, points, loss, order, grad, ws, -1, path);
#else
  (void)kernel;
  return pinn::loss_and_gradient(space, net, points, loss, order, grad, ws);
#endif
}

void bench_row(const BenchConfig& c, int n_points, double min_seconds, const KernelChoice& kernel) {
  const pinn::Mlp net = make_net(c);
  const pinn::Matrix points = make_points(n_points, c.d, 2);
  pinn::GradientWorkspace ws;
  pinn::Vector grad("grad", net.n_params());
  const EnergyLoss loss{c.d, c.order == pinn::JetOrder::laplacian};
  double sink = 0.0;
  for (int warm = 0; warm < 2; ++warm) sink += run_once(net, points, loss, c.order, grad, ws, kernel);
  // Repeat until min_seconds have passed; best of three such blocks.
  double best_rate = 0.0;
  for (int block = 0; block < 3; ++block) {
    int iterations = 0;
    const auto start = Clock::now();
    double elapsed = 0.0;
    do {
      sink += run_once(net, points, loss, c.order, grad, ws, kernel);
      ++iterations;
      elapsed = seconds_since(start);
    } while (elapsed < min_seconds / 3);
    best_rate = std::max(best_rate, static_cast<double>(n_points) * iterations / elapsed);
  }
  if (sink == 12345.678) std::printf("#\n");
  std::string path = kernel.name == "general" ? "general" : "fused";
#ifdef PINN_BENCH_HAS_BATCHED_PATH
  const auto chosen = kernel.name == "batched"        ? pinn::detail::BatchedPath::piecewise_linear
                      : kernel.name == "batched_jets" ? pinn::detail::BatchedPath::jets
                      : kernel.name == "automatic"
                          ? pinn::detail::select_batched_path(net.layout(), c.order, pinn::KernelPath::automatic)
                          : pinn::detail::BatchedPath::none;
  bool batched = chosen == pinn::detail::BatchedPath::piecewise_linear;
  if (batched) path = "batched";
  if (chosen == pinn::detail::BatchedPath::jets) path = "batched_jets";
#ifdef PINN_BENCH_HAS_DEVICE_SHAPE
  if (kernel.name == "batched_device" || chosen == pinn::detail::BatchedPath::piecewise_linear_device) {
    batched = true;
    path = "batched_device";
  }
  if (kernel.name == "batched_jets_device" || chosen == pinn::detail::BatchedPath::jets_device)
    path = "batched_jets_device";
#endif
#else
  const bool batched = false;
#endif
#ifdef PINN_BENCH_HAS_KERNEL_PATH
  if (path == "fused" && pinn::detail::fused_width(net.layout()) == 0) path = "general";
#endif
  const double flops = batched ? batched_flops_per_point(c.d, c.hidden) : flops_per_point(c.d, c.hidden, c.order);
  const bool uniform = std::all_of(c.hidden.begin(), c.hidden.end(), [&](int w) { return w == c.hidden[0]; });
  std::printf("row %s %d %d %d %d %.0f %.6e %.4f %s %s %s\n", pinn::to_string(c.activation).c_str(), c.d,
              static_cast<int>(c.hidden.size()), uniform ? c.hidden[0] : 0, net.n_params(), flops, best_rate,
              best_rate * flops * 1e-9, order_name(c.order), hidden_list(c.hidden).c_str(), path.c_str());
  std::fflush(stdout);
}

/// FNV-1a of the loss and gradient bytes of a MixedLoss over 1001 points
/// (31 full chunks and a partial one).
void checksum_row(const BenchConfig& c, const KernelChoice& kernel) {
  const pinn::Mlp net = make_net(c);
  const pinn::Matrix points = make_points(1001, c.d, 7);
  pinn::GradientWorkspace ws;
  pinn::Vector grad("grad", net.n_params());
  const double loss = run_once(net, points, MixedLoss{c.n_outputs, c.d}, c.order, grad, ws, kernel);
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), grad);
  std::uint64_t hash = 1469598103934665603ull;
  const auto mix = [&](const void* data, std::size_t n) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) {
      hash ^= bytes[i];
      hash *= 1099511628211ull;
    }
  };
  mix(&loss, sizeof(double));
  mix(host.data(), host.extent(0) * sizeof(double));
  std::printf("checksum %s %d %s %s out%d %s %016llx\n", pinn::to_string(c.activation).c_str(), c.d,
              hidden_list(c.hidden).c_str(), order_name(c.order), c.n_outputs,
              c.activation == pinn::Activation::prelu
                  ? (c.alpha_mode == pinn::AlphaMode::channel ? "channel" : "layer")
                  : "-",
              static_cast<unsigned long long>(hash));
}

/// Configurations whose bits must not change when the kernels are optimised:
/// every activation, 1–3 inputs, every jet order, uniform widths (fused path)
/// and mixed ones (general path), several outputs, PReLU slopes layer-wise,
/// channel-wise and sigmoid-reparametrised.
std::vector<BenchConfig> checksum_configs() {
  std::vector<BenchConfig> out;
  using A = pinn::Activation;
  for (const A act : {A::relu, A::leaky_relu, A::prelu, A::tanh, A::softplus, A::sin})
    for (const int d : {1, 2, 3})
      for (const pinn::JetOrder order : {pinn::JetOrder::value, pinn::JetOrder::gradient, pinn::JetOrder::laplacian})
        for (const std::vector<int>& hidden : {std::vector<int>{16, 16}, std::vector<int>{32, 32, 32},
                                               std::vector<int>{64, 64}, std::vector<int>{24, 16},
                                               std::vector<int>{128}}) {
          BenchConfig c;
          c.activation = act;
          c.d = d;
          c.order = order;
          c.hidden = hidden;
          c.n_outputs = d == 2 ? 3 : 1;
          c.alpha_mode = d == 3 ? pinn::AlphaMode::layer : pinn::AlphaMode::channel;
          c.alpha_constraint = d == 1 ? pinn::AlphaConstraint::unit_interval : pinn::AlphaConstraint::none;
          out.push_back(c);
        }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  bool quick = false, checksum = false, dgemm = true;
  double min_seconds = 0.3;
  int n_points = 4096;
  std::vector<BenchConfig> configs;
  KernelChoice kernel;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--quick") {
        quick = true;
      } else if (arg == "--checksum") {
        checksum = true;
      } else if (arg == "--no-dgemm") {
        dgemm = false;
      } else if (arg.rfind("--seconds=", 0) == 0) {
        min_seconds = std::stod(arg.substr(10));
      } else if (arg.rfind("--points=", 0) == 0) {
        n_points = std::stoi(arg.substr(9));
      } else if (arg.rfind("--kernel=", 0) == 0) {
        kernel.name = arg.substr(9);
        if (kernel.name != "automatic" && kernel.name != "general" && kernel.name != "fused" &&
            kernel.name != "batched" && kernel.name != "batched_jets" && kernel.name != "batched_device" &&
            kernel.name != "batched_jets_device")
          throw std::runtime_error(
              "bench_nn: --kernel=" + kernel.name +
              "; allowed automatic|general|fused|batched|batched_jets|batched_device|batched_jets_device");
      } else if (arg.rfind("--configs=", 0) == 0) {
        std::stringstream in(arg.substr(10));
        for (std::string item; std::getline(in, item, ',');) configs.push_back(parse_config(item));
      } else if (arg.rfind("--kokkos", 0) != 0) {
        std::fprintf(stderr,
                     "bench_nn: unknown argument %s; allowed --quick --seconds=S --points=N --configs=LIST "
                     "--kernel=K --no-dgemm --checksum --kokkos-*\n",
                     arg.c_str());
        return 2;
      }
    }
    if (checksum) {
      for (const BenchConfig& c : configs.empty() ? checksum_configs() : configs) checksum_row(c, kernel);
      return 0;
    }
    std::printf("backend %s %d\n", pinn::backend_name().c_str(), pinn::backend_concurrency());
    if (dgemm) std::printf("dgemm 1024 %.3f\n", dgemm_gflops(1024));
#ifdef PINN_BENCH_HAS_BATCHED_PATH
    if (dgemm) std::printf("blas_dgemm 1024 %.3f\n", blas_dgemm_gflops(1024));
#endif
    std::fflush(stdout);
    if (configs.empty()) {
      const std::vector<int> widths = quick ? std::vector<int>{16, 64} : std::vector<int>{16, 32, 64, 128};
      const std::vector<int> depths = quick ? std::vector<int>{2} : std::vector<int>{2, 3, 4};
      for (const pinn::Activation act : {pinn::Activation::tanh, pinn::Activation::prelu})
        for (const int d : {1, 2})
          for (const int depth : depths)
            for (const int width : widths) {
              BenchConfig c;
              c.activation = act;
              c.d = d;
              c.hidden.assign(depth, width);
              configs.push_back(c);
            }
    }
    for (const BenchConfig& c : configs) bench_row(c, n_points, min_seconds, kernel);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}
