/// @file physics/fd_reference_solver.hpp
/// @brief Finite-difference + primal–dual active set reference solver for (double) obstacle problems on boxes.
///
/// Problem: on Ω = Π[lower_k, upper_k] (dim 1..3) find u with u = g on ∂Ω, ψ_lo ≤ u ≤ ψ_hi and
///   −Δu − f = λ_lo − λ_hi,  λ_lo, λ_hi ≥ 0,  λ_lo (u − ψ_lo) = 0,  λ_hi (ψ_hi − u) = 0.
/// Both obstacles are optional. The Laplacian is the standard 3/5/7-point stencil on a uniform grid;
/// boundary nodes are fixed to g and the obstacles act on interior nodes only (so g outside [ψ_lo, ψ_hi]
/// on ∂Ω is not an error, it simply is not constrained there).
///
/// Primal–dual active set (PDAS, a semismooth Newton method for the complementarity system):
///   given (u, λ_lo, λ_hi), take A_lo = {λ_lo + c(ψ_lo − u) > 0}, A_hi = {λ_hi + c(u − ψ_hi) > 0};
///   solve −Δ_h u = f on the remaining interior nodes with u = ψ_lo on A_lo, u = ψ_hi on A_hi
///   (a reduced SPD system: sparse LDLᵀ, or in 3D beyond a few thousand unknowns, where LDLᵀ fill
///   explodes, conjugate gradients to a relative residual of 1e-14); set λ_lo = −Δ_h u − f on A_lo,
///   λ_hi = f + Δ_h u on A_hi, zero elsewhere; stop when the active sets no longer change. At that
///   point u and λ satisfy the discrete complementarity system exactly (up to the round-off of the
///   linear solve), so there is no tolerance on a residual.
/// Because λ vanishes off the active sets and u equals the obstacle on them, the sets do not depend on
/// the value of c > 0 once the iteration is under way; c = 2 Σ_d 1/h_d² (the stencil's diagonal) is
/// used so that λ/c is a displacement and both terms can share one round-off threshold (1e-11 times
/// the problem's magnitude) that prevents flip-flopping on degenerate nodes where λ = 0 and u = ψ;
/// off the contact sets u may therefore undershoot ψ_lo (overshoot ψ_hi) by at most that threshold.
///
/// PDAS only removes nodes from an over-large active set at its rim (inside the contact set λ is the
/// positive −Δ_h ψ − f), so the count of iterations from a cold start grows with the number of nodes
/// the free boundary has to travel. The solver therefore warm-starts by grid sequencing: when every
/// used n_cells is even and at least 8, it first solves on the grid with half the cells
/// (whose nodes are every other node of this one) and initialises the active sets from the
/// interpolated coarse u and λ; on the coarsest grid it starts from empty active sets (the
/// unconstrained solution). For the discrete obstacle problem with this M-matrix, PDAS converges
/// in finitely many steps from any start (Hintermüller, Ito, Kunisch, SIAM J. Optim. 13, 2003); the
/// double-obstacle case has no such guarantee, hence the iteration cap and the `converged` flag.
#pragma once

#include "physics/boundary_conditions.hpp"
#include "physics/elliptic_operator.hpp"
#include "physics/scalar_function.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace pinn {

struct FdReferenceOptions {
  /// Cap on PDAS iterations (linear solves) on each grid of the sequence.
  int max_iterations = 200;
  /// Empty when valid, else a sentence saying what is wrong.
  std::string validate() const;
};

struct FdReferenceProblem {
  int dim = 1;
  std::array<double, 3> lower{0, 0, 0}, upper{1, 1, 1};
  std::array<int, 3> n_cells{64, 64, 64};  ///< only the first `dim` entries are used
  ScalarFunction source;                   ///< f (required)
  ScalarFunction boundary;                 ///< g (required), sampled on boundary nodes only
  ScalarFunction lower_obstacle;           ///< ψ_lo (empty: none); −∞ values mean "no obstacle here"
  ScalarFunction upper_obstacle;           ///< ψ_hi (empty: none); +∞ values mean "no obstacle here"
  EllipticOperator op;                     ///< L (default −Δ)
  std::vector<BoundaryPart> boundary_parts;  ///< as ObstacleProblem::boundary_parts (empty: u = g on ∂Ω)
};

struct FdReferenceSolution {
  int dim = 1;
  std::array<int, 3> n_nodes{1, 1, 1};       ///< nodes per dimension (n_cells+1; 1 for unused dims)
  std::array<double, 3> lower{}, spacing{};  ///< node k along dim d: lower[d] + k*spacing[d]
  /// Per node, x fastest: index = i + nx*(j + ny*k). λ and the contact flags are zero on the boundary.
  std::vector<double> u, lambda_lower, lambda_upper;
  std::vector<unsigned char> contact_lower, contact_upper;
  int iterations = 0;  ///< PDAS iterations on the requested grid (the warm-start grids not counted)
  bool converged = false;
  double seconds = 0;  ///< wall time of the whole solve, warm-start grids included

  /// Multilinear interpolation of u at x (dim coordinates). Points outside the box by more than
  /// round-off throw std::invalid_argument rather than being extrapolated.
  double interpolate(const double* x) const;
  /// Coordinates (dim of them) of the node with the given flat index.
  std::vector<double> node(std::size_t index) const;
};

/// Throws std::invalid_argument for invalid problems/options (the message names the offending field
/// and what is allowed) and std::runtime_error if a linear solve fails.
FdReferenceSolution solve_fd_reference(const FdReferenceProblem& problem, const FdReferenceOptions& options = {});

}  // namespace pinn
