/// @file physics/case_text.hpp
/// @brief Reading a case file's text: the TOML parser, the --set overrides
/// and the effective case written back as TOML and JSON. The one part of the
/// engine that includes toml++ (physics/case_node.hpp says why); it includes
/// no Kokkos, so a CUDA build compiles it with the host compiler.
#pragma once

#include "physics/case_node.hpp"

#include <string>
#include <vector>

namespace pinn {

/// A parsed case file with the "a.b.c=value" overrides applied, and the
/// result written out again (output folder: case.toml, summary.json).
struct CaseDocument {
  CaseNode root = CaseNode::table({});
  std::string effective_toml;
  std::string effective_json;
};

/// Parses case-file text (`name` in messages) and applies the overrides in
/// order; every node an override makes carries "--set '...'" as its source.
/// A syntax error or a bad override is a UserError with its location.
CaseDocument parse_case_text(const std::string& text, const std::string& name,
                             const std::vector<std::string>& overrides);

/// The text of the case file at `path`; refuses a missing file, a folder, a
/// device or pipe and an empty file, naming what was given.
std::string read_case_text(const std::string& path);

/// "file:line:column" of a position (the file alone for a command-line value).
std::string location(const SourcePosition& where, const std::string& file);

}  // namespace pinn
