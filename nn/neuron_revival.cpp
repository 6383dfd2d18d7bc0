/// @file nn/neuron_revival.cpp
/// @brief Kinkless neurons found by a host forward pass; dead ones revived.
#include "nn/neuron_revival.hpp"

#include "nn/activation.hpp"
#include "nn/detail/host/host_forward.hpp"
#include "nn/error.hpp"
#include "nn/piecewise_linear_1d.hpp"

#include <algorithm>

namespace pinn {

namespace {

/// Pre-activations z[l][j] of every hidden layer at one point, on the host.
std::vector<std::vector<double>> hidden_preactivations(const MlpLayout& layout, const ConstHostVector& params,
                                                       const double* x) {
  return detail::host_hidden_forward(layout, params, x).z;
}

struct SignCount {
  int positive = 0, total = 0;
};

/// For every hidden neuron, how many points have z > 0.
std::vector<std::vector<SignCount>> sign_counts(const MlpLayout& layout, const ConstHostVector& params,
                                                const HostPoints& x) {
  std::vector<std::vector<SignCount>> counts(layout.n_layers - 1);
  for (int l = 0; l + 1 < layout.n_layers; ++l) counts[l].assign(layout.width[l + 1], {});
  for (int i = 0; i < static_cast<int>(x.extent(0)); ++i) {
    const auto z = hidden_preactivations(layout, params, &x(i, 0));
    for (std::size_t l = 0; l < z.size(); ++l)
      for (std::size_t j = 0; j < z[l].size(); ++j) {
        counts[l][j].positive += z[l][j] > 0.0 ? 1 : 0;
        ++counts[l][j].total;
      }
  }
  return counts;
}

bool dead(const SignCount& c) { return c.positive == 0; }
bool always_active(const SignCount& c) { return c.total > 0 && c.positive == c.total; }

void require_piecewise_linear(const MlpLayout& layout) {
  PINN_REQUIRE(is_piecewise_linear(layout.activation),
               "kinks belong to piecewise-linear networks; this one uses " << to_string(layout.activation));
}

}  // namespace

KinklessNeurons find_kinkless_neurons(const Mlp& net, const Matrix& points) {
  const MlpLayout& layout = net.layout();
  require_piecewise_linear(layout);
  PINN_REQUIRE(static_cast<int>(points.extent(1)) == layout.n_inputs(),
               "points have " << points.extent(1) << " columns, the network " << layout.n_inputs() << " inputs");
  const ConstHostVector params = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
  const HostPoints x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points);
  const auto counts = sign_counts(layout, params, x);
  KinklessNeurons found;
  for (std::size_t l = 0; l < counts.size(); ++l)
    for (std::size_t j = 0; j < counts[l].size(); ++j) {
      const NeuronId id{static_cast<int>(l), static_cast<int>(j)};
      if (dead(counts[l][j])) found.dead.push_back(id);
      if (always_active(counts[l][j])) found.always_active.push_back(id);
    }
  return found;
}

RevivalReport revive_dead_neurons(Mlp& net, const Matrix& points, const std::vector<int>& targets) {
  const MlpLayout& layout = net.layout();
  require_piecewise_linear(layout);
  RevivalReport report;
  if (targets.empty() || points.extent(0) == 0) return report;
  const int n_points = static_cast<int>(points.extent(0));
  for (const int t : targets)
    PINN_REQUIRE(t >= 0 && t < n_points, "target point " << t << " is not one of the " << n_points << " points");
  HostVector params = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
  const HostPoints x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points);
  std::size_t next_target = 0;
  // Layer by layer: reviving layer l changes what layer l + 1 sees.
  for (int l = 0; l + 1 < layout.n_layers; ++l) {
    const auto counts = sign_counts(layout, params, x);
    for (int j = 0; j < layout.width[l + 1]; ++j) {
      if (!dead(counts[l][j])) continue;
      const int target = targets[next_target++ % targets.size()];
      params(layout.b_offset[l] + j) -= hidden_preactivations(layout, params, &x(target, 0))[l][j];
      const int n_next = layout.width[l + 2];
      for (int k = 0; k < n_next; ++k) params(layout.w_offset[l + 1] + k * layout.width[l + 1] + j) = 0.0;
      report.revived.push_back({l, j});
      report.target_points.push_back(target);
    }
  }
  Kokkos::deep_copy(net.params(), params);
  return report;
}

}  // namespace pinn
