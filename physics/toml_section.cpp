/// @file physics/toml_section.cpp
/// @brief Describing a value of the case file in messages.
#include "physics/toml_section.hpp"

#include <cmath>
#include <sstream>

namespace pinn {

std::string describe_node(const CaseNode& node) {
  std::ostringstream out;
  switch (node.type()) {
    case CaseNode::Type::string: out << "the string \"" << node.value<std::string>().value_or("") << "\""; break;
    case CaseNode::Type::integer: out << "the integer " << node.value<int64_t>().value_or(0); break;
    case CaseNode::Type::floating_point: {
      const double v = node.value<double>().value_or(0);
      out << "the number " << v << (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 1e15 ? ".0" : "");
      break;
    }
    case CaseNode::Type::boolean: out << "the boolean " << (node.value<bool>().value_or(false) ? "true" : "false"); break;
    case CaseNode::Type::array:
      if (node.as_array()->empty()) out << "an empty array";
      else out << "an array of " << node.as_array()->size() << (node.as_array()->size() == 1 ? " element" : " elements");
      break;
    case CaseNode::Type::table: out << "a table"; break;
    default: out << "a date/time"; break;
  }
  return out.str();
}

}  // namespace pinn
