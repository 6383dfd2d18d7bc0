/// @file physics/least_squares_residuals.hpp
/// @brief Every loss form written as ½‖r‖², for Levenberg–Marquardt
/// (README.md, "The energy as a sum of squares"). Per interior point, in this order:
///   energy:      √w (∂_k u − F_k), k < d        (∇·F = −f, so ½∫|∇u − F|² = energy + const);
///                with linear_source_rows √w ∂_k u, then the linear row −w f u
///   strong:      √w C(−Δu − f, u − ψ)           (proximal: √w times the Prox-PINN residual)
///   first_order: √w (σ_k − ∂_k u), k < d, then √w C(−∇·σ − f, u − ψ)
///   then the obstacle: √(wμ) b(ψ − u + λ/μ) (and the same for ψ_hi) with
///   B = b², so ½ r² is exactly the barrier term of obstacle_loss.hpp up to the
///   constant −λ²/(2μ).
/// Boundary points (penalty boundary conditions) have one residual
/// √(wβ)(u − g + η/β) (η the boundary multiplier), for the energy form
/// √(wβ)(u − g + η/β + F·n/β), which carries the boundary term
/// of ½∫|∇u − F|² = energy − ∮ u F·n + const, so every form is ½‖r‖² + const
/// — except for the energy's Neumann rows, which are linear terms (is_linear_row).
/// Unused slots are zero rows with zero seeds.
/// The general operator (ObstacleLossParams::general_operator) changes the
/// PDE slots (general_pde_residuals) and the rows of Neumann and Robin points
/// (natural_boundary_residual).
#pragma once

#include "physics/obstacle_loss.hpp"

