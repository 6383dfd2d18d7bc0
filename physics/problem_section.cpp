/// @file physics/problem_section.cpp
/// @brief [problem] and [loss] of a case file.
#include "physics/problem_section.hpp"

#include "physics/expression.hpp"
#include "physics/parabolic_problem.hpp"
#include "physics/symmetric_form.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <iomanip>
#include <iterator>
#include <memory>
#include <sstream>
#include <vector>

namespace pinn {

namespace {

Expression make_expression(TomlSection& s, const std::string& key, const std::string& text) {
  const CaseNode* n = s.node(key);  // already validated as a string; used for the location
  const std::string where = (n ? s.where(*n) : s.here()) + ": " + s.key_name(key);
  return Expression(text, where);
}

ScalarFunction as_function(const Expression& e, int dim) {
  auto shared = std::make_shared<Expression>(e);
  return [shared, dim](const double* x) { return (*shared)(x, dim); };
}

/// The data of a time-dependent problem as functions of (x, t), collected as
/// [problem] is read, and the keys whose expressions use t (refused unless
/// [problem] has a time table).
struct TimeData {
  ParabolicProblem problem;
  std::vector<std::string> keys_using_time;
};

/// A data expression as the field at t = 0 and, in `time`, as f(x, t).
ScalarFunction data_function(const Expression& e, int dim, const std::string& where, SpaceTimeFunction* in_time,
                             TimeData& time) {
  auto shared = std::make_shared<Expression>(e);
  if (shared->uses("t")) time.keys_using_time.push_back(where);
  *in_time = [shared, dim](const double* x, double t) { return shared->at(x, dim, t); };
  return [shared, dim](const double* x) { return shared->at(x, dim, 0.0); };
}

/// A field that cannot depend on time (the operator's coefficients, where a boundary part lies).
void refuse_time(const Expression& e, const std::string& where, const char* why) {
  PINN_USER_REQUIRE(!e.uses("t"), where << ": expression \"" << e.text() << "\" uses t; " << why
                                        << " does not depend on time (allowed: x, y, z)");
}

/// The text of an expression key given as a string or a number.
std::string expression_text(TomlSection& s, const CaseNode& n, const std::string& what) {
  if (n.is_string()) return *n.value<std::string>();
  PINN_USER_REQUIRE(n.is_number(), s.where(n) << ": " << what << ": found " << describe_node(n)
                                              << "; allowed: an expression (a string) or a number");
  std::ostringstream out;
  out.precision(17);
  out << (n.is_integer() ? static_cast<double>(*n.value<int64_t>()) : *n.value<double>());
  return out.str();
}

/// An operator coefficient given as an expression or a number (never of t).
ScalarFunction node_function(TomlSection& s, const CaseNode& n, const std::string& what, int dim,
                             std::string* text) {
  *text = expression_text(s, n, what);
  const Expression e(*text, s.where(n) + ": " + what);
  refuse_time(e, s.where(n) + ": " + what, "the operator L");
  return as_function(e, dim);
}

/// A boundary part's value or κ given as an expression or a number, which may depend on t.
ScalarFunction node_data_function(TomlSection& s, const CaseNode& n, const std::string& what, int dim,
                                  SpaceTimeFunction* in_time, TimeData& time) {
  const std::string text = expression_text(s, n, what);
  const std::string where = s.where(n) + ": " + what;
  return data_function(Expression(text, where), dim, where, in_time, time);
}

/// A data key's expression (source, obstacle, …) as the field at t = 0, with its (x, t) form in `in_time`.
ScalarFunction key_function(TomlSection& s, const std::string& key, const std::string& text, int dim,
                            SpaceTimeFunction* in_time, TimeData& time) {
  const CaseNode* n = s.node(key);
  const std::string where = (n ? s.where(*n) : s.here()) + ": " + s.key_name(key);
  return data_function(make_expression(s, key, text), dim, where, in_time, time);
}

/// problem.diffusion (a(x), or a dim × dim array), convection (dim entries)
/// and reaction (c(x)); see cases/README.md, "Operator".
EllipticOperator parse_operator(TomlSection& problem, int dim, ProblemTexts& texts) {
  EllipticOperator op;
  std::string text;
  if (const CaseNode* n = problem.node("diffusion")) {
    const std::string what = problem.key_name("diffusion");
    if (n->is_array()) {
      const std::vector<CaseNode>& rows = *n->as_array();
      PINN_USER_REQUIRE(rows.size() == static_cast<std::size_t>(dim),
                        problem.where(*n) << ": " << what << ": found an array of " << rows.size()
                                          << " entries; allowed: an expression a(x), or " << dim
                                          << " rows of " << dim << " expressions (the matrix A)");
      for (const CaseNode& row : rows) {
        PINN_USER_REQUIRE(row.is_array() && row.as_array()->size() == static_cast<std::size_t>(dim),
                          problem.where(row) << ": " << what << ": found the row " << describe_node(row)
                                             << "; allowed: an array of " << dim << " expressions");
        for (const CaseNode& entry : *row.as_array()) {
          op.diffusion.push_back(node_function(problem, entry, what, dim, &text));
          texts.diffusion += (texts.diffusion.empty() ? "" : ", ") + text;
        }
      }
      texts.diffusion = "[" + texts.diffusion + "]";
    } else {
      op.diffusion.push_back(node_function(problem, *n, what, dim, &texts.diffusion));
    }
  }
  if (const CaseNode* n = problem.node("convection")) {
    const std::string what = problem.key_name("convection");
    PINN_USER_REQUIRE(n->is_array() && n->as_array()->size() == static_cast<std::size_t>(dim),
                      problem.where(*n) << ": " << what << ": found " << describe_node(*n) << "; allowed: an array of "
                                        << dim << " expressions (b(x), one per coordinate)");
    for (const CaseNode& entry : *n->as_array()) {
      op.convection.push_back(node_function(problem, entry, what, dim, &text));
      texts.convection += (texts.convection.empty() ? "" : ", ") + text;
    }
    texts.convection = "[" + texts.convection + "]";
  }
  if (const CaseNode* n = problem.node("reaction"))
    op.reaction = node_function(problem, *n, problem.key_name("reaction"), dim, &texts.reaction);
  return op;
}

/// The sides named in a boundary part's `sides` array, as BoundarySide bits.
unsigned parse_sides(TomlSection& part, const Domain& domain) {
  const CaseNode* n = part.node("sides");
  if (!n) return 0;
  std::vector<std::string> names;
  if (domain.kind() != DomainKind::disk)
    names.assign(std::begin(kBoundarySideNames), std::begin(kBoundarySideNames) + 2 * domain.dim());
  std::string allowed;
  for (const std::string& name : names) allowed += (allowed.empty() ? "" : "|") + name;
  const std::string what = part.key_name("sides");
  PINN_USER_REQUIRE(!names.empty(), part.where(*n) << ": " << what << ": a " << domain.describe()
                                                   << " has no named sides; select the part with where = \"...\"");
  PINN_USER_REQUIRE(n->is_array() && !n->as_array()->empty(),
                    part.where(*n) << ": " << what << ": found " << describe_node(*n)
                                   << "; allowed: a non-empty array of side names, " << allowed);
  unsigned sides = 0;
  for (const CaseNode& entry : *n->as_array()) {
    const std::string name = entry.is_string() ? *entry.value<std::string>() : "";
    const auto found = std::find(names.begin(), names.end(), name);
    PINN_USER_REQUIRE(found != names.end(), part.where(entry) << ": " << what << ": found " << describe_node(entry)
                                                              << "; allowed: " << allowed);
    sides |= 1u << (found - names.begin());
  }
  return sides;
}

/// problem.boundary (the condition on the boundary no part claims) and the
/// [[problem.boundary_part]] tables; see cases/README.md, "Boundary conditions".
void parse_boundary(TomlSection& problem, ProblemDefinition& d, TimeData& time) {
  const int dim = d.problem.domain.dim();
  const std::vector<std::string> kinds = names_in(kBoundaryKindNames);
  std::vector<TomlSection> parts = problem.tables("boundary_part");
  for (TomlSection& table : parts) {
    BoundaryPart part;
    part.kind = table.get_enum("type", BoundaryKind::dirichlet, kBoundaryKindNames);
    part.sides = parse_sides(table, d.problem.domain);
    const std::string where = table.get_string("where", "");
    if (!where.empty()) {
      const Expression marker = make_expression(table, "where", where);
      refuse_time(marker, table.where_key("where") + ": " + table.key_name("where"), "where a boundary part lies");
      part.marker = as_function(marker, dim);
    }
    PINN_USER_REQUIRE(part.sides != 0 || part.marker,
                      table.here() << ": " << table.name() << ": neither 'sides' nor 'where' is given; a part needs "
                                   << "one (or both) to say where it holds");
    SpaceTimeFunction value_in_time, coefficient_in_time;
    if (const CaseNode* n = table.node("value")) {
      part.value = node_data_function(table, *n, table.key_name("value"), dim, &value_in_time, time);
    } else {
      PINN_USER_REQUIRE(part.kind == BoundaryKind::dirichlet,
                        table.here() << ": " << table.key_name("value") << " is missing; a " << to_string(part.kind)
                                     << " part needs its value g");
    }
    if (const CaseNode* n = table.node("coefficient")) {
      PINN_USER_REQUIRE(part.kind == BoundaryKind::robin,
                        table.where(*n) << ": " << table.key_name("coefficient") << " is the κ of a robin part; this "
                                        << "part is " << to_string(part.kind));
      part.coefficient = node_data_function(table, *n, table.key_name("coefficient"), dim, &coefficient_in_time, time);
    } else {
      PINN_USER_REQUIRE(part.kind != BoundaryKind::robin,
                        table.here() << ": " << table.key_name("coefficient") << " is missing; a robin part "
                                     << "A∇u·n + κu = g needs its κ");
    }
    table.finish();
    d.problem.boundary_parts.push_back(std::move(part));
    time.problem.part_values.push_back(std::move(value_in_time));
    time.problem.part_coefficients.push_back(std::move(coefficient_in_time));
  }
  TomlSection boundary = problem.table("boundary");
  const BoundaryKind rest = boundary.get_enum("type", BoundaryKind::dirichlet, kBoundaryKindNames);
  d.texts.boundary = boundary.get_string("value", "0");
  SpaceTimeFunction value_in_time, coefficient_in_time;
  const ScalarFunction value = key_function(boundary, "value", d.texts.boundary, dim, &value_in_time, time);
  std::string coefficient_text = rest == BoundaryKind::robin ? boundary.get_string("coefficient", "", true) : "";
  if (rest != BoundaryKind::robin) boundary.refuse("coefficient", "it is the κ of type = \"robin\"");
  boundary.finish();
  if (rest == BoundaryKind::dirichlet) {
    d.problem.boundary = value;
    time.problem.boundary = value_in_time;
    return;
  }
  // A natural condition on the rest: a last part that holds everywhere.
  BoundaryPart part;
  part.kind = rest;
  part.value = value;
  if (rest == BoundaryKind::robin)
    part.coefficient = key_function(boundary, "coefficient", coefficient_text, dim, &coefficient_in_time, time);
  d.problem.boundary_parts.push_back(std::move(part));
  time.problem.part_values.push_back(std::move(value_in_time));
  time.problem.part_coefficients.push_back(std::move(coefficient_in_time));
  // The Dirichlet data that hard conditions lift: the first Dirichlet part's value.
  // (it becomes problem.boundary, so the part itself has no value of its own).
  for (std::size_t k = 0; k < d.problem.boundary_parts.size(); ++k) {
    BoundaryPart& p = d.problem.boundary_parts[k];
    if (p.kind != BoundaryKind::dirichlet) continue;
    PINN_USER_REQUIRE(static_cast<bool>(p.value), problem.here() << ": problem.boundary_part: a dirichlet part "
                                                                 << "needs its value where problem.boundary.type is "
                                                                 << to_string(rest));
    if (!d.problem.boundary) {
      d.problem.boundary = std::move(p.value), p.value = nullptr;
      time.problem.boundary = std::move(time.problem.part_values[k]), time.problem.part_values[k] = nullptr;
    }
  }
}

/// problem.domain.vertices: an array of at least 3 [x, y] pairs of finite numbers.
std::vector<std::array<double, 2>> parse_vertices(TomlSection& d) {
  const std::string key = d.key_name("vertices");
  const std::string allowed = "allowed: an array of at least 3 vertices [x, y], e.g. [[0, 0], [1, 0], [0, 1]]";
  const CaseNode* n = d.node("vertices");
  PINN_USER_REQUIRE(n, d.here() << ": " << key << " is missing; it is required for type = \"polygon\" (" << allowed
                                << ")");
  PINN_USER_REQUIRE(n->is_array(), d.where(*n) << ": " << key << ": found " << describe_node(*n) << "; " << allowed);
  const std::vector<CaseNode>& list = *n->as_array();
  PINN_USER_REQUIRE(list.size() >= 3, d.where(*n) << ": " << key << ": found " << list.size() << " vertices; "
                                                  << allowed);
  std::vector<std::array<double, 2>> vertices;
  for (const CaseNode& e : list) {
    const std::string at = d.where(e) + ": " + key + "[" + std::to_string(vertices.size()) + "]";
    PINN_USER_REQUIRE(e.is_array() && e.as_array()->size() == 2,
                      at << ": found " << describe_node(e) << "; allowed: a vertex [x, y] of two finite numbers");
    std::array<double, 2> v{};
    for (std::size_t k = 0; k < 2; ++k) {
      const CaseNode& c = (*e.as_array())[k];
      PINN_USER_REQUIRE(c.is_number() && std::isfinite(c.value<double>().value_or(NAN)),
                        at << ": found " << describe_node(c) << " as coordinate " << k << "; allowed: finite numbers");
      v[k] = c.is_integer() ? static_cast<double>(*c.value<int64_t>()) : *c.value<double>();
    }
    vertices.push_back(v);
  }
  return vertices;
}

Domain parse_domain(TomlSection& problem) {
  TomlSection d = problem.table("domain");
  PINN_USER_REQUIRE(d.present(), problem.here() << ": problem.domain is missing; e.g. domain = { type = \"interval\", "
                                                   "min = 0.0, max = 1.0 }");
  const std::string type = d.get_choice("type", "", {"interval", "rectangle", "box", "disk", "polygon"});
  // Numbers first: their errors carry their own location. Only the Domain's
  // own checks (min < max, radius > 0, a simple polygon) get the table's location added below.
  std::vector<double> min, max, center;
  std::vector<std::array<double, 2>> vertices;
  double radius = 1.0;
  if (type == "disk") {
    center = d.get_numbers("center", 2, {0.0, 0.0});
    radius = d.get_numbers("radius", 1, {1.0})[0];
  } else if (type == "polygon") {
    vertices = parse_vertices(d);
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
    } else if (type == "disk") {
      domain = Domain::disk({center[0], center[1]}, radius);
    } else {
      domain = Domain::polygon(vertices);
    }
  } catch (const UserError& e) {
    // Blame a key of the table: one given by --set if any (that is what changed), else the last one.
    std::string at = d.here();
    for (const char* key : {"radius", "center", "max", "min", "vertices"}) {
      if (const CaseNode* n = d.node(key)) {
        const std::string here = d.where(*n);
        if (at == d.here() || here.rfind("--set", 0) == 0) at = here;
      }
    }
    throw UserError(at + ": problem.domain: " + e.what());
  }
  d.finish();
  return domain;
}

/// The loss settings the operator and the boundary parts rule out.
void check_loss_against_operator(const LossSection& section, const ObstacleProblem& problem,
                                 const std::string& boundary_at, bool hard_possible) {
  const LossSettings& s = section.settings;
  const EllipticOperator& op = problem.op;
  // Over space–time the wind includes ∂t, whose lag would be a time-stepping scheme.
  PINN_USER_REQUIRE(!(s.form == LossForm::energy && op.has_convection() && op.time_axis),
                    section.form_at << ": loss.form = \"energy\" needs a symmetric operator; problem.convection "
                                       "makes L non-symmetric, and over space–time no symmetric form or lagged "
                                       "wind is built. Use form = \"first_order\" or \"strong\"");
  if (s.form == LossForm::energy && op.has_convection() && s.wind == WindForm::symmetric &&
      !has_symmetric_form(problem)) {
    const double exponent = symmetric_form_exponent(problem);
    std::ostringstream reached;
    if (std::isfinite(exponent))
      reached << "; here it reaches ±" << std::setprecision(3) << exponent;
    else if (op.has_matrix_diffusion())
      reached << "; here the diffusion is a matrix";
    else
      reached << "; here b/a is not a smooth gradient";
    throw UserError(section.wind_at + ": loss.wind = \"symmetric\" trains e^{-φ}L, which needs b = a∇φ (in 1D "
                    "always) with a scalar diffusion a, and φ − φ_m within ±" +
                    std::to_string(static_cast<int>(kLargestSymmetricFormExponent)) +
                    " (φ_m the middle of φ's range over the domain; beyond, training loses the side where e^{-φ} is "
                    "small)" + reached.str() + ". Use wind = \"lagged\"");
  }
  PINN_USER_REQUIRE(!(needs_laplacian(s.form) && op.has_matrix_diffusion()),
                    section.form_at << ": loss.form = \"" << to_string(s.form)
                                    << "\" needs every second derivative of u with a matrix problem.diffusion (the "
                                       "network gives Δu only). Use form = \"first_order\" or \"energy\"");
  PINN_USER_REQUIRE(!(s.exact_energy_integration && (!op.diffusion.empty() || op.has_convection())),
                    section.integration_at << ": loss.energy_integration = \"exact\" integrates ½∫u'² between the "
                                              "kinks; with problem.diffusion (or convection, whose symmetric form "
                                              "weighs u'²) it would need ∫a between them. Use \"points\"");
  if (s.boundary != BoundaryMode::hard) return;
  PINN_USER_REQUIRE(hard_possible, boundary_at << ": loss.boundary = \"hard\" needs the Dirichlet part of the "
                                                  "boundary to be whole sides of an interval, rectangle or box; this "
                                                  "problem's is not. Use boundary = \"penalty\"");
  const bool own_values = std::any_of(problem.boundary_parts.begin(), problem.boundary_parts.end(), [](const auto& p) {
    return p.kind == BoundaryKind::dirichlet && static_cast<bool>(p.value);
  });
  PINN_USER_REQUIRE(!own_values || problem.lift,
                    boundary_at << ": loss.boundary = \"hard\" lifts one function G with u = G on the Dirichlet "
                                   "part; a dirichlet boundary_part has a value of its own. Give problem.lift (equal "
                                   "to every Dirichlet value on its part) or use boundary = \"penalty\"");
}

/// problem.time (cases/README.md, "Time-dependent problems"): the final time
/// and the initial value make the problem parabolic; without the table no
/// expression may use t.
void read_time_table(TomlSection& problem, ProblemDefinition& d, TimeData& time) {
  TomlSection table = problem.table("time");
  if (!table.present()) {
    PINN_USER_REQUIRE(time.keys_using_time.empty(),
                      time.keys_using_time.front() << " uses t, but the problem has no problem.time table, so it is "
                                                   << "not time-dependent; allowed: x, y, z, or add [problem.time] "
                                                   << "with final_time and initial (cases/README.md, "
                                                   << "\"Time-dependent problems\")");
    return;
  }
  const int dim = d.problem.domain.dim();
  ParabolicProblem& p = time.problem;
  p.final_time = table.get_double("final_time", 1.0, 0.0, 1e12, true);
  if (!table.node("final_time"))
    PINN_USER_REQUIRE(false, table.here() << ": problem.time.final_time is missing; allowed: the final time T > 0");
  d.texts.initial = table.get_string("initial", "", true);
  const Expression initial = make_expression(table, "initial", d.texts.initial);
  const std::string initial_at = table.where_key("initial") + ": problem.time.initial";
  refuse_time(initial, initial_at, "the initial value u(x, 0)");
  p.initial = as_function(initial, dim);
  table.finish();
  p.problem = d.problem;
  d.parabolic = std::make_shared<const ParabolicProblem>(std::move(p));
  d.initial_at = initial_at;
}

}  // namespace

