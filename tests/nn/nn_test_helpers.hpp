/// @file tests/nn/nn_test_helpers.hpp
/// @brief Small helpers shared by the nn tests: host copies, random points,
/// a loss touching every part of the jet.
#pragma once

#include "nn/nn.hpp"

#include <random>
#include <vector>

namespace pinn::test {

inline std::vector<double> to_host(const ConstVector& v) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  return std::vector<double>(h.data(), h.data() + h.extent(0));
}

inline void from_host(const std::vector<double>& values, const Vector& v) {
  auto h = Kokkos::create_mirror_view(v);
  for (std::size_t i = 0; i < values.size(); ++i) h(i) = values[i];
  Kokkos::deep_copy(v, h);
}

/// n points uniform in [lo, hi]^d, deterministic for a seed.
inline Matrix random_points(int n, int d, unsigned seed, double lo = -0.9, double hi = 0.9) {
  Matrix points("points", n, d);
  auto host = Kokkos::create_mirror_view(points);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uniform(lo, hi);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < d; ++k) host(i, k) = uniform(rng);
  Kokkos::deep_copy(points, host);
  return points;
}

inline Matrix points_from(const std::vector<std::vector<double>>& rows) {
  Matrix points("points", rows.size(), rows.empty() ? 0 : rows[0].size());
  auto host = Kokkos::create_mirror_view(points);
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t k = 0; k < rows[i].size(); ++k) host(i, k) = rows[i][k];
  Kokkos::deep_copy(points, host);
  return points;
}

inline std::vector<PointJet> jets_of_path(const Mlp& net, const Matrix& points, JetOrder order, KernelPath path,
                                          int n_laplacian_dims = -1) {
  auto jets = Kokkos::create_mirror_view_and_copy(
      Kokkos::HostSpace(), evaluate_jets(ExecSpace(), net, points, order, n_laplacian_dims, path));
  return std::vector<PointJet>(jets.data(), jets.data() + jets.extent(0));
}

inline std::vector<PointJet> jets_of(const Mlp& net, const Matrix& points, JetOrder order) {
  return jets_of_path(net, points, order, KernelPath::automatic);
}

/// A loss touching every part of the jet with point-dependent weights, so that
/// the seeds differ per point and per component.
struct MixedJetLoss {
  int n_outputs, n_inputs;
  KOKKOS_FUNCTION double operator()(int i, const PointJet& jet, PointJet& seed) const {
    double loss = 0.0;
    for (int o = 0; o < n_outputs; ++o) {
      const double w = 1.0 + 0.1 * i + 0.3 * o;
      loss += 0.5 * w * jet.value[o] * jet.value[o] + 0.3 * jet.value[o];
      seed.value[o] = w * jet.value[o] + 0.3;
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

/// Energy-like loss of output 0: Σ_i ½|∇u|² − f u with f = 1.
struct EnergyLoss {
  int n_inputs;
  KOKKOS_FUNCTION double operator()(int, const PointJet& jet, PointJet& seed) const {
    double loss = -jet.value[0];
    seed.value[0] = -1.0;
    for (int k = 0; k < n_inputs; ++k) {
      loss += 0.5 * jet.grad[0][k] * jet.grad[0][k];
      seed.grad[0][k] = jet.grad[0][k];
    }
    return loss;
  }
};

/// Central-difference derivative of a scalar function of the stored
/// parameters with respect to parameter p (restores the parameter).
template <class F>
double fd_parameter_derivative(Mlp& net, int p, double h, const F& f) {
  std::vector<double> params = to_host(net.params());
  const double saved = params[p];
  params[p] = saved + h;
  from_host(params, net.params());
  const double plus = f();
  params[p] = saved - h;
  from_host(params, net.params());
  const double minus = f();
  params[p] = saved;
  from_host(params, net.params());
  return (plus - minus) / (2 * h);
}

}  // namespace pinn::test
