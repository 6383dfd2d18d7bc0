/// @file physics/least_squares_residuals.hpp
/// @brief Every loss form written as ½‖r‖², for Levenberg–Marquardt
/// (README.md, "The energy as a sum of squares"). Per interior point, in this order:
///   energy:      √w (∂_k u − F_k), k < d        (∇·F = −f, so ½∫|∇u − F|² = energy + const)
///   strong:      √w C(−Δu − f, u − ψ)           (proximal: √w times the Prox-PINN residual)
///   first_order: √w (σ_k − ∂_k u), k < d, then √w C(−∇·σ − f, u − ψ)
///   then the obstacle: √(wμ) b(ψ − u + λ/μ) (and the same for ψ_hi) with
///   B = b², so ½ r² is exactly the barrier term of obstacle_loss.hpp up to the
///   constant −λ²/(2μ).
/// Boundary points (penalty boundary conditions) have one residual
/// √(wβ)(u − g + η/β) (η the boundary multiplier), for the energy form
/// √(wβ)(u − g + η/β + F·n/β), which carries the boundary term
/// of ½∫|∇u − F|² = energy − ∮ u F·n + const, so every form is ½‖r‖² + const.
/// Unused slots are zero rows with zero seeds.
#pragma once

#include "physics/obstacle_loss.hpp"

namespace pinn {

/// Which residual family a slot of a point belongs to (one Ceres cost function each).
enum class ResidualFamily { pde = 0, obstacle = 1, boundary = 2, unused = 3 };

struct ResidualLayout {
  int n_pde = 0;       ///< PDE residuals per interior point
  int n_obstacle = 0;  ///< obstacle residuals per interior point (0, 1 or 2)
  int per_point() const { return n_pde + n_obstacle > 0 ? n_pde + n_obstacle : 1; }
};

inline ResidualLayout residual_layout(const ObstacleLossParams& prm) {
  ResidualLayout layout;
  switch (prm.settings.form) {
    case LossForm::energy: layout.n_pde = prm.dim; break;
    case LossForm::strong:
    case LossForm::proximal: layout.n_pde = 1; break;
    case LossForm::first_order: layout.n_pde = prm.dim + 1; break;
  }
  if (prm.settings.penalty > 0.0) layout.n_obstacle = (prm.has_lower ? 1 : 0) + (prm.has_upper ? 1 : 0);
  return layout;
}

/// b with B = b² and b'.
KOKKOS_INLINE_FUNCTION BarrierValue barrier_root(const LossSettings& s, double violation) {
  BarrierValue b;
  switch (s.barrier) {
    case Barrier::relu2:
      b.value = violation > 0.0 ? violation : 0.0;
      b.derivative = violation > 0.0 ? 1.0 : 0.0;
      break;
    case Barrier::leaky2: {
      const double slope = violation > 0.0 ? 1.0 : s.leaky_beta;
      b.value = slope * violation;
      b.derivative = slope;
      break;
    }
    case Barrier::softplus: {
      const double k = s.softplus_sharpness, ks = k * violation;
      b.value = (ks > 0.0 ? ks + math::log1p(math::exp(-ks)) : math::log1p(math::exp(ks))) / k;
      b.derivative = 1.0 / (1.0 + math::exp(-ks));
      break;
    }
  }
  return b;
}

/// The point-residual functor for nn::residual_jacobian.
struct ObstaclePointResiduals {
  Kokkos::View<const PointData*, MemSpace> data;
  ObstacleLossParams params;
  ResidualLayout layout;