ProblemDefinition read_problem_section(TomlSection& top, const std::string& file) {
  ProblemDefinition d;
  TomlSection problem = top.table("problem");
  PINN_USER_REQUIRE(problem.present(), file << ":1:1: the [problem] section is missing; a case file needs at least "
                                               "[problem] with name and domain (cases/README.md)");
  d.problem.name = problem.get_string("name", "", true);
  PINN_USER_REQUIRE(!d.problem.name.empty() && d.problem.name.find('/') == std::string::npos,
                    problem.where_key("name") << ": problem.name: found \"" << d.problem.name
                                   << "\"; allowed: a non-empty name without '/'");
  d.texts.description = problem.get_string("description", "");
  d.problem.domain = parse_domain(problem);
  const int dim = d.problem.domain.dim();
  TimeData time;
  ParabolicProblem& timed = time.problem;
  d.texts.source = problem.get_string("source", "0");
  d.problem.source = key_function(problem, "source", d.texts.source, dim, &timed.source, time);
  d.problem.op = parse_operator(problem, dim, d.texts);
  parse_boundary(problem, d, time);
  d.texts.obstacle = problem.get_string("obstacle", "");
  if (!d.texts.obstacle.empty())
    d.problem.lower_obstacle = key_function(problem, "obstacle", d.texts.obstacle, dim, &timed.lower_obstacle, time);
  d.texts.upper_obstacle = problem.get_string("upper_obstacle", "");
  if (!d.texts.upper_obstacle.empty())
    d.problem.upper_obstacle =
        key_function(problem, "upper_obstacle", d.texts.upper_obstacle, dim, &timed.upper_obstacle, time);
  PINN_USER_REQUIRE(d.problem.has_lower() || d.problem.has_upper(),
                    problem.here() << ": problem: neither 'obstacle' nor 'upper_obstacle' is given; an obstacle "
                                      "problem needs at least one");
  d.texts.exact = problem.get_string("exact", "");
  if (!d.texts.exact.empty()) d.problem.exact = key_function(problem, "exact", d.texts.exact, dim, &timed.exact, time);
  d.texts.lift = problem.get_string("lift", "");
  if (!d.texts.lift.empty()) d.problem.lift = key_function(problem, "lift", d.texts.lift, dim, &timed.lift, time);
  read_time_table(problem, d, time);
  problem.finish();
  return d;
}

