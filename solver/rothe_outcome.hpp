/// @file solver/rothe_outcome.hpp
/// @brief What a time-dependent run did and reached, level by level (summary.json, history.csv and
/// the other time-series files): Rothe's levels (solver/rothe_solver.hpp), or the output times at which
/// the space–time network is read (solver/space_time_solver.hpp).
#pragma once

#include "solver/case_config.hpp"
#include "solver/run_outcome.hpp"

#include <string>
#include <vector>

namespace pinn {

struct TimeLevelResult {
  int level = 0;      ///< 1..steps
  double time = 0;    ///< t_n
  /// Rothe: the level's elliptic run (no error metrics of its own: see rel_l2). Space–time: the
  /// status and the contact set and violation at t_n (no stages: see RotheResult::network_run).
  RunResult run;
  /// Against the time-dependent reference at t_n on the evaluation points; −1 without one.
  double rel_l2 = -1, max_abs = -1;
  std::vector<double> probes;  ///< u at parabolic.probes
  std::string solution_file;   ///< relative to the run's folder: levels/level_0003/solution.vtu, space_time/time_0003.vtu
};

struct RotheResult {
  TimeMethod method = TimeMethod::rothe;
  RunStatus status = RunStatus::ok;
  std::string output_directory;
  /// The run's subfolder: levels/ (one run per level) or space_time/ (the network's run and its
  /// solution at the output times).
  std::string folder = "levels";
  RunResult network_run;  ///< space–time: the one network's training
  std::vector<TimeLevelResult> levels;  ///< the levels done (all of them unless interrupted or diverged)
  /// Over space and time: ‖u − u_ref‖ / ‖u_ref‖ summed over the levels' evaluation points, and the
  /// largest |u − u_ref|; −1 without a reference.
  double rel_l2 = -1, max_abs = -1;
  std::string reference = "none";  ///< "exact", "fd" or "none"
  double reference_seconds = 0, total_seconds = 0;
  /// 1D: the evaluation points and u at each level, t = 0 (u₀) first — the (x, t) field.
  std::vector<double> x;
  std::vector<std::vector<double>> u_by_level, reference_by_level;
};

}  // namespace pinn
