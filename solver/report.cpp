/// @file solver/report.cpp
/// @brief summary.json.
#include "solver/report.hpp"

#include "solver/run_context.hpp"
#include "solver/run_outcome.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace pinn {

namespace {
nlohmann::json number_or_null(double v) { return v >= 0 ? nlohmann::json(v) : nlohmann::json(nullptr); }
}  // namespace

std::string summary_json(const CaseConfig& config, const Mlp& net, const RunResult& result) {
  using nlohmann::json;
  json j;
  j["case"] = config.problem.name;
  j["case_file"] = config.path;
  j["status"] = to_string(result.status);
  // A problem far from unit size is trained in mapped units (README,
  // "Problems far from unit size"); the metrics and files are in its own.
  if (!config.scaling.identity())
    j["scaling"] = {{"centre", std::vector<double>(config.scaling.centre.begin(),
                                                   config.scaling.centre.begin() + config.scaling.dim)},
                    {"length", config.scaling.length},
                    {"value", config.scaling.value},
                    {"note", "trained as x = centre + length·x̂, u = value·û; losses, the network and its "
                             "diagnostics are in the mapped units"}};
  const Metrics& m = result.metrics;
  j["metrics"] = {{"rel_l2", number_or_null(m.rel_l2)},
                  {"max_abs", number_or_null(m.max_abs)},
                  {"rel_h1", number_or_null(m.rel_h1)},
                  {"contact_set_error", number_or_null(m.contact_set_error)},
                  {"max_violation", m.max_violation},
                  {"complementarity", m.complementarity},
                  {"reference", to_string(m.reference)}};
  // 1D contact sets: the hull [a, b] and the components as a list of [a, b] pairs.
  if (!m.contact_interval.empty()) {
    j["metrics"]["contact_interval"] = m.contact_interval;
    j["metrics"]["contact_intervals"] = m.contact_intervals;
  }
  if (!m.exact_contact_interval.empty()) {
    j["metrics"]["exact_contact_interval"] = m.exact_contact_interval;
    j["metrics"]["exact_contact_intervals"] = m.exact_contact_intervals;
  }
  if (m.contact_measure >= 0) j["metrics"]["contact_measure"] = m.contact_measure;
  if (m.exact_contact_measure >= 0) j["metrics"]["exact_contact_measure"] = m.exact_contact_measure;
  if (m.contact_radius >= 0) j["metrics"]["contact_radius"] = m.contact_radius;
  if (m.exact_contact_radius >= 0) j["metrics"]["exact_contact_radius"] = m.exact_contact_radius;
  if (!m.contact_interval.empty() || m.contact_measure >= 0)
    j["metrics"]["contact_estimate"] = to_string(m.contact_estimate);
  if (!m.active_contact_interval.empty()) {
    j["metrics"]["active_contact_interval"] = m.active_contact_interval;
    j["metrics"]["active_contact_intervals"] = m.active_contact_intervals;
  }
  if (m.active_contact_measure >= 0) j["metrics"]["active_contact_measure"] = m.active_contact_measure;
  if (m.active_contact_radius >= 0) j["metrics"]["active_contact_radius"] = m.active_contact_radius;
  if (std::isfinite(m.integral)) j["metrics"]["integral"] = m.integral;
  if (std::isfinite(m.exact_integral)) j["metrics"]["exact_integral"] = m.exact_integral;
  j["stages"] = json::array();
  for (const StageSummary& s : result.stages) {
    json stage = {{"name", s.name},         {"iterations", s.iterations}, {"seconds", s.seconds},
                  {"loss_start", s.loss_start}, {"loss_end", s.loss_end},   {"termination", to_string(s.termination)}};
    if (!s.solver_report.empty()) stage[s.name == "natural_gradient" ? "solver" : "ceres"] = s.solver_report;
    if (s.selected_round >= 0) {
      stage["selected_round"] = s.selected_round + 1;  // 1-based, as the log says
      stage["selected_validation_loss"] = s.selected_validation_loss;
    }
    j["stages"].push_back(stage);
  }
  j["timing"] = {{"total_s", result.total_seconds}};
  j["mpi"] = {{"ranks", result.ranks}, {"points_per_rank", result.points_per_rank}};
  std::vector<int> layers;
  for (int l = 0; l <= net.layout().n_layers; ++l) layers.push_back(net.layout().width[l]);
  j["network"] = {{"layers", layers},
                  {"activation", to_string(net.layout().activation)},
                  {"n_params", net.n_params()},
                  {"description", net.describe()}};
  // Dying-ReLU and slope diagnostics of the final network (README.md,
  // "Piecewise-linear activations: slopes, initialisation, diagnostics").
  const NetworkDiagnostics& d = result.diagnostics;
  json hidden_layers = json::array();
  for (const LayerDiagnostics& l : d.layers) {
    hidden_layers.push_back({{"layer", l.layer},
                      {"width", l.width},
                      {"negative_fraction", l.negative_fraction},
                      {"dead_neurons", l.n_dead},
                      {"mean_abs_negative_delta_z", l.mean_abs_negative_delta_z},
                      {"alpha_min", l.alpha_min},
                      {"alpha_mean", l.alpha_mean},
                      {"alpha_max", l.alpha_max},
                      {"weight_spectral_norm", l.weight_spectral_norm}});
  }
  j["diagnostics"] = {{"lipschitz_bound", d.lipschitz_bound}, {"gradient_norm", d.gradient_norm}, {"layers", hidden_layers}};
  if (result.n_kinks >= 0) j["diagnostics"]["kinks"] = result.n_kinks;
  j.update(run_context_json(config));
  return j.dump(2) + "\n";
}

}  // namespace pinn
