/// @file solver/stages/ceres_common.cpp
/// @brief What the two Ceres stages share.
#include "solver/stages/ceres_common.hpp"

#include <ostream>

namespace pinn {

namespace {

/// How a stage ended, from how its last Ceres solve did.
StageTermination ceres_termination(ceres::TerminationType type) {
  switch (type) {
    case ceres::CONVERGENCE: return StageTermination::converged;
    case ceres::NO_CONVERGENCE: return StageTermination::completed;
    case ceres::FAILURE: return StageTermination::failed;
    case ceres::USER_SUCCESS: return StageTermination::completed;
    case ceres::USER_FAILURE: return StageTermination::interrupted;
  }
  return StageTermination::failed;
}

}  // namespace

RoundEnd ceres_round_end(ceres::TerminationType termination, const std::string& brief_report,
                         const std::string& message, int iterations, const std::string& stage_name, std::ostream* log) {
  if (termination == ceres::FAILURE && log)
    *log << "\nstage " << stage_name << ": Ceres reported a failure (" << message << "); keeping its best parameters\n";
  // Ceres counts the starting point as iteration 0.
  return RoundEnd{ceres_termination(termination), brief_report, iterations - 1};
}

}  // namespace pinn
