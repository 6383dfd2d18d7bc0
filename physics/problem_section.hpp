/// @file physics/problem_section.hpp
/// @brief The physics of a case file: [problem] (domain, data expressions)
/// and [loss]. The training settings ([network], [sampling], [[stage]],
/// [output], [run]) are the solver's (solver/case_file.hpp).
#pragma once

#include "physics/loss_settings.hpp"
#include "physics/problem.hpp"
#include "physics/toml_section.hpp"

#include <memory>
#include <string>

namespace pinn {

struct ParabolicProblem;

struct ProblemDefinition {
  ObstacleProblem problem;  ///< with [problem.time]: the data at t = 0
  ProblemTexts texts;
  /// Set when [problem] has a time table (physics/parabolic_problem.hpp); null for an elliptic problem.
  std::shared_ptr<const ParabolicProblem> parabolic;
  std::string initial_at;  ///< where problem.time.initial was given (for the checks that blame it)
};

/// Reads [problem] of the case file `top` (named `file` in messages).
ProblemDefinition read_problem_section(TomlSection& top, const std::string& file);

/// [loss], checked against the problem: exact energy integration only in 1D
/// with the energy form and penalty boundary conditions, the proximal form
/// only with a lower obstacle. The rules that involve the network are the
/// solver's. `form_at` and `integration_at` locate those keys (the [loss]
/// table where a key is not given) for them.
struct LossSection {
  LossSettings settings;
  std::string form_at, integration_at, wind_at;
};
/// The default form is the energy, a wind lagged in its source or in its
/// symmetric form (loss.wind), except over space–time, where a wind has
/// neither: then strong for a smooth network, first_order for a
/// piecewise-linear one (`smooth_network`).
LossSection read_loss_section(TomlSection& top, const ObstacleProblem& problem, bool smooth_network);

/// The form a case gets when it gives none (read_loss_section).
LossForm default_loss_form(const ObstacleProblem& problem, bool smooth_network);

/// ψ ≤ g and ψ_hi ≥ g on the Dirichlet boundary (2 points in 1D, 400 in 2D/3D): refused
/// at `lower_at` / `upper_at` otherwise, as no admissible solution exists.
void check_obstacles_against_boundary(const ObstacleProblem& problem, const std::string& lower_at,
                                      const std::string& upper_at);

}  // namespace pinn
