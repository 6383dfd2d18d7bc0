/// @file solver/time_levels.hpp
/// @brief The times a time-dependent run reports at, and the checks of its data at them.
#pragma once

#include "solver/case_config.hpp"
#include "solver/rothe_outcome.hpp"

#include <vector>

namespace pinn {

/// t_n = n·T/steps, n = 1..steps (the last exactly T): Rothe's time levels, the space–time method's
/// output times.
std::vector<double> level_times(const ParabolicProblem& problem, int steps);

/// The points where a time-dependent run is measured at every report time (row-major, dim each): the
/// cell midpoints of a tensor grid with as many points per dimension as a run's solution file has.
std::vector<double> time_evaluation_points(const CaseConfig& config);

/// parabolic.probes as one row-major array (dim coordinates per probe).
std::vector<double> probe_points(const ParabolicSettings& settings);

/// A 1D run's (x, t) field starts with u₀ at the evaluation points `x`: result.x and the first rows of
/// u_by_level and reference_by_level. Nothing in 2D and 3D.
void start_xt_field(RotheResult& result, const ParabolicProblem& problem, const std::vector<double>& x);

/// The checks of a time-dependent case before anything is written or solved (solver/case_checks.hpp):
/// the case with its data at t = 0, and the data frozen at each of `times`. Throws pinn::UserError.
void check_case_over_time(const CaseConfig& config, const std::vector<double>& times);

}  // namespace pinn
