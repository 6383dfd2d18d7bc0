/// @file physics/problem_section.cpp
/// @brief [problem] and [loss] of a case file.
#include "physics/problem_section.hpp"

#include "physics/expression.hpp"

#include <array>
#include <cmath>
#include <memory>
#include <vector>

namespace pinn {

namespace {

Expression make_expression(TomlSection& s, const std::string& key, const std::string& text) {
  const toml::node* n = s.node(key);  // already validated as a string; used for the location
  const std::string where = (n ? s.where(*n) : s.here()) + ": " + s.key_name(key);
  return Expression(text, where);
}

ScalarFunction as_function(const Expression& e, int dim) {
  auto shared = std::make_shared<Expression>(e);
  return [shared, dim](const double* x) { return (*shared)(x, dim); };
}

/// problem.domain.vertices: an array of at least 3 [x, y] pairs of finite numbers.
std::vector<std::array<double, 2>> parse_vertices(TomlSection& d) {
  const std::string key = d.key_name("vertices");
  const std::string allowed = "allowed: an array of at least 3 vertices [x, y], e.g. [[0, 0], [1, 0], [0, 1]]";
  const toml::node* n = d.node("vertices");
  PINN_USER_REQUIRE(n, d.here() << ": " << key << " is missing; it is required for type = \"polygon\" (" << allowed
                                << ")");
  PINN_USER_REQUIRE(n->is_array(), d.where(*n) << ": " << key << ": found " << describe_node(*n) << "; " << allowed);
  const toml::array& list = *n->as_array();
  PINN_USER_REQUIRE(list.size() >= 3, d.where(*n) << ": " << key << ": found " << list.size() << " vertices; "
                                                  << allowed);
  std::vector<std::array<double, 2>> vertices;
  for (const toml::node& e : list) {
    const std::string at = d.where(e) + ": " + key + "[" + std::to_string(vertices.size()) + "]";
    PINN_USER_REQUIRE(e.is_array() && e.as_array()->size() == 2,
                      at << ": found " << describe_node(e) << "; allowed: a vertex [x, y] of two finite numbers");
    std::array<double, 2> v{};
    for (std::size_t k = 0; k < 2; ++k) {
      const toml::node& c = *e.as_array()->get(k);
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
  d.texts.source = problem.get_string("source", "0");
  d.problem.source = as_function(make_expression(problem, "source", d.texts.source), dim);
  TomlSection boundary = problem.table("boundary");
  boundary.get_choice("type", "dirichlet", {"dirichlet"});
  d.texts.boundary = boundary.get_string("value", "0");
  d.problem.boundary = as_function(make_expression(boundary, "value", d.texts.boundary), dim);
  boundary.finish();
  d.texts.obstacle = problem.get_string("obstacle", "");
  if (!d.texts.obstacle.empty()) d.problem.lower_obstacle = as_function(make_expression(problem, "obstacle", d.texts.obstacle), dim);
  d.texts.upper_obstacle = problem.get_string("upper_obstacle", "");
  if (!d.texts.upper_obstacle.empty())
    d.problem.upper_obstacle = as_function(make_expression(problem, "upper_obstacle", d.texts.upper_obstacle), dim);
  PINN_USER_REQUIRE(d.problem.has_lower() || d.problem.has_upper(),
                    problem.here() << ": problem: neither 'obstacle' nor 'upper_obstacle' is given; an obstacle "
                                      "problem needs at least one");
  d.texts.exact = problem.get_string("exact", "");
  if (!d.texts.exact.empty()) d.problem.exact = as_function(make_expression(problem, "exact", d.texts.exact), dim);
  d.texts.lift = problem.get_string("lift", "");
  if (!d.texts.lift.empty()) d.problem.lift = as_function(make_expression(problem, "lift", d.texts.lift), dim);
  problem.finish();
  return d;
}

LossSection read_loss_section(TomlSection& top, const ObstacleProblem& problem) {
  const int dim = problem.domain.dim();
  LossSection section;
  LossSettings& s = section.settings;
  TomlSection loss = top.table("loss");
  const toml::node* form_node = loss.node("form");
  s.form = loss.get_enum("form", LossForm::energy, kLossFormNames);
  s.barrier = loss.get_enum("barrier", Barrier::relu2, kBarrierNames);
  s.complementarity = loss.get_enum("complementarity", Complementarity::min, kComplementarityNames);
  s.boundary = loss.get_enum("boundary", BoundaryMode::hard, kBoundaryModeNames);
  s.penalty = loss.get_double("penalty", 1e3, 0.0, 1e15);
  s.boundary_weight = loss.get_double("boundary_weight", 1e3, 0.0, 1e15, true);
  s.leaky_beta = loss.get_double("leaky_beta", 0.01, 0.0, 1.0, true);
  s.softplus_sharpness = loss.get_double("softplus_sharpness", 50.0, 0.0, 1e8, true);
  s.proximal_step = loss.get_double("proximal_step", 0.1, 0.0, 1e3, true);
  const toml::node* integration_node = loss.node("energy_integration");
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

}  // namespace pinn
