/// @file solver/time_levels.cpp
/// @brief Report times and the checks over time (see the header).
#include "solver/time_levels.hpp"

#include "solver/case_checks.hpp"
#include "solver/evaluation_grid.hpp"

#include <cmath>

namespace pinn {

std::vector<double> level_times(const ParabolicProblem& p, int steps) {
  std::vector<double> times;
  for (int n = 1; n <= steps; ++n) times.push_back(n == steps ? p.final_time : n * (p.final_time / steps));
  return times;
}

std::vector<double> time_evaluation_points(const CaseConfig& config) {
  const int dim = config.problem.domain.dim();
  const int per_dim = evaluation_points_per_dimension(dim, config.output.evaluation_points);
  return config.problem.domain.sample_interior(static_cast<int>(std::pow(per_dim, dim)), SamplingMethod::grid, 0);
}

void check_case_over_time(const CaseConfig& config, const std::vector<double>& times) {
  check_case(config);
  CaseConfig at_time = config;
  at_time.parabolic = nullptr;
  for (const double t : times) {
    at_time.problem = config.parabolic->at(t);
    check_case(at_time);
  }
}

}  // namespace pinn
