/// @file solver/time_reference.hpp
/// @brief What a time-dependent run is measured against: the exact solution u(x, t) where the case
/// gives one, else the FD/PDAS reference stepped in time (physics/parabolic_fd_reference.hpp) on an
/// interval, rectangle or box with Dirichlet data, else nothing.
#pragma once

#include "physics/parabolic_fd_reference.hpp"
#include "solver/case_config.hpp"

#include <string>
#include <vector>

namespace pinn {

class TimeReference {
 public:
  /// The reference at the times `times` (each on the reference's time grid). Solving the FD reference
  /// happens here: cells per dimension from config.reference_cells (default 1024 in 1D, 128 in 2D,
  /// 32 in 3D), time steps from config.time_stepping.reference_steps.
  TimeReference(const CaseConfig& config, const std::vector<double>& times);

  /// "exact", "fd" or "none".
  const std::string& kind() const { return kind_; }
  bool available() const { return kind_ != "none"; }
  /// Why there is none (empty when there is one).
  const std::string& why_none() const { return why_none_; }
  double seconds() const { return seconds_; }
  int cells() const { return cells_; }
  int steps() const { return steps_; }

  /// The reference at the `index`-th of the times, at `points` (row-major, dim per point).
  std::vector<double> at(std::size_t index, const std::vector<double>& points) const;

 private:
  const CaseConfig* config_;
  std::vector<double> times_;
  std::string kind_ = "none", why_none_;
  ParabolicFdSolution fd_;
  std::vector<std::size_t> snapshot_of_time_;
  double seconds_ = 0;
  int cells_ = 0, steps_ = 0;
};

}  // namespace pinn
