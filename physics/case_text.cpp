/// @file physics/case_text.cpp
/// @brief TOML text to the case tree: parsing, --set overrides, the effective
/// case as TOML and JSON, reading the file.
#include "physics/case_text.hpp"

#include "nn/error.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pinn {

std::string location(const SourcePosition& where, const std::string& file) {
  std::ostringstream out;
  const bool from_set = where.path.rfind("--set ", 0) == 0;  // no line: it is one command-line value
  out << (where.path.empty() ? file : where.path);
  if (where.line > 0 && !from_set) out << ":" << where.line << ":" << where.column;
  return out.str();
}

namespace {

SourcePosition position_of(const toml::source_region& src) {
  SourcePosition p;
  if (src.path) p.path = *src.path;
  p.line = static_cast<int>(src.begin.line);
  p.column = static_cast<int>(src.begin.column);
  return p;
}

/// The toml++ tree as a CaseNode tree, keys in toml++'s order.
CaseNode to_case_node(const toml::node& node) {
  const SourcePosition where = position_of(node.source());
  switch (node.type()) {
    case toml::node_type::table: {
      CaseNode out = CaseNode::table(where);
      for (const auto& [key, value] : *node.as_table()) out.insert(std::string(key.str()), to_case_node(value));
      return out;
    }
    case toml::node_type::array: {
      CaseNode out = CaseNode::array(where);
      for (const toml::node& element : *node.as_array()) out.push_back(to_case_node(element));
      return out;
    }
    case toml::node_type::string: return CaseNode::string(*node.value<std::string>(), where);
    case toml::node_type::integer: return CaseNode::integer(*node.value<int64_t>(), where);
    case toml::node_type::floating_point: return CaseNode::floating_point(*node.value<double>(), where);
    case toml::node_type::boolean: return CaseNode::boolean(*node.value<bool>(), where);
    default: return CaseNode::date_time(where);
  }
}

/// Index `part` into `array` for --set; one past the end is allowed (appends).
std::size_t array_index(const toml::array& array, const std::string& part, const std::string& text, bool allow_append) {
  char* end = nullptr;
  const long index = std::strtol(part.c_str(), &end, 10);
  const long limit = static_cast<long>(array.size()) + (allow_append ? 1 : 0);
  PINN_USER_REQUIRE(!part.empty() && end && *end == '\0' && index >= 0 && index < limit,
                    "--set " << text << ": '" << part << "' is not an index of the " << array.size()
                             << " entries of this array (use 0.." << static_cast<long>(array.size()) - 1
                             << (allow_append ? ", or " + std::to_string(array.size()) + " to append" : std::string())
                             << ")");
  return static_cast<std::size_t>(index);
}

/// Applies one "a.b.c=value" override to the parsed table.
void apply_override(toml::table& root, const std::string& text) {
  const auto eq = text.find('=');
  PINN_USER_REQUIRE(eq != std::string::npos && eq > 0,
                    "--set " << text << ": expected section.key=value, e.g. --set network.activation=tanh");
  const std::string path = text.substr(0, eq), value_text = text.substr(eq + 1);
  std::vector<std::string> parts;
  std::stringstream ss(path);
  for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
  PINN_USER_REQUIRE(parts.size() >= 2 && std::none_of(parts.begin(), parts.end(), [](auto& p) { return p.empty(); }),
                    "--set " << text << ": expected section.key=value (at least two names joined by '.')");
  toml::table parsed;
  // Every node made here carries this source, so that messages about it say
  // that it came from the command line, quoting it (location()).
  const std::string source = "--set '" + text + "'";
  const auto new_table = [&source]() {
    toml::table holder = toml::parse("v = {}", source);
    return std::move(*holder.get("v")->as_table());
  };
  try {
    parsed = toml::parse("v = " + value_text, source);
  } catch (const toml::parse_error&) {
    // A bare word such as tanh is meant as a string.
    try {
      parsed = toml::parse("v = \"" + value_text + "\"", source);
    } catch (const toml::parse_error& e) {
      PINN_USER_REQUIRE(false, "--set " << text << ": cannot read '" << value_text << "' as a TOML value ("
                                        << e.description() << "); allowed: a TOML value such as 1e-3, \"tanh\", "
                                        << "[16, 16], or a bare word without quotes");
    }
  }
  toml::node* container = &root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (auto* table = container->as_table()) {
      toml::node* next = table->get(part);
      if (!next) {
        table->insert(part, new_table());
        next = table->get(part);
      }
      container = next;
    } else if (auto* array = container->as_array()) {
      const std::size_t index = array_index(*array, part, text, true);
      if (index == array->size()) array->push_back(new_table());  // "stage.N.key=..." appends a stage
      container = array->get(index);
    } else {
      PINN_USER_REQUIRE(false, "--set " << text << ": '" << part << "' is a value, not a section");
    }
  }
  if (auto* array = container->as_array()) {
    // "stage.1={type = \"ceres_lbfgs\"}" replaces or appends a whole element.
    const std::size_t index = array_index(*array, parts.back(), text, true);
    if (index == array->size()) {
      array->push_back(std::move(*parsed.get("v")));
    } else {
      array->replace(array->begin() + static_cast<long>(index), std::move(*parsed.get("v")));
    }
    return;
  }
  auto* table = container->as_table();
  PINN_USER_REQUIRE(table, "--set " << text << ": the parent of '" << parts.back() << "' is not a table");
  table->insert_or_assign(parts.back(), std::move(*parsed.get("v")));  // moved: keeps "--set ..." as its source
}

}  // namespace

CaseDocument parse_case_text(const std::string& text, const std::string& name,
                             const std::vector<std::string>& overrides) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    PINN_USER_REQUIRE(false, location(position_of(e.source()), name) << ": TOML syntax error: " << e.description());
  }
  for (const std::string& o : overrides) apply_override(root, o);
  CaseDocument document;
  document.root = to_case_node(root);
  std::ostringstream toml_text, json;
  toml_text << toml::toml_formatter{root};
  json << toml::json_formatter{root};
  document.effective_toml = toml_text.str();
  document.effective_json = json.str();
  return document;
}

std::string read_case_text(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  PINN_USER_REQUIRE(fs::exists(status), path << ": no such file; allowed: a TOML case file (e.g. cases/obstacle1d.toml)");
  PINN_USER_REQUIRE(!fs::is_directory(status),
                    path << ": is a folder; allowed: a TOML case file (e.g. cases/obstacle1d.toml)");
  PINN_USER_REQUIRE(fs::is_regular_file(status), path << ": is not a regular file (a device, pipe or socket); "
                                                         "allowed: a TOML case file (e.g. cases/obstacle1d.toml)");
  std::ifstream in(path, std::ios::binary);
  PINN_USER_REQUIRE(in.good(), path << ": cannot open the case file (is it readable?)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  PINN_USER_REQUIRE(!buffer.str().empty(), path << ":1:1: the file is empty; a case file needs at least a [problem] "
                                                   "section with name and domain (cases/README.md)");
  return buffer.str();
}

}  // namespace pinn
