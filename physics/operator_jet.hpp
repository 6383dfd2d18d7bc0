/// @file physics/operator_jet.hpp
/// @brief The general operator L u = −∇·(A∇u) + b·∇u + c u at a training
/// point, from the solution jet and the coefficients stored in PointData,
/// with the partial derivatives the loss seeds need.
#pragma once

#include "physics/point_data.hpp"

namespace pinn {

/// A∇u (the diffusive flux) at a point.
KOKKOS_INLINE_FUNCTION void diffusive_flux(const PointData& p, const double* grad, int dim, double* flux) {
  for (int r = 0; r < dim; ++r) {
    flux[r] = 0.0;
    for (int s = 0; s < dim; ++s) flux[r] += p.diffusion[3 * r + s] * grad[s];
  }
}

/// The lower-order part b·∇u + c u, and its derivatives in ∇u (b) and u (c).
KOKKOS_INLINE_FUNCTION double lower_order_terms(const PointData& p, const double* grad, double u, int dim) {
  double value = p.reaction * u;
  for (int k = 0; k < dim; ++k) value += p.convection[k] * grad[k];
  return value;
}

/// L u from u, ∇u and Δu where A = a·I (the strong and proximal forms; a
/// matrix A would need every second derivative, so case files refuse it):
/// −aΔu − ∇a·∇u + b·∇u + c u, with ∇a = ∇·A. ∂(Lu)/∂Δu = −a,
/// ∂(Lu)/∂(∂_k u) = b_k − (∇a)_k, ∂(Lu)/∂u = c.
KOKKOS_INLINE_FUNCTION double scalar_diffusion_operator(const PointData& p, double u, const double* grad, double lap,
                                                        int dim) {
  double value = -p.diffusion[0] * lap + lower_order_terms(p, grad, u, dim);
  for (int k = 0; k < dim; ++k) value -= p.diffusion_divergence[k] * grad[k];
  return value;
}

/// A∇u·n + κu − g at a Neumann (κ = 0) or Robin boundary point, from ∇u.
KOKKOS_INLINE_FUNCTION double natural_condition_residual(const PointData& p, double u, const double* grad, int dim) {
  double flux[3] = {0, 0, 0};
  diffusive_flux(p, grad, dim, flux);
  double value = p.robin * u - p.g;
  for (int k = 0; k < dim; ++k) value += flux[k] * p.normal[k];
  return value;
}

}  // namespace pinn
