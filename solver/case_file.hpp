/// @file solver/case_file.hpp
/// @brief Strict parsing of TOML case files: every problem is reported with
/// file:line:column, what was found and what is allowed, before any work.
#pragma once

#include "solver/case_config.hpp"

#include <string>
#include <vector>

namespace pinn {

/// Reads and validates a case file. `overrides` are "section.key=value"
/// strings (arrays of tables by index: "stage.0.iterations=100"); the value is
/// TOML ("1e-3", "\"tanh\"", "[16, 16]"; a bare word is taken as a string).
/// Throws pinn::UserError on any problem.
CaseConfig load_case_file(const std::string& path, const std::vector<std::string>& overrides = {});

/// Same, from TOML text (`name` is used in messages as the file name).
CaseConfig parse_case(const std::string& text, const std::string& name,
                      const std::vector<std::string>& overrides = {});

}  // namespace pinn
