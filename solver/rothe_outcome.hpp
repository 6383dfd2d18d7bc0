/// @file solver/rothe_outcome.hpp
/// @brief What a time-dependent run (solver/rothe_solver.hpp) did and reached, level by level
/// (summary.json, history.csv and the other time-series files).
#pragma once

#include "solver/run_outcome.hpp"

#include <string>
#include <vector>

namespace pinn {

struct TimeLevelResult {
  int level = 0;      ///< 1..steps
  double time = 0;    ///< t_n
  RunResult run;      ///< the level's elliptic run (no error metrics of its own: see rel_l2)
  /// Against the time-dependent reference at t_n on the evaluation points; −1 without one.
  double rel_l2 = -1, max_abs = -1;
  std::vector<double> probes;  ///< u at parabolic.probes
  std::string solution_file;   ///< relative to the run's folder, e.g. levels/level_0003/solution.vtu
};

struct RotheResult {
  RunStatus status = RunStatus::ok;
  std::string output_directory;
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
