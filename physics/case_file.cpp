/// @file physics/case_file.cpp
/// @brief TOML case files -> CaseConfig, strictly validated.
#include "physics/case_file.hpp"

#include "nn/error.hpp"
#include "physics/expression.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace pinn {

std::string to_string(LmLinearSolver solver) {
  switch (solver) {
    case LmLinearSolver::dense_normal_cholesky: return "dense_normal_cholesky";
    case LmLinearSolver::dense_qr: return "dense_qr";
    case LmLinearSolver::cgnr: return "cgnr";
  }
  return "?";
}

std::string to_string(StageType type) {
  switch (type) {
    case StageType::adam: return "adam";
    case StageType::sgd: return "sgd";
    case StageType::ceres_lm: return "ceres_lm";
    case StageType::ceres_lbfgs: return "ceres_lbfgs";
  }
  return "?";
}

namespace {

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

/// One TOML table being read: typed getters that record which keys are
/// allowed, and finish() which rejects every key nobody asked for.
class Section {
 public:
  Section(const toml::table* table, std::string name, std::string file, toml::source_region where,
          std::map<std::string, std::string>* locations)
      : table_(table), name_(std::move(name)), file_(std::move(file)), where_(where), locations_(locations) {}

  bool present() const { return table_ != nullptr; }
  const std::string& name() const { return name_; }
  std::string here() const { return location(where_, file_); }

  const toml::node* node(const std::string& key) {
    if (std::find(allowed_.begin(), allowed_.end(), key) == allowed_.end()) allowed_.push_back(key);
    const toml::node* found = table_ ? table_->get(key) : nullptr;
    if (found && locations_) (*locations_)[key_name(key)] = where(*found);
    return found;
  }
  std::string where(const toml::node& n) const { return location(n.source(), file_); }
  /// Location of `key` if given, else of this table.
  std::string where_key(const std::string& key) {
    const toml::node* n = node(key);
    return n ? where(*n) : here();
  }
  std::string key_name(const std::string& key) const { return name_.empty() ? key : name_ + "." + key; }

  std::string get_string(const std::string& key, const std::string& fallback, bool required = false) {
    const toml::node* n = node(key);
    if (!n) {
      PINN_USER_REQUIRE(!required, here() << ": " << key_name(key) << " is missing; it is required (a string)");
      return fallback;
    }
    PINN_USER_REQUIRE(n->is_string(), where(*n) << ": " << key_name(key) << ": found " << describe_node(*n)
                                                << "; allowed: a string");
    return *n->value<std::string>();
  }

