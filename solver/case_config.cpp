/// @file solver/case_config.cpp
/// @brief The derived fields of a case.
#include "solver/case_config.hpp"

#include "physics/symmetric_form.hpp"

namespace pinn {


void CaseConfig::finalize() {
  const int dim = problem.domain.dim();
  network.n_inputs = dim;
  network.n_outputs = loss.form == LossForm::first_order ? 1 + dim : 1;
  if (stages.empty()) stages.push_back(StageConfig{});
}

bool trained_in_symmetric_form(const CaseConfig& config) {
  return config.loss.form == LossForm::energy && config.problem.op.has_convection() &&
         config.loss.wind == WindForm::symmetric;
}

ObstacleProblem problem_as_trained(const CaseConfig& config) {
  return trained_in_symmetric_form(config) ? symmetric_form(config.problem) : config.problem;
}

std::string CaseConfig::where(const std::string& key) const {
  const auto it = locations.find(key);
  if (it != locations.end()) return it->second + ": " + key;
  return "problem '" + problem.name + "': " + key;
}

}  // namespace pinn
