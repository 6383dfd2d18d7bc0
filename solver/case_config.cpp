/// @file solver/case_config.cpp
/// @brief The derived fields of a case.
#include "solver/case_config.hpp"

#include <algorithm>

namespace pinn {

std::string to_string(LmLinearSolver solver) {
  switch (solver) {
    case LmLinearSolver::dense_normal_cholesky: return "dense_normal_cholesky";
    case LmLinearSolver::dense_qr: return "dense_qr";
    case LmLinearSolver::cgnr: return "cgnr";
  }
  return "?";
}

std::string to_string(StageType type) {
  switch (type) {
    case StageType::adam: return "adam";
    case StageType::sgd: return "sgd";
    case StageType::ceres_lm: return "ceres_lm";
    case StageType::ceres_lbfgs: return "ceres_lbfgs";
  }
  return "?";
}

void CaseConfig::finalize() {
  const int dim = problem.domain.dim();
  network.n_inputs = dim;
  network.n_outputs = loss.form == LossForm::first_order ? 1 + dim : 1;
  if (stages.empty()) stages.push_back(StageConfig{});
  for (StageConfig& stage : stages) stage.schedule.total = std::max(1, stage.iterations);
}

}  // namespace pinn
