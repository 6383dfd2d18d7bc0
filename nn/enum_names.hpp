/// @file nn/enum_names.hpp
/// @brief One name table per enum: its to_string, its parsing and the list of
/// allowed names in messages all read the same table, so the names a case
/// file accepts and the names an error message offers cannot drift apart.
#pragma once

#include "nn/error.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace pinn {

template <class Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, const char*>, N>;

/// The name of `value` in `table` ("?" for a value the table lacks).
template <class Enum, std::size_t N>
std::string name_in(const NameTable<Enum, N>& table, Enum value) {
  for (const auto& [entry, name] : table)
    if (entry == value) return name;
  return "?";
}

/// Every name of `table`, in its order.
template <class Enum, std::size_t N>
std::vector<std::string> names_in(const NameTable<Enum, N>& table) {
  std::vector<std::string> names;
  for (const auto& entry : table) names.emplace_back(entry.second);
  return names;
}

/// The value named `name`; pinn::UserError naming `what` and the allowed names otherwise.
template <class Enum, std::size_t N>
Enum value_in(const NameTable<Enum, N>& table, const std::string& name, const char* what) {
  std::string allowed;
  for (const auto& [entry, entry_name] : table) {
    if (name == entry_name) return entry;
    allowed += (allowed.empty() ? "" : "|") + std::string(entry_name);
  }
  PINN_USER_REQUIRE(false, "unknown " << what << " \"" << name << "\"; allowed: " << allowed);
}

}  // namespace pinn
