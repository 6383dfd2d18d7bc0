/// @file solver/measurements.hpp
/// @brief What a run measures its network with: the reference solution (exact,
/// or FD/PDAS when the case has none), the output grid, the coarser monitor
/// grid of the history rows, and the contact densities the metrics read.
#pragma once

#include "nn/diagnostics.hpp"
#include "solver/case_config.hpp"
#include "solver/evaluation_grid.hpp"
#include "solver/history.hpp"
#include "solver/metrics.hpp"
#include "solver/reference_solution.hpp"
#include "solver/solution_fields.hpp"
#include "solver/training_loss.hpp"
#include "solver/training_state.hpp"

#include <iosfwd>
#include <memory>
#include <vector>

namespace pinn {

class Measurements {
 public:
  /// Computes the reference (reported on `log` unless it is null) and the
  /// output grid. `config` and `loss` must outlive the object.
  Measurements(const CaseConfig& config, const TrainingLoss& loss, std::ostream* log);

  const EvaluationGrid& grid() const { return grid_; }
  const ReferenceSolution* reference() const { return reference_.get(); }

  /// The metrics of the network as it stands (with its exact activation).
  Metrics metrics(TrainingState& state);
  /// A history row at `iteration` of stage `stage_index` (its loss terms,
  /// metrics on the monitor grid and activation statistics; `seconds` is the caller's).
  HistoryRow history_row(TrainingState& state, const std::string& stage_name, int stage_index, int iteration,
                         double learning_rate);
  /// The full diagnostics of the final network on the training points.
  NetworkDiagnostics diagnostics(const TrainingState& state) const;
  /// 1D piecewise-linear networks: kinks inside the domain; −1 otherwise.
  int kinks(const TrainingState& state) const;

 private:
  /// Fills contact.contact_density and upper_contact_density (−Δψ − f and
  /// Δψ_hi + f where they are the contact-force densities).
  void add_contact_densities(const TrainingSet& points, ContactSample& contact);

  const CaseConfig& config_;
  const TrainingLoss& loss_;
  std::unique_ptr<ReferenceSolution> reference_;
  EvaluationGrid grid_;
  /// The history rows' monitor points with their data and reference, sampled at first use.
  std::unique_ptr<SampledProblem> monitor_;
  /// The densities at the training points of version `density_version_` (they depend on the points only).
  std::vector<double> contact_density_, upper_contact_density_;
  int density_version_ = -1;
};

}  // namespace pinn
