/// @file solver/case_config.cpp
/// @brief The derived fields of a case.
#include "solver/case_config.hpp"

#include <algorithm>

namespace pinn {

std::string to_string(LmLinearSolver solver) { return name_in(kLmLinearSolverNames, solver); }
std::string to_string(StageType type) { return name_in(kStageTypeNames, type); }

void CaseConfig::finalize() {
  const int dim = problem.domain.dim();
  network.n_inputs = dim;
  network.n_outputs = loss.form == LossForm::first_order ? 1 + dim : 1;
  if (stages.empty()) stages.push_back(StageConfig{});
  for (StageConfig& stage : stages) stage.schedule.total = std::max(1, stage.iterations);
}

}  // namespace pinn
