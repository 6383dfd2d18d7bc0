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

/// A time-dependent run's error against its reference: one time's at a time, and over space and time
/// (all times' evaluation points together).
class SpaceTimeError {
 public:
  struct AtTime {
    /// ‖u − u_ref‖/‖u_ref‖ (the RMS of u − u_ref where u_ref = 0), and max |u − u_ref|.
    double rel_l2 = 0, max_abs = 0;
  };
  /// Adds one time's u and reference (at the same points) and returns that time's error.
  AtTime add(const std::vector<double>& u, const std::vector<double>& reference);
  double rel_l2() const;  ///< over all times added (the root of the error's squares where the reference is 0)
  double max_abs() const { return max_abs_; }

 private:
  double error_squares_ = 0, reference_squares_ = 0, max_abs_ = 0;
};

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

  /// For a run's first log line: "; FD/PDAS reference N cells per dimension, M steps, S s",
  /// "; no reference: why", or "" for an exact solution.
  std::string describe() const;

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
