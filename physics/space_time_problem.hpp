/// @file physics/space_time_problem.hpp
/// @brief A time-dependent obstacle problem as one problem over space–time: the space–time method
/// (cases/README.md, "Time-dependent problems").
///
/// On Q = Ω × (0, T) with y = (x, t), u_t + L_x u = −∇_y·(Â∇_y u) + b̂·∇_y u + c u with
/// Â = diag(A, 0) and b̂ = (b, 1): the parabolic operator is an operator of the general form in
/// dim + 1 whose diffusion vanishes along t (EllipticOperator::time_axis). The obstacle
/// problem u_t + L u ≥ f, ψ ≤ u ≤ ψ_hi, complementarity, is then an ObstacleProblem on the
/// rectangle or box Q with
/// - u = u₀ on the bottom face t = 0 (the initial condition as a Dirichlet condition, so hard
///   boundary conditions build it in: u = G + d·N with d vanishing at t = 0);
/// - the problem's own conditions on the sides ∂Ω × (0, T), their data at each t;
/// - nothing on the top face t = T: written as the natural condition Â∇u·n = 0, which holds for
///   every u because Â's time row is 0, so it adds no constraint (first-order in t needs only the
///   initial value);
/// - the lift G(x, t) = u₀(x) + g(x, t) − g(x, 0): u₀ at t = 0 and g on the sides, because u₀ = g(·, 0)
///   on the Dirichlet boundary (check_parabolic_problem).
/// Loss forms: strong and proximal (smooth networks; their Δ sums over x only — PointData::laplacian_dims,
/// ObstacleLossParams::laplacian_dims) and first_order (σ = Â∇u, every activation). The energy form does
/// not exist (b̂ ≠ 0).
#pragma once

#include "physics/parabolic_problem.hpp"

namespace pinn {

/// The side bits (physics/boundary_conditions.hpp) of the faces t = 0 and t = T of Ω × (0, T) for a
/// spatial dimension `dim`: bottom/top for an interval (t is the second coordinate), back/front for a
/// rectangle (t is the third).
unsigned initial_face(int dim);
unsigned final_face(int dim);

/// The problem over Ω × (0, T) (see the file comment). Throws pinn::UserError when Ω is not an
/// interval or rectangle (Ω × (0, T) must be a rectangle or box), naming what was found.
ObstacleProblem space_time_problem(const ParabolicProblem& problem);

}  // namespace pinn
