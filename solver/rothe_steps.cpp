/// @file solver/rothe_steps.cpp
/// @brief The time scheme's elliptic problems (see the header).
#include "solver/rothe_steps.hpp"

#include "nn/error.hpp"

#include <cmath>

namespace pinn {

namespace {

/// BDF2's levels taken by SDIRK before its own formula starts (the header): 2, as the FD reference's
/// Rannacher start takes two steps (physics/parabolic_fd_reference.hpp). With one, BDF2's second level reads
/// u₀ across the contact's onset: membrane2d's FD levels 2–3 then err by 6.7e-2 and 1.6e-2 (1.3e-2, 4.9e-3
/// with two), 1.5e-2 over space–time against 5.0e-3.
constexpr int kSdirkLevels = 2;

}  // namespace

std::vector<RotheStep> rothe_steps(TimeScheme scheme, double final_time, int steps) {
  PINN_REQUIRE(final_time > 0.0 && steps >= 1, "rothe_steps: T = " << final_time << ", steps = " << steps);
  const double dt = final_time / steps;
  const auto time_of = [&](int n) { return n == steps ? final_time : n * dt; };
  std::vector<RotheStep> plan;
  // Where each level's solution is among the solutions (u₀ is 0).
  std::vector<int> solution_of_level = {0};
  const auto add = [&](RotheStep step) {
    plan.push_back(std::move(step));
    if (plan.back().level > 0) solution_of_level.push_back(static_cast<int>(plan.size()));
  };
  const auto coefficients = [&](std::initializer_list<std::pair<int, double>> terms) {
    std::vector<double> c(plan.size() + 1, 0.0);
    for (const auto& [solution, coefficient] : terms) c[static_cast<std::size_t>(solution)] += coefficient;
    return c;
  };
  // An L-stable one-step level (two-stage SDIRK, the header): a stage at γΔt, then the level.
  const double gamma = 1.0 - std::sqrt(0.5), slope = (1.0 - gamma) / gamma;
  const auto add_sdirk_level = [&](int n) {
    const int start = solution_of_level[n - 1];
    RotheStep stage;
    stage.time = time_of(n - 1) + gamma * dt;
    stage.length = gamma * dt;
    stage.mass = 1.0;
    stage.reaction_text = "1/(γΔt), γ = 1 − 1/√2";
    stage.history = coefficients({{start, 1.0}});
    add(stage);
    const int stage_solution = static_cast<int>(plan.size());
    RotheStep step = stage;  // the same reaction; the history u_{n−1} + slope·(u* − u_{n−1}), over γΔt
    step.time = time_of(n);
    step.level = n;
    step.history = coefficients({{start, 1.0 - slope}, {stage_solution, slope}});
    add(step);
  };
  for (int n = 1; n <= steps; ++n) {
    if (scheme == TimeScheme::bdf2 && n <= kSdirkLevels) {
      add_sdirk_level(n);
      continue;
    }
    RotheStep step;
    step.time = time_of(n);
    step.level = n;
    step.length = dt;
    if (scheme == TimeScheme::implicit_euler) {
      step.mass = 1.0;
      step.reaction_text = "1/Δt";
      step.history = coefficients({{solution_of_level[n - 1], 1.0}});
    } else {
      step.mass = 1.5;
      step.reaction_text = "3/(2Δt)";
      step.history = coefficients({{solution_of_level[n - 1], 2.0}, {solution_of_level[n - 2], -0.5}});
    }
    add(step);
  }
  return plan;
}

std::vector<int> last_use_of_solutions(const std::vector<RotheStep>& steps) {
  std::vector<int> last(steps.size() + 1, -1);
  for (std::size_t j = 0; j < steps.size(); ++j)
    for (std::size_t k = 0; k < steps[j].history.size(); ++k)
      if (steps[j].history[k] != 0.0) last[k] = static_cast<int>(j);
  return last;
}

}  // namespace pinn
