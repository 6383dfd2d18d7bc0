/// @file physics/toml_section.hpp
/// @brief Strict reading of case files (TOML): typed getters that report
/// every problem with file:line:column (or the --set override it came
/// from), what was found and what is allowed, and that refuse keys nobody
/// asked for. Shared by the [problem]/[loss] reader (physics/problem_section)
/// and the reader of the training settings (solver/case_file).
#pragma once

#include "nn/enum_names.hpp"
#include "nn/error.hpp"
#include "nn/mlp.hpp"

#include "physics/case_node.hpp"
#include "physics/case_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace pinn {

/// "file:line:column", or "--set 'key=value'" for a node made from a command-line override.

/// "the string \"x\"", "the integer 3", "an array of 2 elements", ...
std::string describe_node(const CaseNode& node);

/// One TOML table being read: typed getters that record which keys are
/// allowed, and finish() which rejects every key nobody asked for.
class TomlSection {
 public:
  TomlSection(const CaseNode* table, std::string name, std::string file, SourcePosition where,
          std::map<std::string, std::string>* locations)
      : table_(table), name_(std::move(name)), file_(std::move(file)), where_(where), locations_(locations) {}

  bool present() const { return table_ != nullptr; }
  const std::string& name() const { return name_; }
  std::string here() const { return location(where_, file_); }

  const CaseNode* node(const std::string& key) {
    if (std::find(allowed_.begin(), allowed_.end(), key) == allowed_.end()) allowed_.push_back(key);
    const CaseNode* found = table_ ? table_->get(key) : nullptr;
    if (found && locations_) (*locations_)[key_name(key)] = where(*found);
    return found;
  }
  std::string where(const CaseNode& n) const { return location(n.source(), file_); }
  /// Location of `key` if given, else of this table.
  std::string where_key(const std::string& key) {
    const CaseNode* n = node(key);
    return n ? where(*n) : here();
  }
  std::string key_name(const std::string& key) const { return name_.empty() ? key : name_ + "." + key; }

  std::string get_string(const std::string& key, const std::string& fallback, bool required = false) {
    const CaseNode* n = node(key);
    if (!n) {
      PINN_USER_REQUIRE(!required, here() << ": " << key_name(key) << " is missing; it is required (a string)");
      return fallback;
    }
    PINN_USER_REQUIRE(n->is_string(), where(*n) << ": " << key_name(key) << ": found " << describe_node(*n)
                                                << "; allowed: a string");
    return *n->value<std::string>();
  }

