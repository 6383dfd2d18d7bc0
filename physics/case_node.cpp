/// @file physics/case_node.cpp
/// @brief The case-file tree: construction and queries.
#include "physics/case_node.hpp"

#include <algorithm>
#include <utility>

namespace pinn {

CaseNode CaseNode::table(SourcePosition where) { return CaseNode(Type::table, std::move(where)); }
CaseNode CaseNode::array(SourcePosition where) { return CaseNode(Type::array, std::move(where)); }

CaseNode CaseNode::string(std::string value, SourcePosition where) {
  CaseNode n(Type::string, std::move(where));
  n.text_ = std::move(value);
  return n;
}

CaseNode CaseNode::integer(int64_t value, SourcePosition where) {
  CaseNode n(Type::integer, std::move(where));
  n.integer_ = value;
  return n;
}

CaseNode CaseNode::floating_point(double value, SourcePosition where) {
  CaseNode n(Type::floating_point, std::move(where));
  n.number_ = value;
  return n;
}

CaseNode CaseNode::boolean(bool value, SourcePosition where) {
  CaseNode n(Type::boolean, std::move(where));
  n.boolean_ = value;
  return n;
}

CaseNode CaseNode::date_time(SourcePosition where) { return CaseNode(Type::date_time, std::move(where)); }

void CaseNode::push_back(CaseNode element) { children_.push_back(std::move(element)); }

void CaseNode::insert(std::string key, CaseNode value) {
  keys_.push_back(std::move(key));
  children_.push_back(std::move(value));
}

bool CaseNode::is_array_of_tables() const {
  return is_array() && !children_.empty() &&
         std::all_of(children_.begin(), children_.end(), [](const CaseNode& c) { return c.is_table(); });
}

const CaseNode* CaseNode::get(const std::string& key) const {
  if (!is_table()) return nullptr;
  const auto it = std::find(keys_.begin(), keys_.end(), key);
  return it == keys_.end() ? nullptr : &children_[static_cast<std::size_t>(it - keys_.begin())];
}

template <>
std::optional<std::string> CaseNode::value<std::string>() const {
  if (is_string()) return text_;
  return std::nullopt;
}

template <>
std::optional<int64_t> CaseNode::value<int64_t>() const {
  if (is_integer()) return integer_;
  return std::nullopt;
}

template <>
std::optional<double> CaseNode::value<double>() const {
  if (is_floating_point()) return number_;
  if (is_integer()) return static_cast<double>(integer_);
  return std::nullopt;
}

template <>
std::optional<bool> CaseNode::value<bool>() const {
  if (is_boolean()) return boolean_;
  return std::nullopt;
}

}  // namespace pinn
