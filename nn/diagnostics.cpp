/// @file nn/diagnostics.cpp
/// @brief Host-side parts of the network diagnostics: reductions, spectral
/// norms, the Lipschitz bound and the exact 1D kink count.
#include "nn/diagnostics.hpp"

#include "nn/piecewise_linear_1d.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>

namespace pinn {

namespace {

ConstHostVector host_params(const Mlp& net) {
  return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
}

double spectral_norm(const double* W, int rows, int cols) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const RowMajor> w(W, rows, cols);
  const Eigen::MatrixXd gram = rows <= cols ? Eigen::MatrixXd(w * w.transpose()) : Eigen::MatrixXd(w.transpose() * w);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(gram, Eigen::EigenvaluesOnly);
  return std::sqrt(std::max(0.0, solver.eigenvalues().maxCoeff()));
}

}  // namespace

std::vector<double> weight_spectral_norms(const Mlp& net) {
  const MlpLayout& layout = net.layout();
  const ConstHostVector params = host_params(net);
  std::vector<double> norms;
  for (int l = 0; l < layout.n_layers; ++l)
    norms.push_back(spectral_norm(params.data() + layout.w_offset[l], layout.width[l + 1], layout.width[l]));
  return norms;
}

double lipschitz_upper_bound(const Mlp& net) {
  const MlpLayout& layout = net.layout();
  double bound = 1.0;
  for (const double norm : weight_spectral_norms(net)) bound *= norm;
  for (int l = 0; l + 1 < layout.n_layers; ++l) {
    double factor = 1.0;
    for (const double alpha : net.alphas(l)) factor = std::max(factor, std::abs(alpha));
    bound *= factor;
  }
  return bound;
}

double ActivationSigns::negative_fraction(int l) const {
  const double pairs = static_cast<double>(n_points) * static_cast<double>(negative[l].size());
  if (pairs == 0.0) return 0.0;
  double sum = 0.0;
  for (const int count : negative[l]) sum += count;
  return sum / pairs;
}

std::vector<int> ActivationSigns::dead_neurons(int l) const {
  std::vector<int> dead;
  if (n_points == 0) return dead;
  for (std::size_t j = 0; j < positive[l].size(); ++j)
    if (positive[l][j] == 0) dead.push_back(static_cast<int>(j));
  return dead;
}

