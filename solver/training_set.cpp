/// @file solver/training_set.cpp
/// @brief The training points, their grid shifts and adaptive additions.
#include "solver/training_set.hpp"

#include "nn/error.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace pinn {

namespace {

/// For each point of a tensor grid (x fastest, `counts` points per
/// direction), the index of the nearest point of another tensor grid with the
/// same counts: per direction the nearest coordinate, both being sorted.
std::vector<int> nearest_on_tensor_grid(const std::vector<double>& from, const std::vector<double>& to,
                                        const std::array<int, 3>& counts, int dim) {
  std::array<std::vector<int>, 3> nearest;
  int stride = 1;
  for (int k = 0; k < 3; ++k) {
    std::vector<double> old_axis, new_axis;
    for (int a = 0; a < counts[k]; ++a) {
      const std::size_t at = static_cast<std::size_t>(a) * stride * dim + k;
      old_axis.push_back(k < dim ? from[at] : 0.0);
      new_axis.push_back(k < dim ? to[at] : 0.0);
    }
    for (const double x : new_axis) {
      const auto above = std::lower_bound(old_axis.begin(), old_axis.end(), x);
      int j = static_cast<int>(above - old_axis.begin());
      if (j == counts[k] || (j > 0 && x - old_axis[j - 1] < old_axis[j] - x)) --j;
      nearest[k].push_back(j);
    }
    stride *= counts[k];
  }
  std::vector<int> index;
  for (int c = 0; c < counts[2]; ++c)
    for (int b = 0; b < counts[1]; ++b)
      for (int a = 0; a < counts[0]; ++a)
        index.push_back(nearest[0][a] + counts[0] * (nearest[1][b] + counts[1] * nearest[2][c]));
  return index;
}

}  // namespace

TrainingSet::TrainingSet(const CaseConfig& config) : problem_(config.problem), seed_(config.seed) {
  const Domain& domain = config.problem.domain;
  const int dim = domain.dim();
  grid_cells_ = domain.grid_cells(config.sampling.interior);
  if (config.sampling.method == SamplingMethod::gauss && config.sampling.shift_each_round) {
    // Unshifted, the cut grid's side cells are half a cell wide; rebuild()
    // places the points of every later shift.
    shifted_gauss_cells_ = domain.gauss_cells(config.sampling.interior);
    Domain::GridQuadrature rule = domain.shifted_gauss_quadrature(shifted_gauss_cells_, {0.5, 0.5, 0.5});
    base_interior_ = std::move(rule.points);
    base_weights_ = std::move(rule.weights);
  } else if (config.sampling.method == SamplingMethod::grid || config.sampling.method == SamplingMethod::gauss) {
    Domain::GridQuadrature rule = config.sampling.method == SamplingMethod::grid
                                      ? domain.grid_quadrature(grid_cells_)
                                      : domain.gauss_quadrature(domain.gauss_cells(config.sampling.interior));
    base_interior_ = std::move(rule.points);
    base_weights_ = std::move(rule.weights);
  } else {
    base_interior_ = domain.sample_interior(config.sampling.interior, config.sampling.method, config.seed);
  }
  // Neumann and Robin parts need boundary points also with hard Dirichlet
  // conditions; there the Dirichlet points carry zero terms (u = g exactly).
  const bool natural = has_natural_parts(config.problem.boundary_parts);
  if (config.loss.boundary == BoundaryMode::penalty || natural) {
    int n = config.sampling.boundary;
    if (n == 0) n = dim == 1 ? 2 : 4 * static_cast<int>(std::sqrt(static_cast<double>(config.sampling.interior)));
    base_boundary_ = domain.sample_boundary(n);
  }
  const int n_base = static_cast<int>(base_interior_.size()) / dim;
  // Collocation forms weight every point; the energy keeps its quadrature.
  if (config.loss.form != LossForm::energy) added_pde_weight_ = domain.measure() / static_cast<double>(n_base);
  if (config.sampling.obstacle_nodes) {
    // The midpoints are the centres of the grid's cells; their interior nodes
    // become obstacle points (kept like adaptive points: no share of the
    // energy's quadrature).
    added_points_ = domain.grid_points(grid_cells_, SamplingMethod::nodes);
  }
  rebuild(false);
}

std::array<double, 3> TrainingSet::grid_shift() const {
  std::array<double, 3> shift{0.0, 0.0, 0.0};
  if (grid_shifts_ == 0) return shift;
  std::mt19937_64 rng(seed_ * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(grid_shifts_));
  std::uniform_real_distribution<double> unit(-0.5, 0.5);
  for (int k = 0; k < problem_.domain.dim(); ++k) shift[k] = unit(rng);
  return shift;
}

void TrainingSet::shift() {
  PINN_REQUIRE(problem_.domain.is_box(), "a grid cut at a curved or slanted boundary cannot move (uncut_training_grid)");
  ++grid_shifts_;
  rebuild(true);
}

