/// @file physics/case_node.hpp
/// @brief A parsed case file as a plain tree of values with their source
/// positions: what TomlSection reads. The TOML parser (toml++) fills it in
/// physics/case_text.cpp, the one unit that includes toml++, so that every
/// other unit can be compiled by a device compiler (nvcc cannot compile
/// toml++'s headers; README.md, "Backends").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pinn {

/// Where a value was written: the file (or "--set '...'" for a value from
/// the command line) and its line and column (1-based; 0 where unknown).
struct SourcePosition {
  std::string path;
  int line = 0;
  int column = 0;
};

/// One value of a case file: a table (keys in the parser's order), an array,
/// or a scalar. The query functions follow toml++'s names, so the readers
/// look the same as they did on toml++'s nodes.
class CaseNode {
 public:
  enum class Type { table, array, string, integer, floating_point, boolean, date_time };

  static CaseNode table(SourcePosition where);
  static CaseNode array(SourcePosition where);
  static CaseNode string(std::string value, SourcePosition where);
  static CaseNode integer(int64_t value, SourcePosition where);
  static CaseNode floating_point(double value, SourcePosition where);
  static CaseNode boolean(bool value, SourcePosition where);
  /// A date or time: no setting takes one, so only its kind is kept (for messages).
  static CaseNode date_time(SourcePosition where);

  /// Appends an element (arrays) or a key and its value (tables).
  void push_back(CaseNode element);
  void insert(std::string key, CaseNode value);

  Type type() const { return type_; }
  bool is_table() const { return type_ == Type::table; }
  bool is_array() const { return type_ == Type::array; }
  bool is_string() const { return type_ == Type::string; }
  bool is_integer() const { return type_ == Type::integer; }
  bool is_floating_point() const { return type_ == Type::floating_point; }
  bool is_number() const { return is_integer() || is_floating_point(); }
  bool is_boolean() const { return type_ == Type::boolean; }
  /// A non-empty array whose elements are all tables ([[key]]).
  bool is_array_of_tables() const;

  /// The value if the node holds one of type T: std::string, int64_t, double
  /// (also from an integer) or bool; nothing otherwise.
  template <class T>
  std::optional<T> value() const;

  /// The elements of an array; nullptr for any other node.
  const std::vector<CaseNode>* as_array() const { return is_array() ? &children_ : nullptr; }
  /// This node if it is a table; nullptr otherwise.
  const CaseNode* as_table() const { return is_table() ? this : nullptr; }
  /// The value of `key` in a table; nullptr if absent or not a table.
  const CaseNode* get(const std::string& key) const;
  /// A table's keys and values, in the same order.
  const std::vector<std::string>& keys() const { return keys_; }
  const std::vector<CaseNode>& values() const { return children_; }

  const SourcePosition& source() const { return source_; }

 private:
  CaseNode(Type type, SourcePosition where) : type_(type), source_(std::move(where)) {}

  Type type_;
  SourcePosition source_;
  std::string text_;  ///< string
  int64_t integer_ = 0;
  double number_ = 0.0;
  bool boolean_ = false;
  std::vector<std::string> keys_;   ///< table: one per child
  std::vector<CaseNode> children_;  ///< table values or array elements
};

template <>
std::optional<std::string> CaseNode::value<std::string>() const;
template <>
std::optional<int64_t> CaseNode::value<int64_t>() const;
template <>
std::optional<double> CaseNode::value<double>() const;
template <>
std::optional<bool> CaseNode::value<bool>() const;

}  // namespace pinn
