/// @file physics/obstacle_loss.hpp
/// @brief The pointwise obstacle-problem losses (README.md, "Why not the strong
/// form with PReLU" and "Barrier and augmented Lagrangian") as a point-loss
/// functor for nn::loss_and_gradient: energy (Deep Ritz), first_order (FOSLS),
/// strong and proximal forms, each with the augmented-Lagrangian barrier
///   w [ (μ/2) B(ψ − u + λ/μ) − λ²/(2μ) ]
/// (for relu2 and λ = 0 this is the penalty (μ/2)·w·ReLU(ψ − u)²; the ½ makes
/// the multiplier update exactly λ ← max(0, λ + μ(ψ − u))).
///
/// Hard boundary conditions: u = G + d·N with the lift G and distance d stored
/// per point, so u, ∇u, Δu follow from the network jet by the product rule and
/// the seeds go back by its transpose.
#pragma once

#include "nn/point_jet.hpp"
#include "physics/barrier.hpp"
#include "physics/operator_jet.hpp"
#include "physics/point_data.hpp"

namespace pinn {

struct ObstacleLossParams {
  LossSettings settings;
  int dim = 1;
  bool has_lower = true;
  bool has_upper = false;
  /// The operator is not −Δ, or the boundary has Neumann / Robin parts: the
  /// losses read PointData's operator and boundary fields. Unset, the −Δ and
  /// Dirichlet code runs exactly as it always has.
  bool general_operator = false;
  /// c ≠ 0 somewhere: the energy's residual form gets a slot √(wc)·u.
  bool has_reaction = false;
  /// The problem has a reaction_source (ObstacleProblem): that slot is
  /// √(wc)(u − f_reaction/c) and the flux carries the rest of f.
  bool source_in_reaction = false;
  /// Energy form, least-squares residuals only (physics/least_squares_residuals.hpp):
  /// the source term −w f u of each interior point as a linear row instead of
  /// the flux F in √w(∇u − F). The residual form is then the discrete loss
  /// itself; through F it equals the loss only after an integration by parts
  /// that the quadrature does not make exactly, and a Gauss–Newton step can
  /// lower ½‖∇u − F‖² while the loss rises (README, "The energy as a sum of
  /// squares"). Only the natural_gradient stage takes linear rows.
  bool linear_source_rows = false;
  /// The network's Δ is over the first this many inputs (−1: all): a space–time problem's spatial
  /// ones (physics/problem.hpp, laplacian_dims); passed to the jet kernels as n_laplacian_dims.
  int laplacian_dims = -1;
};

/// The network derivatives a loss form needs at the training points.
inline JetOrder jet_order_for(LossForm form) {
  return needs_laplacian(form) ? JetOrder::laplacian : JetOrder::gradient;
}

/// A loss split into its parts, for logging.
struct LossTerms {
  double pde = 0;       ///< energy density or PDE/flux residuals
  double obstacle = 0;  ///< barrier / augmented-Lagrangian terms
  double boundary = 0;  ///< boundary penalty
  KOKKOS_INLINE_FUNCTION double total() const { return pde + obstacle + boundary; }
};

/// u, ∇u and Δu of the solution from the network output 0.
struct SolutionJet {
  double u = 0, grad[kMaxInputs] = {0, 0, 0, 0}, lap = 0;
};

KOKKOS_INLINE_FUNCTION SolutionJet solution_jet(const PointData& p, const PointJet& net, int dim, bool hard) {
  SolutionJet s;
  if (!hard) {
    s.u = net.value[0];
    for (int k = 0; k < dim; ++k) s.grad[k] = net.grad[0][k];
    s.lap = net.lap[0];
    return s;
  }
  s.u = p.lift + p.dist * net.value[0];
  s.lap = p.lift_lap + p.dist_lap * net.value[0] + p.dist * net.lap[0];
  for (int k = 0; k < dim; ++k) {
    s.grad[k] = p.lift_grad[k] + p.dist_grad[k] * net.value[0] + p.dist * net.grad[0][k];
    if (k < p.laplacian_dims) s.lap += 2.0 * p.dist_grad[k] * net.grad[0][k];
  }
  return s;
}

/// Adds to the network seed the pull-back of seeds on (u, ∇u, Δu).
KOKKOS_INLINE_FUNCTION void add_solution_seed(const PointData& p, const SolutionJet& bar, int dim, bool hard,
                                              PointJet& seed) {
  if (!hard) {
    seed.value[0] += bar.u;
    for (int k = 0; k < dim; ++k) seed.grad[0][k] += bar.grad[k];
    seed.lap[0] += bar.lap;
    return;
  }
  seed.value[0] += bar.u * p.dist + bar.lap * p.dist_lap;
  seed.lap[0] += bar.lap * p.dist;
  for (int k = 0; k < dim; ++k) {
    seed.value[0] += bar.grad[k] * p.dist_grad[k];
    seed.grad[0][k] += bar.grad[k] * p.dist + (k < p.laplacian_dims ? 2.0 * bar.lap * p.dist_grad[k] : 0.0);
  }
}

/// Complementarity residual r = C(a, b) and its partial derivatives.
struct ComplementarityValue {
  double r = 0, dr_da = 0, dr_db = 0;
};

/// The obstacle residual r(a, u) of obstacle_residual and its partial
/// derivatives ∂r/∂a and ∂r/∂u.
struct ObstacleResidual {
  double r = 0, dr_da = 0, dr_du = 0;
};

KOKKOS_INLINE_FUNCTION ComplementarityValue complementarity_value(Complementarity c, double a, double b) {
  ComplementarityValue v;
  if (c == Complementarity::min) {
    if (a <= b) {
      v.r = a;
      v.dr_da = 1.0;
    } else {
      v.r = b;
      v.dr_db = 1.0;
    }
    return v;
  }
  const double norm = math::sqrt(a * a + b * b);
  v.r = a + b - norm;
  v.dr_da = norm > 0.0 ? 1.0 - a / norm : 0.0;
  v.dr_db = norm > 0.0 ? 1.0 - b / norm : 0.0;
  return v;
}

/// Residual of the PDE + obstacle conditions with a = −Δu − f (or −∇·σ − f):
/// C(a, u − ψ) for a lower obstacle, C(−a, ψ_hi − u) for an upper one, and the
/// median max(u − ψ_hi, min(a, u − ψ_lo)) for both (zero exactly when the
/// double-obstacle complementarity holds). Returns r with ∂r/∂a and ∂r/∂u.
KOKKOS_INLINE_FUNCTION ObstacleResidual obstacle_residual(const ObstacleLossParams& prm, const PointData& p, double a,
                                                          double u) {
  ObstacleResidual out;
  if (prm.has_lower && prm.has_upper) {
    const double low = u - p.psi_lower, high = u - p.psi_upper;
    const bool a_smaller = a <= low;
    const double inner = a_smaller ? a : low;
    if (high >= inner) {
      out.r = high;
      out.dr_du = 1.0;
    } else {
      out.r = inner;
      out.dr_da = a_smaller ? 1.0 : 0.0;
      out.dr_du = a_smaller ? 0.0 : 1.0;
    }
    return out;
  }
  if (prm.has_upper) {  // b = ψ_hi − u: ∂r/∂u = −∂C/∂b
    const ComplementarityValue c = complementarity_value(prm.settings.complementarity, -a, p.psi_upper - u);
    out.r = c.r;
    out.dr_da = -c.dr_da;
    out.dr_du = -c.dr_db;
    return out;
  }
  // b = u − ψ: ∂r/∂u = ∂C/∂b
  const ComplementarityValue c = complementarity_value(prm.settings.complementarity, a, u - p.psi_lower);
  out.r = c.r;
  out.dr_da = c.dr_da;
  out.dr_du = c.dr_db;
  return out;
}

/// The obstacle (augmented-Lagrangian barrier) terms at one interior point;
/// adds ∂/∂u to *u_bar.
KOKKOS_INLINE_FUNCTION double obstacle_terms(const ObstacleLossParams& prm, const PointData& p, double u,
                                             double* u_bar) {
  const double mu = prm.settings.penalty;
  if (!(mu > 0.0)) return 0.0;
  double value = 0.0;
  if (prm.has_lower) {
    const BarrierValue b = barrier_value(prm.settings, p.psi_lower - u + p.lambda_lower / mu);
    value += p.obstacle_weight * (0.5 * mu * b.value - p.lambda_lower * p.lambda_lower / (2.0 * mu));
    *u_bar -= p.obstacle_weight * 0.5 * mu * b.derivative;
  }
  if (prm.has_upper) {
    const BarrierValue b = barrier_value(prm.settings, u - p.psi_upper + p.lambda_upper / mu);
    value += p.obstacle_weight * (0.5 * mu * b.value - p.lambda_upper * p.lambda_upper / (2.0 * mu));
    *u_bar += p.obstacle_weight * 0.5 * mu * b.derivative;
  }
  return value;
}

/// The PDE part of the loss at an interior point for L = −Δ (the general
/// operator's general_pde_loss gives the same values with more work).
KOKKOS_INLINE_FUNCTION double laplacian_pde_loss(const ObstacleLossParams& prm, const PointData& p, const SolutionJet& s,
                                                 const PointJet& net, SolutionJet& bar, PointJet& seed) {
  const int dim = prm.dim;
  const double w = p.weight;
  double value = 0.0;
  switch (prm.settings.form) {
    case LossForm::energy: {
      double grad2 = 0.0;
      if (!prm.settings.exact_energy_integration) {  // else the trainer adds the exact ½∫u'²
        for (int k = 0; k < dim; ++k) {
          grad2 += s.grad[k] * s.grad[k];
          bar.grad[k] = w * s.grad[k];
        }
      }
      value = w * (0.5 * grad2 - p.f * s.u);
      bar.u = -w * p.f;
      break;
    }
    case LossForm::strong: {
      const ObstacleResidual r = obstacle_residual(prm, p, -s.lap - p.f, s.u);
      value = 0.5 * w * r.r * r.r;
      bar.lap = -w * r.r * r.dr_da;
      bar.u = w * r.r * r.dr_du;
      break;
    }
    case LossForm::proximal: {
      const double a = -s.lap - p.f;
      const double v = s.u - prm.settings.proximal_step * a - p.psi_lower;
      const double active = v > 0.0 ? 1.0 : 0.0;
      const double r = s.u - (p.psi_lower + active * v);
      value = 0.5 * w * r * r;
      bar.u = w * r * (1.0 - active);
      bar.lap = -w * r * prm.settings.proximal_step * active;
      break;
    }
    case LossForm::first_order: {
      double divergence = 0.0;
      for (int k = 0; k < dim; ++k) {
        const double rho = net.value[1 + k] - s.grad[k];
        value += 0.5 * w * rho * rho;
        seed.value[1 + k] += w * rho;
        bar.grad[k] = -w * rho;
        divergence += net.grad[1 + k][k];
      }
      const ObstacleResidual r = obstacle_residual(prm, p, -divergence - p.f, s.u);
      value += 0.5 * w * r.r * r.r;
      for (int k = 0; k < dim; ++k) seed.grad[1 + k][k] -= w * r.r * r.dr_da;
      bar.u = w * r.r * r.dr_du;
      break;
    }
  }
  return value;
}

/// The PDE part of the loss at an interior point for the general operator
/// (README.md, "General operators"): energy ½∇u·A∇u + ½cu² − fu (b = 0),
/// first_order ½|σ − A∇u|² + ½C(−∇·σ + b·∇u + cu − f, ·)², strong and
/// proximal with L u for A = a·I. Seeds on (u, ∇u, Δu) go to `bar`, those
/// on σ straight to `seed`.
KOKKOS_INLINE_FUNCTION double general_pde_loss(const ObstacleLossParams& prm, const PointData& p, const SolutionJet& s,
                                               const PointJet& net, SolutionJet& bar, PointJet& seed) {
  const int dim = prm.dim;
  const double w = p.weight;
  double value = 0.0;
  switch (prm.settings.form) {
    case LossForm::energy: {
      double flux[3] = {0, 0, 0};
      diffusive_flux(p, s.grad, dim, flux);
      for (int k = 0; k < dim; ++k) {
        value += 0.5 * w * s.grad[k] * flux[k];
        bar.grad[k] = w * flux[k];
      }
      if (prm.settings.exact_energy_integration) {  // the trainer adds the exact ½∫u'² (A = I)
        value = 0.0;
        for (int k = 0; k < dim; ++k) bar.grad[k] = 0.0;
      }
      value += w * (0.5 * p.reaction * s.u - (p.f - p.lagged_wind)) * s.u;
      bar.u = w * (p.reaction * s.u - (p.f - p.lagged_wind));
      break;
    }
    case LossForm::strong: {
      const double a = scalar_diffusion_operator(p, s.u, s.grad, s.lap, dim) - p.f;
      const ObstacleResidual r = obstacle_residual(prm, p, a, s.u);
      value = 0.5 * w * r.r * r.r;
      const double da = w * r.r * r.dr_da;
      bar.lap = -da * p.diffusion[0];
      for (int k = 0; k < dim; ++k) bar.grad[k] = da * (p.convection[k] - p.diffusion_divergence[k]);
      bar.u = w * r.r * r.dr_du + da * p.reaction;
      break;
    }
    case LossForm::proximal: {
      const double eta = prm.settings.proximal_step;
      const double a = scalar_diffusion_operator(p, s.u, s.grad, s.lap, dim) - p.f;
      const double v = s.u - eta * a - p.psi_lower;
      const double active = v > 0.0 ? 1.0 : 0.0;
      const double r = s.u - (p.psi_lower + active * v);
      value = 0.5 * w * r * r;
      // r = (1 − active)·u + active·η·a + const
      const double da = w * r * eta * active;
      bar.u = w * r * (1.0 - active) + da * p.reaction;
      bar.lap = -da * p.diffusion[0];
      for (int k = 0; k < dim; ++k) bar.grad[k] = da * (p.convection[k] - p.diffusion_divergence[k]);
      break;
    }
    case LossForm::first_order: {
      double flux[3] = {0, 0, 0};
      diffusive_flux(p, s.grad, dim, flux);
      double divergence = 0.0;
      for (int k = 0; k < dim; ++k) {
        const double rho = net.value[1 + k] - flux[k];
        value += 0.5 * w * rho * rho;
        seed.value[1 + k] += w * rho;
        for (int j = 0; j < dim; ++j) bar.grad[j] -= w * rho * p.diffusion[3 * k + j];
        divergence += net.grad[1 + k][k];
      }
      const double a = -divergence + lower_order_terms(p, s.grad, s.u, dim) - p.f;
      const ObstacleResidual r = obstacle_residual(prm, p, a, s.u);
      value += 0.5 * w * r.r * r.r;
      const double da = w * r.r * r.dr_da;
      for (int k = 0; k < dim; ++k) {
        seed.grad[1 + k][k] -= da;
        bar.grad[k] += da * p.convection[k];
      }
      bar.u = w * r.r * r.dr_du + da * p.reaction;
      break;
    }
  }
  return value;
}

/// The loss at a Neumann or Robin boundary point: in the energy form the
/// natural boundary integral w(½κu² − g u); in the other forms the penalty
/// ½wβ(A∇u·n + κu − g)², with the first_order form's σ·n for A∇u·n.
KOKKOS_INLINE_FUNCTION double natural_boundary_loss(const ObstacleLossParams& prm, const PointData& p,
                                                    const SolutionJet& s, const PointJet& net, SolutionJet& bar,
                                                    PointJet& seed) {
  const int dim = prm.dim;
  const double w = p.weight;
  if (prm.settings.form == LossForm::energy) {
    bar.u = w * (p.robin * s.u - p.g);
    return w * (0.5 * p.robin * s.u - p.g) * s.u;
  }
  const double beta = prm.settings.boundary_weight;
  if (prm.settings.form == LossForm::first_order) {
    double r = p.robin * s.u - p.g;
    for (int k = 0; k < dim; ++k) r += net.value[1 + k] * p.normal[k];
    for (int k = 0; k < dim; ++k) seed.value[1 + k] += w * beta * r * p.normal[k];
    bar.u = w * beta * r * p.robin;
    return 0.5 * w * beta * r * r;
  }
  const double r = natural_condition_residual(p, s.u, s.grad, dim);
  for (int k = 0; k < dim; ++k)
    for (int j = 0; j < dim; ++j) bar.grad[j] += w * beta * r * p.diffusion[3 * k + j] * p.normal[k];
  bar.u = w * beta * r * p.robin;
  return 0.5 * w * beta * r * r;
}

/// Loss terms of one point and the seeds on the network jet.
KOKKOS_INLINE_FUNCTION LossTerms obstacle_point_loss(const ObstacleLossParams& prm, const PointData& p,
                                                     const PointJet& net, PointJet& seed) {
  LossTerms terms;
  const int dim = prm.dim;
  const bool hard = prm.settings.boundary == BoundaryMode::hard;
  const SolutionJet s = solution_jet(p, net, dim, hard);
  SolutionJet bar;
  const double w = p.weight;
  if (prm.general_operator && has_natural_condition(p)) {
    terms.boundary = natural_boundary_loss(prm, p, s, net, bar, seed);
    add_solution_seed(p, bar, dim, hard, seed);
    return terms;
  }
  if (p.is_boundary) {
    // Augmented Lagrangian of u = g: ½β(u − g + η/β)² − η²/(2β), so the
    // multiplier η (updated η ← η + β(u − g)) removes the O(1/β) offset.
    const double beta = prm.settings.boundary_weight, eta = p.boundary_multiplier;
    const double diff = s.u - p.g;
    terms.boundary = w * (0.5 * beta * diff * diff + eta * diff);
    bar.u = w * (beta * diff + eta);
    add_solution_seed(p, bar, dim, hard, seed);
    return terms;
  }
  terms.pde = prm.general_operator ? general_pde_loss(prm, p, s, net, bar, seed)
                                   : laplacian_pde_loss(prm, p, s, net, bar, seed);
  terms.obstacle = obstacle_terms(prm, p, s.u, &bar.u);
  add_solution_seed(p, bar, dim, hard, seed);
  return terms;
}

/// The point-loss functor handed to nn::loss_and_gradient.
struct ObstaclePointLoss {
  Kokkos::View<const PointData*, MemSpace> data;
  ObstacleLossParams params;

  KOKKOS_INLINE_FUNCTION double operator()(const int i, const PointJet& jet, PointJet& seed) const {
    return obstacle_point_loss(params, data(i), jet, seed).total();
  }
};

/// Updated multiplier from the current u: λ ← (μ/2)·B'(ψ − u + λ/μ), which is
/// max(0, λ + μ(ψ − u)) for relu2.
KOKKOS_INLINE_FUNCTION double updated_lower_multiplier(const LossSettings& s, const PointData& p, double u) {
  return 0.5 * s.penalty * barrier_value(s, p.psi_lower - u + p.lambda_lower / s.penalty).derivative;
}
KOKKOS_INLINE_FUNCTION double updated_upper_multiplier(const LossSettings& s, const PointData& p, double u) {
  return 0.5 * s.penalty * barrier_value(s, u - p.psi_upper + p.lambda_upper / s.penalty).derivative;
}

}  // namespace pinn
