/// @file nn/diagnostics.cpp
/// @brief Host-side parts of the network diagnostics: reductions, spectral
/// norms, the Lipschitz bound and the exact 1D kink count.
#include "nn/diagnostics.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>

namespace pinn {

namespace {

using HostVector = Kokkos::View<double*, Kokkos::HostSpace>;

HostVector host_params(const Mlp& net) {
  return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
}

/// Effective slope of neuron j of hidden layer l, read from host parameters.
double host_alpha(const MlpLayout& layout, const HostVector& params, int l, int j) {
  if (layout.alpha_offset[l] < 0) return layout.activation == Activation::relu ? 0.0 : layout.fixed_alpha;
  return layout.alpha_from_parameter(params(layout.alpha_offset[l] + layout.alpha_stride[l] * j));
}

double spectral_norm(const double* W, int rows, int cols) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const RowMajor> w(W, rows, cols);
  const Eigen::MatrixXd gram = rows <= cols ? Eigen::MatrixXd(w * w.transpose()) : Eigen::MatrixXd(w.transpose() * w);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(gram, Eigen::EigenvaluesOnly);
  return std::sqrt(std::max(0.0, solver.eigenvalues().maxCoeff()));
}

/// Value and x-derivative of every pre-activation of hidden layer `upto` (and
/// of the outputs when upto = n_layers − 1) of a 1D network at x. The
/// activation patterns are those at x (left branch at z = 0, as the kernels).
void forward_1d(const MlpLayout& layout, const HostVector& params, double x, int upto, std::vector<double>& z,
                std::vector<double>& dz) {
  std::vector<double> a{x}, da{1.0};
  for (int l = 0; l <= upto; ++l) {
    const int n_in = layout.width[l], n_out = layout.width[l + 1];
    z.assign(n_out, 0.0);
    dz.assign(n_out, 0.0);
    for (int j = 0; j < n_out; ++j) {
      double v = params(layout.b_offset[l] + j), d = 0.0;
      for (int i = 0; i < n_in; ++i) {
        const double w = params(layout.w_offset[l] + j * n_in + i);
        v += w * a[i];
        d += w * da[i];
      }
      z[j] = v;
      dz[j] = d;
    }
    if (l == upto) return;
    a.assign(n_out, 0.0);
    da.assign(n_out, 0.0);
    for (int j = 0; j < n_out; ++j) {
      const ActivationValues act = activation_values(layout.activation, z[j], host_alpha(layout, params, l, j));
      a[j] = act.f;
      da[j] = act.d1 * dz[j];
    }
  }
}

}  // namespace

std::vector<double> weight_spectral_norms(const Mlp& net) {
  const MlpLayout& layout = net.layout();
  const HostVector params = host_params(net);
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

KinkCount count_kinks_1d(const Mlp& net, double a, double b) {
  const MlpLayout& layout = net.layout();
  PINN_REQUIRE(layout.n_inputs() == 1, "kinks are counted for one input; the network has " << layout.n_inputs());
  PINN_REQUIRE(is_piecewise_linear(layout.activation),
               "kinks need a piecewise-linear activation; the network uses " << to_string(layout.activation));
  PINN_REQUIRE(a < b, "interval (" << a << ", " << b << ") is empty");
  const HostVector params = host_params(net);
  const double merge = 1e-12 * (b - a);
  KinkCount result;
  std::vector<double> ends{a, b};  // sorted interval ends; inner ones are the breakpoints so far
  std::vector<double> z, dz;
  for (int l = 0; l + 1 < layout.n_layers; ++l) {
    std::vector<double> added;
    for (std::size_t k = 0; k + 1 < ends.size(); ++k) {
      const double lo = ends[k], hi = ends[k + 1], mid = 0.5 * (lo + hi);
      forward_1d(layout, params, mid, l, z, dz);
      for (std::size_t j = 0; j < z.size(); ++j) {
        if (dz[j] == 0.0) continue;  // constant on the interval: no sign change inside
        const double root = mid - z[j] / dz[j];
        if (root > lo + merge && root < hi - merge) added.push_back(root);
      }
    }
    std::sort(added.begin(), added.end());
    int n_added = 0;
    std::vector<double> merged;
    std::size_t p = 0, q = 0;
    while (p < ends.size() || q < added.size()) {
      const bool from_added = p == ends.size() || (q < added.size() && added[q] < ends[p]);
      const double x = from_added ? added[q++] : ends[p++];
      if (!merged.empty() && x - merged.back() <= merge) continue;
      merged.push_back(x);
      n_added += from_added ? 1 : 0;
    }
    // Roots lie more than `merge` inside their interval, so only roots merge
    // with each other and a, b and earlier breakpoints survive.
    ends.swap(merged);
    result.breakpoints_per_layer.push_back(n_added);
  }
  result.breakpoints.assign(ends.begin() + 1, ends.end() - 1);

  // Slopes of every output on each piece, then the jumps across breakpoints.
  const int L = layout.n_layers, n_out = layout.n_outputs();
  std::vector<std::vector<double>> slopes;
  double max_slope = 0.0;
  for (std::size_t k = 0; k + 1 < ends.size(); ++k) {
    forward_1d(layout, params, 0.5 * (ends[k] + ends[k + 1]), L - 1, z, dz);
    slopes.push_back(dz);
    for (const double s : dz) max_slope = std::max(max_slope, std::abs(s));
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
  sum_partial_gradients(space, ws, n_chunks, gradient);
  out.loss = sum_partial_losses(space, ws, n_chunks);
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
