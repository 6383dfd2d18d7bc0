/// @file solver/case_checks.hpp
/// @brief Every check a run makes before it is accepted — before it changes
/// anything in its output folder. `obstacle-pinn validate` runs the same
/// checks, so a case that validates is one that starts.
#pragma once

#include "solver/case_config.hpp"

#include <string>

namespace pinn {

/// Most points the output grid may have in all (output.evaluation_points^dim).
constexpr long long kMaxEvaluationPoints = 1LL << 21;
/// Most nodes the finite-difference reference may have ((cells + 1)^dim).
constexpr long long kMaxReferenceNodes = 1LL << 21;

/// Threads a run may use: 1 to this many (a small multiple of the cores).
int max_threads();

/// Checks what the case file's parser cannot see by itself, with the location
/// of the key to blame (from the case file, or "problem '<name>'" for a case
/// built in C++):
/// - the rules across keys (solver/case_rules.hpp), which the case-file reader
///   applies too;
/// - every expression (f, g, ψ, ψ_hi, exact, lift) is finite at the training
///   points, the boundary points and the output grid — the points where a run
///   evaluates them — and ψ ≤ ψ_hi there;
/// - the output grid and the reference grid fit in memory;
/// - the thread count is one the machine can run.
/// Throws pinn::UserError.
void check_case(const CaseConfig& config);

/// The thread count alone (part of check_case): a command checks it before
/// it starts Kokkos, which cannot run more threads than it was built for.
void check_threads(const CaseConfig& config);

/// The same size check for `obstacle-pinn reference --cells N` (`where` names the option).
void check_reference_cells(const CaseConfig& config, int cells, const std::string& where);

}  // namespace pinn
