/// @file physics/boundary_conditions.hpp
/// @brief Which condition holds at a boundary point: Dirichlet u = g,
/// Neumann A∇u·n = g or Robin A∇u·n + κu = g, on parts of ∂Ω named by
/// side or by a marker expression (cases/README.md, "Boundary conditions").
#pragma once

#include "nn/enum_names.hpp"
#include "physics/scalar_function.hpp"

#include <string>
#include <vector>

namespace pinn {

class Domain;

enum class BoundaryKind { dirichlet, neumann, robin };
/// The names of BoundaryKind in case files, messages and reports (nn/enum_names.hpp).
inline constexpr NameTable<BoundaryKind, 3> kBoundaryKindNames{
    {{BoundaryKind::dirichlet, "dirichlet"}, {BoundaryKind::neumann, "neumann"}, {BoundaryKind::robin, "robin"}}};
std::string to_string(BoundaryKind kind);

/// Sides of intervals, rectangles and boxes, as bits of BoundaryPart::sides:
/// x = min / max is left / right, y = min / max bottom / top, z = min / max
/// back / front (so a 2D rectangle's names hold for a box's faces seen from +z).
enum BoundarySide : unsigned {
  side_left = 1u << 0,
  side_right = 1u << 1,
  side_bottom = 1u << 2,
  side_top = 1u << 3,
  side_back = 1u << 4,
  side_front = 1u << 5
};
/// "left", "right", "bottom", "top", "back", "front" in bit order.
inline constexpr const char* kBoundarySideNames[6] = {"left", "right", "bottom", "top", "back", "front"};

/// One part of the boundary and its condition. A point belongs to the part
/// when it lies on one of `sides` (if any are named) and marker(x) > 0 (if a
/// marker is given); a part naming neither holds everywhere.
struct BoundaryPart {
  BoundaryKind kind = BoundaryKind::dirichlet;
  unsigned sides = 0;
  ScalarFunction marker;
  /// g of u = g, A∇u·n = g or A∇u·n + κu = g. A Dirichlet part without a
  /// value takes the problem's boundary data (ObstacleProblem::boundary).
  ScalarFunction value;
  ScalarFunction coefficient;  ///< κ (Robin only)
};

/// The condition at one boundary point.
struct BoundaryCondition {
  BoundaryKind kind = BoundaryKind::dirichlet;
  double value = 0;
  double coefficient = 0;
};

/// The sides (BoundarySide bits) that x lies on, within 1e-9 of the domain's
/// extent; 0 for disks, polygons (name their parts by a marker) and for
/// points off the sides.
unsigned sides_at(const Domain& domain, const double* x);

/// The condition at boundary point x: the first of `parts` that holds there,
/// else Dirichlet u = dirichlet_value(x). Throws pinn::UserError where a
/// Dirichlet condition has no value (neither its own nor dirichlet_value).
/// The same as condition_of(parts, part_at(parts, domain, x), dirichlet_value, x).
BoundaryCondition condition_at(const std::vector<BoundaryPart>& parts, const ScalarFunction& dirichlet_value,
                               const Domain& domain, const double* x);

/// The index of the first of `parts` that holds at boundary point x; −1 when
/// none does (Dirichlet u = g there).
int part_at(const std::vector<BoundaryPart>& parts, const Domain& domain, const double* x);

/// The condition that part `index` of `parts` (−1: none, Dirichlet with
/// dirichlet_value) prescribes at x, wherever x is: a finite-element solver
/// decides the part on an edge and evaluates its data at the edge's nodes and
/// quadrature points. Throws pinn::UserError as condition_at.
BoundaryCondition condition_of(const std::vector<BoundaryPart>& parts, int index,
                               const ScalarFunction& dirichlet_value, const double* x);

/// A natural condition whose energy term is linear in u: Neumann, or Robin
/// with κ = 0 (−∫g u, which no square carries; physics/least_squares_residuals.hpp).
inline bool is_linear_in_u(const BoundaryCondition& c) {
  return c.kind != BoundaryKind::dirichlet && !(c.coefficient > 0.0);
}

/// Whether any part is Neumann or Robin (else the boundary is all Dirichlet).
bool has_natural_parts(const std::vector<BoundaryPart>& parts);

}  // namespace pinn