  std::string get_choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& choices) {
    const toml::node* n = node(key);
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

  bool get_bool(const std::string& key, bool fallback) {
    const toml::node* n = node(key);
    if (!n) return fallback;
    PINN_USER_REQUIRE(n->is_boolean(), where(*n) << ": " << key_name(key) << ": found " << describe_node(*n)
                                                 << "; allowed: true | false");
    return *n->value<bool>();
  }

  double get_double(const std::string& key, double fallback, double min, double max, bool min_exclusive = false) {
    const toml::node* n = node(key);
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
    const toml::node* n = node(key);
    if (!n) return fallback;
    PINN_USER_REQUIRE(n->is_integer(), where(*n) << ": " << key_name(key) << ": found " << describe_node(*n)
                                                 << "; allowed: an integer in [" << min << ", " << max << "]");
    const int64_t v = *n->value<int64_t>();
    PINN_USER_REQUIRE(v >= min && v <= max, where(*n) << ": " << key_name(key) << ": found " << v
                                                      << "; allowed: an integer in [" << min << ", " << max << "]");
    return v;
  }

  std::vector<double> get_numbers(const std::string& key, std::size_t count, std::vector<double> fallback) {
    const toml::node* n = node(key);
    if (!n) return fallback;
    const std::string allowed = count == 1 ? "a number" : "an array of " + std::to_string(count) + " numbers";
    if (count == 1 && n->is_number())
      return {n->is_integer() ? static_cast<double>(*n->value<int64_t>()) : *n->value<double>()};
    PINN_USER_REQUIRE(n->is_array() && n->as_array()->size() == count,
                      where(*n) << ": " << key_name(key) << ": found " << describe_node(*n) << "; allowed: " << allowed);
    std::vector<double> out;
    for (const toml::node& e : *n->as_array()) {
      PINN_USER_REQUIRE(e.is_number() && std::isfinite(e.value<double>().value_or(NAN)),
                        where(e) << ": " << key_name(key) << ": found " << describe_node(e)
                                 << "; allowed: finite numbers");
      out.push_back(e.is_integer() ? static_cast<double>(*e.value<int64_t>()) : *e.value<double>());
    }
    return out;
  }

  std::vector<int> get_widths(const std::string& key, std::vector<int> fallback) {
    const toml::node* n = node(key);
    if (!n) return fallback;
    PINN_USER_REQUIRE(n->is_array() && !n->as_array()->empty(),
                      where(*n) << ": " << key_name(key) << ": found " << describe_node(*n)
                                << "; allowed: a non-empty array of layer widths, e.g. [32, 32]");
    std::vector<int> out;
    for (const toml::node& e : *n->as_array()) {
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
  Section table(const std::string& key) {
    const toml::node* n = node(key);
    if (!n) return Section(nullptr, key_name(key), file_, where_, locations_);
    PINN_USER_REQUIRE(n->is_table(), where(*n) << ": " << key_name(key) << ": found " << describe_node(*n)
                                               << "; allowed: a table");
    return Section(n->as_table(), key_name(key), file_, n->source(), locations_);
  }

  void finish() const {
    if (!table_) return;
    for (const auto& [key, value] : *table_) {
      const std::string k(key.str());
      if (std::find(allowed_.begin(), allowed_.end(), k) == allowed_.end()) {
        PINN_USER_REQUIRE(false, location(value.source(), file_) << ": unknown key '" << key_name(k)
                                                                 << "'; allowed: " << join(allowed_));
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

  const toml::table* table_;
  std::string name_, file_;
  toml::source_region where_;
  std::map<std::string, std::string>* locations_;
  std::vector<std::string> allowed_;
};

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

Expression make_expression(Section& s, const std::string& key, const std::string& text) {
  const toml::node* n = s.node(key);  // already validated as a string; used for the location
  const std::string where = (n ? s.where(*n) : s.here()) + ": " + s.key_name(key);
  return Expression(text, where);
}

ScalarFunction as_function(const Expression& e, int dim) {
  auto shared = std::make_shared<Expression>(e);
  return [shared, dim](const double* x) { return (*shared)(x, dim); };
}

Domain parse_domain(Section& problem) {
  Section d = problem.table("domain");
  PINN_USER_REQUIRE(d.present(), problem.here() << ": problem.domain is missing; e.g. domain = { type = \"interval\", "
                                                   "min = 0.0, max = 1.0 }");
  const std::string type = d.get_choice("type", "", {"interval", "rectangle", "box", "disk"});
  // Numbers first: their errors carry their own location. Only the Domain's
  // own checks (min < max, radius > 0) get the table's location added below.
  std::vector<double> min, max, center;
  double radius = 1.0;
  if (type == "disk") {
    center = d.get_numbers("center", 2, {0.0, 0.0});
    radius = d.get_numbers("radius", 1, {1.0})[0];
  } else {
    const std::size_t n = type == "interval" ? 1 : type == "rectangle" ? 2 : 3;
    min = d.get_numbers("min", n, std::vector<double>(n, 0.0));
    max = d.get_numbers("max", n, std::vector<double>(n, 1.0));
  }
  Domain domain = Domain::interval(0, 1);
  try {
    if (type == "interval") {
      domain = Domain::interval(min[0], max[0]);
    } else if (type == "rectangle") {
      domain = Domain::rectangle({min[0], min[1]}, {max[0], max[1]});
    } else if (type == "box") {
      domain = Domain::box({min[0], min[1], min[2]}, {max[0], max[1], max[2]});
    } else {
      domain = Domain::disk({center[0], center[1]}, radius);
    }
  } catch (const UserError& e) {
    // Blame a key of the table: one given by --set if any (that is what changed), else the last one.
    std::string at = d.here();
    for (const char* key : {"radius", "center", "max", "min"}) {
      if (const toml::node* n = d.node(key)) {
        const std::string here = d.where(*n);
        if (at == d.here() || here.rfind("--set", 0) == 0) at = here;
      }
    }
    throw UserError(at + ": problem.domain: " + e.what());
  }
  d.finish();
  return domain;
}

void check_obstacle_below_boundary(const CaseConfig& c, const std::string& lower_at, const std::string& upper_at) {
  const ObstacleProblem& p = c.problem;
  const int dim = p.domain.dim();
  const std::vector<double> pts = p.domain.sample_boundary(dim == 1 ? 2 : 400);
  for (std::size_t i = 0; i < pts.size() / dim; ++i) {
    const double* x = &pts[i * dim];
    const double g = p.boundary(x);
    std::ostringstream at;
    for (int k = 0; k < dim; ++k) at << (k ? ", " : "") << x[k];
    if (p.has_lower()) {
      const double psi = p.lower_obstacle(x);
      PINN_USER_REQUIRE(psi <= g + 1e-12 * (1 + std::abs(g)),
                        lower_at << ": problem.obstacle is above the boundary data at (" << at.str() << "): psi = " << psi
                              << " > g = " << g << "; no admissible solution exists. Allowed: psi <= g on the boundary");
    }
    if (p.has_upper()) {
      const double psi = p.upper_obstacle(x);
      PINN_USER_REQUIRE(psi >= g - 1e-12 * (1 + std::abs(g)),
                        upper_at << ": problem.upper_obstacle is below the boundary data at (" << at.str()
                              << "): upper_obstacle = " << psi << " < g = " << g << "; allowed: upper_obstacle >= g");
    }
  }
}

/// stage.insert_neurons / insert_layer: a hidden layer that exists, and
/// widths that stay within what a network allows after every insertion.
void parse_stage_insertion(Section& s, const CaseConfig& c, StageConfig& stage) {
  const toml::node* count_node = s.node("insert_neurons");
  const toml::node* layer_node = s.node("insert_layer");
  stage.insert_neurons = static_cast<int>(s.get_int("insert_neurons", 0, 0, 4096));
  const int n_hidden = static_cast<int>(c.network.hidden.size());
  stage.insert_layer = static_cast<int>(s.get_int("insert_layer", 0, 0, std::max(0, n_hidden - 1)));
  if (layer_node)
    PINN_USER_REQUIRE(stage.insert_neurons > 0, s.where(*layer_node)
                                                    << ": " << s.key_name("insert_layer") << " is set but "
                                                    << s.name() << ".insert_neurons is "
                                                    << (count_node ? "0" : "not")
                                                    << "; set how many neurons to insert (insert_neurons >= 1)");
  if (stage.insert_neurons == 0) return;
  int width = c.network.hidden.at(static_cast<std::size_t>(stage.insert_layer));
  for (const StageConfig& earlier : c.stages)
    if (earlier.insert_layer == stage.insert_layer) width += earlier.insert_neurons;
  PINN_USER_REQUIRE(width + stage.insert_neurons <= 4096,
                    s.where(*count_node) << ": " << s.key_name("insert_neurons") << ": found " << stage.insert_neurons
                                         << "; hidden layer " << stage.insert_layer << " has " << width
                                         << " neurons by then, and a layer allows at most 4096");
}

/// stage.smoothing / smoothing_end: only for piecewise-linear networks whose
/// energy is integrated at the points, and decreasing (it is a homotopy
/// towards the exact activation).
void parse_stage_smoothing(Section& s, const CaseConfig& c, StageConfig& stage) {
  const toml::node* start_node = s.node("smoothing");
  const toml::node* end_node = s.node("smoothing_end");
  stage.smoothing = s.get_double("smoothing", 0.0, 0.0, 1e3);
  stage.smoothing_end = s.get_double("smoothing_end", stage.smoothing, 0.0, 1e3);
  if (!start_node) {
    PINN_USER_REQUIRE(!end_node, s.where(*end_node) << ": " << s.key_name("smoothing_end")
                                                    << " is set but " << s.name()
                                                    << ".smoothing is not; set the starting width smoothing too");
    return;
  }
  const std::string at = s.where(*start_node) + ": " + s.key_name("smoothing");
  PINN_USER_REQUIRE(stage.smoothing == 0.0 || is_piecewise_linear(c.network.activation),
                    at << " smooths piecewise-linear activations (relu, leaky_relu, prelu); found network.activation = \""
                       << to_string(c.network.activation) << "\", which is smooth already. Remove the key");
  PINN_USER_REQUIRE(stage.smoothing == 0.0 || !c.loss.exact_dirichlet_1d,
                    at << " cannot be combined with loss.energy_integration = \"exact\", which integrates the exact "
                          "piecewise-linear network between its kinks. Use one or the other");
  // smoothing = 0 switches the homotopy off (smoothing_end = 0 with it, so that
  // `--set stage.N.smoothing=0 --set stage.N.smoothing_end=0` undoes a case file's homotopy).
  const std::string end_at = s.where(end_node ? *end_node : *start_node) + ": " + s.key_name("smoothing_end");
  if (stage.smoothing > 0.0) {
    PINN_USER_REQUIRE(stage.smoothing_end > 0.0 && stage.smoothing_end <= stage.smoothing,
                      end_at << ": found " << stage.smoothing_end << "; allowed: a width in (0, smoothing = "
                             << stage.smoothing << "] (the homotopy sharpens the activation)");
  } else {
    PINN_USER_REQUIRE(stage.smoothing_end == 0.0, end_at << ": found " << stage.smoothing_end
                                                         << "; allowed: 0, as smoothing = 0 (no homotopy)");
  }
}

CaseConfig build_config(const toml::table& root, const std::string& file) {
  CaseConfig c;
  c.path = file;
  Section top(&root, "", file, root.source(), &c.locations);

  // [problem]
  Section problem = top.table("problem");
  PINN_USER_REQUIRE(problem.present(), file << ":1:1: the [problem] section is missing; a case file needs at least "
                                               "[problem] with name and domain (cases/README.md)");
  c.problem.name = problem.get_string("name", "", true);
  PINN_USER_REQUIRE(!c.problem.name.empty() && c.problem.name.find('/') == std::string::npos,
                    problem.where_key("name") << ": problem.name: found \"" << c.problem.name
                                   << "\"; allowed: a non-empty name without '/'");
  c.texts.description = problem.get_string("description", "");
  c.problem.domain = parse_domain(problem);
  const int dim = c.problem.domain.dim();
  c.texts.source = problem.get_string("source", "0");
  c.problem.source = as_function(make_expression(problem, "source", c.texts.source), dim);
  Section boundary = problem.table("boundary");
  boundary.get_choice("type", "dirichlet", {"dirichlet"});
  c.texts.boundary = boundary.get_string("value", "0");
  c.problem.boundary = as_function(make_expression(boundary, "value", c.texts.boundary), dim);
  boundary.finish();
  c.texts.obstacle = problem.get_string("obstacle", "");
  if (!c.texts.obstacle.empty()) c.problem.lower_obstacle = as_function(make_expression(problem, "obstacle", c.texts.obstacle), dim);
  c.texts.upper_obstacle = problem.get_string("upper_obstacle", "");
  if (!c.texts.upper_obstacle.empty())
    c.problem.upper_obstacle = as_function(make_expression(problem, "upper_obstacle", c.texts.upper_obstacle), dim);
  PINN_USER_REQUIRE(c.problem.has_lower() || c.problem.has_upper(),
                    problem.here() << ": problem: neither 'obstacle' nor 'upper_obstacle' is given; an obstacle "
                                      "problem needs at least one");
  c.texts.exact = problem.get_string("exact", "");
  if (!c.texts.exact.empty()) c.problem.exact = as_function(make_expression(problem, "exact", c.texts.exact), dim);
  c.texts.lift = problem.get_string("lift", "");
  if (!c.texts.lift.empty()) c.problem.lift = as_function(make_expression(problem, "lift", c.texts.lift), dim);
  problem.finish();

  // [network]
  Section network = top.table("network");
  c.network.n_inputs = dim;
  c.network.hidden = network.get_widths("hidden", {32, 32});
  c.network.activation = activation_from_string(
      network.get_choice("activation", "tanh", {"relu", "leaky_relu", "prelu", "tanh", "softplus", "sin"}));
  c.network.alpha = network.get_double("alpha", 0.1, 0.0, 1.0);
  c.network.alpha_mode = network.get_choice("alpha_mode", "layer", {"layer", "channel"}) == "channel"
                             ? AlphaMode::channel
                             : AlphaMode::layer;
  const std::string constraint =
      network.get_choice("alpha_constraint", "none", {"none", "monotone", "unit_interval"});
  c.network.alpha_constraint = constraint == "monotone"        ? AlphaConstraint::monotone
                               : constraint == "unit_interval" ? AlphaConstraint::unit_interval
                                                               : AlphaConstraint::none;
  PINN_USER_REQUIRE(!(c.network.alpha_constraint == AlphaConstraint::unit_interval && c.network.alpha <= 0.0),
                    network.where_key("alpha") << ": network.alpha = " << c.network.alpha
                                               << " with alpha_constraint = \"unit_interval\"; allowed: alpha in (0, 1]");
  c.network.alpha_l1 = network.get_double("alpha_l1", 0.0, 0.0, 1e6);
  const std::string placement = network.get_choice("kink_placement", "domain", {"domain", "origin", "obstacle"});
  c.kink_placement = placement == "origin"     ? KinkPlacement::origin
                     : placement == "obstacle" ? KinkPlacement::obstacle
                                               : KinkPlacement::domain;
  PINN_USER_REQUIRE(c.kink_placement != KinkPlacement::obstacle || c.problem.has_lower() || c.problem.has_upper(),
                    network.where_key("kink_placement")
                        << ": network.kink_placement = \"obstacle\" places kinks where the obstacle bends, and this "
                           "problem has none; use \"domain\" or \"origin\"");
  network.finish();

  // [loss]
  Section loss = top.table("loss");
  const toml::node* form_node = loss.node("form");
  c.loss.form = loss_form_from_string(loss.get_choice("form", "energy", {"energy", "first_order", "strong", "proximal"}));
  c.loss.barrier = barrier_from_string(loss.get_choice("barrier", "relu2", {"relu2", "leaky2", "softplus"}));
  c.loss.complementarity =
      complementarity_from_string(loss.get_choice("complementarity", "min", {"min", "fischer_burmeister"}));
  c.loss.boundary = boundary_mode_from_string(loss.get_choice("boundary", "hard", {"hard", "penalty"}));
  c.loss.penalty = loss.get_double("penalty", 1e3, 0.0, 1e15);
  c.loss.boundary_weight = loss.get_double("boundary_weight", 1e3, 0.0, 1e15, true);
  c.loss.leaky_beta = loss.get_double("leaky_beta", 0.01, 0.0, 1.0, true);
  c.loss.softplus_sharpness = loss.get_double("softplus_sharpness", 50.0, 0.0, 1e8, true);
  c.loss.proximal_step = loss.get_double("proximal_step", 0.1, 0.0, 1e3, true);
  const toml::node* integration_node = loss.node("energy_integration");
  c.loss.exact_dirichlet_1d = loss.get_choice("energy_integration", "points", {"points", "exact"}) == "exact";
  loss.finish();
  if (c.loss.exact_dirichlet_1d) {
    const std::string at = loss.where(*integration_node) + ": loss.energy_integration = \"exact\"";
    PINN_USER_REQUIRE(dim == 1, at << " integrates between the kinks of a 1D network; this problem has " << dim
                                   << " dimensions. Use \"points\"");
    PINN_USER_REQUIRE(is_piecewise_linear(c.network.activation),
                      at << " needs a piecewise-linear network (relu, leaky_relu, prelu); found network.activation = \""
                         << to_string(c.network.activation) << "\". Use \"points\" with smooth activations");
    PINN_USER_REQUIRE(c.loss.form == LossForm::energy,
                      at << " applies to form = \"energy\"; found \"" << to_string(c.loss.form) << "\"");
    PINN_USER_REQUIRE(c.loss.boundary == BoundaryMode::penalty,
                      at << " needs loss.boundary = \"penalty\": with hard boundary conditions u = g + D·N is not "
                            "piecewise linear. Set boundary = \"penalty\"");
  }
  const std::string form_at = form_node ? loss.where(*form_node) : loss.here();
  if ((c.loss.form == LossForm::strong || c.loss.form == LossForm::proximal) &&
      is_piecewise_linear(c.network.activation)) {
    PINN_USER_REQUIRE(false, form_at << ": loss.form = \"" << to_string(c.loss.form)
                                     << "\" cannot be used with network.activation = \""
                                     << to_string(c.network.activation)
                                     << "\": a piecewise-linear network has Δu = 0 almost everywhere, so the PDE "
                                        "residual would teach it nothing. Use form = \"energy\" or \"first_order\" "
                                        "with this activation, or a smooth activation (tanh, softplus, sin)");
  }
  PINN_USER_REQUIRE(!(c.loss.form == LossForm::proximal && c.problem.has_upper()),
                    form_at << ": loss.form = \"proximal\" supports a lower obstacle only; found an upper_obstacle. "
                               "Use form = \"energy\", \"first_order\" or \"strong\"");
  if (c.loss.form == LossForm::first_order) c.network.n_outputs = 1 + dim;

  // [sampling]
  Section sampling = top.table("sampling");
  c.sampling.interior = static_cast<int>(sampling.get_int("interior", 256, 1, 10'000'000));
  c.sampling.boundary = static_cast<int>(sampling.get_int("boundary", 0, 0, 10'000'000));
  c.sampling.method = sampling_from_string(sampling.get_choice("method", "grid", {"grid", "nodes", "random", "halton", "sobol"}));
  c.sampling.adaptive_rounds = static_cast<int>(sampling.get_int("adaptive_rounds", 0, 0, 1000));
  c.sampling.adaptive_points = static_cast<int>(sampling.get_int("adaptive_points", 0, 0, 10'000'000));
  if (c.sampling.adaptive_points == 0) c.sampling.adaptive_points = std::max(1, c.sampling.interior / 10);
  const toml::node* nodes_node = sampling.node("obstacle_nodes");
  c.sampling.obstacle_nodes = sampling.get_bool("obstacle_nodes", false);
  const toml::node* shift_node = sampling.node("shift_each_round");
  c.sampling.shift_each_round = sampling.get_bool("shift_each_round", false);
  sampling.finish();
  // Both options work on the cells of a tensor grid of midpoints.
  const bool tensor_grid = c.sampling.method == SamplingMethod::grid && c.problem.domain.kind() != DomainKind::disk;
  const auto require_tensor_grid = [&](bool requested, const toml::node* at, const char* key, const char* why) {
    PINN_USER_REQUIRE(!requested || tensor_grid,
                      sampling.where(*at) << ": sampling." << key << " = true " << why
                                          << ", so it needs method = \"grid\" on an interval, rectangle or box; "
                                             "found method = \""
                                          << to_string(c.sampling.method) << "\" on a "
                                          << (c.problem.domain.kind() == DomainKind::disk ? "disk"
                                                                                          : "tensor-product domain"));
  };
  require_tensor_grid(c.sampling.shift_each_round, shift_node, "shift_each_round",
                      "moves the midpoints of the training grid within their cells");
  require_tensor_grid(c.sampling.obstacle_nodes, nodes_node, "obstacle_nodes", "adds the nodes of the training grid");

  // [[stage]]
  const toml::node* stages = top.node("stage");
  if (stages) {
    PINN_USER_REQUIRE(stages->is_array_of_tables(), top.where(*stages)
                                                        << ": stage: found " << describe_node(*stages)
                                                        << "; allowed: [[stage]] tables");
    int index = 0;
    for (const toml::node& entry : *stages->as_array()) {
      Section s(entry.as_table(), "stage." + std::to_string(index++), file, entry.source(), &c.locations);
      StageConfig stage;
      const std::string type = s.get_choice("type", "adam", {"adam", "sgd", "ceres_lm", "ceres_lbfgs"});
      stage.type = type == "adam"   ? StageType::adam
                   : type == "sgd"  ? StageType::sgd
                   : type == "ceres_lm" ? StageType::ceres_lm
                                    : StageType::ceres_lbfgs;
      const bool ceres_stage = stage.type == StageType::ceres_lm || stage.type == StageType::ceres_lbfgs;
      if (ceres_stage) {
        // Learning-rate keys mean nothing to Ceres' methods: refuse rather than ignore them.
        for (const char* key : {"learning_rate", "schedule", "min_learning_rate", "lr_gamma", "lr_step"}) {
          const toml::node* n = s.node(key);
          PINN_USER_REQUIRE(!n, s.where(*n) << ": " << s.key_name(key) << ": found " << describe_node(*n) << "; a "
                                            << type << " stage has no learning rate (its steps come from a "
                                            << (stage.type == StageType::ceres_lm ? "trust region" : "line search")
                                            << "); allowed keys: type|iterations|multiplier_updates|"
                                               "penalty_growth|max_penalty|time_limit|smoothing|smoothing_end|revive_neurons|"
                                               "insert_neurons|insert_layer|select_last_rounds"
                                            << (stage.type == StageType::ceres_lm ? "|linear_solver" : ""));
        }
        const toml::node* n = s.node("output_solve_every");
        PINN_USER_REQUIRE(!n, s.where(*n) << ": " << s.key_name("output_solve_every") << ": found " << describe_node(*n)
                                          << "; a " << type
                                          << " stage moves the output layer itself; output_solve_every belongs to "
                                             "adam and sgd stages");
      } else {
        stage.output_solve_every = static_cast<int>(s.get_int("output_solve_every", 0, 0, 100'000'000));
        const toml::node* select = s.node("select_last_rounds");
        PINN_USER_REQUIRE(!select, s.where(*select) << ": " << s.key_name("select_last_rounds") << ": found "
                                                    << describe_node(*select) << "; an " << type
                                                    << " stage ends on its last iterate; select_last_rounds "
                                                       "belongs to ceres_lm and ceres_lbfgs stages");
      }
      // The least-squares form samples u' at the points; it is not the exactly integrated energy.
      const bool least_squares = stage.type == StageType::ceres_lm || stage.output_solve_every > 0;
      PINN_USER_REQUIRE(!(least_squares && c.loss.exact_dirichlet_1d),
                        s.where_key(stage.type == StageType::ceres_lm ? "type" : "output_solve_every")
                            << ": " << s.name()
                            << (stage.type == StageType::ceres_lm ? ".type = \"ceres_lm\"" : ".output_solve_every")
                            << " works on the least-squares form with u' at the points, which is not the energy "
                               "integrated by loss.energy_integration = \"exact\". Use an adam or ceres_lbfgs stage, "
                               "or energy_integration = \"points\"");
      if (stage.type == StageType::ceres_lm) {
        const std::string solver =
            s.get_choice("linear_solver", "dense_normal_cholesky", {"dense_normal_cholesky", "dense_qr", "cgnr"});
        stage.linear_solver = solver == "dense_qr" ? LmLinearSolver::dense_qr
                              : solver == "cgnr"   ? LmLinearSolver::cgnr
                                                   : LmLinearSolver::dense_normal_cholesky;
      } else {
        const toml::node* n = s.node("linear_solver");
        PINN_USER_REQUIRE(!n, s.where(*n) << ": " << s.key_name("linear_solver") << ": found " << describe_node(*n)
                                          << "; only a ceres_lm stage has a linear solver");
      }
      stage.iterations = static_cast<int>(s.get_int("iterations", 2000, 0, 100'000'000));
      stage.schedule.initial = s.get_double("learning_rate", 1e-3, 0.0, 10.0, true);
      stage.schedule.kind = schedule_from_string(s.get_choice("schedule", "constant", {"constant", "step", "cosine", "exponential"}));
      stage.schedule.minimum = s.get_double("min_learning_rate", 0.0, 0.0, stage.schedule.initial);
      stage.schedule.gamma = s.get_double("lr_gamma", 0.5, 0.0, 1.0, true);
      stage.schedule.step_size = static_cast<int>(s.get_int("lr_step", 1000, 1, 100'000'000));
      stage.schedule.total = std::max(1, stage.iterations);
      stage.multiplier_updates = static_cast<int>(s.get_int("multiplier_updates", 0, 0, 100'000));
      stage.penalty_growth = s.get_double("penalty_growth", 1.0, 1.0, 1e6);
      stage.max_penalty = s.get_double("max_penalty", 1e12, 0.0, 1e15, true);
      stage.time_limit = s.get_double("time_limit", 0.0, 0.0, 1e9);
      if (ceres_stage) {
        stage.select_last_rounds = static_cast<int>(s.get_int("select_last_rounds", 0, 0, 100'000));
        const int rounds = stage.multiplier_updates + 1;
        PINN_USER_REQUIRE(stage.select_last_rounds <= rounds,
                          s.where(*s.node("select_last_rounds"))
                              << ": " << s.key_name("select_last_rounds") << ": found " << stage.select_last_rounds
                              << "; allowed: 0 to the stage's " << rounds << " multiplier rounds (multiplier_updates + 1)");
      }
      parse_stage_smoothing(s, c, stage);
      if (const toml::node* n = s.node("revive_neurons")) {
        stage.revive_neurons = s.get_bool("revive_neurons", false);
        PINN_USER_REQUIRE(!stage.revive_neurons || is_piecewise_linear(c.network.activation),
                          s.where(*n) << ": " << s.key_name("revive_neurons")
                                      << " moves the kinks of piecewise-linear networks (relu, leaky_relu, prelu); "
                                         "found network.activation = \""
                                      << to_string(c.network.activation) << "\", which has none. Remove the key");
      }
      parse_stage_insertion(s, c, stage);
      s.finish();
      c.stages.push_back(stage);
    }
  }
  if (c.stages.empty()) c.stages.push_back(StageConfig{});

  // [output]
  Section output = top.table("output");
  c.output.directory = output.get_string("directory", "results/" + c.problem.name);
  c.output.snapshots = static_cast<int>(output.get_int("snapshots", 0, 0, 10'000));
  c.output.log_every = static_cast<int>(output.get_int("log_every", 100, 1, 100'000'000));
  c.output.evaluation_points = static_cast<int>(output.get_int("evaluation_points", 0, 0, 100'000));
  output.finish();

  // [reference]
  Section reference = top.table("reference");
  c.reference_cells = static_cast<int>(reference.get_int("cells", 0, 0, 100'000));
  PINN_USER_REQUIRE(c.reference_cells == 0 || c.reference_cells >= 4,
                    reference.where_key("cells") << ": reference.cells: found " << c.reference_cells
                                                 << "; allowed: 0 (automatic) or at least 4");
  reference.finish();

  // [run]
  Section run = top.table("run");
  c.seed = static_cast<std::uint64_t>(run.get_int("seed", 1, 0, std::numeric_limits<int64_t>::max()));
  c.threads = static_cast<int>(run.get_int("threads", 0, 0, 4096));
  run.finish();

  top.finish();
  check_obstacle_below_boundary(c, problem.where_key("obstacle"), problem.where_key("upper_obstacle"));
  std::ostringstream json;
  json << toml::json_formatter{root};
  c.effective_json = json.str();
  std::ostringstream toml_text;
  toml_text << toml::toml_formatter{root};
  c.effective_toml = toml_text.str();
  return c;
}

}  // namespace

CaseConfig parse_case(const std::string& text, const std::string& name, const std::vector<std::string>& overrides) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    PINN_USER_REQUIRE(false, location(e.source(), name) << ": TOML syntax error: " << e.description());
  }
  for (const std::string& o : overrides) apply_override(root, o);
  return build_config(root, name);
}

CaseConfig load_case_file(const std::string& path, const std::vector<std::string>& overrides) {
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
  return parse_case(buffer.str(), path, overrides);
}

}  // namespace pinn
