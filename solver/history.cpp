/// @file solver/history.cpp
/// @brief history.csv formatting.
#include "solver/history.hpp"

#include <sstream>

namespace pinn {

bool ends_at(const std::vector<HistoryRow>& rows, int stage_index, int iteration) {
  return !rows.empty() && rows.back().iteration == iteration && rows.back().stage_index == stage_index;
}

std::string history_csv(const std::vector<HistoryRow>& rows) {
  std::ostringstream out;
  out.precision(10);
  out << "stage,stage_index,iteration,loss,loss_pde,loss_obstacle,loss_boundary,rel_l2,max_abs,max_violation,"
         "penalty,learning_rate,seconds,negative_fraction,dead_neurons,lipschitz_bound\n";
  for (const HistoryRow& r : rows) {
    out << r.stage << ',' << r.stage_index << ',' << r.iteration << ',' << r.loss << ',' << r.loss_pde << ','
        << r.loss_obstacle << ',' << r.loss_boundary << ',';
    if (r.rel_l2 >= 0) out << r.rel_l2;
    out << ',';
    if (r.max_abs >= 0) out << r.max_abs;
    out << ',' << r.max_violation << ',' << r.penalty << ',' << r.learning_rate << ',' << r.seconds << ','
        << r.negative_fraction << ',' << r.dead_neurons << ',' << r.lipschitz_bound << '\n';
  }
  return out.str();
}

}  // namespace pinn