LossForm default_loss_form(const ObstacleProblem& problem, bool smooth_network) {
  // A lagged wind's energy ended below the strong and first_order forms on
  // winds with and without a potential, in 1D, 2D and 3D (BENCHMARKS.md §37).
  if (!problem.op.has_convection() || !problem.op.time_axis) return LossForm::energy;
  return smooth_network ? LossForm::strong : LossForm::first_order;
}

LossSection read_loss_section(TomlSection& top, const ObstacleProblem& problem, bool smooth_network) {
  const int dim = problem.domain.dim();
  LossSection section;
  LossSettings& s = section.settings;
  TomlSection loss = top.table("loss");
  const CaseNode* form_node = loss.node("form");
  s.form = loss.get_enum("form", default_loss_form(problem, smooth_network), kLossFormNames);
  s.barrier = loss.get_enum("barrier", Barrier::relu2, kBarrierNames);
  s.complementarity = loss.get_enum("complementarity", Complementarity::min, kComplementarityNames);
  s.penalty = loss.get_double("penalty", 1e3, 0.0, 1e15);
  s.boundary_weight = loss.get_double("boundary_weight", 1e3, 0.0, 1e15, true);
  s.leaky_beta = loss.get_double("leaky_beta", 0.01, 0.0, 1.0, true);
  s.softplus_sharpness = loss.get_double("softplus_sharpness", 50.0, 0.0, 1e8, true);
  s.proximal_step = loss.get_double("proximal_step", 0.1, 0.0, 1e3, true);
  const CaseNode* wind_node = loss.node("wind");
  s.wind = loss.get_enum("wind", WindForm::lagged, kWindFormNames);
  s.wind_relaxation = loss.get_double("wind_relaxation", 0.5, 0.0, 1.0, true);
  // Hard Dirichlet conditions need a distance function that vanishes on the
  // Dirichlet part only: whole sides of an interval, rectangle or box.
  const DirichletSides dirichlet = dirichlet_sides(problem);
  const CaseNode* boundary_node = loss.node("boundary");
  s.boundary = loss.get_enum("boundary", dirichlet.whole_sides ? BoundaryMode::hard : BoundaryMode::penalty,
                             kBoundaryModeNames);
  const CaseNode* integration_node = loss.node("energy_integration");
  s.exact_energy_integration = loss.get_choice("energy_integration", "points", {"points", "exact"}) == "exact";
  loss.finish();
  if (s.exact_energy_integration) {
    const std::string at = loss.where(*integration_node) + ": loss.energy_integration = \"exact\"";
    PINN_USER_REQUIRE(dim == 1, at << " integrates between the kinks of a 1D network; this problem has " << dim
                                   << " dimensions. Use \"points\"");
    PINN_USER_REQUIRE(s.form == LossForm::energy,
                      at << " applies to form = \"energy\"; found \"" << to_string(s.form) << "\"");
    PINN_USER_REQUIRE(s.boundary == BoundaryMode::penalty,
                      at << " needs loss.boundary = \"penalty\": with hard boundary conditions u = g + D·N is not "
                            "piecewise linear. Set boundary = \"penalty\"");
  }
  section.form_at = form_node ? loss.where(*form_node) : loss.here();
  section.integration_at = integration_node ? loss.where(*integration_node) : loss.here();
  section.wind_at = wind_node ? loss.where(*wind_node) : loss.here();
  check_loss_against_operator(section, problem, boundary_node ? loss.where(*boundary_node) : loss.here(),
                              dirichlet.whole_sides);
  PINN_USER_REQUIRE(!(s.form == LossForm::proximal && problem.has_upper()),
                    section.form_at << ": loss.form = \"proximal\" supports a lower obstacle only; found an upper_obstacle. "
                               "Use form = \"energy\", \"first_order\" or \"strong\"");
  return section;
}

void check_obstacles_against_boundary(const ObstacleProblem& p, const std::string& lower_at,
                                      const std::string& upper_at) {
  const int dim = p.domain.dim();
  const std::vector<double> pts = p.domain.sample_boundary(dim == 1 ? 2 : 400);
  for (std::size_t i = 0; i < pts.size() / dim; ++i) {
    const double* x = &pts[i * dim];
    const BoundaryCondition condition = condition_at(p.boundary_parts, p.boundary, p.domain, x);
    if (condition.kind != BoundaryKind::dirichlet) continue;  // u is free there
    const double g = condition.value;
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

}  // namespace pinn