namespace pinn {

/// Which residual family a slot of a point belongs to (one Ceres cost function
/// each; `linear` rows are terms r of the loss, not ½r², and only the
/// natural_gradient stage takes them).
enum class ResidualFamily { pde = 0, obstacle = 1, boundary = 2, unused = 3, linear = 4 };

struct ResidualLayout {
  int n_pde = 0;       ///< PDE residuals per interior point
  int n_obstacle = 0;  ///< obstacle residuals per interior point (0, 1 or 2)
  int per_point() const { return n_pde + n_obstacle > 0 ? n_pde + n_obstacle : 1; }
};

inline ResidualLayout residual_layout(const ObstacleLossParams& prm) {
  ResidualLayout layout;
  switch (prm.settings.form) {
    case LossForm::energy:
      layout.n_pde = prm.dim + (prm.general_operator && prm.has_reaction ? 1 : 0) + (prm.linear_source_rows ? 1 : 0);
      break;
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

  /// The linear row −w·source·u of linear_source_rows; returns 1.
  KOKKOS_INLINE_FUNCTION int linear_source_row(const PointData& p, double source, const SolutionJet& s, double* r,
                                               PointJet* seeds) const {
    r[0] = -p.weight * source * s.u;
    SolutionJet bar;
    bar.u = -p.weight * source;
    add_solution_seed(p, bar, params.dim, params.settings.boundary == BoundaryMode::hard, seeds[0]);
    return 1;
  }

  /// The PDE slots for L = −Δ; returns the number written.
  KOKKOS_INLINE_FUNCTION int laplacian_pde_residuals(const PointData& p, const SolutionJet& s, const PointJet& net,
                                                     double* r, PointJet* seeds) const {
    const int dim = params.dim;
    const bool hard = params.settings.boundary == BoundaryMode::hard;
    const double sw = math::sqrt(p.weight);
    int slot = 0;
    switch (params.settings.form) {
      case LossForm::energy:
        for (int k = 0; k < dim; ++k, ++slot) {
          r[slot] = sw * (s.grad[k] - (params.linear_source_rows ? 0.0 : p.flux[k]));
          SolutionJet bar;
          bar.grad[k] = sw;
          add_solution_seed(p, bar, dim, hard, seeds[slot]);
        }
        if (params.linear_source_rows) slot += linear_source_row(p, p.f, s, r + slot, seeds + slot);
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
    return slot;
  }

  /// The PDE slots for the general operator (obstacle_loss.hpp's
  /// general_pde_loss as squares): energy √w((Lᵀ∇u)_k − (L⁻¹F)_k) and, with
  /// a reaction term, √(wc)·u; strong / proximal / first_order with L u.
  KOKKOS_INLINE_FUNCTION int general_pde_residuals(const PointData& p, const SolutionJet& s, const PointJet& net,
                                                   double* r, PointJet* seeds) const {
    const int dim = params.dim;
    const bool hard = params.settings.boundary == BoundaryMode::hard;
    const double sw = math::sqrt(p.weight);
    int slot = 0;
    switch (params.settings.form) {
      case LossForm::energy:
        for (int k = 0; k < dim; ++k, ++slot) {
          SolutionJet bar;
          r[slot] = params.linear_source_rows ? 0.0 : -sw * p.flux[k];
          for (int j = 0; j < dim; ++j) {
            r[slot] += sw * p.diffusion_root[3 * k + j] * s.grad[j];
            bar.grad[j] = sw * p.diffusion_root[3 * k + j];
          }
          add_solution_seed(p, bar, dim, hard, seeds[slot]);
        }
        if (params.has_reaction) {
          const double root = math::sqrt(p.weight * p.reaction);
          r[slot] = root * (params.source_in_reaction && p.reaction > 0.0 ? s.u - p.f_reaction / p.reaction : s.u);
          SolutionJet bar;
          bar.u = root;
          add_solution_seed(p, bar, dim, hard, seeds[slot]);
          ++slot;
        }
        if (params.linear_source_rows) {
          // The part of f that the flux would carry (the reaction's square holds the rest).
          const bool in_reaction = params.has_reaction && params.source_in_reaction && p.reaction > 0.0;
          slot += linear_source_row(p, p.f - p.lagged_wind - (in_reaction ? p.f_reaction : 0.0), s, r + slot,
                                   seeds + slot);
        }
        break;
      case LossForm::strong: {
        const double a = scalar_diffusion_operator(p, s.u, s.grad, s.lap, dim) - p.f;
        const ObstacleResidual c = obstacle_residual(params, p, a, s.u);
        r[slot] = sw * c.r;
        SolutionJet bar;
        const double da = sw * c.dr_da;
        bar.lap = -da * p.diffusion[0];
        for (int k = 0; k < dim; ++k) bar.grad[k] = da * (p.convection[k] - p.diffusion_divergence[k]);
        bar.u = sw * c.dr_du + da * p.reaction;
        add_solution_seed(p, bar, dim, hard, seeds[slot]);
        ++slot;
        break;
      }
      case LossForm::proximal: {
        const double eta = params.settings.proximal_step;
        const double a = scalar_diffusion_operator(p, s.u, s.grad, s.lap, dim) - p.f;
        const double v = s.u - eta * a - p.psi_lower;
        const double active = v > 0.0 ? 1.0 : 0.0;
        r[slot] = sw * (s.u - (p.psi_lower + active * v));
        SolutionJet bar;
        const double da = sw * eta * active;
        bar.u = sw * (1.0 - active) + da * p.reaction;
        bar.lap = -da * p.diffusion[0];
        for (int k = 0; k < dim; ++k) bar.grad[k] = da * (p.convection[k] - p.diffusion_divergence[k]);
        add_solution_seed(p, bar, dim, hard, seeds[slot]);
        ++slot;
        break;
      }
      case LossForm::first_order: {
        double flux[3] = {0, 0, 0};
        diffusive_flux(p, s.grad, dim, flux);
        double divergence = 0.0;
        for (int k = 0; k < dim; ++k, ++slot) {
          r[slot] = sw * (net.value[1 + k] - flux[k]);
          seeds[slot].value[1 + k] = sw;
          SolutionJet bar;
          for (int j = 0; j < dim; ++j) bar.grad[j] = -sw * p.diffusion[3 * k + j];
          add_solution_seed(p, bar, dim, hard, seeds[slot]);
          divergence += net.grad[1 + k][k];
        }
        const double a = -divergence + lower_order_terms(p, s.grad, s.u, dim) - p.f;
        const ObstacleResidual c = obstacle_residual(params, p, a, s.u);
        r[slot] = sw * c.r;
        const double da = sw * c.dr_da;
        for (int k = 0; k < dim; ++k) seeds[slot].grad[1 + k][k] = -da;
        SolutionJet bar;
        for (int k = 0; k < dim; ++k) bar.grad[k] = da * p.convection[k];
        bar.u = sw * c.dr_du + da * p.reaction;
        add_solution_seed(p, bar, dim, hard, seeds[slot]);
        ++slot;
        break;
      }
    }
    return slot;
  }

  /// The one row of a Neumann or Robin point. Energy form: the natural term
  /// w(½κu² − gu) and the flux form's −w u F·n together are
  /// ½(√(wκ)(u − (g − F·n)/κ))² + const for κ > 0; for κ = 0 they vanish
  /// because the flux is chosen with F·n = g there (physics/point_data.cpp;
  /// case files refuse the other cases). Other forms: √(wβ)(A∇u·n + κu − g),
  /// with σ·n for A∇u·n in the first_order form.
  KOKKOS_INLINE_FUNCTION void natural_boundary_residual(const PointData& p, const SolutionJet& s, const PointJet& net,
                                                        double* r, PointJet* seeds) const {
    const int dim = params.dim;
    const bool hard = params.settings.boundary == BoundaryMode::hard;
    SolutionJet bar;
    if (params.settings.form == LossForm::energy) {
      const double flux_normal = params.linear_source_rows ? 0.0 : p.flux_normal;
      if (p.robin > 0.0) {
        const double root = math::sqrt(p.weight * p.robin);
        r[0] = root * (s.u - (p.g - flux_normal) / p.robin);
        bar.u = root;
      } else {
        // A Neumann point: the linear term w(F·n − g)u itself (is_linear_row).
        r[0] = p.weight * (flux_normal - p.g) * s.u;
        bar.u = p.weight * (flux_normal - p.g);
      }
      add_solution_seed(p, bar, dim, hard, seeds[0]);
      return;
    }
    const double scale = math::sqrt(p.weight * params.settings.boundary_weight);
    bar.u = scale * p.robin;
    if (params.settings.form == LossForm::first_order) {
      double value = p.robin * s.u - p.g;
      for (int k = 0; k < dim; ++k) {
        value += net.value[1 + k] * p.normal[k];
        seeds[0].value[1 + k] = scale * p.normal[k];
      }
      r[0] = scale * value;
    } else {
      r[0] = scale * natural_condition_residual(p, s.u, s.grad, dim);
      for (int k = 0; k < dim; ++k)
        for (int j = 0; j < dim; ++j) bar.grad[j] += scale * p.diffusion[3 * k + j] * p.normal[k];
    }
    add_solution_seed(p, bar, dim, hard, seeds[0]);
  }

  /// Whether the point's row is a term r of the loss rather than ½r²: in the
  /// energy form a Neumann condition (or a Robin one with κ = 0) adds
  /// ∮(F·n − g)u, linear in u, which no square carries. The Gauss–Newton step
  /// adds such rows to the gradient and leaves them out of its Gram matrix;
  /// check_least_squares_form keeps them from Ceres' stages. (In 1D one such
  /// end is allowed there: F is shifted so that F·n = g, and the row is zero.)
  KOKKOS_INLINE_FUNCTION bool is_linear_row(const PointData& p) const {
    return params.general_operator && params.settings.form == LossForm::energy && has_natural_condition(p) &&
           p.robin == 0.0;
  }

  KOKKOS_INLINE_FUNCTION void operator()(const int i, const PointJet& net, double* r, PointJet* seeds) const {
    const PointData& p = data(i);
    const int dim = params.dim;
    const bool hard = params.settings.boundary == BoundaryMode::hard;
    const SolutionJet s = solution_jet(p, net, dim, hard);
    if (params.general_operator && has_natural_condition(p)) {
      natural_boundary_residual(p, s, net, r, seeds);
      return;
    }
    if (p.is_boundary) {
      const double beta = params.settings.boundary_weight;
      const double scale = math::sqrt(p.weight * beta);
      // Energy form: the boundary term −∮ u F·n of ½∫|∇u − F|² moves into this residual.
      double shift = beta > 0.0 ? p.boundary_multiplier / beta : 0.0;  // the multiplier η of u = g
      if (params.settings.form == LossForm::energy && beta > 0.0 && !params.linear_source_rows)
        shift += p.flux_normal / beta;
      r[0] = scale * (s.u - p.g + shift);
      SolutionJet bar;
      bar.u = scale;
      add_solution_seed(p, bar, dim, hard, seeds[0]);
      return;
    }
    int slot = params.general_operator ? general_pde_residuals(p, s, net, r, seeds)
                                       : laplacian_pde_residuals(p, s, net, r, seeds);
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

/// Family of slot `slot` at point `p` (boundary points use slot 0 only).
inline ResidualFamily residual_family(const ObstaclePointResiduals& residuals, const PointData& p, int slot) {
  if (p.is_boundary) {
    if (slot != 0) return ResidualFamily::unused;
    return residuals.is_linear_row(p) ? ResidualFamily::linear : ResidualFamily::boundary;
  }
  if (residuals.params.linear_source_rows && slot == residuals.layout.n_pde - 1) return ResidualFamily::linear;
  return slot < residuals.layout.n_pde ? ResidualFamily::pde : ResidualFamily::obstacle;
}

}  // namespace pinn