  KOKKOS_INLINE_FUNCTION void operator()(const int i, const PointJet& net, double* r, PointJet* seeds) const {
    const PointData& p = data(i);
    const int dim = params.dim;
    const bool hard = params.settings.boundary == BoundaryMode::hard;
    const SolutionJet s = solution_jet(p, net, dim, hard);
    if (p.is_boundary) {
      const double beta = params.settings.boundary_weight;
      const double scale = math::sqrt(p.weight * beta);
      // Energy form: the boundary term −∮ u F·n of ½∫|∇u − F|² moves into this residual.
      double shift = beta > 0.0 ? p.boundary_multiplier / beta : 0.0;  // the multiplier η of u = g
      if (params.settings.form == LossForm::energy && beta > 0.0) shift += p.flux_normal / beta;
      r[0] = scale * (s.u - p.g + shift);
      SolutionJet bar;
      bar.u = scale;
      add_solution_seed(p, bar, dim, hard, seeds[0]);
      return;
    }
    const double sw = math::sqrt(p.weight);
    int slot = 0;
    switch (params.settings.form) {
      case LossForm::energy:
        for (int k = 0; k < dim; ++k, ++slot) {
          r[slot] = sw * (s.grad[k] - p.flux[k]);
          SolutionJet bar;
          bar.grad[k] = sw;
          add_solution_seed(p, bar, dim, hard, seeds[slot]);
        }
        break;
      case LossForm::strong: {
        const ObstacleResidual c = obstacle_residual(params, p, -s.lap - p.f, s.u);
        r[slot] = sw * c.r;
        SolutionJet bar;
        bar.lap = -sw * c.dr_da;
        bar.u = sw * c.dr_du;
        add_solution_seed(p, bar, dim, hard, seeds[slot]);
        ++slot;
        break;
      }
      case LossForm::proximal: {
        const double eta = params.settings.proximal_step;
        const double v = s.u - eta * (-s.lap - p.f) - p.psi_lower;
        const double active = v > 0.0 ? 1.0 : 0.0;
        r[slot] = sw * (s.u - (p.psi_lower + active * v));
        SolutionJet bar;
        bar.u = sw * (1.0 - active);
        bar.lap = -sw * eta * active;
        add_solution_seed(p, bar, dim, hard, seeds[slot]);
        ++slot;
        break;
      }
      case LossForm::first_order: {
        double divergence = 0.0;
        for (int k = 0; k < dim; ++k, ++slot) {
          r[slot] = sw * (net.value[1 + k] - s.grad[k]);
          seeds[slot].value[1 + k] = sw;
          SolutionJet bar;
          bar.grad[k] = -sw;
          add_solution_seed(p, bar, dim, hard, seeds[slot]);
          divergence += net.grad[1 + k][k];
        }
        const ObstacleResidual c = obstacle_residual(params, p, -divergence - p.f, s.u);
        r[slot] = sw * c.r;
        for (int k = 0; k < dim; ++k) seeds[slot].grad[1 + k][k] = -sw * c.dr_da;
        SolutionJet bar;
        bar.u = sw * c.dr_du;
        add_solution_seed(p, bar, dim, hard, seeds[slot]);
        ++slot;
        break;
      }
    }
    const double mu = params.settings.penalty;
    if (layout.n_obstacle == 0) return;
    const double scale = math::sqrt(p.obstacle_weight * mu);
    if (params.has_lower) {
      const BarrierValue b = barrier_root(params.settings, p.psi_lower - s.u + p.lambda_lower / mu);
      r[slot] = scale * b.value;
      SolutionJet bar;
      bar.u = -scale * b.derivative;
      add_solution_seed(p, bar, dim, hard, seeds[slot]);
      ++slot;
    }
    if (params.has_upper) {
      const BarrierValue b = barrier_root(params.settings, s.u - p.psi_upper + p.lambda_upper / mu);
      r[slot] = scale * b.value;
      SolutionJet bar;
      bar.u = scale * b.derivative;
      add_solution_seed(p, bar, dim, hard, seeds[slot]);
    }
  }
};

/// Family of slot `slot` at a point (boundary points use slot 0 only).
inline ResidualFamily residual_family(const ResidualLayout& layout, bool boundary_point, int slot) {
  if (boundary_point) return slot == 0 ? ResidualFamily::boundary : ResidualFamily::unused;
  return slot < layout.n_pde ? ResidualFamily::pde : ResidualFamily::obstacle;
}

}  // namespace pinn
