/// @file solver/history.hpp
/// @brief One row per logged iteration, written as history.csv.
#pragma once

#include <string>
#include <vector>

namespace pinn {

struct HistoryRow {
  std::string stage;
  int stage_index = 0;
  int iteration = 0;
  double loss = 0, loss_pde = 0, loss_obstacle = 0, loss_boundary = 0;
  double rel_l2 = -1, max_abs = -1;  ///< −1 without a reference
  double max_violation = 0;
  double penalty = 0, learning_rate = 0;
  /// Network diagnostics (README.md, "Piecewise-linear activations: slopes,
  /// initialisation, diagnostics"): mean fraction of negative
  /// pre-activations over hidden layers, neurons never positive on the batch,
  /// and the Lipschitz upper bound.
  double negative_fraction = 0, dead_neurons = 0, lipschitz_bound = 0;
  double seconds = 0;
};

/// Whether the last row is the one of iteration `iteration` of stage `stage_index`.
bool ends_at(const std::vector<HistoryRow>& rows, int stage_index, int iteration);

/// CSV text with a header line.
std::string history_csv(const std::vector<HistoryRow>& rows);

}  // namespace pinn
