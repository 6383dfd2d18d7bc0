/// @file physics/grid_function.hpp
/// @brief A field sampled at the nodes of a tensor grid over a domain's bounding box and evaluated
/// anywhere in it by multilinear interpolation: how a time-stepping method hands one time level's
/// solution to the next as data (solver/rothe_solver.hpp).
#pragma once

#include "physics/domain.hpp"
#include "physics/scalar_function.hpp"

#include <array>
#include <vector>

namespace pinn {

struct GridFunction {
  int dim = 1;
  std::array<int, 3> n_nodes{1, 1, 1};        ///< nodes per dimension (1 for unused dims)
  std::array<double, 3> lower{}, spacing{};  ///< node k along dim d: lower[d] + k·spacing[d]
  std::vector<double> values;                ///< one per node, x fastest: index = i + nx·(j + ny·k)

  /// The grid of `nodes_per_dimension` nodes per dimension (at least 2) over the bounding box of
  /// `domain`, values not yet set.
  static GridFunction over(const Domain& domain, int nodes_per_dimension);
  /// The nodes' coordinates, row-major (dim per node), in the order of `values`.
  std::vector<double> nodes() const;
  /// Multilinear interpolation at x (dim coordinates); x outside the box is moved onto it (the
  /// callers ask inside the domain, up to round-off).
  double operator()(const double* x) const;
  /// The field as a ScalarFunction holding a copy of the grid.
  ScalarFunction function() const;
};

}  // namespace pinn
