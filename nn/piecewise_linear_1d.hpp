/// @file nn/piecewise_linear_1d.hpp
/// @brief Exact geometry of a one-input piecewise-linear network N: where
/// its neurons switch (breakpoints), and the Dirichlet energy ½∫N'² computed
/// exactly between them, with its parameter gradient.
///
/// Why: with point quadrature, ½Σ w_i N'(x_i)² jumps when a kink crosses a
/// quadrature point, and its gradient says nothing about where the kinks
/// should go (a kink's position changes N' only between points). Integrated
/// exactly, the energy is a smooth function of the parameters as long as no
/// two breakpoints cross:
///   E = ½ Σ_k s_k² (t_{k+1} − t_k),   s_k the slope on segment k,
///   dE/dθ = Σ_k s_k (t_{k+1} − t_k) ∂s_k/∂θ + Σ_k (½s_{k−1}² − ½s_k²) dt_k/dθ,
/// where the breakpoint t_k, a zero of the pre-activation z of neuron (l, j),
/// moves by dt_k/dθ = −(∂z/∂θ)/(∂z/∂x) (implicit function theorem). The slope
/// on a segment does not depend on any bias; the breakpoints carry that.
#pragma once

#include "nn/mlp.hpp"

#include <vector>

namespace pinn {

/// A point where hidden neuron `neuron` of hidden layer `layer` (0-based)
/// changes sign.
struct Breakpoint1d {
  double x = 0.0;
  int layer = 0;
  int neuron = 0;
};

/// Every breakpoint of a 1D ReLU/LeakyReLU/PReLU network inside (a, b),
/// sorted, layer by layer (a neuron of layer l is linear between the
/// breakpoints of layers < l, so each such piece holds at most one of its
/// zeros). Breakpoints closer than 1e-12 (b − a) are merged (the first kept).
std::vector<Breakpoint1d> find_breakpoints_1d(const Mlp& net, double a, double b);

/// ½∫_a^b (∂N_0/∂x)² dx of output 0, exactly. When `gradient` is not null
/// (size n_params), dE/dθ is added to it.
double dirichlet_energy_1d(const Mlp& net, double a, double b, std::vector<double>* gradient);

namespace detail {

/// Host forward pass of a 1D network at x. For linear layer l: its inputs
/// a[l] with x-derivatives da[l], its outputs z[l] with x-derivatives dz[l].
/// Activation patterns are those at x (left branch at z = 0, as the kernels).
struct Forward1d {
  std::vector<std::vector<double>> a, da, z, dz;
};

/// Runs linear layers 0 .. upto (default: all).
void forward_1d(const MlpLayout& layout, const ConstHostVector& params, double x, Forward1d& f, int upto = -1);

/// Effective slope α of neuron j of hidden layer l (0 for ReLU, the fixed
/// slope for LeakyReLU), from host parameters.
double host_alpha(const MlpLayout& layout, const ConstHostVector& params, int l, int j);

}  // namespace detail

}  // namespace pinn
