/// @file physics/expression.cpp
/// @brief muParser-backed expressions.
#include "physics/expression.hpp"

#include "nn/error.hpp"

#include <muParser.h>

#include <algorithm>
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

/// Expressions are evaluated at every point of every set a run uses, on one
/// host thread: their size bounds the set-up time (a 2000-level nesting took
/// tens of seconds before the first iteration).
constexpr std::size_t kMaxLength = 2000;
constexpr int kMaxNesting = 50;

void check_size(const std::string& text, const std::string& where) {
  PINN_USER_REQUIRE(text.size() <= kMaxLength, where << ": expression of " << text.size()
                                                     << " characters; allowed: at most " << kMaxLength);
  int depth = 0, deepest = 0;
  for (const char c : text) {
    depth += c == '(' ? 1 : (c == ')' ? -1 : 0);
    deepest = std::max(deepest, depth);
  }
  PINN_USER_REQUIRE(deepest <= kMaxNesting, where << ": expression nested " << deepest
                                                  << " parentheses deep; allowed: at most " << kMaxNesting);
}

/// muParser accepts "x = y" (assignment to a variable); a problem's data is a
/// value, never an assignment.
void check_no_assignment(const std::string& text, const std::string& where) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') continue;
    const char before = i > 0 ? text[i - 1] : ' ', after = i + 1 < text.size() ? text[i + 1] : ' ';
    const bool comparison = before == '<' || before == '>' || before == '!' || before == '=' || after == '=';
    PINN_USER_REQUIRE(comparison, where << ": expression \"" << text << "\" assigns with '=' (at character " << i + 1
                                        << "); allowed: a value, compared with == != < > <= >=, not an assignment");
  }
}

const char* kAllowed =
    "allowed: numbers, variables x y z t, constants pi _e, operators + - * / ^ < > <= >= == != && || and "
    "?:, functions sin cos tan asin acos atan sinh cosh tanh exp ln log log10 sqrt abs sign rint min max sum avg";
}

Expression::Expression(const std::string& text, const std::string& where)
    : text_(text), where_(where), impl_(std::make_unique<Impl>()) {
  PINN_USER_REQUIRE(!text.empty(), where << ": empty expression; " << kAllowed);
  check_size(text, where);
  check_no_assignment(text, where);
  try {
    impl_->setup(text);
    impl_->parser.Eval();  // forces parsing so syntax errors surface now
  } catch (const mu::Parser::exception_type& e) {
    // muParser reports some malformed input (e.g. "x++") as an internal error.
    const std::string found = e.GetCode() == mu::ecINTERNAL_ERROR ? "a malformed or incomplete expression" : e.GetMsg();
    PINN_USER_REQUIRE(false, where << ": cannot parse expression \"" << text << "\": " << found << " (at character "
                                   << e.GetPos() + 1 << "); " << kAllowed);
  }
  const int results = impl_->parser.GetNumResults();
  PINN_USER_REQUIRE(results == 1, where << ": expression \"" << text << "\" gives " << results
                                        << " comma-separated results; allowed: one expression with one value "
                                           "(commas only between the arguments of a function such as min(x, y))");
}

Expression::Expression(const Expression& other) : Expression(other.text_, other.where_) {}
Expression& Expression::operator=(const Expression& other) {
  if (this != &other) *this = Expression(other);
  return *this;
}
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;
Expression::~Expression() = default;

double Expression::at(const double* x, int dim, double t) const {
  for (int k = 0; k < 3; ++k) impl_->vars[k] = k < dim ? x[k] : 0.0;
  impl_->vars[3] = t;
  double value;
  try {
    value = impl_->parser.Eval();
  } catch (const mu::Parser::exception_type& e) {
    PINN_USER_REQUIRE(false, where_ << ": evaluating \"" << text_ << "\" failed: " << e.GetMsg());
  }
  if (!std::isfinite(value)) {
    std::ostringstream at;
    at << "(";
    for (int k = 0; k < dim; ++k) at << (k ? ", " : "") << x[k];
    at << ")";
    if (uses("t")) at << ", t = " << t;
    PINN_USER_REQUIRE(false, where_ << ": \"" << text_ << "\" is " << value << " at " << at.str()
                                    << "; the expression must be finite wherever it is evaluated "
                                       "(cases/README.md, \"Where the data must be finite\")");
  }
  return value;
}

bool Expression::uses(const std::string& name) const {
  const mu::varmap_type used = impl_->parser.GetUsedVar();
  return used.find(name) != used.end();
}

}  // namespace pinn
