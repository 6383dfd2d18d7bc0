/// @file physics/point_data.hpp
/// @brief Problem data evaluated once per (re)sampling at the training points,
/// so kernels see plain arrays and no expression ever runs on the device.
#pragma once

#include "nn/kokkos_types.hpp"
#include "physics/loss_settings.hpp"
#include "physics/problem.hpp"

#include <vector>

namespace pinn {

struct PointData {
  int is_boundary = 0;
  int is_adaptive = 0;  ///< added near the free boundary by adaptive refinement
  double weight = 0;    ///< quadrature weight of the PDE term (interior) or arc-length weight (boundary)
  /// Weight of the obstacle term. Equal to `weight` for the base points;
  /// adaptive points enforce the obstacle without changing the energy's quadrature.
  double obstacle_weight = 0;
  double f = 0, g = 0;
  /// The part of f carried by the energy's reaction square √(wc)(u − f_reaction/c)
  /// (ObstacleProblem::reaction_source; 0 without one); the flux carries f − f_reaction.
  double f_reaction = 0;
  /// b·∇ũ of a lagged solution ũ: the energy form with loss.wind = "lagged"
  /// trains the energy of the operator's symmetric part with the source
  /// f − this, ũ following the training round by round (solver/lagged_wind.hpp).
  double lagged_wind = 0;
  double psi_lower = 0, psi_upper = 0;
  /// Augmented-Lagrangian multipliers of the obstacles (interior points; zero
  /// at boundary points).
  double lambda_lower = 0, lambda_upper = 0;
  /// Augmented-Lagrangian multiplier η of u = g (boundary points, penalty
  /// boundary conditions; zero at interior points).
  double boundary_multiplier = 0;
  double lift = 0, lift_grad[3] = {0, 0, 0}, lift_lap = 0;
  double dist = 1, dist_grad[3] = {0, 0, 0}, dist_lap = 0;
  /// Δ sums ∂² over the first this many coordinates: all but t for a space–time problem
  /// (physics/problem.hpp, laplacian_dims), so the chain rule of u = G + d·N sums ∇d·∇N over them
  /// only. lift_lap and dist_lap are over the same coordinates (a space–time problem's d is linear
  /// in t, so its full Laplacian is the spatial one).
  int laplacian_dims = 3;
  /// A flux F with ∇·F = −f (F = (−∫_{x_min}^{x} f ds, 0, 0)): the energy is
  /// ½∫|∇u − F|² + const, a sum of squares for Levenberg–Marquardt.
  double flux[3] = {0, 0, 0};
  /// F·n (outward normal) at boundary points. With penalty boundary conditions
  /// ½∫|∇u − F|² = energy − ∮ u F·n + const, and the boundary term is absorbed
  /// into the boundary residual √(wβ)(u − g + F·n/β) (physics/least_squares_residuals.hpp).
  double flux_normal = 0;

  /// The operator L u = −∇·(A∇u) + b·∇u + c u at the point (physics/elliptic_operator.hpp);
  /// read only where ObstacleLossParams::general_operator is set.
  double diffusion[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};  ///< A, row-major 3×3
  /// Lᵀ of A = L Lᵀ (upper triangular, row-major): the energy's residual form
  /// is √w (Lᵀ∇u − L⁻¹F), and `flux` then holds L⁻¹F.
  double diffusion_root[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  double diffusion_divergence[3] = {0, 0, 0};  ///< ∇·A (rows), for the strong form
  double convection[3] = {0, 0, 0};            ///< b
  double reaction = 0;                         ///< c
  /// Boundary points: the condition there (physics/boundary_conditions.hpp),
  /// as BoundaryKind's value; g holds its value, `robin` its κ.
  int boundary_kind = 0;
  double robin = 0;
  double normal[3] = {0, 0, 0};  ///< outward unit normal at boundary points
};

using PointDataView = Kokkos::View<PointData*, MemSpace>;

/// A boundary point with a Neumann or Robin condition (boundary_kind ≠ Dirichlet's 0).
KOKKOS_INLINE_FUNCTION bool has_natural_condition(const PointData& p) { return p.is_boundary && p.boundary_kind != 0; }

/// The point's own multiplier: η (boundary_multiplier) at a boundary point,
/// λ_lo (lambda_lower) elsewhere. Checkpoints store it for every point in
/// their array "lambda_lower" (and λ_hi in "lambda_upper"), and a rebuilt
/// training set hands it on to the point that takes this one's place.
KOKKOS_INLINE_FUNCTION double lower_or_boundary_multiplier(const PointData& p) {
  return p.is_boundary ? p.boundary_multiplier : p.lambda_lower;
}
/// Sets what lower_or_boundary_multiplier reads (p.is_boundary must be set).
KOKKOS_INLINE_FUNCTION void set_lower_or_boundary_multiplier(PointData& p, double multiplier) {
  (p.is_boundary ? p.boundary_multiplier : p.lambda_lower) = multiplier;
}

/// The training set: coordinates and data, interior points first.
struct TrainingPoints {
  int dim = 1;
  int n_interior = 0;  ///< interior points, the adaptive ones included (they come last)
  int n_adaptive = 0;
  int n_boundary = 0;
  Matrix coordinates;  ///< (n, dim)
  PointDataView data;  ///< (n)
  int size() const { return n_interior + n_boundary; }
};

/// Evaluates f, g, ψ, the lift and the distance at the given points (row-major
/// coordinates). Interior weights are `interior_weights` (one per interior
/// point: a grid quadrature's, Domain::grid_quadrature) or, when it is empty,
/// |Ω|/n_interior (midpoint / Monte Carlo rule); boundary weights
/// |∂Ω|/n_boundary. Multipliers start at zero.
/// `adaptive` points (placed after the interior ones) get obstacle weight
/// |Ω|/n_interior and PDE weight `adaptive_pde_weight`.
/// The flux F = −∫f dx of the first-order and least-squares forms costs 64 (on average)
/// evaluations of f per point; `FluxAt::none` leaves it zero, for points
/// where only the solution is evaluated (output and monitor grids).
enum class FluxAt { points, none };


TrainingPoints make_training_points(const ObstacleProblem& problem, const std::vector<double>& interior,
                                    const std::vector<double>& boundary, const std::vector<double>& adaptive = {},
                                    double adaptive_pde_weight = 0.0, FluxAt flux = FluxAt::points,
                                    const std::vector<double>& interior_weights = {});

}  // namespace pinn
