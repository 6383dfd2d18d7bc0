/// @file solver/training_state.cpp
/// @brief The checkpoint of a training state.
#include "solver/training_state.hpp"

#include "nn/checkpoint.hpp"
#include "nn/error.hpp"

#include <iterator>

namespace pinn {

namespace {

/// The numeric columns of a history row, in the order checkpoints store them
/// (after stage index and iteration); one list for writing and reading.
constexpr double HistoryRow::*kCheckpointedHistoryFields[] = {
    &HistoryRow::loss,           &HistoryRow::loss_pde, &HistoryRow::loss_obstacle,     &HistoryRow::loss_boundary,
    &HistoryRow::rel_l2,         &HistoryRow::max_abs,  &HistoryRow::max_violation,     &HistoryRow::penalty,
    &HistoryRow::learning_rate,  &HistoryRow::seconds,  &HistoryRow::negative_fraction, &HistoryRow::dead_neurons,
    &HistoryRow::lipschitz_bound};

/// Resuming: the network with the hidden widths a checkpoint was written
/// for, when they are what this case's insertions grow it into; otherwise
/// the network unchanged (load_checkpoint then lists the differences).
void adopt_inserted_neurons(const std::vector<int>& stored_widths, const CaseConfig& config,
                            std::unique_ptr<Mlp>& net) {
  const MlpLayout& layout = net->layout();
  const std::vector<int> widths(layout.width, layout.width + layout.n_layers + 1);
  if (stored_widths == widths || stored_widths.size() != widths.size()) return;
  bool grown = stored_widths.front() == widths.front() && stored_widths.back() == widths.back();
  for (std::size_t l = 1; l + 1 < widths.size(); ++l) grown = grown && stored_widths[l] >= widths[l];
  bool inserts = false;
  for (const StageConfig& stage : config.stages) inserts = inserts || stage.insert_neurons > 0;
  if (!grown || !inserts) return;
  MlpConfig grown_config = net->config();
  grown_config.hidden.assign(stored_widths.begin() + 1, stored_widths.end() - 1);
  net = std::make_unique<Mlp>(grown_config);
}

}  // namespace

void save_checkpoint(const std::string& path, const TrainingState& state, const StagePosition& position) {
  CheckpointArrays arrays;
  arrays["position"] = {static_cast<double>(position.stage), static_cast<double>(position.iteration),
                        static_cast<double>(state.total_iterations)};
  arrays["penalty"] = {state.loss_params.settings.penalty};
  arrays["adaptive_points"] = state.points.added_points();
  arrays["adaptive_rounds"] = {static_cast<double>(state.points.adaptive_rounds())};
  arrays["ceres_round"] = {static_cast<double>(position.round)};
  arrays["lm_trust_region_radius"] = {state.stage.damping};
  arrays["grid_shifts"] = {static_cast<double>(state.points.grid_shifts())};
  arrays["neuron_insertions"] = {static_cast<double>(state.insertions_done)};
  arrays["best_round"] = {static_cast<double>(state.stage.best.round), state.stage.best.validation_loss};
  arrays["best_round_parameters"] = state.stage.best.parameters;
  arrays["best_round_multipliers"] = state.stage.best.multipliers;
  arrays["settled_rounds"] = {static_cast<double>(state.stage.settled_rounds)};
  arrays["last_round_solution"] = state.stage.last_round_solution;
  const std::vector<double> multipliers = state.points.multipliers();  // lower, upper per point
  std::vector<double>& lower = arrays["lambda_lower"];
  std::vector<double>& upper = arrays["lambda_upper"];
  for (std::size_t i = 0; i < multipliers.size(); i += 2) {
    lower.push_back(multipliers[i]);
    upper.push_back(multipliers[i + 1]);
  }
  std::vector<double>& history = arrays["history"];
  for (const HistoryRow& r : state.history) {
    history.push_back(r.stage_index);
    history.push_back(r.iteration);
    for (double HistoryRow::*field : kCheckpointedHistoryFields) history.push_back(r.*field);
  }
  std::vector<double>& stages = arrays["stages"];
  for (const StageSummary& st : state.stages)
    stages.insert(stages.end(), {static_cast<double>(st.iterations), st.seconds, st.loss_start, st.loss_end});
  arrays["stage_loss_start"] = {state.stage.loss_start};
  std::vector<double>& snapshots = arrays["snapshots"];
  for (const auto& entry : state.snapshots) snapshots.push_back(entry.first);
  const LaggedWind& wind = state.lagged_wind;
  std::vector<double>& wind_terms = arrays["lagged_wind"];
  wind_terms = {static_cast<double>(wind.stage)};
  for (const LaggedWind::Term& term : wind.terms) {
    wind_terms.insert(wind_terms.end(), {term.weight, term.smoothing});
    wind_terms.insert(wind_terms.end(), term.parameters.begin(), term.parameters.end());
  }
  save_checkpoint(path, *state.net, state.stage.optimizer.get(), arrays);
}

StagePosition restore_checkpoint(const std::string& path, TrainingState& state, const CaseConfig& config) {
  adopt_inserted_neurons(checkpoint_layer_widths(path), config, state.net);
  CheckpointArrays arrays = load_checkpoint(path, *state.net, nullptr);
  auto require = [&](const char* name, std::size_t size) -> const std::vector<double>& {
    const auto it = arrays.find(name);
    PINN_USER_REQUIRE(it != arrays.end() && (size == 0 || it->second.size() == size),
                      path << ": not a checkpoint of this case (entry '" << name << "' missing or of the wrong size)");
    return it->second;
  };
  const auto& position = require("position", 3);
  state.loss_params.settings.penalty = require("penalty", 1)[0];
  state.stage.round = static_cast<int>(require("ceres_round", 1)[0]);
  state.stage.damping = require("lm_trust_region_radius", 1)[0];
  // Absent from checkpoints written before stage.insert_neurons existed.
  if (arrays.count("neuron_insertions")) state.insertions_done = static_cast<int>(require("neuron_insertions", 1)[0]);
  // Absent from checkpoints written before stage.select_last_rounds existed.
  if (arrays.count("best_round")) {
    const auto& best = require("best_round", 2);
    state.stage.best.round = static_cast<int>(best[0]);
    state.stage.best.validation_loss = best[1];
    state.stage.best.parameters = require("best_round_parameters", 0);
    // Absent from checkpoints written before the kept round's multipliers were.
    if (arrays.count("best_round_multipliers")) state.stage.best.multipliers = require("best_round_multipliers", 0);
    PINN_USER_REQUIRE(state.stage.best.round < 0 ||
                          state.stage.best.parameters.size() == static_cast<std::size_t>(state.net->n_params()),
                      path << ": not a checkpoint of this case (entry 'best_round_parameters' of the wrong size)");
  }
  // Absent from checkpoints written before stage.patience existed.
  if (arrays.count("settled_rounds")) {
    state.stage.settled_rounds = static_cast<int>(require("settled_rounds", 1)[0]);
    state.stage.last_round_solution = require("last_round_solution", 0);
  }
  // Absent from checkpoints written before lagged winds existed (and so without one).
  if (arrays.count("lagged_wind")) {
    const auto& wind = require("lagged_wind", 0);
    const std::size_t per_term = 2 + static_cast<std::size_t>(state.net->n_params());
    PINN_USER_REQUIRE(wind.size() >= 1 && (wind.size() - 1) % per_term == 0,
                      path << ": not a checkpoint of this case (entry 'lagged_wind' of the wrong size)");
    state.lagged_wind.stage = static_cast<int>(wind[0]);
    for (std::size_t k = 1; k < wind.size(); k += per_term)
      state.lagged_wind.terms.push_back({wind[k], wind[k + 1], {wind.begin() + k + 2, wind.begin() + k + per_term}});
  }
  state.points.restore(require("adaptive_points", 0), static_cast<int>(require("adaptive_rounds", 1)[0]),
                       static_cast<int>(require("grid_shifts", 1)[0]));
  const auto n_points = static_cast<std::size_t>(state.points.points().size());
  const auto& lower = require("lambda_lower", n_points);
  const auto& upper = require("lambda_upper", n_points);
  std::vector<double> multipliers;
  for (std::size_t i = 0; i < n_points; ++i) multipliers.insert(multipliers.end(), {lower[i], upper[i]});
  state.points.set_multipliers(multipliers);
  const int n_stages = static_cast<int>(config.stages.size());
  const auto stage_name = [&](double index) {
    PINN_USER_REQUIRE(index >= 0 && index < n_stages,
                      path << ": not a checkpoint of this case (stage " << index << " does not exist in it)");
    return config.stages[static_cast<std::size_t>(index)].type;
  };
  const auto& history = require("history", 0);
  const std::size_t per_row = 2 + std::size(kCheckpointedHistoryFields);
  for (std::size_t k = 0; k + per_row <= history.size(); k += per_row) {
    HistoryRow r;
    r.stage_index = static_cast<int>(history[k]);
    r.stage = stage_name(history[k]);
    r.iteration = static_cast<int>(history[k + 1]);
    std::size_t next = k + 2;
    for (double HistoryRow::*field : kCheckpointedHistoryFields) r.*field = history[next++];
    state.history.push_back(r);
  }
  const auto& stages = require("stages", 0);
  for (std::size_t k = 0; k + 4 <= stages.size(); k += 4) {
    StageSummary st;
    st.name = stage_name(static_cast<double>(state.stages.size()));
    st.iterations = static_cast<int>(stages[k]);
    st.seconds = stages[k + 1];
    st.loss_start = stages[k + 2];
    st.loss_end = stages[k + 3];
    state.stages.push_back(st);
  }
  state.stage.loss_start = require("stage_loss_start", 1)[0];
  for (double iteration : require("snapshots", 0))
    state.snapshots.push_back(
        {static_cast<int>(iteration), "snapshots/solution_" + std::to_string(state.snapshots.size()) + ".vtu"});
  state.total_iterations = static_cast<int>(position[2]);
  const int stage_index = static_cast<int>(position[0]);
  PINN_USER_REQUIRE(stage_index >= 0 && stage_index <= n_stages,
                    path << ": stage " << stage_index << " does not exist in this case");
  return {stage_index, static_cast<int>(position[1]), state.stage.round};
}

}  // namespace pinn
