/// @file solver/time_series_output.hpp
/// @brief The files of a time-dependent run beside its levels' folders (README.md, "Time-dependent
/// problems"): solution.pvd (the levels' solution files as a time series, ParaView's time slider),
/// history.csv (one row per level), probes.csv (u at the probes over time), free_boundary.csv (the
/// contact set over time: its components in 1D, its measure and equivalent radius in 2D/3D),
/// solution_xt.vtr (1D: the (x, t) field on one rectilinear grid) and summary.json.
#pragma once

#include "solver/case_config.hpp"
#include "solver/rothe_outcome.hpp"

#include <string>

namespace pinn {

std::string time_series_pvd(const RotheResult& result);
std::string time_history_csv(const RotheResult& result);
std::string probes_csv(const CaseConfig& config, const RotheResult& result);
std::string free_boundary_csv(const CaseConfig& config, const RotheResult& result);
std::string time_summary_json(const CaseConfig& config, const RotheResult& result);

/// Writes every file above into the run's folder and moves levels.partial/ (the levels written by
/// this run) to levels/, all together (solver/result_folder.hpp): a failure leaves the earlier
/// results, their levels included, as they were. Throws pinn::RunError naming the file and the cause.
void write_time_series(const CaseConfig& config, const RotheResult& result);

}  // namespace pinn
