/// @file physics/expression.hpp
/// @brief A scalar field given as a muParser expression in x, y, z, t.
///
/// Piecewise definitions use muParser's ternary operator, e.g. the step-41
/// stairs: "x < -0.5 ? -0.2 : (x < 0 ? -0.4 : (x < 0.5 ? -0.6 : -0.8))".
/// Evaluated on the host only (muParser is neither thread-safe nor device code).
#pragma once

#include <memory>
#include <string>

namespace pinn {

class Expression {
 public:
  /// Parses `text`; on failure throws pinn::UserError that starts with
  /// `where` (e.g. "case.toml:7:12: problem.obstacle") and says what muParser
  /// found and which variables and functions are allowed.
  Expression(const std::string& text, const std::string& where);
  Expression(const Expression& other);
  Expression& operator=(const Expression& other);
  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;
  ~Expression();

  /// Value at x (dim coordinates; missing ones are 0) and t = 0. Throws pinn::UserError if not finite.
  double operator()(const double* x, int dim) const { return at(x, dim, 0.0); }
  /// Value at x (dim coordinates; missing ones are 0) and time t. Throws pinn::UserError if not finite
  /// (the message gives x, and t where the expression uses it).
  double at(const double* x, int dim, double t) const;
  /// Whether the expression uses the variable `name` ("x", "y", "z" or "t").
  bool uses(const std::string& name) const;

  const std::string& text() const { return text_; }

 private:
  struct Impl;
  std::string text_, where_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pinn
