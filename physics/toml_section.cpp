/// @file physics/toml_section.cpp
/// @brief Locations, node descriptions, --set overrides and reading the file.
#include "physics/toml_section.hpp"

#include <filesystem>
#include <fstream>

namespace pinn {

std::string location(const toml::source_region& src, const std::string& file) {
  std::ostringstream out;
  const bool from_set = src.path && src.path->rfind("--set ", 0) == 0;  // no line: it is one command-line value
  out << (src.path ? *src.path : file);
  if (src.begin.line > 0 && !from_set) out << ":" << src.begin.line << ":" << src.begin.column;
  return out.str();
}

std::string describe_node(const toml::node& node) {
  std::ostringstream out;
  switch (node.type()) {
    case toml::node_type::string: out << "the string \"" << node.value<std::string>().value_or("") << "\""; break;
    case toml::node_type::integer: out << "the integer " << node.value<int64_t>().value_or(0); break;
    case toml::node_type::floating_point: {
      const double v = node.value<double>().value_or(0);
      out << "the number " << v << (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 1e15 ? ".0" : "");
      break;
    }
    case toml::node_type::boolean: out << "the boolean " << (node.value<bool>().value_or(false) ? "true" : "false"); break;
    case toml::node_type::array:
      if (node.as_array()->empty()) out << "an empty array";
      else out << "an array of " << node.as_array()->size() << (node.as_array()->size() == 1 ? " element" : " elements");
      break;
    case toml::node_type::table: out << "a table"; break;
    default: out << "a date/time"; break;
  }
  return out.str();
}

namespace {

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

toml::table parse_toml_with_overrides(const std::string& text, const std::string& name,
                                      const std::vector<std::string>& overrides) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    PINN_USER_REQUIRE(false, location(e.source(), name) << ": TOML syntax error: " << e.description());
  }
  for (const std::string& o : overrides) apply_override(root, o);
  return root;
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