std::vector<double> TrainingSet::multipliers() const {
  const auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points_.data);
  std::vector<double> multipliers;
  multipliers.reserve(2 * static_cast<std::size_t>(points_.size()));
  for (int i = 0; i < points_.size(); ++i)
    multipliers.insert(multipliers.end(), {lower_or_boundary_multiplier(data(i)), data(i).lambda_upper});
  return multipliers;
}

void TrainingSet::set_multipliers(const std::vector<double>& multipliers) {
  PINN_REQUIRE(multipliers.size() == 2 * static_cast<std::size_t>(points_.size()),
               multipliers.size() << " multipliers for " << points_.size() << " points");
  auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points_.data);
  for (int i = 0; i < points_.size(); ++i) {
    set_lower_or_boundary_multiplier(data(i), multipliers[2 * i]);
    data(i).lambda_upper = multipliers[2 * i + 1];
  }
  Kokkos::deep_copy(points_.data, data);
}

void TrainingSet::restore(std::vector<double> added_points, int adaptive_rounds, int grid_shifts) {
  added_points_ = std::move(added_points);
  adaptive_rounds_ = adaptive_rounds;
  grid_shifts_ = grid_shifts;
  if (!added_points_.empty() || grid_shifts_ > 0) rebuild(false);
}

void TrainingSet::rebuild(bool keep_multipliers) {
  const std::vector<double> old_multipliers = keep_multipliers ? multipliers() : std::vector<double>{};
  const int old_size = points_.size();
  const Domain& domain = problem_.domain;
  const std::array<double, 3> shift = grid_shift();
  std::vector<double> interior = base_interior_;
  std::vector<int> source;  // the old point whose multipliers point i takes; empty: i's own
  if (shifted_gauss_cells_[0] > 0) {
    const std::array<double, 3> fraction{0.5 + shift[0], 0.5 + shift[1], 0.5 + shift[2]};
    Domain::GridQuadrature rule = domain.shifted_gauss_quadrature(shifted_gauss_cells_, fraction);
    // The multipliers are contact-force densities: a point takes its nearest
    // old point's (the points of a cell move by up to a cell; at the free
    // boundary the one by index could come from the other side).
    std::array<int, 3> counts{1, 1, 1};
    for (int k = 0; k < domain.dim(); ++k) counts[k] = 2 * (shifted_gauss_cells_[k] + 1);
    if (keep_multipliers) source = nearest_on_tensor_grid(base_interior_, rule.points, counts, domain.dim());
    base_interior_ = rule.points;
    base_weights_ = std::move(rule.weights);
    interior = std::move(rule.points);
  } else {
    const int dim = domain.dim();
    for (std::size_t i = 0; i < interior.size(); ++i) {
      const int k = static_cast<int>(i % dim);
      interior[i] += shift[k] * (domain.upper()[k] - domain.lower()[k]) / grid_cells_[k];
    }
  }
  points_ = make_training_points(problem_, interior, base_boundary_, added_points_, added_pde_weight_, FluxAt::points,
                                 base_weights_);
  ++version_;
  if (!keep_multipliers) return;
  PINN_REQUIRE(points_.size() == old_size,
               "the rebuilt training set has " << points_.size() << " points, " << old_size << " before");
  std::vector<double> moved = old_multipliers;
  for (std::size_t i = 0; i < source.size(); ++i) {
    moved[2 * i] = old_multipliers[2 * static_cast<std::size_t>(source[i])];
    moved[2 * i + 1] = old_multipliers[2 * static_cast<std::size_t>(source[i]) + 1];
  }
  set_multipliers(moved);
}

void TrainingSet::add_adaptive_points(const std::vector<double>& points) {
  added_points_.insert(added_points_.end(), points.begin(), points.end());
  // Rebuild the set, keeping the multipliers of the old points; new points
  // start from their nearest old point's multiplier.
  const int dim = problem_.domain.dim();
  const auto old_data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points_.data);
  const auto old_coords = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points_.coordinates);
  const int old_interior = points_.n_interior;
  rebuild(false);
  auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points_.data);
  auto coords = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points_.coordinates);
  for (int i = 0; i < points_.size(); ++i) {
    const bool boundary = data(i).is_boundary != 0;
    int source = -1;
    if (!boundary && i < old_interior) {
      source = i;  // same order: base points, then earlier added points
    } else if (boundary) {
      source = old_interior + (i - points_.n_interior);
    } else {
      double best = 1e300;
      for (int j = 0; j < old_interior; ++j) {
        double d2 = 0.0;
        for (int k = 0; k < dim; ++k) d2 += (coords(i, k) - old_coords(j, k)) * (coords(i, k) - old_coords(j, k));
        if (d2 < best) best = d2, source = j;
      }
    }
    set_lower_or_boundary_multiplier(data(i), lower_or_boundary_multiplier(old_data(source)));
    data(i).lambda_upper = old_data(source).lambda_upper;
  }
  Kokkos::deep_copy(points_.data, data);
  ++adaptive_rounds_;
}

}  // namespace pinn
