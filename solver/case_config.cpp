/// @file solver/case_config.cpp
/// @brief The derived fields of a case.
#include "solver/case_config.hpp"

namespace pinn {


void CaseConfig::finalize() {
  const int dim = problem.domain.dim();
  network.n_inputs = dim;
  network.n_outputs = loss.form == LossForm::first_order ? 1 + dim : 1;
  if (stages.empty()) stages.push_back(StageConfig{});
}

}  // namespace pinn
