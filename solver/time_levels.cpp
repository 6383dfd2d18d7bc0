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

std::vector<double> probe_points(const ParabolicSettings& settings) {
  std::vector<double> points;
  for (const std::vector<double>& probe : settings.probes) points.insert(points.end(), probe.begin(), probe.end());
  return points;
}

void start_xt_field(RotheResult& result, const ParabolicProblem& problem, const std::vector<double>& x) {
  if (problem.problem.domain.dim() != 1) return;
  result.x = x;
  std::vector<double> u0(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) u0[i] = problem.initial(&x[i]);
  result.u_by_level.push_back(u0);
  result.reference_by_level.push_back(u0);
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
