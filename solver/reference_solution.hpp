/// @file solver/reference_solution.hpp
/// @brief What a computed solution is measured against: the exact solution of
/// the case, or else the finite-difference/PDAS reference (README.md, "The
/// finite-difference reference").
#pragma once

#include "nn/enum_names.hpp"
#include "physics/fd_reference_solver.hpp"
#include "physics/problem.hpp"

#include <memory>
#include <string>

namespace pinn {

/// What a solution's error is measured against: nothing, the case's exact
/// solution, or the finite-difference reference; summary.json
/// (metrics.reference) and the command line say it by name.
enum class ReferenceKind { none, exact, fd };
inline constexpr NameTable<ReferenceKind, 3> kReferenceKindNames{
    {{ReferenceKind::none, "none"}, {ReferenceKind::exact, "exact"}, {ReferenceKind::fd, "fd"}}};
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
  /// The exact solution if the problem has one, else the FD reference when the
  /// domain is a box, else nullptr.
  static std::unique_ptr<ReferenceSolution> for_problem(const ObstacleProblem& problem, int fd_cells);

  ReferenceKind kind() const { return kind_; }  ///< exact or fd
  double value(const double* x) const;
  /// Whether x lies in the contact set, on either obstacle.
  bool in_contact(const double* x) const;
  /// The FD solution (nullptr for an exact reference).
  const FdReferenceSolution* fd() const { return fd_ ? &*fd_ : nullptr; }

 private:
  ReferenceKind kind_ = ReferenceKind::none;
  const ObstacleProblem* problem_ = nullptr;
  std::unique_ptr<FdReferenceSolution> fd_;
};

/// FD reference problem for an obstacle problem on a box domain.
FdReferenceProblem fd_problem_for(const ObstacleProblem& problem, int cells);

/// Default FD resolution per dimension: 1024 (1D), 256 (2D), 48 (3D).
int default_fd_cells(int dim);

}  // namespace pinn
