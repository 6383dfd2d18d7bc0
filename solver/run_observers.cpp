/// @file solver/run_observers.cpp
/// @brief History rows, progress line, snapshots, checkpoints, the ranks' agreement and the stop request.
#include "solver/run_observers.hpp"

#include "nn/error.hpp"

#include <algorithm>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <unistd.h>

namespace pinn {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

HistoryLog::HistoryLog(Measurements& measurements, int log_every, std::ostream* log,
                       std::chrono::steady_clock::time_point run_start)
    : measurements_(measurements), log_every_(log_every), log_(log), run_start_(run_start) {}

void HistoryLog::on_iteration(TrainingState& state, const IterationEvent& event) {
  if (event.iteration % log_every_ == 0 || event.row_due) record(state, event);
}

void HistoryLog::on_stage_end(TrainingState& state, const IterationEvent& event) {
  if (!ends_at(state.history, event.stage_index, event.iteration)) record(state, event);
}

void HistoryLog::record(TrainingState& state, const IterationEvent& event) {
  HistoryRow row =
      measurements_.history_row(state, event.stage.type, event.stage_index, event.iteration, event.learning_rate);
  row.seconds = seconds_since(run_start_);
  state.history.push_back(row);
  if (!log_) return;
  const bool terminal = log_ == &std::cout && ::isatty(STDOUT_FILENO);
  const int planned = event.stage.iterations;
  const double per_iteration = event.stage_seconds / std::max(1, row.iteration);
  double eta = per_iteration * (planned - row.iteration);
  // A stage with a time limit (its own, or its share of a budget) ends by it
  // at the latest: the 2D default's 900 budgeted steps rarely all run.
  if (event.stage.time_limit > 0) eta = std::min(eta, std::max(0.0, event.stage.time_limit - event.stage_seconds));
  std::ostringstream line;
  line << "[" << row.stage << " " << row.stage_index << "] iter " << std::setw(7) << row.iteration << "/" << planned
       << "  loss " << std::scientific << std::setprecision(4) << row.loss;
  if (row.rel_l2 >= 0) line << "  rel_l2 " << std::setprecision(3) << row.rel_l2;
  line << "  mu " << std::setprecision(1) << row.penalty << std::defaultfloat << std::fixed << std::setprecision(1)
       << "  " << row.seconds << " s  ETA " << eta << " s";
  if (terminal) {
    *log_ << "\r" << line.str() << "\033[K" << std::flush;
    if (row.iteration == planned) *log_ << "\n";
  } else {
    *log_ << line.str() << "\n" << std::flush;
  }
}

SnapshotWriter::SnapshotWriter(const SolutionOutput& output, int every, std::chrono::steady_clock::time_point run_start)
    : output_(output), every_(every), run_start_(run_start) {}

void SnapshotWriter::on_iteration(TrainingState& state, const IterationEvent& event) {
  if (every_ > 0 && state.total_iterations % every_ == 0)
    output_.write_snapshot(state, event.stage.type, seconds_since(run_start_));
}

void CheckpointWriter::on_resumable(const TrainingState& state, const StagePosition& position) {
  save_checkpoint(path_, state, position);
}

void RankAgreement::on_resumable(const TrainingState& state, const StagePosition& position) {
  if (!communicator_.distributed()) return;
  // FNV-1a over the parameters' bytes, sent as two exact 32-bit halves.
  const auto params = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), state.net->params());
  std::uint64_t hash = 1469598103934665603ULL;
  const auto* bytes = reinterpret_cast<const unsigned char*>(params.data());
  for (std::size_t b = 0; b < params.extent(0) * sizeof(double); ++b) hash = (hash ^ bytes[b]) * 1099511628211ULL;
  const double high = static_cast<double>(hash >> 32), low = static_cast<double>(hash & 0xffffffffULL);
  // Both broadcasts on every rank (no short circuit: a collective call skipped on one rank would desynchronise them).
  const double root_high = communicator_.from_root(high), root_low = communicator_.from_root(low);
  const bool same = root_high == high && root_low == low;
  if (communicator_.any(!same)) {
    std::ostringstream message;
    message << "the ranks' networks differ at stage " << position.stage << ", iteration " << position.iteration
            << ": they rounded differently (nodes of different CPU kinds?); run the job on one kind of node or set "
               "OPENBLAS_CORETYPE (README, \"Many processes: MPI\")";
    throw RunError(message.str());
  }
}

bool StopRequest::stop_requested(const TrainingState& state) const {
  const bool signalled = communicator_.any(flag_ && flag_->load());
  return signalled || (stop_after_ >= 0 && state.total_iterations >= stop_after_);
}

}  // namespace pinn
