/// @file solver/training_set.hpp
/// @brief The training points of a run and how they change: the base set
/// sampled once, the grid shift of each multiplier round
/// (sampling.shift_each_round), the points adaptive refinement adds, and the
/// rebuilds that keep every point's multipliers.
///
/// Why the shift: with a fixed set of quadrature points a long LBFGS or LM
/// stage can lower the discrete energy below the true minimum by bending the
/// network between the points (step41: the loss falls from −10.90 to −11.58
/// while the error grows from 1e-2 to 8e-2). A randomly shifted lattice is an
/// unbiased quadrature whose points a round cannot anticipate; point i stays in
/// cell i, so its multiplier (a contact force times the cell's weight) stays meaningful.
/// With Gauss points (method = "gauss") the grid is cut at the domain's sides
/// instead (Domain::shifted_gauss_quadrature): a shifted midpoint rule
/// integrates with an O(h) error at the sides, the cut Gauss rule keeps O(h⁴).
#pragma once

#include "physics/point_data.hpp"
#include "solver/case_config.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace pinn {

class TrainingSet {
 public:
  TrainingSet() = default;
  /// Samples the case's interior points, its boundary points (penalty
  /// boundary conditions) and, with sampling.obstacle_nodes, the grid nodes.
  explicit TrainingSet(const CaseConfig& config);

  /// The points as they stand, with their data and multipliers.
  const TrainingPoints& points() const { return points_; }
  /// The base interior points (unshifted; with shifted Gauss points, those of
  /// the current round) and boundary points.
  const std::vector<double>& base_interior() const { return base_interior_; }
  const std::vector<double>& base_boundary() const { return base_boundary_; }
  /// Cells per direction of the training grid (Domain::grid_cells of the
  /// requested interior count, whatever the sampling method).
  const std::array<int, 3>& grid_cells() const { return grid_cells_; }
  /// Points added to the base set: the obstacle nodes, then adaptive points.
  const std::vector<double>& added_points() const { return added_points_; }
  int grid_shifts() const { return grid_shifts_; }
  int adaptive_rounds() const { return adaptive_rounds_; }
  /// Changes whenever the points move or grow (caches of per-point data compare it).
  int version() const { return version_; }

  /// Every point's multipliers, two per point: the lower obstacle's (or the
  /// boundary condition's, at boundary points) and the upper obstacle's.
  std::vector<double> multipliers() const;
  /// Sets what multipliers() returns (the same number of points).
  void set_multipliers(const std::vector<double>& multipliers);

  /// Moves the grid by a fresh random offset within one cell, keeping every
  /// point's multipliers.
  void shift();
  /// Adds points (row-major) near the free boundary; each starts from the
  /// multipliers of its nearest old interior point.
  void add_adaptive_points(const std::vector<double>& points);
  /// Restores the added points and counters a checkpoint stored (multipliers zero).
  void restore(std::vector<double> added_points, int adaptive_rounds, int grid_shifts);

 private:
  /// Offset of the grid after `grid_shifts_` shifts, as fractions of a cell
  /// in [−½, ½) per direction: zero at first, then random, reproducible from
  /// the seed.
  std::array<double, 3> grid_shift() const;
  /// Rebuilds the points from the base, added and boundary points; with
  /// `keep_multipliers` (same number of points) every point keeps its
  /// multipliers, by index, or with shifted Gauss points its nearest old point's.
  void rebuild(bool keep_multipliers);

  ObstacleProblem problem_;
  std::uint64_t seed_ = 1;
  /// PDE weight of added points: 0 for the energy (its quadrature stays the
  /// base set's), the base weight for collocation forms.
  double added_pde_weight_ = 0.0;
  std::vector<double> base_interior_, base_boundary_, added_points_;
  std::vector<double> base_weights_;  ///< the grid quadrature's weights of base_interior_, or empty (|Ω|/n each)
  std::array<int, 3> grid_cells_{1, 1, 1};  ///< grid_cells(): its nodes and shifts follow it
  /// Cells per direction of the shifted Gauss grid (sampling.shift_each_round
  /// with method = "gauss"), or zeros: then shifts move the midpoints.
  std::array<int, 3> shifted_gauss_cells_{0, 0, 0};
  int grid_shifts_ = 0;
  int adaptive_rounds_ = 0;
  int version_ = 0;
  TrainingPoints points_;
};

}  // namespace pinn
