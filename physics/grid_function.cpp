/// @file physics/grid_function.cpp
/// @brief Tensor-grid fields and their multilinear interpolation.
#include "physics/grid_function.hpp"

#include "nn/error.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

namespace pinn {

GridFunction GridFunction::over(const Domain& domain, int nodes_per_dimension) {
  PINN_REQUIRE(nodes_per_dimension >= 2, "GridFunction::over: " << nodes_per_dimension << " nodes; allowed: >= 2");
  GridFunction grid;
  grid.dim = domain.dim();
  for (int d = 0; d < grid.dim; ++d) {
    const auto k = static_cast<std::size_t>(d);
    grid.n_nodes[k] = nodes_per_dimension;
    grid.lower[k] = domain.lower()[k];
    grid.spacing[k] = (domain.upper()[k] - domain.lower()[k]) / (nodes_per_dimension - 1);
  }
  return grid;
}

std::vector<double> GridFunction::nodes() const {
  const std::size_t count = static_cast<std::size_t>(n_nodes[0]) * n_nodes[1] * n_nodes[2];
  std::vector<double> points(count * static_cast<std::size_t>(dim));
  for (std::size_t index = 0; index < count; ++index) {
    std::size_t rest = index;
    for (int d = 0; d < dim; ++d) {
      const auto k = static_cast<std::size_t>(d);
      const std::size_t i = rest % static_cast<std::size_t>(n_nodes[k]);
      rest /= static_cast<std::size_t>(n_nodes[k]);
      points[index * static_cast<std::size_t>(dim) + k] = lower[k] + static_cast<double>(i) * spacing[k];
    }
  }
  return points;
}

double GridFunction::operator()(const double* x) const {
  // Per dimension: the cell holding x and the weight of its upper node.
  std::array<std::size_t, 3> cell{0, 0, 0};
  std::array<double, 3> weight{0, 0, 0};
  for (int d = 0; d < dim; ++d) {
    const auto k = static_cast<std::size_t>(d);
    const double position = std::clamp((x[d] - lower[k]) / spacing[k], 0.0, static_cast<double>(n_nodes[k] - 1));
    const double below = std::min(std::floor(position), static_cast<double>(n_nodes[k] - 2));
    cell[k] = static_cast<std::size_t>(below);
    weight[k] = position - below;
  }
  double value = 0.0;
  for (int corner = 0; corner < (1 << dim); ++corner) {
    double w = 1.0;
    std::size_t index = 0, stride = 1;
    for (int d = 0; d < dim; ++d) {
      const auto k = static_cast<std::size_t>(d);
      const bool upper = (corner >> d) & 1;
      w *= upper ? weight[k] : 1.0 - weight[k];
      index += (cell[k] + (upper ? 1 : 0)) * stride;
      stride *= static_cast<std::size_t>(n_nodes[k]);
    }
    if (w != 0.0) value += w * values[index];
  }
  return value;
}

ScalarFunction GridFunction::function() const {
  auto grid = std::make_shared<const GridFunction>(*this);
  return [grid](const double* x) { return (*grid)(x); };
}

}  // namespace pinn
