/// @file solver/exact_fit.hpp
/// @brief Fits a piecewise-linear network with its exact activation to the
/// smoothed network a homotopy stage trained (stage.exact_fit_steps).
#pragma once

#include "nn/kokkos_types.hpp"
#include "nn/mlp.hpp"

namespace pinn {

/// How far the exact network was from the smoothed one, before and after.
struct ExactFitReport {
  int steps = 0;             ///< accepted Gauss–Newton steps
  double rms_before = 0.0;   ///< rms of w(N₀ − N_ε) over the points at the start
  double rms_after = 0.0;    ///< the same after the fit
};

/// A homotopy stage trains N_ε, the network with its activation smoothed to
/// width ε, but results describe N₀, the same parameters with the exact
/// activation; at the end of the homotopy the two still differ by about ε
/// per layer near every kink, and that gap can be most of the error
/// (README, "Smoothing homotopy"). This takes N_ε's values at `points` as
/// targets, sets ε = 0 and moves all parameters by at most `max_steps`
/// damped Gauss–Newton steps on ½Σ w_i²(N₀(x_i) − N_ε(x_i))² (each step
/// accepted only where it lowers that sum). `factors` holds w_i, the factor
/// by which the network's output enters u at each point — the hard boundary
/// condition's distance d in u = G + d·N — so that the sum is ½Σ(u₀ − u_ε)²,
/// the difference the results see; empty: all 1. The network keeps ε = 0.
/// Every rank computes every row, so the result does not depend on threads
/// or ranks.
ExactFitReport fit_exact_to_smoothed(Mlp& net, const Matrix& points, const Vector& factors, int max_steps);

}  // namespace pinn
