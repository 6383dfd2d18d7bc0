/// @file nn/detail/host/host_forward.hpp
/// @brief A plain host forward pass of one point through the hidden layers,
/// for the few host-side edits of a network (neuron revival and insertion)
/// that need every neuron's pre-activation; training never uses it.
#pragma once

#include "nn/activation.hpp"
#include "nn/mlp.hpp"
#include "nn/piecewise_linear_1d.hpp"

#include <utility>
#include <vector>

namespace pinn::detail {

/// For every linear layer l below the output layer: its inputs a[l] and its
/// pre-activations z[l] (so a[0] is the point and a[l + 1] = f(z[l])).
struct HostHiddenForward {
  std::vector<std::vector<double>> a, z;
};

inline HostHiddenForward host_hidden_forward(const MlpLayout& layout, const ConstHostVector& params,
                                             const double* x) {
  HostHiddenForward f;
  f.a.emplace_back(x, x + layout.n_inputs());
  for (int l = 0; l + 1 < layout.n_layers; ++l) {
    const int n_in = layout.width[l], n_out = layout.width[l + 1];
    std::vector<double> z(n_out), next(n_out);
    for (int j = 0; j < n_out; ++j) {
      double v = params(layout.b_offset[l] + j);
      for (int i = 0; i < n_in; ++i) v += params(layout.w_offset[l] + j * n_in + i) * f.a[l][i];
      z[j] = v;
      next[j] = activation_values(layout.activation, v, host_alpha(layout, params, l, j)).f;
    }
    f.z.push_back(std::move(z));
    f.a.push_back(std::move(next));
  }
  return f;
}

}  // namespace pinn::detail
