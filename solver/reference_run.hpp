/// @file solver/reference_run.hpp
/// @brief `obstacle-pinn reference`: the FD/PDAS reference alone (the P1
/// FE/PDAS one on polygons and disks), measured and written as reference.vtu.
#pragma once

#include "solver/case_config.hpp"
#include "physics/fd_reference_solver.hpp"
#include "physics/fe_reference_solver.hpp"

#include <array>
#include <string>
#include <vector>

namespace pinn {

struct ReferenceRunResult {
  FdReferenceSolution solution;     ///< boxes
  FeReferenceSolution fe_solution;  ///< polygons and disks
  bool finite_element = false;      ///< which of the two was solved
  int cells = 0;
  double rel_l2_vs_exact = -1, max_abs_vs_exact = -1;  ///< −1 without an exact solution
  /// Length / area / volume of the active sets of both obstacles (node count × cell size; on a
  /// polygon the lumped masses of the active nodes).
  double contact_measure = 0;
  /// 1D: each run of consecutive active nodes as [first, last] node, and the
  /// hull [first, last] of all active nodes.
  std::vector<std::array<double, 2>> contact_intervals;
  std::vector<double> contact_interval;
  std::string output_file;
};

/// Solves on `cells` per dimension (0: the case's reference.cells or the
/// default; on a polygon a mesh of at least cells² triangles), compares with
/// the exact solution if there is one, and writes `<directory>/reference.vtu`
/// (u, psi, gap, contact, lambda, error; the FE mesh's triangles on a polygon).
/// Throws pinn::UserError on a disk (no reference).
ReferenceRunResult run_reference(const CaseConfig& config, int cells, const std::string& directory);

}  // namespace pinn