  std::string get_choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& choices) {
    const CaseNode* n = node(key);
    std::string value = fallback;
    std::string at = here();
    PINN_USER_REQUIRE(n || !fallback.empty(),
                      at << ": " << key_name(key) << " is missing; it is required, allowed: " << join(choices));
    if (n) {
      at = where(*n);
      value = n->is_string() ? *n->value<std::string>() : "";
      if (!n->is_string()) {
        PINN_USER_REQUIRE(false, at << ": " << key_name(key) << ": found " << describe_node(*n)
                                    << "; allowed: " << join(choices));
      }
    }
    PINN_USER_REQUIRE(std::find(choices.begin(), choices.end(), value) != choices.end(),
                      at << ": " << key_name(key) << ": found \"" << value << "\"; allowed: " << join(choices));
    return value;
  }

  /// A choice among the names of an enum's table (nn/enum_names.hpp);
  /// `fallback` when the key is absent.
  template <class Enum, std::size_t N>
  Enum get_enum(const std::string& key, Enum fallback, const NameTable<Enum, N>& table) {
    const std::string name = get_choice(key, name_in(table, fallback), names_in(table));
    for (const auto& [value, entry] : table)
      if (name == entry) return value;
    return fallback;
  }

  /// Refuses `key` if the table has it: "<where>: <name>: found <value>; <why>".
  void refuse(const std::string& key, const std::string& why) {
    const CaseNode* n = node(key);
    PINN_USER_REQUIRE(!n, where(*n) << ": " << key_name(key) << ": found " << describe_node(*n) << "; " << why);
  }

  bool get_bool(const std::string& key, bool fallback) {
    const CaseNode* n = node(key);
    if (!n) return fallback;
    PINN_USER_REQUIRE(n->is_boolean(), where(*n) << ": " << key_name(key) << ": found " << describe_node(*n)
                                                 << "; allowed: true | false");
    return *n->value<bool>();
  }

  double get_double(const std::string& key, double fallback, double min, double max, bool min_exclusive = false) {
    const CaseNode* n = node(key);
    if (!n) return fallback;
    PINN_USER_REQUIRE(n->is_number(), where(*n) << ": " << key_name(key) << ": found " << describe_node(*n)
                                                << "; allowed: a number in " << range(min, max, min_exclusive));
    const double v = n->is_integer() ? static_cast<double>(*n->value<int64_t>()) : *n->value<double>();
    const bool ok = std::isfinite(v) && (min_exclusive ? v > min : v >= min) && v <= max;
    PINN_USER_REQUIRE(ok, where(*n) << ": " << key_name(key) << ": found " << v << "; allowed: a number in "
                                    << range(min, max, min_exclusive));
    return v;
  }

  int64_t get_int(const std::string& key, int64_t fallback, int64_t min, int64_t max) {
    const CaseNode* n = node(key);
    if (!n) return fallback;
    PINN_USER_REQUIRE(n->is_integer(), where(*n) << ": " << key_name(key) << ": found " << describe_node(*n)
                                                 << "; allowed: an integer in [" << min << ", " << max << "]");
    const int64_t v = *n->value<int64_t>();
    PINN_USER_REQUIRE(v >= min && v <= max, where(*n) << ": " << key_name(key) << ": found " << v
                                                      << "; allowed: an integer in [" << min << ", " << max << "]");
    return v;
  }

  std::vector<double> get_numbers(const std::string& key, std::size_t count, std::vector<double> fallback) {
    const CaseNode* n = node(key);
    if (!n) return fallback;
    const std::string allowed = count == 1 ? "a number" : "an array of " + std::to_string(count) + " numbers";
    if (count == 1 && n->is_number())
      return {n->is_integer() ? static_cast<double>(*n->value<int64_t>()) : *n->value<double>()};
    PINN_USER_REQUIRE(n->is_array() && n->as_array()->size() == count,
                      where(*n) << ": " << key_name(key) << ": found " << describe_node(*n) << "; allowed: " << allowed);
    std::vector<double> out;
    for (const CaseNode& e : *n->as_array()) {
      PINN_USER_REQUIRE(e.is_number() && std::isfinite(e.value<double>().value_or(NAN)),
                        where(e) << ": " << key_name(key) << ": found " << describe_node(e)
                                 << "; allowed: finite numbers");
      out.push_back(e.is_integer() ? static_cast<double>(*e.value<int64_t>()) : *e.value<double>());
    }
    return out;
  }

  std::vector<int> get_widths(const std::string& key, std::vector<int> fallback) {
    const CaseNode* n = node(key);
    if (!n) return fallback;
    PINN_USER_REQUIRE(n->is_array() && !n->as_array()->empty(),
                      where(*n) << ": " << key_name(key) << ": found " << describe_node(*n)
                                << "; allowed: a non-empty array of layer widths, e.g. [32, 32]");
    std::vector<int> out;
    for (const CaseNode& e : *n->as_array()) {
      PINN_USER_REQUIRE(e.is_integer() && *e.value<int64_t>() >= 1 && *e.value<int64_t>() <= 4096,
                        where(e) << ": " << key_name(key) << ": found " << describe_node(e)
                                 << "; allowed: integer widths in [1, 4096]");
      out.push_back(static_cast<int>(*e.value<int64_t>()));
    }
    PINN_USER_REQUIRE(out.size() < static_cast<std::size_t>(kMaxLinearLayers),
                      where(*n) << ": " << key_name(key) << ": found " << out.size()
                                << " hidden layers; allowed: 1 to " << kMaxLinearLayers - 1);
    return out;
  }

  /// A sub-table given inline ({ ... }) or as [section.key].
  TomlSection table(const std::string& key) {
    const CaseNode* n = node(key);
    if (!n) return TomlSection(nullptr, key_name(key), file_, where_, locations_);
    PINN_USER_REQUIRE(n->is_table(), where(*n) << ": " << key_name(key) << ": found " << describe_node(*n)
                                               << "; allowed: a table");
    return TomlSection(n->as_table(), key_name(key), file_, n->source(), locations_);
  }

  /// The tables of an array of tables ([[section.key]]), named key.0, key.1, …;
  /// none where the key is absent.
  std::vector<TomlSection> tables(const std::string& key) {
    const CaseNode* n = node(key);
    std::vector<TomlSection> out;
    if (!n) return out;
    PINN_USER_REQUIRE(n->is_array_of_tables(), where(*n) << ": " << key_name(key) << ": found " << describe_node(*n)
                                                          << "; allowed: [[" << key_name(key) << "]] tables");
    for (const CaseNode& entry : *n->as_array())
      out.emplace_back(entry.as_table(), key_name(key) + "." + std::to_string(out.size()), file_, entry.source(),
                       locations_);
    return out;
  }

  void finish() const {
    if (!table_) return;
    for (std::size_t i = 0; i < table_->keys().size(); ++i) {
      const std::string& k = table_->keys()[i];
      if (std::find(allowed_.begin(), allowed_.end(), k) == allowed_.end()) {
        PINN_USER_REQUIRE(false, location(table_->values()[i].source(), file_)
                                     << ": unknown key '" << key_name(k) << "'; allowed: " << join(allowed_));
      }
    }
  }

 private:
  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : "|") + s;
    return out;
  }
  static std::string range(double min, double max, bool min_exclusive) {
    std::ostringstream out;
    out << (min_exclusive ? "(" : "[") << min << ", " << max << "]";
    return out.str();
  }

  const CaseNode* table_;
  std::string name_, file_;
  SourcePosition where_;
  std::map<std::string, std::string>* locations_;
  std::vector<std::string> allowed_;
};

}  // namespace pinn
