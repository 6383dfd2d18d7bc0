/// @file physics/fd_reference_solver.hpp
/// @brief Finite-difference + primal–dual active set reference solver for (double) obstacle problems on boxes.
///
/// Problem: on Ω = Π[lower_k, upper_k] (dim 1..3) find u with ψ_lo ≤ u ≤ ψ_hi and
///   L u − f = λ_lo − λ_hi,  λ_lo, λ_hi ≥ 0,  λ_lo (u − ψ_lo) = 0,  λ_hi (ψ_hi − u) = 0,
///   L u = −∇·(A∇u) + b·∇u + c u   (FdReferenceProblem::op; default −Δ),
/// with u = g on the Dirichlet part of ∂Ω and A∇u·n = g (Neumann) or A∇u·n + κu = g (Robin, κ ≥ 0) on
/// the parts that FdReferenceProblem::boundary_parts names (condition_at, per side of the box; where
/// sides of different kinds meet, Dirichlet wins). Both obstacles are optional. Dirichlet nodes are
/// fixed to g and carry no obstacle (so g outside [ψ_lo, ψ_hi] there is not an error, it simply is not
/// constrained); interior and Neumann/Robin boundary nodes are unknowns, and the obstacles act on all of them.
///
/// Discretisation on a uniform grid (second order unless the convection is upwinded):
/// - L = −Δ with Dirichlet data only: the standard 3/5/7-point stencil, bitwise as it always was.
/// - −∂_d(A_dd ∂_d u): conservative, with face values of A_dd the harmonic mean of the two node values.
///   For smooth A this is second order like the arithmetic mean or A at the face midpoint; where A jumps
///   at a face it is the series conductance of the two half cells, so the flux stays continuous across the
///   jump (the arithmetic mean overweights the larger side, the midpoint value picks one side); it needs no
///   samples off the nodes (so coarse grids reuse the fine samples) and is positive wherever they are.
/// - −∂_d(A_de ∂_e u), d ≠ e (matrix A): centred differences of centred differences, the standard 9-point
///   (2D) / 19-point (3D) stencil. It is symmetric for symmetric A but not an M-matrix.
/// - b·∇u: centred when the cell Péclet number |b_d| h_d / (2 A_dd) is at most 1 at every node of the
///   grid, else first-order upwinding on that grid (FdReferenceSolution::upwind says which). Centred with
///   Péclet ≤ 1 keeps an M-matrix (up to the variation of A within a cell); upwinding always does.
/// - c u on the diagonal.
/// - Neumann/Robin sides: ghost nodes, eliminated with the centred difference of the condition, written as
///   the half cell's flux balance −(2/h)(F_inner − F_boundary), F = (A∇u)_d, F_boundary from the condition,
///   so that no coefficient is read outside Ω (for constant A the two are identical). A node on two or
///   three Neumann/Robin sides uses one such half cell per side. Tangential derivatives that a boundary
///   node's cross terms need at the ends of a grid line are one-sided (second order); b_d ∂_d u there
///   takes ∂_d u from the condition (with upwinding: only on inflow sides, else the one-sided difference).
///
/// Primal–dual active set (PDAS, a semismooth Newton method for the complementarity system):
///   given (u, λ_lo, λ_hi), take A_lo = {λ_lo + c(ψ_lo − u) > 0}, A_hi = {λ_hi + c(u − ψ_hi) > 0};
///   solve L_h u = f on the remaining unknowns with u = ψ_lo on A_lo, u = ψ_hi on A_hi, set
///   λ_lo = L_h u − f on A_lo, λ_hi = f − L_h u on A_hi, zero elsewhere; stop when the active sets no
///   longer change. At that point u and λ satisfy the discrete complementarity system exactly (up to the
///   round-off of the linear solve), so there is no tolerance on a residual. The reduced system is solved
///   by sparse LDLᵀ when it is symmetric (−∇·(A∇u) + cu, the Neumann/Robin rows scaled by their half-cell
///   volume), or in 3D beyond a few thousand unknowns, where LDLᵀ fill explodes, by conjugate gradients to a
///   relative residual of 1e-14; when it is not (convection, or cross terms next to a Neumann/Robin side)
///   by sparse LU, or in 3D beyond a few thousand unknowns BiCGSTAB (Jacobi-, then incomplete-LU-
///   preconditioned), falling back to LU.
/// Because λ vanishes off the active sets and u equals the obstacle on them, the sets do not depend on
/// the value of c > 0 once the iteration is under way; c is the node's diagonal entry of L_h (for −Δ:
/// 2 Σ_d 1/h_d²) so that λ/c is a displacement and both terms can share one round-off threshold (1e-11
/// times the problem's magnitude) that prevents flip-flopping on degenerate nodes where λ = 0 and u = ψ;
/// off the contact sets u may therefore undershoot ψ_lo (overshoot ψ_hi) by at most that threshold.
///
/// PDAS only removes nodes from an over-large active set at its rim (inside the contact set λ is the
/// positive L_h ψ − f), so the count of iterations from a cold start grows with the number of nodes
/// the free boundary has to travel. The solver therefore warm-starts by grid sequencing: when every
/// used n_cells is even and at least 8, it first solves on the grid with half the cells
/// (whose nodes are every other node of this one, with the same samples of f, A, b, c and the boundary
/// data) and initialises the active sets from the interpolated coarse u and λ; on the coarsest grid it
/// starts from empty active sets (the unconstrained solution). FdReferenceOptions::warm_start replaces the
/// sequence by given active sets on the requested grid (for a sequence of nearby problems). When L_h
/// is an M-matrix (−Δ; −∇·(a∇u)
/// with scalar a; convection centred at Péclet ≤ 1 or upwinded; c ≥ 0; κ ≥ 0), PDAS for one obstacle
/// converges in finitely many steps from any start (Hintermüller, Ito, Kunisch, SIAM J. Optim. 13, 2003;
/// symmetry is not needed). A matrix A with off-diagonal entries makes L_h a non-M-matrix: the discrete
/// problem still has a unique solution when A is positive definite and L_h is symmetric, but PDAS may
/// cycle; the double-obstacle case has no guarantee either. Hence the iteration cap and the `converged`
/// flag: a run that hits the cap reports u and λ of its last solve, consistent with the contact sets it
/// reports, not a solution of the complementarity system.
///
/// A problem without Dirichlet nodes, Robin nodes with κ > 0 and reaction c > 0 (pure Neumann) is refused:
/// constants are in the kernel of L_h and the first solve would be singular.
#pragma once