ActivationSigns compute_activation_signs(const ExecSpace& space, const Mlp& net, const Matrix& points,
                                         EvaluationWorkspaces* evaluation) {
  const MlpLayout& layout = net.layout();
  PINN_REQUIRE(static_cast<int>(points.extent(1)) == layout.n_inputs(),
               "points have " << points.extent(1) << " columns, the network " << layout.n_inputs() << " inputs");
  const int n_points = static_cast<int>(points.extent(0));
  const int n_hidden_layers = layout.n_layers - 1;
  ActivationSigns signs;
  signs.n_points = n_points;
  for (int l = 0; l < n_hidden_layers; ++l) {
    signs.negative.emplace_back(layout.width[l + 1], 0);
    signs.positive.emplace_back(layout.width[l + 1], 0);
  }
  const detail::BatchedPath batched = detail::select_batched_path(layout, JetOrder::value, KernelPath::automatic);
  // The host shapes only (a device build counts with the per-point kernel below).
  const bool host_shape = batched == detail::BatchedPath::piecewise_linear || batched == detail::BatchedPath::jets;
  if (host_shape && n_points > 0) {
    // Matrix products for the pre-activations, then the counts on the host,
    // per thread (integers: the order of the sums does not matter).
    space.fence();
    std::vector<ActivationSigns> per_thread(detail::evaluation_threads(), signs);
    // Both paths keep a block's z values (layer l) point after point, w apart.
    const auto count = [&](int t, const std::vector<std::vector<double>>& z, int nb) {
      for (int l = 0; l < n_hidden_layers; ++l) {
        const int w = layout.width[l + 1];
        for (int p = 0; p < nb; ++p)
          for (int j = 0; j < w; ++j) {
            const double value = z[l][static_cast<std::size_t>(p) * w + j];
            per_thread[t].negative[l][j] += value < 0.0;
            per_thread[t].positive[l][j] += value > 0.0;
          }
      }
    };
    EvaluationWorkspaces own;
    EvaluationWorkspaces& workspaces = evaluation != nullptr ? *evaluation : own;
    if (batched == detail::BatchedPath::piecewise_linear)
      detail::batched_forward_blocks(net, points, workspaces.piecewise_linear,
                                     [&](int t, const BatchedWorkspace& ws, int begin, int end) {
                                       count(t, ws.z, end - begin);
                                     });
    else
      detail::batched_jet_forward_blocks(net, points, JetOrder::value, -1, workspaces.jets,
                                         [&](int t, const BatchedJetWorkspace& ws, int begin, int end) {
                                           count(t, ws.z, end - begin);
                                         });
    for (const ActivationSigns& part : per_thread)
      for (int l = 0; l < n_hidden_layers; ++l)
        for (int j = 0; j < layout.width[l + 1]; ++j) {
          signs.negative[l][j] += part.negative[l][j];
          signs.positive[l][j] += part.positive[l][j];
        }
    return signs;
  }
  const int n_chunks = (n_points + kPointsPerChunk - 1) / kPointsPerChunk;
  int n_hidden_neurons = 0;
  for (int l = 0; l < n_hidden_layers; ++l) n_hidden_neurons += layout.width[l + 1];
  const detail::MlpJetKernel kernel(layout, net.params(), JetOrder::value, -1);
  const int ws_size = kernel.workspace_size();
  // Per chunk: one workspace row and 2 counts (z < 0, z > 0) per hidden neuron,
  // added in chunk order below.
  const Matrix workspace(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "pinn::nn::activation_signs::ws"),
                         n_chunks, ws_size);
  const Matrix counts(Kokkos::view_alloc(space, "pinn::nn::activation_signs::counts"), n_chunks, 2 * n_hidden_neurons);
  Kokkos::parallel_for(
      "pinn::nn::compute_activation_signs", Kokkos::RangePolicy<ExecSpace>(space, 0, n_chunks),
      KOKKOS_LAMBDA(const int chunk) {
        double* ws = &workspace(chunk, 0);
        double* row = &counts(chunk, 0);
        const int end = (chunk + 1) * kPointsPerChunk < n_points ? (chunk + 1) * kPointsPerChunk : n_points;
        double x[kMaxInputs];
        for (int i = chunk * kPointsPerChunk; i < end; ++i) {
          for (int k = 0; k < kernel.layout.width[0]; ++k) x[k] = points(i, k);
          PointJet jet;
          jet.zero();
          kernel.forward(x, ws, jet);
          int neuron = 0;
          for (int l = 0; l < n_hidden_layers; ++l) {
            const double* z = kernel.z_block(ws, l);  // value component first
            for (int j = 0; j < kernel.layout.width[l + 1]; ++j, ++neuron) {
              if (z[j] < 0.0) row[2 * neuron] += 1.0;
              if (z[j] > 0.0) row[2 * neuron + 1] += 1.0;
            }
          }
        }
      });
  const auto host_counts = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), counts);
  int neuron = 0;
  for (int l = 0; l < n_hidden_layers; ++l) {
    for (int j = 0; j < layout.width[l + 1]; ++j, ++neuron)
      for (int c = 0; c < n_chunks; ++c) {
        signs.negative[l][j] += static_cast<int>(host_counts(c, 2 * neuron));
        signs.positive[l][j] += static_cast<int>(host_counts(c, 2 * neuron + 1));
      }
  }
  return signs;
}

KinkCount count_kinks_1d(const Mlp& net, double a, double b) {
  const MlpLayout& layout = net.layout();
  const std::vector<Breakpoint1d> breaks = find_breakpoints_1d(net, a, b);
  KinkCount result;
  result.breakpoints_per_layer.assign(layout.n_layers - 1, 0);
  for (const Breakpoint1d& p : breaks) {
    result.breakpoints.push_back(p.x);
    ++result.breakpoints_per_layer[p.layer];
  }
  // Slopes of every output on each piece, then the jumps across breakpoints.
  const ConstHostVector params = host_params(net);
  std::vector<double> ends{a};
  ends.insert(ends.end(), result.breakpoints.begin(), result.breakpoints.end());
  ends.push_back(b);
  const int L = layout.n_layers, n_out = layout.n_outputs();
  std::vector<std::vector<double>> slopes;
  double max_slope = 0.0;
  detail::Forward1d f;
  for (std::size_t k = 0; k + 1 < ends.size(); ++k) {
    detail::forward_1d(layout, params, 0.5 * (ends[k] + ends[k + 1]), f);
    slopes.push_back(f.dz[L - 1]);
    for (const double s : f.dz[L - 1]) max_slope = std::max(max_slope, std::abs(s));
  }
  const double tolerance = 1e-9 * max_slope;
  for (std::size_t k = 0; k < result.breakpoints.size(); ++k) {
    bool jump = false;
    for (int o = 0; o < n_out; ++o) jump = jump || std::abs(slopes[k + 1][o] - slopes[k][o]) > tolerance;
    if (jump) result.kinks.push_back(result.breakpoints[k]);
  }
  return result;
}

