/// @file solver/time_reference.cpp
/// @brief The reference of a time-dependent run.
#include "solver/time_reference.hpp"

#include "nn/error.hpp"
#include "physics/parabolic_problem.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace pinn {

TimeReference::TimeReference(const CaseConfig& config, const std::vector<double>& times)
    : config_(&config), times_(times) {
  const ParabolicProblem& p = *config.parabolic;
  if (p.exact) {
    kind_ = "exact";
    return;
  }
  if (!p.problem.domain.is_box() || !p.problem.boundary_parts.empty()) {
    why_none_ = "no problem.exact, and the time-dependent FD reference needs an interval, rectangle or box with "
                "Dirichlet data";
    return;
  }
  const int dim = p.problem.domain.dim();
  cells_ = config.reference_cells > 0 ? config.reference_cells : (dim == 1 ? 1024 : (dim == 2 ? 128 : 32));
  const int steps = config.time_stepping.steps;
  steps_ = config.time_stepping.reference_steps;
  if (steps_ == 0) {
    const int wanted = dim == 1 ? 256 : 64;
    steps_ = steps * std::max(1, (wanted + steps - 1) / steps);
  }
  ParabolicFdOptions options;
  options.output_times = times;
  const auto start = std::chrono::steady_clock::now();
  fd_ = solve_parabolic_fd_reference(parabolic_fd_problem(p, cells_, steps_), options);
  seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!fd_.converged) throw RunError("the time-dependent FD/PDAS reference did not converge at every step");
  for (const double t : times) {
    std::size_t best = 0;
    for (std::size_t k = 1; k < fd_.times.size(); ++k)
      if (std::abs(fd_.times[k] - t) < std::abs(fd_.times[best] - t)) best = k;
    snapshot_of_time_.push_back(best);
  }
  kind_ = "fd";
}

std::vector<double> TimeReference::at(std::size_t index, const std::vector<double>& points) const {
  const ParabolicProblem& p = *config_->parabolic;
  const int dim = p.problem.domain.dim();
  std::vector<double> values(points.size() / static_cast<std::size_t>(dim));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double* x = &points[i * static_cast<std::size_t>(dim)];
    values[i] = kind_ == "exact" ? p.exact(x, times_[index]) : fd_.snapshots[snapshot_of_time_[index]].interpolate(x);
  }
  return values;
}

std::string TimeReference::describe() const {
  std::ostringstream text;
  if (kind_ == "fd")
    text << "; FD/PDAS reference " << cells_ << " cells per dimension, " << steps_ << " steps, " << std::fixed
         << std::setprecision(2) << seconds_ << " s";
  else if (!available())
    text << "; no reference: " << why_none_;
  return text.str();
}

SpaceTimeError::AtTime SpaceTimeError::add(const std::vector<double>& u, const std::vector<double>& reference) {
  double e2 = 0.0, r2 = 0.0;
  AtTime at;
  for (std::size_t i = 0; i < u.size(); ++i) {
    const double e = u[i] - reference[i];
    e2 += e * e, r2 += reference[i] * reference[i], at.max_abs = std::max(at.max_abs, std::abs(e));
  }
  at.rel_l2 = r2 > 0.0 ? std::sqrt(e2 / r2) : std::sqrt(e2 / static_cast<double>(u.size()));
  error_squares_ += e2, reference_squares_ += r2, max_abs_ = std::max(max_abs_, at.max_abs);
  return at;
}

double SpaceTimeError::rel_l2() const {
  return reference_squares_ > 0.0 ? std::sqrt(error_squares_ / reference_squares_) : std::sqrt(error_squares_);
}

}  // namespace pinn
