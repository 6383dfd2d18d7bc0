/// @file solver/evaluation_grid.hpp
/// @brief The points where the solution is measured and written for ParaView:
/// a uniform tensor grid over the domain's bounding box (nodes inside the domain).
#pragma once

#include "physics/domain.hpp"

#include <array>
#include <vector>

namespace pinn {

struct EvaluationGrid {
  int dim = 1;
  std::array<int, 3> n_nodes{1, 1, 1};  ///< per dimension
  std::vector<double> points;           ///< row-major, only the nodes inside the domain
  std::vector<int> node_of_point;       ///< grid node index (x fastest) of each point
  std::vector<int> point_of_node;       ///< point index of each grid node, −1 outside the domain
  /// Triangles of point indices: the cells of a triangle mesh (the finite-element reference's nodes
  /// as the points); empty for the tensor grid, whose cells are the ones with every corner inside.
  std::vector<std::array<int, 3>> triangles;
  int size() const { return static_cast<int>(node_of_point.size()); }
};

/// The nodes per dimension of an evaluation grid: `per_dimension` (output.evaluation_points), or where
/// that is 0 or 1, 1001 (1D), 201 (2D) or 41 (3D).
int evaluation_points_per_dimension(int dim, int per_dimension);

/// The grid of evaluation_points_per_dimension(dim, per_dimension) nodes per dimension.
EvaluationGrid make_evaluation_grid(const Domain& domain, int per_dimension);

}  // namespace pinn
