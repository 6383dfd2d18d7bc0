/// @file solver/solution_output.cpp
/// @brief The solution files of a run.
#include "solver/solution_output.hpp"

#include "solver/exact_activation_scope.hpp"
#include "solver/report.hpp"
#include "solver/solution_fields.hpp"
#include "solver/solution_queries.hpp"

#include <sstream>
#include <utility>
#include <vector>

namespace pinn {

SolutionOutput::SolutionOutput(const CaseConfig& config, const TrainingLoss& loss, const Measurements& measurements)
    : config_(config), loss_(loss), measurements_(measurements) {}

SolutionOutput::SolutionFiles SolutionOutput::encode(TrainingState& state, const VtkFieldData& field_data, bool all,
                                                     bool shared) const {
  const ExactActivationScope exact(*state.net);
  const EvaluationGrid& grid = measurements_.grid();
  const ReferenceSolution* reference = measurements_.reference();
  const Communicator alone;
  SolutionFields fields = evaluate_solution(loss_.space(), *state.net, config_.problem, config_.loss, grid.points,
                                            reference, shared ? loss_.communicator() : alone);
  // Contact and multipliers on the output grid from the nearest training point.
  const ContactSample contact = loss_.contact_sample(*state.net, state.points.points(), state.loss_params, shared);
  const int dim = fields.dim;
  std::vector<double> lambda(fields.n, 0.0);
  std::vector<int> in_contact(fields.n, 0);
  const int n_train = static_cast<int>(contact.u.size());
  for (int i = 0; i < fields.n; ++i) {
    double best = 1e300;
    int nearest = -1;
    for (int j = 0; j < n_train; ++j) {
      double d2 = 0;
      for (int k = 0; k < dim; ++k) {
        const double d = fields.points[i * dim + k] - contact.points[j * dim + k];
        d2 += d * d;
      }
      if (d2 < best) best = d2, nearest = j;
    }
    if (nearest >= 0) {
      lambda[i] = contact_force(contact, nearest);
      in_contact[i] = is_active(contact, nearest) ? 1 : 0;
    }
  }
  // Files in the user's units (the identity unless the problem was mapped onto unit size).
  const ProblemScaling& scaling = config_.scaling;
  const double force_unit = scaling.value / (scaling.length * scaling.length);
  to_user_units(fields, scaling);
  for (double& value : lambda) value *= force_unit;
  divide_by_multiplier_weight(config_, lambda, fields.points, fields.dim);
  const bool smooth = !is_piecewise_linear(config_.network.activation);
  const bool upper = config_.problem.has_upper();
  SolutionFiles files;
  files.solution_vtu = encode_solution_vtu(grid, fields, lambda, in_contact, upper, smooth, field_data);
  if (!all) return files;
  files.solution_vtr = encode_solution_vtr(grid, fields, lambda, in_contact, upper, smooth, field_data);
  // The training points themselves, with the multipliers where they live.
  const TrainingPointContact at_points = training_point_contact(config_, loss_, state, reference, shared);
  files.points_vtu = encode_points_vtu(at_points.fields, at_points.force, at_points.in_contact, upper, field_data);
  return files;
}

void SolutionOutput::write_snapshot(TrainingState& state, const std::string& stage_name, double seconds) const {
  VtkFieldData field_data;
  field_data.case_name = config_.problem.name;
  field_data.stage = stage_name;
  field_data.numbers["seconds"] = seconds;
  field_data.numbers["iteration"] = state.total_iterations;
  const int index = static_cast<int>(state.snapshots.size());
  const std::string name = folder().write_snapshot(index, encode(state, field_data, false).solution_vtu);
  state.snapshots.push_back({state.total_iterations, name});
}

void SolutionOutput::write_results(TrainingState& state, const RunResult& result, const std::string& stage_name,
                                   bool write) const {
  VtkFieldData field_data;
  field_data.case_name = config_.problem.name;
  field_data.stage = stage_name;
  if (result.metrics.has_error()) field_data.numbers["rel_l2"] = result.metrics.rel_l2;
  field_data.numbers["seconds"] = result.total_seconds;
  field_data.numbers["iteration"] = state.total_iterations;
  SolutionFiles solution = encode(state, field_data, true, loss_.communicator().distributed());
  if (!write) return;
  std::vector<std::pair<std::string, std::string>> files;
  files.emplace_back("solution.vtu", std::move(solution.solution_vtu));
  if (solution.solution_vtr) files.emplace_back("solution.vtr", std::move(*solution.solution_vtr));
  files.emplace_back("points.vtu", std::move(solution.points_vtu));
  if (!state.snapshots.empty()) {
    std::ostringstream pvd;
    pvd << "<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"0.1\">\n  <Collection>\n";
    for (const auto& [iteration, file] : state.snapshots)
      pvd << "    <DataSet timestep=\"" << iteration << "\" part=\"0\" file=\"" << file << "\"/>\n";
    pvd << "  </Collection>\n</VTKFile>\n";
    files.emplace_back("training.pvd", pvd.str());
  }
  files.emplace_back("history.csv", history_csv(state.history));
  files.emplace_back("summary.json", summary_json(config_, *state.net, result));
  folder().replace_results(files, state.snapshots.empty() ? std::vector<std::string>{}
                                                          : std::vector<std::string>{"snapshots"});
}

}  // namespace pinn
