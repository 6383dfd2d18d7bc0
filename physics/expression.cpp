/// @file physics/expression.cpp
/// @brief muParser-backed expressions.
#include "physics/expression.hpp"

#include "nn/error.hpp"

#include <muParser.h>

#include <cmath>

namespace pinn {

struct Expression::Impl {
  mu::Parser parser;
  double vars[4] = {0, 0, 0, 0};

  void setup(const std::string& text) {
    parser.DefineVar("x", &vars[0]);
    parser.DefineVar("y", &vars[1]);
    parser.DefineVar("z", &vars[2]);
    parser.DefineVar("t", &vars[3]);
    parser.DefineConst("pi", M_PI);
    parser.SetExpr(text);
  }
};

namespace {
const char* kAllowed =
    "allowed: numbers, variables x y z t, constants pi _e, operators + - * / ^ < > <= >= == != && || and "
    "?:, functions sin cos tan asin acos atan sinh cosh tanh exp ln log log10 sqrt abs sign rint min max sum avg";
}

Expression::Expression(const std::string& text, const std::string& where)
    : text_(text), where_(where), impl_(std::make_unique<Impl>()) {
  PINN_USER_REQUIRE(!text.empty(), where << ": empty expression; " << kAllowed);
  try {
    impl_->setup(text);
    impl_->parser.Eval();  // forces parsing so syntax errors surface now
  } catch (const mu::Parser::exception_type& e) {
    PINN_USER_REQUIRE(false, where << ": cannot parse expression \"" << text << "\": " << e.GetMsg()
                                   << " (at character " << e.GetPos() + 1 << "); " << kAllowed);
  }
}

Expression::Expression(const Expression& other) : Expression(other.text_, other.where_) {}
Expression& Expression::operator=(const Expression& other) {
  if (this != &other) *this = Expression(other);
  return *this;
}
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;
Expression::~Expression() = default;

double Expression::operator()(const double* x, int dim) const {
  for (int k = 0; k < 4; ++k) impl_->vars[k] = k < dim ? x[k] : 0.0;
  double value;
  try {
    value = impl_->parser.Eval();
  } catch (const mu::Parser::exception_type& e) {
    PINN_USER_REQUIRE(false, where_ << ": evaluating \"" << text_ << "\" failed: " << e.GetMsg());
  }
  if (!std::isfinite(value)) {
    std::ostringstream at;
    for (int k = 0; k < dim; ++k) at << (k ? ", " : "") << x[k];
    PINN_USER_REQUIRE(false, where_ << ": \"" << text_ << "\" is " << value << " at (" << at.str()
                                    << "); the expression must be finite everywhere in the domain");
  }
  return value;
}

}  // namespace pinn
