/// @file solver/default_pipeline.cpp
/// @brief The default pipelines, one per dimension.
#include "solver/default_pipeline.hpp"

#include "solver/stages/ceres_lm_stage.hpp"
#include "solver/stages/gradient_step_stage.hpp"

#include <memory>

namespace pinn {

namespace {

StageConfig adam_stage(int iterations, double learning_rate, int multiplier_updates) {
  auto options = std::make_shared<GradientStepOptions>();
  options->schedule.initial = learning_rate;
  options->schedule.kind = ScheduleKind::cosine;
  options->schedule.minimum = 1e-5;
  StageConfig stage;
  stage.type = "adam";
  stage.iterations = iterations;
  stage.multiplier_updates = multiplier_updates;
  stage.options = options;
  return stage;
}

StageConfig second_order_stage(const std::string& type, int iterations, int multiplier_updates) {
  StageConfig stage;
  stage.type = type;
  stage.iterations = iterations;
  stage.multiplier_updates = multiplier_updates;
  return stage;
}

}  // namespace

std::vector<std::string> choose_default_pipeline(CaseConfig& config, bool interior_given, bool hidden_given) {
  std::vector<std::string> notes;
  const int dim = config.problem.domain.dim();
  const int interior = dim == 1 ? 512 : (dim == 2 ? 4096 : 8000);
  if (!interior_given) {
    config.sampling.interior = interior;
    notes.push_back("sampling.interior = " + std::to_string(interior) + ": the default for " + std::to_string(dim) +
                    "D (as the predefined " + (dim == 1 ? "obstacle1d" : (dim == 2 ? "radial2d" : "box3d")) +
                    " case)");
  }
  if (dim == 1) {
    // obstacle1d's pipeline: 2.96e-5 in about 8 s. Its [16, 16] network
    // matters: LM's cost grows with the square of the parameters, and
    // [32, 32] (1153 of them against 321) makes the stage 9× slower.
    if (!hidden_given) {
      config.network.hidden = {16, 16};
      notes.push_back("network.hidden = [16, 16]: obstacle1d's, small enough for Levenberg–Marquardt's steps");
    }
    config.stages = {adam_stage(1000, 1e-2, 10), second_order_stage("ceres_lm", 600, 60)};
    notes.push_back("stages: adam 1000 (learning rate 1e-2, cosine, 10 multiplier updates), then ceres_lm 600 "
                    "(60 multiplier updates) — obstacle1d's pipeline; Levenberg–Marquardt is the fastest "
                    "second-order stage at 1D sizes");
  } else if (dim == 2) {
    // radial2d's pipeline with a shorter LBFGS stage (a minute rather than five).
    config.stages = {adam_stage(1500, 5e-3, 5), second_order_stage("ceres_lbfgs", 3000, 30)};
    notes.push_back("stages: adam 1500 (learning rate 5e-3, cosine, 5 multiplier updates), then ceres_lbfgs 3000 "
                    "(30 multiplier updates) — radial2d's pipeline shortened to about a minute; LBFGS because "
                    "Levenberg–Marquardt's Jacobian products are too slow at 2D sizes");
  } else {
    config.stages = {adam_stage(3000, 5e-3, 10)};
    notes.push_back("stages: adam 3000 (learning rate 5e-3, cosine, 10 multiplier updates) — box3d's pipeline");
  }
  if (is_piecewise_linear(config.network.activation))
    notes.push_back("network.activation = \"" + to_string(config.network.activation) +
                    "\": the default pipeline is the smooth networks'; the piecewise-linear pipelines (exact 1D "
                    "energy, smoothing homotopy) are not chosen automatically yet — see cases/obstacle1d_prelu.toml "
                    "and cases/radial2d_leaky.toml");
  return notes;
}

}  // namespace pinn
