/// @file solver/reference_solution.hpp
/// @brief What a computed solution is measured against: the exact solution of
/// the case, or else the finite-difference/PDAS reference on boxes (README.md,
/// "The finite-difference reference") or the P1 finite-element/PDAS reference
/// on polygons and disks (physics/fe_reference_solver.hpp).
#pragma once

#include "nn/enum_names.hpp"
#include "physics/fd_reference_solver.hpp"
#include "physics/fe_reference_solver.hpp"
#include "physics/problem.hpp"

#include <memory>
#include <string>

namespace pinn {

/// What a solution's error is measured against: nothing, the case's exact
/// solution, the finite-difference reference (boxes) or the finite-element
/// one (polygons, disks); summary.json (metrics.reference) and the command line say
/// it by name.
enum class ReferenceKind { none, exact, fd, fe };
inline constexpr NameTable<ReferenceKind, 4> kReferenceKindNames{{{ReferenceKind::none, "none"},
                                                                  {ReferenceKind::exact, "exact"},
                                                                  {ReferenceKind::fd, "fd"},
                                                                  {ReferenceKind::fe, "fe"}}};
inline std::string to_string(ReferenceKind kind) { return name_in(kReferenceKindNames, kind); }

class ReferenceSolution {
 public:
  /// The case's exact solution; contact where u* = ψ or u* = ψ_hi to
  /// round-off (the tolerance is tiny because the contact is tangential:
  /// u* − ψ ~ c·dist²).
  static std::unique_ptr<ReferenceSolution> from_exact(const ObstacleProblem& problem);
  /// Solves the FD/PDAS reference on the domain's box with `cells` cells per
  /// dimension; contact from its active sets (either obstacle) at the nearest node. Throws
  /// pinn::UserError for domains that are not boxes.
  static std::unique_ptr<ReferenceSolution> from_fd(const ObstacleProblem& problem, int cells);
  /// Solves the P1 FE/PDAS reference on a polygon or disk, refined until it
  /// has at least cells² triangles (fe_levels_for_cells); contact from its
  /// active sets at the nearest vertex of the triangle holding the point.
  /// Throws pinn::UserError for the other domains.
  static std::unique_ptr<ReferenceSolution> from_fe(const ObstacleProblem& problem, int cells);
  /// The exact solution if the problem has one, else the FD reference when the
  /// domain is a box, the FE reference when it is a polygon or a disk.
  /// `cells` <= 0 picks default_fd_cells.
  static std::unique_ptr<ReferenceSolution> for_problem(const ObstacleProblem& problem, int cells);

  ReferenceKind kind() const { return kind_; }  ///< exact, fd or fe
  double value(const double* x) const;
  /// Whether x lies in the contact set, on either obstacle.
  bool in_contact(const double* x) const;
  /// The FD solution (nullptr for the other kinds).
  const FdReferenceSolution* fd() const { return fd_ ? &*fd_ : nullptr; }
  /// The FE solution (nullptr for the other kinds).
  const FeReferenceSolution* fe() const { return fe_ ? &*fe_ : nullptr; }

 private:
  ReferenceKind kind_ = ReferenceKind::none;
  const ObstacleProblem* problem_ = nullptr;
  std::unique_ptr<FdReferenceSolution> fd_;
  std::unique_ptr<FeReferenceSolution> fe_;
};

/// FD reference problem for an obstacle problem on a box domain.
FdReferenceProblem fd_problem_for(const ObstacleProblem& problem, int cells);

/// FE reference problem for an obstacle problem on a polygon or disk, refined
/// until it has at least cells² triangles.
FeReferenceProblem fe_problem_for(const ObstacleProblem& problem, int cells);

/// Default FD resolution per dimension: 1024 (1D), 256 (2D), 48 (3D); the FE
/// reference takes the 2D one as its `cells`.
int default_fd_cells(int dim);

}  // namespace pinn
