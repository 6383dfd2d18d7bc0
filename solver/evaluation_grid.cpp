/// @file solver/evaluation_grid.cpp
/// @brief Uniform evaluation grids.
#include "solver/evaluation_grid.hpp"

namespace pinn {

int evaluation_points_per_dimension(int dim, int per_dimension) {
  return per_dimension > 1 ? per_dimension : (dim == 1 ? 1001 : (dim == 2 ? 201 : 41));
}

EvaluationGrid make_evaluation_grid(const Domain& domain, int per_dimension) {
  EvaluationGrid grid;
  grid.dim = domain.dim();
  const int n = evaluation_points_per_dimension(grid.dim, per_dimension);
  int total = 1;
  for (int k = 0; k < grid.dim; ++k) {
    grid.n_nodes[k] = n;
    total *= n;
  }
  grid.point_of_node.assign(total, -1);
  for (int node = 0; node < total; ++node) {
    double x[3] = {0, 0, 0};
    int rest = node;
    for (int k = 0; k < grid.dim; ++k) {
      const int i = rest % n;
      rest /= n;
      x[k] = domain.lower()[k] + (domain.upper()[k] - domain.lower()[k]) * i / (n - 1);
    }
    if (!domain.contains(x)) continue;
    grid.point_of_node[node] = grid.size();
    grid.node_of_point.push_back(node);
    grid.points.insert(grid.points.end(), x, x + grid.dim);
  }
  return grid;
}

}  // namespace pinn
