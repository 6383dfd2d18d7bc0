/// @file physics/fe_reference_solver.hpp
/// @brief P1 finite elements + primal–dual active set reference solver for (double) obstacle problems on
/// polygons and disks.
///
/// Problem: on a simple polygon or a disk Ω find u with ψ_lo ≤ u ≤ ψ_hi and
///   L u − f = λ_lo − λ_hi,  λ_lo, λ_hi ≥ 0,  λ_lo (u − ψ_lo) = 0,  λ_hi (ψ_hi − u) = 0,
/// L u = −∇·(A∇u) + b·∇u + c u (default −Δ), u = g on ∂Ω or on the Dirichlet parts of ∂Ω, and
/// A∇u·n = g (Neumann) or A∇u·n + κu = g (Robin) on the parts `boundary_parts` names (first match wins).
///
/// Mesh: the polygon is cut into coarse triangles by ear clipping, made Delaunay by edge flips, then
/// refined uniformly `levels` times (each triangle into four through its edge midpoints), so the nodes
/// of level ℓ are the first nodes of level ℓ + 1 (physics/triangle_mesh.hpp). Near a re-entrant corner,
/// where u ~ r^λ (λ = π/ω < 1), the nodes of every level are then moved toward the corner (radially,
/// r → ρ(r/ρ)^(1/λ) within ρ of it), which restores about second order in L2: on the L-shape the relative L2
/// distance to the finest graded solution falls 6.2e-4, 1.5e-4, 3.2e-5 from 128² to 512² triangles,
/// against 1.1e-3, 4.1e-4, 1.5e-4 uniformly refined (BENCHMARKS.md §34). A disk starts from a fan of
/// 16 triangles about its centre, and each refinement moves the midpoints of the boundary edges onto the
/// circle: the mesh is an inscribed polygon of 16·2^levels edges, whose gap to the circle (R(1 − cos(π/n)))
/// falls by 4 per level like the P1 error; u at a point of that gap is the value at the nearest point of
/// the mesh.
///
/// Discretisation (P1, nodal unknowns u_i): K_ij = Σ_T |T| ∇φ_i·A_T∇φ_j + |T|/3 b_T·∇φ_j (row i a vertex
/// of T) + the reaction c_T|T|/3 on the diagonal, with A, b, c at the triangle's centroid; the mass is
/// lumped, m_i = Σ_T |T|/3 over the triangles at node i, and so is the load, F_i = m_i f(x_i) (vertex
/// quadrature: second order in L2 for smooth f, like the exact P1 load, and it keeps the nodal system
/// an M-matrix system with a positive right-hand side per node). Neumann and Robin data enter as edge
/// integrals ∫_e g φ_i and ∫_e κ φ_j φ_i by two-point Gauss on each boundary edge (exact for the P1
/// products; the part is decided at the edge's midpoint). A node is Dirichlet when one of
/// its boundary edges is (the closure of the Dirichlet part), with that part's value at the node (a
/// node where Neumann meets Dirichlet left free loses the order: O(h) there). The obstacles act at the
/// nodes that are not Dirichlet
/// (u_i ≥ ψ_lo(x_i), u_i ≤ ψ_hi(x_i)), and the nodal complementarity system is
///   K u − M f = M (λ_lo − λ_hi),  λ ≥ 0,  ψ_lo ≤ u ≤ ψ_hi,  complementarity per node,
/// so λ is reported as a density, comparable with the FD reference's λ = −Δ_h u − f.
///
/// PDAS exactly as in physics/fd_reference_solver.hpp: A_lo = {λ_lo + c(ψ_lo − u) > δ} and
/// A_hi = {λ_hi + c(u − ψ_hi) > δ} with c_i = K_ii/m_i per node, u fixed to the obstacle on the active
/// sets, the reduced system on the rest solved by sparse LDLᵀ (Eigen's SimplicialLDLT), or by sparse LU
/// when a convection term makes K nonsymmetric; λ from the residual on the active sets; stop when the
/// sets no longer change. δ = 1e-11 times the problem's magnitude (the round-off band); nodes where
/// ψ_hi − ψ_lo ≤ δ are pinned. Warm start: each level is solved from the previous level's u and λ,
/// interpolated to the new midpoint nodes, the coarsest from empty active sets. With the Laplacian and
/// Dirichlet data the reduced K is an M-matrix when every interior edge's opposite angles sum to at
/// most π, where PDAS converges in finitely many steps (Hintermüller, Ito, Kunisch 2003): so on
/// polygons whose coarse Delaunay triangles have no obtuse angle (squares, rectangles, the L-shape,
/// whose coarse triangles are right triangles), which red refinement keeps. Elsewhere the iteration cap
/// and `converged` say whether it settled.
#pragma once