namespace detail {

NetworkDiagnostics assemble_diagnostics(const ExecSpace& space, const Mlp& net, int n_points, int n_chunks,
                                        const Matrix& stats, const GradientWorkspace& ws) {
  const MlpLayout& layout = net.layout();
  NetworkDiagnostics out;
  out.n_points = n_points;
  Vector gradient(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "pinn::nn::compute_diagnostics::gradient"),
                  net.n_params());
  sum_partial_gradients(space, ws.partial_gradient, n_chunks, gradient);
  out.loss = sum_partial_losses(space, ws.partial_loss, n_chunks);
  auto grad = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gradient);
  auto rows = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), stats);
  const int n_stats = static_cast<int>(stats.extent(1));
  std::vector<double> total(n_stats, 0.0);
  for (int c = 0; c < n_chunks; ++c)
    for (int s = 0; s < n_stats; ++s) total[s] += rows(c, s);
  double gradient_sq = 0.0;
  for (int p = 0; p < net.n_params(); ++p) gradient_sq += grad(p) * grad(p);
  out.gradient_norm = std::sqrt(gradient_sq);
  out.spectral_norms = weight_spectral_norms(net);
  out.lipschitz_bound = lipschitz_upper_bound(net);

  int offset = 0;
  for (int l = 0; l + 1 < layout.n_layers; ++l) {
    LayerDiagnostics d;
    d.layer = l;
    d.width = layout.width[l + 1];
    const double pairs = static_cast<double>(n_points) * d.width;
    double negative = 0.0, delta_z = 0.0, upstream_z = 0.0;
    for (int j = 0; j < d.width; ++j) {
      const double* s = total.data() + (offset + j) * n_neuron_stats;
      negative += s[stat_negative];
      delta_z += s[stat_delta_z];
      upstream_z += s[stat_upstream_z];
      if (n_points > 0 && s[stat_positive] == 0.0) d.dead_neurons.push_back(j);
    }
    d.n_dead = static_cast<int>(d.dead_neurons.size());
    if (n_points > 0) {
      d.negative_fraction = negative / pairs;
      d.mean_abs_negative_delta_z = delta_z / pairs;
      d.mean_abs_negative_upstream_z = upstream_z / pairs;
    }
    const std::vector<double> alphas = net.alphas(l);
    if (!alphas.empty()) {
      d.alpha_min = *std::min_element(alphas.begin(), alphas.end());
      d.alpha_max = *std::max_element(alphas.begin(), alphas.end());
      double sum = 0.0;
      for (const double alpha : alphas) sum += alpha;
      d.alpha_mean = sum / static_cast<double>(alphas.size());
    }
    d.learnable_alpha = layout.alpha_offset[l] >= 0;
    if (d.learnable_alpha) {
      // Layer-wise: one slope shared by all neurons, so their terms add up
      // (in neuron order, deterministic).
      d.alpha_gradient.assign(layout.alpha_stride[l] ? d.width : 1, 0.0);
      for (int j = 0; j < d.width; ++j)
        d.alpha_gradient[layout.alpha_stride[l] ? j : 0] += total[(offset + j) * n_neuron_stats + stat_alpha_gradient];
    }
    d.weight_spectral_norm = out.spectral_norms[l];
    double w_sq = 0.0;
    for (int p = layout.w_offset[l]; p < layout.b_offset[l]; ++p) w_sq += grad(p) * grad(p);
    d.weight_gradient_norm = std::sqrt(w_sq);
    out.layers.push_back(d);
    offset += d.width;
  }
  return out;
}

}  // namespace detail

}  // namespace pinn
