/// @file solver/solution_output.hpp
/// @brief The files a run shows its solution in (README.md, "What a run
/// produces"): solution.vtu/.vtr on the output grid, points.vtu on the
/// training points, snapshots for ParaView's time slider, and the result set
/// (with history.csv and summary.json) replaced all together.
#pragma once

#include "solver/case_config.hpp"
#include "solver/measurements.hpp"
#include "solver/result_folder.hpp"
#include "solver/run_outcome.hpp"
#include "solver/training_loss.hpp"
#include "solver/training_state.hpp"
#include "solver/vtk_writer.hpp"

#include <optional>
#include <string>

namespace pinn {

class SolutionOutput {
 public:
  /// All three must outlive the object.
  SolutionOutput(const CaseConfig& config, const TrainingLoss& loss, const Measurements& measurements);

  ResultFolder folder() const { return ResultFolder(config_.output.directory); }
  /// Writes a snapshot of the solution into snapshots.partial/ and lists it in `state.snapshots`.
  void write_snapshot(TrainingState& state, const std::string& stage_name, double seconds) const;
  /// Replaces the results in the output folder, all together (ResultFolder).
  /// Over several ranks every rank calls it (each evaluates its share of the
  /// output grid and the training points) and the rank with `write` writes.
  void write_results(TrainingState& state, const RunResult& result, const std::string& stage_name,
                     bool write = true) const;

 private:
  struct SolutionFiles {
    std::string solution_vtu;
    std::optional<std::string> solution_vtr;  ///< grid domains only
    std::string points_vtu;
  };
  /// The bytes of solution.vtu; with `all` also solution.vtr and points.vtu.
  /// `shared`: a collective call of every rank.
  SolutionFiles encode(TrainingState& state, const VtkFieldData& field_data, bool all, bool shared = false) const;

  const CaseConfig& config_;
  const TrainingLoss& loss_;
  const Measurements& measurements_;
};

}  // namespace pinn