#include "physics/boundary_conditions.hpp"
#include "physics/elliptic_operator.hpp"
#include "physics/scalar_function.hpp"
#include "physics/triangle_mesh.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pinn {

struct FeReferenceOptions {
  /// Cap on PDAS iterations (linear solves) on each level of the refinement.
  int max_iterations = 200;
  /// Empty when valid, else a sentence saying what is wrong.
  std::string validate() const;
};

struct FeReferenceProblem {
  std::vector<Point2> vertices;  ///< a simple polygon, either orientation, closing vertex not repeated
  std::optional<Circle> disk;    ///< the domain is this disk instead (`vertices` unused)
  /// Grade the polygon's mesh toward its re-entrant corners (grade_toward_corners), where uniform
  /// refinement converges at order 2λ < 2 only (4/3 on an L-shape).
  bool graded = true;
  int levels = 5;                ///< uniform refinements of the coarse triangulation, 0 to 12
  ScalarFunction source;         ///< f (required)
  ScalarFunction boundary;       ///< g, sampled at the Dirichlet boundary nodes (required without boundary_parts)
  ScalarFunction lower_obstacle;  ///< ψ_lo (empty: none); −∞ values mean "no obstacle here"
  ScalarFunction upper_obstacle;  ///< ψ_hi (empty: none); +∞ values mean "no obstacle here"
  EllipticOperator op;            ///< L (default −Δ)
  std::vector<BoundaryPart> boundary_parts;  ///< as ObstacleProblem::boundary_parts (empty: u = g on ∂Ω)
};

struct FeReferenceSolution {
  TriangleMesh mesh;  ///< the finest mesh; u and the rest hold one value per node
  int levels = 0;
  /// λ and the contact flags are zero at the Dirichlet nodes.
  std::vector<double> u, lambda_lower, lambda_upper;
  std::vector<unsigned char> contact_lower, contact_upper;
  int iterations = 0;  ///< PDAS iterations on the finest level (the warm-start levels not counted)
  bool converged = false;
  double seconds = 0;  ///< wall time of the whole solve, meshing and warm-start levels included

  /// Linear interpolation of u in the triangle holding x. Points outside the mesh by more than
  /// round-off throw std::invalid_argument.
  double interpolate(const double* x) const;
  /// The node nearest to x among the vertices of the triangle holding it (the largest barycentric
  /// coordinate); throws std::invalid_argument outside the mesh, like interpolate.
  int node_near(const double* x) const;

  TriangleLocator locator;  ///< built by solve_fe_reference for `mesh`
  /// How far outside the mesh, relative to its size, a point still takes the nearest triangle's value: a
  /// disk's chord gap (so every point of the disk has a value), round-off on a polygon.
  double outside_slack = 1e-10;
};

/// The number of refinement levels that gives at least `cells`² triangles (the count of cells of an
/// FD grid with `cells` per dimension) starting from the polygon's coarse triangulation.
int fe_levels_for_cells(const std::vector<Point2>& vertices, int cells);
/// The same for a disk, from its coarse fan of kDiskCoarseBoundaryNodes triangles.
int fe_levels_for_cells(const Circle& disk, int cells);

/// Throws std::invalid_argument for invalid problems/options (the message names the offending field
/// and what is allowed) and std::runtime_error if a linear solve fails.
FeReferenceSolution solve_fe_reference(const FeReferenceProblem& problem, const FeReferenceOptions& options = {});

}  // namespace pinn