#include "physics/boundary_conditions.hpp"
#include "physics/elliptic_operator.hpp"
#include "physics/scalar_function.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace pinn {

/// Initial active sets (and guess for u) on the requested grid, one entry per node as in FdReferenceSolution.
/// For a sequence of nearby problems (the time steps of a parabolic problem) the previous solution's contact
/// sets are a better start than grid sequencing and cheaper: PDAS then only moves the rim of the contact set
/// by the distance the free boundary travelled, and no coarse grid is solved.
struct FdReferenceWarmStart {
  std::vector<unsigned char> contact_lower, contact_upper;  ///< both empty, or one flag per node
  std::vector<double> u;  ///< empty, or one value per node: the iterative solvers' initial guess (3D only)
  bool empty() const { return contact_lower.empty() && contact_upper.empty() && u.empty(); }
};

struct FdReferenceOptions {
  /// Cap on PDAS iterations (linear solves) on each grid of the sequence.
  int max_iterations = 200;
  /// Empty (the default): warm start by grid sequencing (see the file comment). Else PDAS starts on the
  /// requested grid from these sets; flags on Dirichlet nodes are ignored, a node flagged for both obstacles
  /// starts on the lower one. Any start is valid: the sets only decide how many iterations PDAS needs.
  FdReferenceWarmStart warm_start;
  /// Empty when valid, else a sentence saying what is wrong.
  std::string validate() const;
};

struct FdReferenceProblem {
  int dim = 1;
  std::array<double, 3> lower{0, 0, 0}, upper{1, 1, 1};
  std::array<int, 3> n_cells{64, 64, 64};  ///< only the first `dim` entries are used
  ScalarFunction source;                   ///< f (required)
  ScalarFunction boundary;                 ///< g (required without boundary_parts), on Dirichlet nodes only
  ScalarFunction lower_obstacle;           ///< ψ_lo (empty: none); −∞ values mean "no obstacle here"
  ScalarFunction upper_obstacle;           ///< ψ_hi (empty: none); +∞ values mean "no obstacle here"
  /// L (default −Δ). diffusion: 0, 1 or dim·dim functions (A symmetric positive definite at every node);
  /// convection: 0 or dim functions; reaction c ≥ 0. Sampled at every node, boundary nodes included.
  EllipticOperator op;
  /// As ObstacleProblem::boundary_parts (empty: u = g on ∂Ω); Robin parts need κ ≥ 0.
  std::vector<BoundaryPart> boundary_parts;
};

struct FdReferenceSolution {
  int dim = 1;
  std::array<int, 3> n_nodes{1, 1, 1};       ///< nodes per dimension (n_cells+1; 1 for unused dims)
  std::array<double, 3> lower{}, spacing{};  ///< node k along dim d: lower[d] + k*spacing[d]
  /// Per node, x fastest: index = i + nx*(j + ny*k). λ and the contact flags are zero on Dirichlet nodes
  /// (every boundary node without boundary_parts); Neumann/Robin boundary nodes are unknowns like interior ones.
  std::vector<double> u, lambda_lower, lambda_upper;
  std::vector<unsigned char> contact_lower, contact_upper;
  int iterations = 0;  ///< PDAS iterations on the requested grid (the warm-start grids not counted)
  bool converged = false;
  /// Convection discretised by first-order upwinding on the requested grid (its cell Péclet number
  /// |b_d| h_d / (2 A_dd) exceeds 1 at some node): u is then only first-order accurate.
  bool upwind = false;
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

/// (L_h v)_i at every node with an equation of `problem`'s grid (the discrete operator the solver uses,
/// Neumann/Robin data included), 0 at Dirichlet nodes; v holds one value per node (Dirichlet values
/// included), ordered as FdReferenceSolution::u. The source and obstacles are sampled and checked as by
/// solve_fd_reference but not used. For time stepping: Crank–Nicolson needs L_h u_n of the previous step.
/// Throws std::invalid_argument for invalid problems or a v of the wrong size.
std::vector<double> apply_fd_operator(const FdReferenceProblem& problem, const std::vector<double>& v);

}  // namespace pinn
