/// @file solver/case_rules.cpp
/// @brief The cross-key rules of a configuration.
#include "solver/case_rules.hpp"

#include "nn/error.hpp"
#include "solver/stages/stage_registry.hpp"

#include <cmath>
#include <string>

namespace pinn {

namespace {

/// stage.smoothing / smoothing_end: only for piecewise-linear networks whose
/// energy is integrated at the points, and decreasing (it is a homotopy
/// towards the exact activation).
void check_smoothing(const CaseConfig& c, const StageConfig& stage, const std::string& prefix) {
  const std::string at = c.where(prefix + "smoothing");
  PINN_USER_REQUIRE(stage.smoothing >= 0.0, at << ": found " << stage.smoothing << "; allowed: a width >= 0");
  PINN_USER_REQUIRE(
      stage.smoothing == 0.0 || is_piecewise_linear(c.network.activation),
      at << " smooths piecewise-linear activations (relu, leaky_relu, prelu); found network.activation = \""
         << to_string(c.network.activation) << "\", which is smooth already. Remove the key");
  PINN_USER_REQUIRE(stage.smoothing == 0.0 || !c.loss.exact_energy_integration,
                    at << " cannot be combined with loss.energy_integration = \"exact\", which integrates the exact "
                          "piecewise-linear network between its kinks. Use one or the other");
  // Blame smoothing_end where it was given, else where smoothing was (its default).
  const std::string end_key = prefix + "smoothing_end";
  const std::string end_at = c.locations.count(end_key) || !c.locations.count(prefix + "smoothing")
                                 ? c.where(end_key)
                                 : c.locations.at(prefix + "smoothing") + ": " + end_key;
  // smoothing = 0 switches the homotopy off (smoothing_end = 0 with it, so that
  // `--set stage.N.smoothing=0 --set stage.N.smoothing_end=0` undoes a case file's homotopy).
  if (stage.smoothing > 0.0) {
    PINN_USER_REQUIRE(stage.smoothing_end > 0.0 && stage.smoothing_end <= stage.smoothing,
                      end_at << ": found " << stage.smoothing_end << "; allowed: a width in (0, smoothing = "
                             << stage.smoothing << "] (the homotopy sharpens the activation)");
  } else {
    PINN_USER_REQUIRE(stage.smoothing_end == 0.0,
                      end_at << ": found " << stage.smoothing_end << "; allowed: 0, as smoothing = 0 (no homotopy)");
  }
  PINN_USER_REQUIRE(stage.exact_fit_steps >= 0 && (stage.exact_fit_steps == 0 || stage.smoothing > 0.0),
                    c.where(prefix + "exact_fit_steps")
                        << ": found " << stage.exact_fit_steps
                        << "; allowed: 0, or a number of steps in [1, 10000] with smoothing > 0 (it fits the exact "
                           "network to the smoothed one the stage trained; found smoothing = "
                        << stage.smoothing << ")");
}

/// stage.insert_neurons / insert_layer: a hidden layer that exists, and
/// widths that stay within what a network allows after every insertion.
void check_insertion(const CaseConfig& c, std::size_t index, const std::string& prefix) {
  const StageConfig& stage = c.stages[index];
  const int n_hidden = static_cast<int>(c.network.hidden.size());
  PINN_USER_REQUIRE(stage.insert_neurons >= 0, c.where(prefix + "insert_neurons")
                                                   << ": found " << stage.insert_neurons << "; allowed: 0 to 4096");
  if (stage.insert_neurons == 0) return;
  PINN_USER_REQUIRE(stage.insert_layer >= 0 && stage.insert_layer < n_hidden,
                    c.where(prefix + "insert_layer")
                        << ": found " << stage.insert_layer << "; allowed: an integer in [0, " << n_hidden - 1
                        << "] (a hidden layer, counted from 0)");
  int width = c.network.hidden[static_cast<std::size_t>(stage.insert_layer)];
  for (std::size_t earlier = 0; earlier < index; ++earlier)
    if (c.stages[earlier].insert_layer == stage.insert_layer) width += c.stages[earlier].insert_neurons;
  PINN_USER_REQUIRE(width + stage.insert_neurons <= 4096, c.where(prefix + "insert_neurons")
                                                              << ": found " << stage.insert_neurons << "; hidden layer "
                                                              << stage.insert_layer << " has " << width
                                                              << " neurons by then, and a layer allows at most 4096");
}

void check_stage(const CaseConfig& c, std::size_t index) {
  const StageConfig& stage = c.stages[index];
  const std::string prefix = "stage." + std::to_string(index) + ".";
  const StageKind* kind = find_stage_kind(stage.type);
  PINN_USER_REQUIRE(kind, c.where(prefix + "type")
                              << ": found \"" << stage.type << "\"; allowed: " << stage_kind_names());
  PINN_USER_REQUIRE(stage.iterations >= 0, c.where(prefix + "iterations")
                                               << ": found " << stage.iterations << "; allowed: an integer >= 0");
  PINN_USER_REQUIRE(stage.multiplier_updates >= 0, c.where(prefix + "multiplier_updates")
                                                       << ": found " << stage.multiplier_updates
                                                       << "; allowed: an integer >= 0");
  PINN_USER_REQUIRE(stage.penalty_growth >= 1.0, c.where(prefix + "penalty_growth")
                                                     << ": found " << stage.penalty_growth << "; allowed: >= 1");
  PINN_USER_REQUIRE(stage.max_penalty > 0.0, c.where(prefix + "max_penalty")
                                                 << ": found " << stage.max_penalty << "; allowed: > 0");
  PINN_USER_REQUIRE(stage.time_limit >= 0.0, c.where(prefix + "time_limit") << ": found " << stage.time_limit
                                                                            << "; allowed: seconds >= 0 (0: none)");
  const int rounds = stage.multiplier_updates + 1;
  PINN_USER_REQUIRE(stage.select_last_rounds >= 0 && stage.select_last_rounds <= rounds,
                    c.where(prefix + "select_last_rounds")
                        << ": found " << stage.select_last_rounds << "; allowed: 0 to the stage's " << rounds
                        << " multiplier rounds (multiplier_updates + 1)");
  // Keys that mean something only to stages that solve each round apart (StageKind::selects_rounds).
  const auto round_solving_only = [&](const char* key, int value, const char* refusal) {
    PINN_USER_REQUIRE(value == 0 || kind->selects_rounds,
                      c.where(prefix + key) << ": found " << value << "; an " << stage.type << refusal);
  };
  round_solving_only("select_last_rounds", stage.select_last_rounds,
                     " stage ends on its last iterate; select_last_rounds belongs to stages that solve each round "
                     "apart (ceres_lm, ceres_lbfgs, natural_gradient)");
  PINN_USER_REQUIRE(stage.select_penalty >= 1.0 && stage.select_penalty <= 1e6,
                    c.where(prefix + "select_penalty")
                        << ": found " << stage.select_penalty << "; allowed: a multiple of loss.penalty in [1, 1e6]");
  // A file that sets select_penalty where nothing is selected is told so (a
  // program that turns the selection off keeps its penalty unused).
  PINN_USER_REQUIRE(stage.select_penalty == 1.0 || stage.select_last_rounds > 0 ||
                        c.locations.count(prefix + "select_penalty") == 0,
                    c.where(prefix + "select_penalty")
                        << ": found " << stage.select_penalty
                        << "; it weighs the validation loss that selects rounds, and this stage selects none "
                           "(select_last_rounds = 0). Set select_last_rounds, or leave select_penalty out");
  PINN_USER_REQUIRE(stage.budget_share > 0.0 && std::isfinite(stage.budget_share),
                    c.where(prefix + "budget_share") << ": found " << stage.budget_share
                                                     << "; allowed: a weight > 0 (the stage's share of the budget)");
  PINN_USER_REQUIRE(stage.patience >= 0, c.where(prefix + "patience") << ": found " << stage.patience
                                                                      << "; allowed: rounds >= 0 (0: no convergence stop)");
  PINN_USER_REQUIRE(stage.min_change >= 0.0 && stage.min_change < 1.0,
                    c.where(prefix + "min_change") << ": found " << stage.min_change
                                                        << "; allowed: a relative change in [0, 1)");
  round_solving_only("patience", stage.patience,
                     " stage runs its iterations with a learning-rate schedule; the convergence stop belongs to "
                     "stages that solve each round apart (ceres_lm, ceres_lbfgs, natural_gradient)");
  check_smoothing(c, stage, prefix);
  PINN_USER_REQUIRE(!stage.revive_neurons || is_piecewise_linear(c.network.activation),
                    c.where(prefix + "revive_neurons")
                        << " moves the kinks of piecewise-linear networks (relu, leaky_relu, prelu); "
                           "found network.activation = \""
                        << to_string(c.network.activation) << "\", which has none. Remove the key");
  check_insertion(c, index, prefix);
  kind->validate(c, static_cast<int>(index));
}

/// sampling.shift_each_round and obstacle_nodes work on the cells of an
/// uncut tensor grid (uncut_training_grid); the shift also on the Gauss
/// points' grid, which it cuts at the domain's sides.
void check_grid_options(const CaseConfig& c) {
  const DomainKind kind = c.problem.domain.kind();
  const char* domain = kind == DomainKind::disk      ? "disk"
                       : kind == DomainKind::polygon ? "polygon"
                                                     : "tensor-product domain";
  const auto require = [&](bool requested, bool allowed, const std::string& key, const char* what,
                           const char* methods) {
    PINN_USER_REQUIRE(!requested || allowed, c.where("sampling." + key)
                                                 << " = true " << what << ", so it needs " << methods
                                                 << " on an interval, rectangle or box; found method = \""
                                                 << to_string(c.sampling.method) << "\" on a " << domain);
  };
  const bool gauss_on_box = c.sampling.method == SamplingMethod::gauss && c.problem.domain.is_box();
  require(c.sampling.shift_each_round, uncut_training_grid(c) || gauss_on_box, "shift_each_round",
          "moves the training grid by a random part of a cell", "method = \"grid\" or \"gauss\"");
  require(c.sampling.obstacle_nodes, uncut_training_grid(c), "obstacle_nodes", "adds the nodes of the training grid",
          "method = \"grid\"");
}

}  // namespace

void validate_config(const CaseConfig& config) {
  PINN_USER_REQUIRE(config.time_budget >= 0.0 && std::isfinite(config.time_budget),
                    config.where("run.time_budget")
                        << ": found " << config.time_budget << "; allowed: seconds >= 0 (0: no budget)");
  check_grid_options(config);
  for (std::size_t s = 0; s < config.stages.size(); ++s) check_stage(config, s);
}

}  // namespace pinn
