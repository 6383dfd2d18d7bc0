/// @file solver/run_context.cpp
/// @brief The run's context in summary.json.
#include "solver/run_context.hpp"

#include "nn/kokkos_types.hpp"

namespace pinn {

nlohmann::json run_context_json(const CaseConfig& config) {
  using nlohmann::json;
  json j;
  j["kokkos"] = {{"backend", backend_name()}, {"threads", host_concurrency()}};
  j["seed"] = config.seed;
  j["configuration"] = config.effective_json.empty() ? json(nullptr) : json::parse(config.effective_json);
  // How the stages were chosen when the case file gives none (solver/default_pipeline.hpp).
  if (!config.pipeline_notes.empty()) j["default_pipeline"] = config.pipeline_notes;
  if (!config.notices.empty()) j["notices"] = config.notices;
  return j;
}

}  // namespace pinn
