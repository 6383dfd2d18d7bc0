/// @file solver/run_outcome.hpp
/// @brief How a run and each of its stages ended, as enums; their names
/// (one table each) appear only in summary.json and on the command line.
#pragma once

#include "nn/enum_names.hpp"

#include <string>

namespace pinn {

/// How a run ended; summary.json and the command line say it by name.
enum class RunStatus { ok, interrupted, diverged };
inline constexpr NameTable<RunStatus, 3> kRunStatusNames{
    {{RunStatus::ok, "ok"}, {RunStatus::interrupted, "interrupted"}, {RunStatus::diverged, "diverged"}}};
inline std::string to_string(RunStatus status) { return name_in(kRunStatusNames, status); }

/// How a stage ended (summary.json's stages[].termination).
enum class StageTermination { completed, converged, time_limit, interrupted, diverged, failed };
inline constexpr NameTable<StageTermination, 6> kStageTerminationNames{
    {{StageTermination::completed, "completed"},
     {StageTermination::converged, "converged"},
     {StageTermination::time_limit, "time_limit"},
     {StageTermination::interrupted, "interrupted"},
     {StageTermination::diverged, "diverged"},
     {StageTermination::failed, "failed"}}};
inline std::string to_string(StageTermination termination) { return name_in(kStageTerminationNames, termination); }

}  // namespace pinn
