/// @file tests/physics/test_case_file.cpp
/// @brief The strict case-file parser: every broken case is refused with a
/// pinn::UserError that says where (file:line:column), which key, what was
/// found and what is allowed; valid cases, defaults and --set take effect.
#include "nn/error.hpp"
#include "solver/case_file.hpp"
#include "solver/stages/ceres_lm_stage.hpp"
#include "solver/stages/gradient_step_stage.hpp"

#include "user_error_message.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// The learning-rate schedule an adam or sgd stage was given.
const pinn::LearningRateSchedule& schedule_of(const pinn::StageConfig& stage) {
  return pinn::options_of<pinn::GradientStepOptions>(stage).schedule;
}


/// A valid 1D case, one line per entry, edited line by line by the tests.
const std::vector<std::string> kBaseLines = {
    "# a valid base case; each test breaks one thing",          // 1
    "[problem]",                                                 // 2
    "name = \"t1d\"",                                            // 3
    "description = \"test case\"",                               // 4
    "domain = { type = \"interval\", min = 0.0, max = 1.0 }",    // 5
    "source = \"0\"",                                            // 6
    "obstacle = \"0.5 - 8*(x - 0.5)^2\"",                        // 7
    "boundary = { type = \"dirichlet\", value = \"0\" }",        // 8
    "exact = \"x*(1 - x)\"",                                     // 9
    "",                                                          // 10
    "[network]",                                                 // 11
    "hidden = [8, 8]",                                           // 12
    "activation = \"tanh\"",                                     // 13
    "",                                                          // 14
    "[loss]",                                                    // 15
    "form = \"energy\"",                                         // 16
    "barrier = \"relu2\"",                                       // 17
    "penalty = 1e3",                                             // 18
    "",                                                          // 19
    "[sampling]",                                                // 20
    "interior = 64",                                             // 21
    "method = \"grid\"",                                         // 22
    "",                                                          // 23
    "[[stage]]",                                                 // 24
    "type = \"adam\"",                                           // 25
    "iterations = 100",                                          // 26
    "learning_rate = 1e-2",                                      // 27
    "",                                                          // 28
    "[output]",                                                  // 29
    "log_every = 10",                                            // 30
    "",                                                          // 31
    "[run]",                                                     // 32
    "seed = 7",                                                  // 33
};

/// The base case with edits; line numbers are 1-based like the parser's.
class CaseText {
 public:
  CaseText() : lines_(kBaseLines) {}

  /// Line number of `key = ...` in [section] (or [[section]]).
  int line_of(const std::string& section, const std::string& key) const {
    bool inside = false;
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      const std::string& l = lines_[i];
      if (!l.empty() && l[0] == '[') {
        inside = l == "[" + section + "]" || l == "[[" + section + "]]";
        continue;
      }
      if (inside && l.rfind(key + " =", 0) == 0) return static_cast<int>(i) + 1;
    }
    ADD_FAILURE() << "no key " << key << " in [" << section << "]";
    return 0;
  }
  /// Replaces the line of `key` in [section]; returns its line number.
  int replace(const std::string& section, const std::string& key, const std::string& line) {
    const int n = line_of(section, key);
    if (n > 0) lines_[n - 1] = line;
    return n;
  }
  /// Inserts `line` right after the header of [section]; returns its line number.
  int insert(const std::string& section, const std::string& line) {
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      if (lines_[i] == "[" + section + "]" || lines_[i] == "[[" + section + "]]") {
        lines_.insert(lines_.begin() + static_cast<long>(i) + 1, line);
        return static_cast<int>(i) + 2;
      }
    }
    ADD_FAILURE() << "no section [" << section << "]";
    return 0;
  }
  /// Appends `line` at the end; returns its line number.
  int append(const std::string& line) {
    lines_.push_back(line);
    return static_cast<int>(lines_.size());
  }
  /// Removes the line of `key` in [section] (the line stays, emptied, so numbers do not move).
  void remove(const std::string& section, const std::string& key) { replace(section, key, ""); }
  /// Removes the whole [section] (header and keys), leaving empty lines.
  void remove_section(const std::string& section) {
    bool inside = false;
    for (std::string& l : lines_) {
      if (!l.empty() && l[0] == '[') inside = l == "[" + section + "]" || l == "[[" + section + "]]";
      if (inside) l.clear();
    }
  }
  /// 1-based column where the value of the `key = value` line `n` starts.
  int value_column(int n) const { return static_cast<int>(lines_[n - 1].find("= ")) + 3; }
  /// 1-based column of `needle` on line `n`.
  int column_of(int n, const std::string& needle) const {
    return static_cast<int>(lines_[n - 1].find(needle)) + 1;
  }

  std::string str() const {
    std::string out;
    for (const std::string& l : lines_) out += l + "\n";
    return out;
  }

 private:
  std::vector<std::string> lines_;
};

std::string at(int line) { return "case.toml:" + std::to_string(line) + ":"; }
std::string at(int line, int column) { return at(line) + std::to_string(column) + ":"; }

/// The message of the pinn::UserError that parsing throws ("" and a failure if none).
std::string user_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return pinn_test::user_error_of([&] { pinn::parse_case(text, "case.toml", overrides); });
}

using pinn_test::expect_parts;

void expect_rejected(const CaseText& c, std::initializer_list<std::string> parts) {
  expect_parts(user_error(c.str()), parts);
}

// ---------------------------------------------------------------- unknown keys

TEST(CaseFile, UnknownKeyInProblem) {
  CaseText c;
  const int n = c.insert("problem", "obstacel = \"0\"");
  expect_rejected(c, {at(n, c.value_column(n)), "unknown key 'problem.obstacel'", "allowed: ", "obstacle",
                      "upper_obstacle", "source"});
}

TEST(CaseFile, UnknownKeyInNetwork) {
  CaseText c;
  const int n = c.insert("network", "activations = \"tanh\"");
  expect_rejected(c, {at(n, c.value_column(n)), "unknown key 'network.activations'",
                      "allowed: hidden|activation|alpha|alpha_mode|alpha_constraint|alpha_l1"});
}

TEST(CaseFile, UnknownKeyInLoss) {
  CaseText c;
  const int n = c.insert("loss", "penalties = 10");
  expect_rejected(c, {at(n), "unknown key 'loss.penalties'", "allowed: ", "penalty", "boundary_weight",
                      "proximal_step"});
}

TEST(CaseFile, UnknownKeyInSampling) {
  CaseText c;
  const int n = c.insert("sampling", "points = 10");
  expect_rejected(c, {at(n), "unknown key 'sampling.points'", "allowed: interior|boundary|method"});
}

TEST(CaseFile, UnknownKeyInStage) {
  CaseText c;
  const int n = c.insert("stage", "iteration = 10");
  expect_rejected(c, {at(n), "unknown key 'stage.0.iteration'", "allowed: ", "iterations", "learning_rate",
                      "multiplier_updates", "time_limit"});
}

TEST(CaseFile, UnknownKeyInOutput) {
  CaseText c;
  const int n = c.insert("output", "snapshot = 3");
  expect_rejected(c, {at(n), "unknown key 'output.snapshot'",
                      "allowed: directory|snapshots|log_every|evaluation_points"});
}

TEST(CaseFile, UnknownKeyInRun) {
  CaseText c;
  const int n = c.insert("run", "thread = 2");
  expect_rejected(c, {at(n), "unknown key 'run.thread'", "allowed: seed|threads"});
}

TEST(CaseFile, UnknownKeyInDomainTable) {
  CaseText c;
  const std::string line = "domain = { type = \"interval\", min = 0.0, max = 1.0, radius = 2.0 }";
  const int n = c.replace("problem", "domain", line);
  expect_rejected(c, {at(n, c.column_of(n, "2.0")), "unknown key 'problem.domain.radius'", "allowed: type|min|max"});
}

TEST(CaseFile, UnknownKeyInBoundaryTable) {
  CaseText c;
  const int n = c.replace("problem", "boundary", "boundary = { type = \"dirichlet\", value = \"0\", flux = \"1\" }");
  expect_rejected(c, {at(n, c.column_of(n, "\"1\"")), "unknown key 'problem.boundary.flux'", "allowed: type|value"});
}

TEST(CaseFile, UnknownTopLevelSection) {
  CaseText c;
  const int n = c.append("[solver]");
  c.append("tolerance = 1e-6");
  expect_rejected(c, {at(n), "unknown key 'solver'", "allowed: problem|network|loss|sampling|run|stage|output|reference"});
}

TEST(CaseFile, AllowedKeysAreListedOnce) {
  // source, obstacle and form are read twice by the parser (value, then location); list them once.
  CaseText c;
  c.insert("problem", "sauce = \"0\"");
  c.insert("loss", "from = \"energy\"");
  const std::string problem_message = user_error(c.str());
  EXPECT_EQ(problem_message.find("source|source"), std::string::npos) << problem_message;
  EXPECT_EQ(problem_message.find("obstacle|obstacle"), std::string::npos) << problem_message;
  c.remove("problem", "sauce");
  const std::string loss_message = user_error(c.str());
  expect_parts(loss_message, {"unknown key 'loss.from'", "allowed: form|barrier|"});
  EXPECT_EQ(loss_message.find("form|form"), std::string::npos) << loss_message;
}

// ---------------------------------------------------------------- wrong types

TEST(CaseFile, StringWhereNumber) {
  CaseText c;
  const int n = c.replace("loss", "penalty", "penalty = \"1e3\"");
  expect_rejected(c, {at(n, c.value_column(n)), "loss.penalty", "found the string \"1e3\"",
                      "allowed: a number in [0, 1e+15]"});
}

TEST(CaseFile, FloatWhereInteger) {
  CaseText c;
  const int n = c.replace("sampling", "interior", "interior = 64.5");
  expect_rejected(c, {at(n, c.value_column(n)), "sampling.interior", "found the number 64.5",
                      "allowed: an integer in [1, 10000000]"});
}

TEST(CaseFile, IntegralFloatWhereIntegerIsShownAsFloat) {
  CaseText c;
  const int n = c.replace("stage", "iterations", "iterations = 100.0");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.0.iterations", "found the number 100.0",
                      "allowed: an integer in [0, 100000000]"});
}

TEST(CaseFile, ArrayWhereString) {
  CaseText c;
  const int n = c.replace("problem", "source", "source = [\"0\"]");
  expect_rejected(c, {at(n, c.value_column(n)), "problem.source", "found an array of 1 element", "allowed: a string"});
}

TEST(CaseFile, BooleanWhereString) {
  CaseText c;
  const int n = c.replace("network", "activation", "activation = true");
  expect_rejected(c, {at(n, c.value_column(n)), "network.activation", "found the boolean true",
                      "allowed: relu|leaky_relu|prelu|tanh|softplus|sin"});
}

TEST(CaseFile, StringWhereDomainBound) {
  CaseText c;
  const int n = c.replace("problem", "domain", "domain = { type = \"interval\", min = \"zero\", max = 1.0 }");
  const std::string message = user_error(c.str());
  expect_parts(message, {at(n, c.column_of(n, "\"zero\"")), "problem.domain.min", "found the string \"zero\"",
                         "allowed: a number"});
  EXPECT_EQ(message.find("case.toml", 1), std::string::npos) << "one location only: " << message;
}

TEST(CaseFile, RectangleBoundsNeedTwoNumbers) {
  CaseText c;
  const int n =
      c.replace("problem", "domain", "domain = { type = \"rectangle\", min = [0, 0, 0], max = [1, 1] }");
  expect_rejected(c, {at(n, c.column_of(n, "[0, 0, 0]")), "problem.domain.min", "found an array of 3 elements",
                      "allowed: an array of 2 numbers"});
}

TEST(CaseFile, DiskRadiusMustBePositive) {
  CaseText c;
  const int n = c.replace("problem", "domain", "domain = { type = \"disk\", center = [0, 0], radius = -1 }");
  expect_rejected(c, {at(n), "problem.domain", "found radius -1", "need radius > 0"});
}

/// The base case on a polygon (the obstacle below g = 0 on its boundary).
CaseText polygon_case(const std::string& domain_line) {
  CaseText c;
  c.replace("problem", "obstacle", "obstacle = \"-1\"");
  c.replace("problem", "domain", domain_line);
  return c;
}

TEST(CaseFile, PolygonDomainIsRead) {
  const CaseText c = polygon_case(
      "domain = { type = \"polygon\", vertices = [[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2.0]] }");
  const pinn::CaseConfig config = pinn::parse_case(c.str(), "case.toml", {});
  ASSERT_EQ(config.problem.domain.kind(), pinn::DomainKind::polygon);
  const std::vector<std::array<double, 2>> expected{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}};
  EXPECT_EQ(config.problem.domain.vertices(), expected);
  // --set replaces the list as a whole.
  const pinn::CaseConfig triangle =
      pinn::parse_case(c.str(), "case.toml", {"problem.domain.vertices=[[0, 0], [1, 0], [0, 1]]"});
  EXPECT_DOUBLE_EQ(triangle.problem.domain.measure(), 0.5);
}

TEST(CaseFile, PolygonVerticesAreRequired) {
  const CaseText c = polygon_case("domain = { type = \"polygon\" }");
  expect_rejected(c, {at(c.line_of("problem", "domain")), "problem.domain.vertices is missing", "at least 3"});
}

TEST(CaseFile, PolygonVerticesMustBeAnArray) {
  const CaseText c = polygon_case("domain = { type = \"polygon\", vertices = \"square\" }");
  const int n = c.line_of("problem", "domain");
  expect_rejected(c, {at(n, c.column_of(n, "\"square\"")), "problem.domain.vertices", "found the string \"square\"",
                      "allowed: an array of at least 3 vertices [x, y]"});
}

TEST(CaseFile, PolygonNeedsThreeVertices) {
  const CaseText c = polygon_case("domain = { type = \"polygon\", vertices = [[0, 0], [1, 0]] }");
  const int n = c.line_of("problem", "domain");
  expect_rejected(c, {at(n, c.column_of(n, "[[0, 0]")), "problem.domain.vertices", "found 2 vertices"});
}

TEST(CaseFile, PolygonVertexNeedsTwoNumbers) {
  const CaseText c = polygon_case("domain = { type = \"polygon\", vertices = [[0, 0], [1, 0, 3], [0, \"a\"]] }");
  const int n = c.line_of("problem", "domain");
  expect_rejected(c, {at(n, c.column_of(n, "[1, 0, 3]")), "problem.domain.vertices[1]", "found an array of 3 elements",
                      "allowed: a vertex [x, y] of two finite numbers"});
  const CaseText d = polygon_case("domain = { type = \"polygon\", vertices = [[0, 0], [1, 0], [0, \"a\"]] }");
  expect_rejected(d, {"problem.domain.vertices[2]", "found the string \"a\" as coordinate 1"});
}

TEST(CaseFile, PolygonMustBeSimpleAndTheMessageNamesTheEdges) {
  const CaseText c = polygon_case("domain = { type = \"polygon\", vertices = [[0, 0], [1, 1], [1, 0], [0, 1]] }");
  const int n = c.line_of("problem", "domain");
  expect_rejected(c, {at(n, c.column_of(n, "[[0, 0]")), "problem.domain: polygon domain: edges 0 (0, 0)–(1, 1) and 2 "
                                                          "(1, 0)–(0, 1) intersect"});
  // Given by --set, the override is blamed.
  expect_parts(user_error(polygon_case("domain = { type = \"polygon\", vertices = [[0, 0], [1, 0], [0, 1]] }").str(),
                          {"problem.domain.vertices=[[0, 0], [1, 0], [1, 0]]"}),
               {"--set", "vertices 1 and 2 are the same point (1, 0)"});
}

TEST(CaseFile, PolygonTakesNoBoxKeys) {
  const CaseText c = polygon_case("domain = { type = \"polygon\", vertices = [[0, 0], [1, 0], [0, 1]], min = [0, 0] }");
  expect_rejected(c, {"unknown key 'problem.domain.min'", "allowed: type|vertices"});
}

TEST(CaseFile, IntegerWhereTable) {
  CaseText c;
  const int n = c.replace("problem", "boundary", "boundary = 0");
  expect_rejected(c, {at(n, c.value_column(n)), "problem.boundary", "found the integer 0", "allowed: a table"});
}

TEST(CaseFile, StageAsPlainTable) {
  CaseText c;
  c.remove_section("stage");
  const int n = c.append("[stage]");
  c.append("iterations = 10");
  expect_rejected(c, {at(n), "stage", "found a table", "allowed: [[stage]] tables"});
}

// ---------------------------------------------------------------- out of range

TEST(CaseFile, NegativePenalty) {
  CaseText c;
  const int n = c.replace("loss", "penalty", "penalty = -1.0");
  expect_rejected(c, {at(n, c.value_column(n)), "loss.penalty", "found -1", "allowed: a number in [0, 1e+15]"});
}

TEST(CaseFile, ZeroInteriorPoints) {
  CaseText c;
  const int n = c.replace("sampling", "interior", "interior = 0");
  expect_rejected(c, {at(n, c.value_column(n)), "sampling.interior", "found 0", "allowed: an integer in [1, 10000000]"});
}

TEST(CaseFile, AlphaAboveOne) {
  CaseText c;
  const int n = c.insert("network", "alpha = 1.5");
  expect_rejected(c, {at(n, c.value_column(n)), "network.alpha", "found 1.5", "allowed: a number in [0, 1]"});
}

TEST(CaseFile, ZeroLearningRate) {
  CaseText c;
  const int n = c.replace("stage", "learning_rate", "learning_rate = 0.0");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.0.learning_rate", "found 0", "allowed: a number in (0, 10]"});
}

TEST(CaseFile, NegativeIterations) {
  CaseText c;
  const int n = c.replace("stage", "iterations", "iterations = -5");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.0.iterations", "found -5",
                      "allowed: an integer in [0, 100000000]"});
}

TEST(CaseFile, MinLearningRateAboveLearningRate) {
  CaseText c;
  const int n = c.insert("stage", "min_learning_rate = 0.5");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.0.min_learning_rate", "found 0.5",
                      "allowed: a number in [0, 0.01]"});
}

TEST(CaseFile, PenaltyGrowthBelowOne) {
  CaseText c;
  const int n = c.insert("stage", "penalty_growth = 0.5");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.0.penalty_growth", "found 0.5",
                      "allowed: a number in [1, 1e+06]"});
}

TEST(CaseFile, EmptyInterval) {
  CaseText c;
  const int n = c.replace("problem", "domain", "domain = { type = \"interval\", min = 1.0, max = 0.0 }");
  expect_rejected(c, {at(n), "problem.domain", "found min = 1, max = 0", "need finite min < max"});
}

// ---------------------------------------------------------------- invalid choices

TEST(CaseFile, UnknownActivation) {
  CaseText c;
  const int n = c.replace("network", "activation", "activation = \"relu6\"");
  expect_rejected(c, {at(n, c.value_column(n)), "network.activation", "found \"relu6\"",
                      "allowed: relu|leaky_relu|prelu|tanh|softplus|sin"});
}

TEST(CaseFile, UnknownForm) {
  CaseText c;
  const int n = c.replace("loss", "form", "form = \"weak\"");
  expect_rejected(c, {at(n, c.value_column(n)), "loss.form", "found \"weak\"",
                      "allowed: energy|first_order|strong|proximal"});
}

TEST(CaseFile, UnknownBarrier) {
  CaseText c;
  const int n = c.replace("loss", "barrier", "barrier = \"relu\"");
  expect_rejected(c, {at(n, c.value_column(n)), "loss.barrier", "found \"relu\"", "allowed: relu2|leaky2|softplus"});
}

TEST(CaseFile, UnknownComplementarity) {
  CaseText c;
  const int n = c.insert("loss", "complementarity = \"fb\"");
  expect_rejected(c, {at(n, c.value_column(n)), "loss.complementarity", "found \"fb\"",
                      "allowed: min|fischer_burmeister"});
}

TEST(CaseFile, UnknownBoundaryMode) {
  CaseText c;
  const int n = c.insert("loss", "boundary = \"soft\"");
  expect_rejected(c, {at(n, c.value_column(n)), "loss.boundary", "found \"soft\"", "allowed: hard|penalty"});
}

TEST(CaseFile, UnknownSamplingMethod) {
  CaseText c;
  const int n = c.replace("sampling", "method", "method = \"latin\"");
  expect_rejected(c, {at(n, c.value_column(n)), "sampling.method", "found \"latin\"",
                      "allowed: grid|gauss|nodes|random|halton|sobol"});
}

TEST(CaseFile, UnknownAlphaMode) {
  CaseText c;
  const int n = c.insert("network", "alpha_mode = \"neuron\"");
  expect_rejected(c, {at(n, c.value_column(n)), "network.alpha_mode", "found \"neuron\"", "allowed: layer|channel"});
}

TEST(CaseFile, UnknownAlphaConstraint) {
  CaseText c;
  const int n = c.insert("network", "alpha_constraint = \"positive\"");
  expect_rejected(c, {at(n, c.value_column(n)), "network.alpha_constraint", "found \"positive\"",
                      "allowed: none|monotone|unit_interval"});
}

TEST(CaseFile, UnknownDomainType) {
  CaseText c;
  const int n = c.replace("problem", "domain", "domain = { type = \"sphere\", min = 0.0, max = 1.0 }");
  expect_rejected(c, {at(n, c.column_of(n, "\"sphere\"")), "problem.domain.type", "found \"sphere\"",
                      "allowed: interval|rectangle|box|disk|polygon"});
}

TEST(CaseFile, MissingDomainType) {
  CaseText c;
  const int n = c.replace("problem", "domain", "domain = { min = 0.0, max = 1.0 }");
  expect_rejected(c, {at(n), "problem.domain.type is missing", "allowed: interval|rectangle|box|disk|polygon"});
}

TEST(CaseFile, UnknownBoundaryType) {
  CaseText c;
  const int n = c.replace("problem", "boundary", "boundary = { type = \"periodic\", value = \"0\" }");
  expect_rejected(c, {at(n, c.column_of(n, "\"periodic\"")), "problem.boundary.type", "found \"periodic\"",
                      "allowed: dirichlet|neumann|robin"});
}

TEST(CaseFile, UnknownStageType) {
  CaseText c;
  const int n = c.replace("stage", "type", "type = \"lbfgs\"");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.0.type", "found \"lbfgs\"",
                      "allowed: adam|sgd|ceres_lm|ceres_lbfgs"});
}

TEST(CaseFile, LevenbergMarquardtEnergyTakesPenaltyBoundaryConditions) {
  // The boundary term of ½∫|∇u − F|² lives in the boundary residuals, so the
  // energy form is a sum of squares with either boundary treatment.
  CaseText c;
  c.insert("loss", "boundary = \"penalty\"");
  c.append("[[stage]]");
  c.append("type = \"ceres_lm\"");
  const pinn::CaseConfig config = pinn::parse_case(c.str(), "case.toml", {});
  ASSERT_EQ(config.stages.size(), 2u);
  EXPECT_EQ(config.stages[1].type, "ceres_lm");
}

TEST(CaseFile, OutputSolveBelongsToFirstOrderStages) {
  CaseText c;
  c.append("[[stage]]");
  c.append("type = \"ceres_lbfgs\"");
  const int n = c.append("output_solve_every = 10");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.1.output_solve_every", "10", "adam and sgd stages"});
}

TEST(CaseFile, OutputSolveEveryIsANonNegativeInteger) {
  CaseText c;
  const int n = c.insert("stage", "output_solve_every = -3");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.0.output_solve_every", "-3"});
}

TEST(CaseFile, ExactEnergyIntegrationNeedsAPiecewiseLinearNetwork) {
  CaseText c;
  c.insert("loss", "boundary = \"penalty\"");
  const int n = c.insert("loss", "energy_integration = \"exact\"");
  expect_rejected(c, {at(n, c.value_column(n)), "loss.energy_integration = \"exact\"", "piecewise-linear",
                      "\"tanh\""});
}

TEST(CaseFile, ExactEnergyIntegrationNeedsPenaltyBoundaryConditions) {
  CaseText c;
  c.replace("network", "activation", "activation = \"prelu\"");
  const int n = c.insert("loss", "energy_integration = \"exact\"");
  expect_rejected(c, {at(n, c.value_column(n)), "loss.boundary = \"penalty\"", "not piecewise linear"});
}

TEST(CaseFile, ExactEnergyIntegrationRefusesLevenbergMarquardt) {
  CaseText c;
  c.replace("network", "activation", "activation = \"prelu\"");
  c.insert("loss", "boundary = \"penalty\"");
  c.insert("loss", "energy_integration = \"exact\"");
  c.append("[[stage]]");
  const int n = c.append("type = \"ceres_lm\"");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.1.type = \"ceres_lm\"", "least-squares form",
                      "energy_integration = \"points\""});
}

TEST(CaseFile, ExactEnergyIntegrationIsAChoice) {
  CaseText c;
  const int n = c.insert("loss", "energy_integration = \"exakt\"");
  expect_rejected(c, {at(n, c.value_column(n)), "loss.energy_integration", "\"exakt\"", "points|exact"});
}

TEST(CaseFile, ObstacleNodesNeedAGrid) {
  CaseText c;
  c.replace("sampling", "method", "method = \"sobol\"");
  const int n = c.insert("sampling", "obstacle_nodes = true");
  expect_rejected(c, {at(n, c.value_column(n)), "sampling.obstacle_nodes", "method = \"grid\"", "\"sobol\""});
}

TEST(CaseFile, ObstacleNodesNeedATensorGridNotAPolygon) {
  CaseText c = polygon_case("domain = { type = \"polygon\", vertices = [[0, 0], [1, 0], [0, 1]] }");
  const int n = c.insert("sampling", "obstacle_nodes = true");
  expect_rejected(c, {at(n, c.value_column(n)), "sampling.obstacle_nodes", "found method = \"grid\" on a polygon"});
}

TEST(CaseFile, ObstacleNodesIsABoolean) {
  CaseText c;
  const int n = c.insert("sampling", "obstacle_nodes = \"yes\"");
  expect_rejected(c, {at(n, c.value_column(n)), "sampling.obstacle_nodes", "true | false"});
}

TEST(CaseFile, ShiftEachRoundNeedsAGrid) {
  CaseText c;
  c.replace("sampling", "method", "method = \"halton\"");
  const int n = c.insert("sampling", "shift_each_round = true");
  expect_rejected(c, {at(n, c.value_column(n)), "sampling.shift_each_round", "method = \"grid\" or \"gauss\"",
                      "\"halton\""});
  // Gauss points move on tensor domains only: a polygon's grid is cut by slanted edges.
  CaseText p = polygon_case("domain = { type = \"polygon\", vertices = [[0, 0], [1, 0], [0, 1]] }");
  p.replace("sampling", "method", "method = \"gauss\"");
  const int m = p.insert("sampling", "shift_each_round = true");
  expect_rejected(p, {at(m, p.value_column(m)), "sampling.shift_each_round", "found method = \"gauss\" on a polygon"});
}

TEST(CaseFile, SmoothingNeedsAPiecewiseLinearNetwork) {
  CaseText c;
  const int n = c.insert("stage", "smoothing = 0.1");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.0.smoothing", "piecewise-linear", "\"tanh\"", "smooth already"});
}

TEST(CaseFile, SmoothingEndNeedsASmoothingStart) {
  CaseText c;
  c.replace("network", "activation", "activation = \"prelu\"");
  const int n = c.insert("stage", "smoothing_end = 0.01");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.0.smoothing_end", "smoothing is not"});
}

TEST(CaseFile, SmoothingOnlySharpens) {
  CaseText c;
  c.replace("network", "activation", "activation = \"leaky_relu\"");
  c.insert("stage", "smoothing = 0.1");
  const int n = c.insert("stage", "smoothing_end = 0.5");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.0.smoothing_end", "0.5", "(0, smoothing = 0.1]"});
  CaseText d;
  d.replace("network", "activation", "activation = \"prelu\"");
  const int m = d.insert("stage", "smoothing = -0.1");
  expect_rejected(d, {at(m, d.value_column(m)), "stage.0.smoothing", "-0.1"});
}

TEST(CaseFile, SmoothingZeroSwitchesTheHomotopyOff) {
  CaseText c;
  c.replace("network", "activation", "activation = \"prelu\"");
  c.insert("stage", "smoothing_end = 0.05");
  c.insert("stage", "smoothing = 0.2");
  const pinn::CaseConfig off =
      pinn::parse_case(c.str(), "case.toml", {"stage.0.smoothing=0", "stage.0.smoothing_end=0"});
  EXPECT_EQ(off.stages.at(0).smoothing_at_round(0, 4), 0.0);
  EXPECT_EQ(off.stages.at(0).smoothing_at_round(3, 4), 0.0);
  // Only one of the two set to 0 is refused, saying what goes with what.
  EXPECT_THROW(pinn::parse_case(c.str(), "case.toml", {"stage.0.smoothing=0"}), pinn::UserError);
  try {
    pinn::parse_case(c.str(), "case.toml", {"stage.0.smoothing_end=0"});
    ADD_FAILURE() << "smoothing_end = 0 with smoothing = 0.2 was accepted";
  } catch (const pinn::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("(0, smoothing = 0.2]"), std::string::npos) << e.what();
  }
}

TEST(CaseFile, SmoothingExcludesExactEnergyIntegration) {
  CaseText c;
  c.replace("network", "activation", "activation = \"prelu\"");
  c.insert("loss", "boundary = \"penalty\"");
  c.insert("loss", "energy_integration = \"exact\"");
  const int n = c.insert("stage", "smoothing = 0.1");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.0.smoothing", "energy_integration = \"exact\""});
}

TEST(CaseFile, SmoothingFallsGeometricallyOverTheMultiplierRounds) {
  CaseText c;
  c.replace("network", "activation", "activation = \"prelu\"");
  c.insert("stage", "smoothing = 0.4");
  c.insert("stage", "smoothing_end = 0.1");
  const pinn::CaseConfig config = pinn::parse_case(c.str(), "case.toml", {});
  const pinn::StageConfig& stage = config.stages.at(0);
  EXPECT_DOUBLE_EQ(stage.smoothing_at_round(0, 3), 0.4);
  EXPECT_DOUBLE_EQ(stage.smoothing_at_round(1, 3), 0.2);
  EXPECT_DOUBLE_EQ(stage.smoothing_at_round(2, 3), 0.1);
  EXPECT_DOUBLE_EQ(stage.smoothing_at_round(0, 1), 0.4) << "one round: the starting width";
  const pinn::CaseConfig constant = pinn::parse_case(c.str(), "case.toml", {"stage.0.smoothing_end=0.4"});
  EXPECT_DOUBLE_EQ(constant.stages.at(0).smoothing_at_round(5, 9), 0.4);
  EXPECT_EQ(pinn::StageConfig{}.smoothing_at_round(3, 5), 0.0) << "no smoothing by default";
}

TEST(CaseFile, ReviveNeuronsNeedsAPiecewiseLinearNetwork) {
  CaseText c;
  const int n = c.insert("stage", "revive_neurons = true");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.0.revive_neurons", "piecewise-linear", "\"tanh\""});
  CaseText d;
  d.replace("network", "activation", "activation = \"relu\"");
  const int m = d.insert("stage", "revive_neurons = 1");
  expect_rejected(d, {at(m, d.value_column(m)), "stage.0.revive_neurons", "true | false"});
}

TEST(CaseFile, NeuronInsertionNeedsAHiddenLayerAndRoomInIt) {
  CaseText ok;
  ok.insert("stage", "insert_neurons = 8");
  ok.insert("stage", "insert_layer = 1");
  const pinn::StageConfig stage = pinn::parse_case(ok.str(), "case.toml").stages.at(0);
  EXPECT_EQ(stage.insert_neurons, 8);
  EXPECT_EQ(stage.insert_layer, 1);
  EXPECT_EQ(pinn::StageConfig{}.insert_neurons, 0) << "off by default";

  CaseText layer;  // the default network has two hidden layers: 0 and 1
  layer.insert("stage", "insert_neurons = 8");
  const int n = layer.insert("stage", "insert_layer = 2");
  expect_rejected(layer, {at(n, layer.value_column(n)), "stage.0.insert_layer", "found 2", "[0, 1]"});

  CaseText alone;
  const int m = alone.insert("stage", "insert_layer = 0");
  expect_rejected(alone, {at(m, alone.value_column(m)), "stage.0.insert_layer", "insert_neurons is not"});

  CaseText negative;
  const int k = negative.insert("stage", "insert_neurons = -3");
  expect_rejected(negative, {at(k, negative.value_column(k)), "stage.0.insert_neurons", "found -3", "[0, 4096]"});

  CaseText full;  // 4000 + 90 fit a layer, another 90 do not
  full.replace("network", "hidden", "hidden = [4000, 8]");
  full.insert("stage", "insert_neurons = 90");
  full.append("[[stage]]");
  full.append("type = \"adam\"");
  const int f = full.append("insert_neurons = 90");
  expect_rejected(full, {at(f, full.value_column(f)), "stage.1.insert_neurons", "found 90",
                         "hidden layer 0 has 4090 neurons by then", "at most 4096"});
}

TEST(CaseFile, KinkPlacementChoices) {
  CaseText c;
  EXPECT_EQ(pinn::parse_case(c.str(), "case.toml").kink_placement, pinn::KinkPlacement::domain);
  const pinn::CaseConfig origin = pinn::parse_case(c.str(), "case.toml", {"network.kink_placement=\"origin\""});
  EXPECT_EQ(origin.kink_placement, pinn::KinkPlacement::origin);
  const int n = c.insert("network", "kink_placement = \"obstacles\"");
  expect_rejected(c, {at(n, c.value_column(n)), "network.kink_placement", "\"obstacles\"",
                      "allowed: domain|origin|obstacle"});
}

TEST(CaseFile, LinearSolverBelongsToLevenbergMarquardtOnly) {
  CaseText c;
  const int n = c.insert("stage", "linear_solver = \"dense_qr\"");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.0.linear_solver", "only a ceres_lm stage"});
  CaseText d;
  d.append("[[stage]]");
  d.append("type = \"ceres_lm\"");
  const int m = d.append("linear_solver = \"cholesky\"");
  expect_rejected(d, {at(m, d.value_column(m)), "stage.1.linear_solver", "\"cholesky\"",
                      "allowed: dense_normal_cholesky|dense_qr|cgnr"});
}

TEST(CaseFile, MinDiagonalOfLevenbergMarquardt) {
  CaseText c;
  c.append("[[stage]]");
  c.append("type = \"ceres_lm\"");
  c.append("min_diagonal = 0.1");
  const pinn::CaseConfig config = pinn::parse_case(c.str(), "case.toml");
  EXPECT_DOUBLE_EQ(pinn::options_of<pinn::CeresLmOptions>(config.stages.at(1)).min_diagonal, 0.1);
  EXPECT_DOUBLE_EQ(pinn::options_of<pinn::CeresLmOptions>(pinn::StageConfig{}).min_diagonal, 1e-6) << "Ceres' own";
  CaseText e;
  e.append("[[stage]]");
  e.append("type = \"ceres_lm\"");
  const int z = e.append("min_diagonal = 0");
  expect_rejected(e, {at(z, e.value_column(z)), "stage.1.min_diagonal", "found 0", "(0, 1000]"});
  CaseText d;
  const int m = d.insert("stage", "min_diagonal = 0.1");
  expect_rejected(d, {at(m), "unknown key 'stage.0.min_diagonal'"});
}

TEST(CaseFile, LbfgsStageRefusesLearningRateKeys) {
  CaseText c;
  c.append("[[stage]]");
  c.append("type = \"ceres_lbfgs\"");
  const int n = c.append("learning_rate = 1e-3");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.1.learning_rate", "the number 0.001", "no learning rate",
                      "allowed keys: type|iterations|multiplier_updates"});
}

TEST(CaseFile, LbfgsStageIsAccepted) {
  CaseText c;
  c.append("[[stage]]");
  c.append("type = \"ceres_lbfgs\"");
  c.append("iterations = 300");
  c.append("multiplier_updates = 3");
  const pinn::CaseConfig config = pinn::parse_case(c.str(), "case.toml");
  ASSERT_EQ(config.stages.size(), 2u);
  EXPECT_EQ(config.stages[1].type, "ceres_lbfgs");
  EXPECT_EQ(config.stages[1].iterations, 300);
  EXPECT_EQ(config.stages[1].multiplier_updates, 3);
}

TEST(CaseFile, RoundSelectionBelongsToRoundSolvingStages) {
  for (const std::string key : {"select_last_rounds", "select_penalty"}) {
    CaseText c;
    const int n = c.insert("stage", key + " = 2");
    expect_rejected(c, {at(n, c.value_column(n)), "stage.0." + key, "the integer 2",
                        "ceres_lm, ceres_lbfgs and natural_gradient stages"});
  }
}

TEST(CaseFile, SelectionPenaltyWeighsTheRoundsItSelects) {
  CaseText c;
  c.append("[[stage]]");
  c.append("type = \"natural_gradient\"");
  c.append("multiplier_updates = 2");
  c.append("select_last_rounds = 3");
  c.append("select_penalty = 100");
  EXPECT_DOUBLE_EQ(pinn::parse_case(c.str(), "case.toml").stages[1].select_penalty, 100.0);
  CaseText below;
  below.append("[[stage]]");
  below.append("type = \"ceres_lbfgs\"");
  below.append("select_last_rounds = 1");
  const int n = below.append("select_penalty = 0.5");
  expect_rejected(below, {at(n, below.value_column(n)), "stage.1.select_penalty", "0.5"});
  CaseText unused;
  unused.append("[[stage]]");
  unused.append("type = \"ceres_lbfgs\"");
  const int m = unused.append("select_penalty = 10");
  expect_rejected(unused, {at(m, unused.value_column(m)), "stage.1.select_penalty", "found 10", "select_last_rounds = 0"});
}

TEST(CaseFile, RoundSelectionCoversAtMostTheStagesRounds) {
  CaseText c;
  c.append("[[stage]]");
  c.append("type = \"ceres_lbfgs\"");
  c.append("multiplier_updates = 2");
  const int n = c.append("select_last_rounds = 4");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.1.select_last_rounds", "found 4", "3 multiplier rounds"});
  CaseText d;
  d.append("[[stage]]");
  d.append("type = \"ceres_lm\"");
  d.append("multiplier_updates = 2");
  d.append("select_last_rounds = 3");
  EXPECT_EQ(pinn::parse_case(d.str(), "case.toml").stages[1].select_last_rounds, 3);
}

TEST(CaseFile, UnknownSchedule) {
  CaseText c;
  const int n = c.insert("stage", "schedule = \"linear\"");
  expect_rejected(c, {at(n, c.value_column(n)), "stage.0.schedule", "found \"linear\"",
                      "allowed: constant|step|cosine|exponential"});
}

// ---------------------------------------------------------------- expressions

TEST(CaseFile, UnbalancedParenthesisInExpression) {
  CaseText c;
  const int n = c.replace("problem", "obstacle", "obstacle = \"0.5 - 8*(x - 0.5\"");
  expect_rejected(c, {at(n, c.value_column(n)), "problem.obstacle", "cannot parse expression \"0.5 - 8*(x - 0.5\"",
                      "allowed: numbers, variables x y z t"});
}

TEST(CaseFile, UnknownVariableInExpression) {
  CaseText c;
  const int n = c.replace("problem", "source", "source = \"q*x\"");
  expect_rejected(c, {at(n, c.value_column(n)), "problem.source", "\"q*x\"", "variables x y z t"});
}

TEST(CaseFile, BadExpressionInBoundaryTable) {
  CaseText c;
  const int n = c.replace("problem", "boundary", "boundary = { type = \"dirichlet\", value = \"sin(\" }");
  expect_rejected(c, {at(n, c.column_of(n, "\"sin(\"")), "problem.boundary.value", "\"sin(\"", "functions sin cos"});
}

TEST(CaseFile, EmptyExpression) {
  CaseText c;
  const int n = c.replace("problem", "source", "source = \"\"");
  expect_rejected(c, {at(n, c.value_column(n)), "problem.source", "empty expression", "allowed: numbers"});
}

TEST(CaseFile, ExpressionNotFiniteOnTheBoundary) {
  CaseText c;
  const int n = c.replace("problem", "boundary", "boundary = { type = \"dirichlet\", value = \"ln(x)\" }");
  expect_rejected(c, {at(n), "problem.boundary.value", "\"ln(x)\"", "must be finite wherever it is evaluated"});
}

// ---------------------------------------------------------------- refused combinations

TEST(CaseFile, StrongFormWithPrelu) {
  CaseText c;
  c.replace("network", "activation", "activation = \"prelu\"");
  const int n = c.replace("loss", "form", "form = \"strong\"");
  expect_rejected(c, {at(n, c.value_column(n)), "loss.form = \"strong\"", "network.activation = \"prelu\"",
                      "piecewise-linear", "Δu = 0", "\"energy\"", "\"first_order\"", "smooth activation", "tanh"});
}

TEST(CaseFile, ProximalFormWithLeakyRelu) {
  CaseText c;
  c.replace("network", "activation", "activation = \"leaky_relu\"");
  const int n = c.replace("loss", "form", "form = \"proximal\"");
  expect_rejected(c, {at(n, c.value_column(n)), "loss.form = \"proximal\"", "network.activation = \"leaky_relu\"",
                      "piecewise-linear", "Δu = 0", "energy", "first_order", "softplus"});
}

TEST(CaseFile, ProximalFormWithUpperObstacle) {
  CaseText c;
  c.insert("problem", "upper_obstacle = \"1\"");
  const int n = c.replace("loss", "form", "form = \"proximal\"");
  expect_rejected(c, {at(n, c.value_column(n)), "loss.form = \"proximal\"", "lower obstacle only",
                      "upper_obstacle", "\"energy\""});
}

TEST(CaseFile, ObstacleAboveBoundaryData) {
  CaseText c;
  const int n = c.replace("problem", "obstacle", "obstacle = \"1\"");
  expect_rejected(c, {at(n, c.value_column(n)), "problem.obstacle", "above the boundary data", "psi = 1 > g = 0",
                      "psi <= g"});
}

TEST(CaseFile, UpperObstacleBelowBoundaryData) {
  CaseText c;
  const int n = c.insert("problem", "upper_obstacle = \"-1\"");
  expect_rejected(c, {at(n, c.value_column(n)), "problem.upper_obstacle", "below the boundary data",
                      "upper_obstacle = -1 < g = 0", "allowed: upper_obstacle >= g"});
}

TEST(CaseFile, NoObstacleAtAll) {
  CaseText c;
  c.remove("problem", "obstacle");
  expect_rejected(c, {at(2), "neither 'obstacle' nor 'upper_obstacle'", "at least one"});
}

// ---------------------------------------------------------------- missing parts

TEST(CaseFile, MissingProblemSection) {
  CaseText c;
  c.remove_section("problem");
  expect_rejected(c, {"case.toml:", "[problem] section is missing"});
}

TEST(CaseFile, MissingName) {
  CaseText c;
  c.remove("problem", "name");
  expect_rejected(c, {at(2), "problem.name is missing", "required (a string)"});
}

TEST(CaseFile, NameWithSlash) {
  CaseText c;
  const int n = c.replace("problem", "name", "name = \"a/b\"");
  expect_rejected(c, {at(n, c.value_column(n)), "problem.name", "found \"a/b\"", "allowed: a non-empty name without '/'"});
}

TEST(CaseFile, MissingDomain) {
  CaseText c;
  c.remove("problem", "domain");
  expect_rejected(c, {at(2), "problem.domain is missing", "type = \"interval\""});
}

TEST(CaseFile, TomlSyntaxError) {
  CaseText c;
  const int n = c.replace("network", "hidden", "hidden = [8, 8");
  expect_rejected(c, {"case.toml:", "TOML syntax error"});
  // toml++ may place the error on the broken line or at the next token; it must be at or just after it.
  const std::string message = user_error(c.str());
  const bool near = message.find(at(n)) != std::string::npos || message.find(at(n + 1)) != std::string::npos;
  EXPECT_TRUE(near) << message;
}

TEST(CaseFile, TomlSyntaxErrorOnItsLine) {
  CaseText c;
  const int n = c.replace("loss", "penalty", "penalty = = 3");
  expect_rejected(c, {at(n), "TOML syntax error"});
}

TEST(CaseFile, DuplicateKeyIsASyntaxError) {
  CaseText c;
  const int first = c.insert("loss", "penalty = 5.0");  // before form, barrier and the base penalty line
  expect_rejected(c, {at(first + 3), "TOML syntax error", "penalty"});
}

TEST(CaseFile, EmptyHidden) {
  CaseText c;
  const int n = c.replace("network", "hidden", "hidden = []");
  expect_rejected(c, {at(n, c.value_column(n)), "network.hidden", "found an empty array",
                      "allowed: a non-empty array of layer widths"});
}

TEST(CaseFile, ZeroWidthLayer) {
  CaseText c;
  const int n = c.replace("network", "hidden", "hidden = [32, 0]");
  expect_rejected(c, {at(n, c.column_of(n, "0]")), "network.hidden", "found the integer 0",
                      "allowed: integer widths in [1, 4096]"});
}

TEST(CaseFile, TooManyLayers) {
  CaseText c;
  const int n = c.replace("network", "hidden", "hidden = [4, 4, 4, 4, 4, 4, 4, 4, 4, 4]");
  expect_rejected(c, {at(n, c.value_column(n)), "network.hidden", "found 10 hidden layers", "allowed: 1 to 9"});
}

// ---------------------------------------------------------------- bad --set

TEST(CaseFile, OverrideWithoutEquals) {
  const std::string message = user_error(CaseText().str(), {"network.activation"});
  expect_parts(message, {"--set network.activation", "expected section.key=value", "network.activation=tanh"});
}

TEST(CaseFile, OverrideWithOneName) {
  const std::string message = user_error(CaseText().str(), {"seed=3"});
  expect_parts(message, {"--set seed=3", "section.key=value", "at least two names"});
}

TEST(CaseFile, OverrideBadStageIndex) {
  const std::string message = user_error(CaseText().str(), {"stage.5.iterations=1"});
  expect_parts(message, {"--set stage.5.iterations=1", "'5' is not an index", "1 entries", "use 0..0"});
}

TEST(CaseFile, OverrideOfAStageInAFileWithoutStages) {
  CaseText c;
  c.remove_section("stage");
  const std::string message = user_error(c.str(), {"stage.1.multiplier_updates=10"});
  expect_parts(message, {"--set 'stage.1.multiplier_updates=10'", "stage.1 changes a [[stage]] table",
                         "this file has none", "default pipeline", "--explain"});
  // Two stages named: both said, whichever --set came first.
  const std::string two = user_error(c.str(), {"stage.1.iterations=30", "stage.0.iterations=300"});
  expect_parts(two,
               {"--set 'stage.1.iterations=30'", "stage.0, stage.1 change [[stage]] tables", "this file has none"});
}

TEST(CaseFile, OverrideNonNumericIndex) {
  const std::string message = user_error(CaseText().str(), {"stage.first.iterations=1"});
  expect_parts(message, {"--set stage.first.iterations=1", "'first' is not an index", "use 0..0"});
}

TEST(CaseFile, OverrideProducingInvalidValue) {
  const std::string message = user_error(CaseText().str(), {"network.activation=foo"});
  expect_parts(message, {"--set 'network.activation=foo'", "network.activation", "found \"foo\"",
                         "allowed: relu|leaky_relu|prelu|tanh|softplus|sin"});
  // The location names the --set, not a line of the file that is fine.
  EXPECT_EQ(message.find("case.toml"), std::string::npos) << message;
}

TEST(CaseFile, OverrideOutOfRange) {
  const std::string message = user_error(CaseText().str(), {"stage.0.iterations=-1"});
  expect_parts(message, {"--set 'stage.0.iterations=-1'", "stage.0.iterations", "found -1", "[0, 100000000]"});
}

TEST(CaseFile, OverrideUnknownKey) {
  const std::string message = user_error(CaseText().str(), {"network.depth=3"});
  expect_parts(message, {"--set 'network.depth=3'", "unknown key 'network.depth'", "allowed: hidden|"});
}

TEST(CaseFile, OverrideBadHiddenWidth) {
  const std::string message = user_error(CaseText().str(), {"network.hidden=[16, 0]"});
  expect_parts(message, {"--set 'network.hidden=[16, 0]'", "network.hidden", "found the integer 0", "[1, 4096]"});
}

TEST(CaseFile, OverrideUnreadableValue) {
  // Neither TOML nor a bare word: must still be a UserError (exit code 2), not a raw toml++ exception.
  const std::string message = user_error(CaseText().str(), {"network.activation=ta\"nh"});
  expect_parts(message, {"--set network.activation=ta\"nh", "cannot read", "allowed: a TOML value"});
}

TEST(CaseFile, OverrideBelowAValue) {
  const std::string message = user_error(CaseText().str(), {"network.activation.kind=tanh"});
  expect_parts(message, {"--set network.activation.kind=tanh", "'kind'", "not a table"});
}

// ---------------------------------------------------------------- valid cases

TEST(CaseFile, ValidCaseParses) {
  const pinn::CaseConfig c = pinn::parse_case(CaseText().str(), "case.toml");
  EXPECT_EQ(c.path, "case.toml");
  EXPECT_EQ(c.problem.name, "t1d");
  EXPECT_EQ(c.texts.description, "test case");
  EXPECT_EQ(c.problem.domain.dim(), 1);
  EXPECT_DOUBLE_EQ(c.problem.domain.lower()[0], 0.0);
  EXPECT_DOUBLE_EQ(c.problem.domain.upper()[0], 1.0);
  EXPECT_TRUE(c.problem.has_lower());
  EXPECT_FALSE(c.problem.has_upper());
  EXPECT_TRUE(c.problem.has_exact());
  const double x = 0.25;
  EXPECT_DOUBLE_EQ(c.problem.lower_obstacle(&x), 0.5 - 8 * 0.0625);
  EXPECT_DOUBLE_EQ(c.problem.exact(&x), 0.25 * 0.75);
  EXPECT_DOUBLE_EQ(c.problem.source(&x), 0.0);
  EXPECT_DOUBLE_EQ(c.problem.boundary(&x), 0.0);
  EXPECT_EQ(c.texts.obstacle, "0.5 - 8*(x - 0.5)^2");
  EXPECT_EQ(c.network.hidden, (std::vector<int>{8, 8}));
  EXPECT_EQ(c.network.activation, pinn::Activation::tanh);
  EXPECT_EQ(c.network.n_inputs, 1);
  EXPECT_EQ(c.network.n_outputs, 1);
  EXPECT_EQ(c.loss.form, pinn::LossForm::energy);
  EXPECT_EQ(c.loss.barrier, pinn::Barrier::relu2);
  EXPECT_DOUBLE_EQ(c.loss.penalty, 1e3);
  EXPECT_EQ(c.sampling.interior, 64);
  EXPECT_EQ(c.sampling.method, pinn::SamplingMethod::grid);
  ASSERT_EQ(c.stages.size(), 1u);
  EXPECT_EQ(c.stages[0].type, "adam");
  EXPECT_EQ(c.stages[0].iterations, 100);
  EXPECT_DOUBLE_EQ(schedule_of(c.stages[0]).initial, 1e-2);
  EXPECT_EQ(c.output.log_every, 10);
  EXPECT_EQ(c.output.directory, "results/t1d");
  EXPECT_EQ(c.seed, 7u);
  EXPECT_NE(c.effective_json.find("\"t1d\""), std::string::npos);
}

TEST(CaseFile, DefaultsAreApplied) {
  const std::string text =
      "[problem]\n"
      "name = \"minimal\"\n"
      "domain = { type = \"interval\" }\n"
      "obstacle = \"-1\"\n";
  const pinn::CaseConfig c = pinn::parse_case(text, "case.toml");
  EXPECT_DOUBLE_EQ(c.problem.domain.lower()[0], 0.0);
  EXPECT_DOUBLE_EQ(c.problem.domain.upper()[0], 1.0);
  EXPECT_EQ(c.texts.source, "0");
  EXPECT_EQ(c.texts.boundary, "0");
  EXPECT_FALSE(c.problem.has_exact());
  EXPECT_EQ(c.network.hidden, (std::vector<int>{16, 16}));  // the 1D default pipeline's
  EXPECT_EQ(c.network.activation, pinn::Activation::tanh);
  EXPECT_DOUBLE_EQ(c.network.alpha, 0.1);
  EXPECT_EQ(c.network.alpha_mode, pinn::AlphaMode::layer);
  EXPECT_EQ(c.network.alpha_constraint, pinn::AlphaConstraint::none);
  EXPECT_EQ(c.loss.form, pinn::LossForm::energy);
  EXPECT_EQ(c.loss.barrier, pinn::Barrier::relu2);
  EXPECT_EQ(c.loss.complementarity, pinn::Complementarity::min);
  EXPECT_EQ(c.loss.boundary, pinn::BoundaryMode::hard);
  EXPECT_DOUBLE_EQ(c.loss.penalty, 1e3);
  EXPECT_DOUBLE_EQ(c.loss.boundary_weight, 1e3);
  EXPECT_DOUBLE_EQ(c.loss.leaky_beta, 0.01);
  EXPECT_DOUBLE_EQ(c.loss.softplus_sharpness, 50.0);
  EXPECT_DOUBLE_EQ(c.loss.proximal_step, 0.1);
  // Without [[stage]], the default pipeline of the dimension (solver/default_pipeline.cpp).
  EXPECT_EQ(c.sampling.interior, 512);
  EXPECT_EQ(c.sampling.boundary, 0);
  EXPECT_EQ(c.sampling.method, pinn::SamplingMethod::grid);
  ASSERT_EQ(c.stages.size(), 2u);
  EXPECT_EQ(c.stages[0].type, "adam");
  EXPECT_EQ(c.stages[1].type, "ceres_lm");
  EXPECT_FALSE(c.pipeline_notes.empty());
  // A [[stage]] table's own defaults, and [sampling] interior's with it.
  const pinn::CaseConfig s = pinn::parse_case(text + "[[stage]]\n", "case.toml");
  EXPECT_EQ(s.sampling.interior, 256);
  EXPECT_EQ(s.network.hidden, (std::vector<int>{32, 32}));
  ASSERT_EQ(s.stages.size(), 1u);
  EXPECT_EQ(s.stages[0].type, "adam");
  EXPECT_EQ(s.stages[0].iterations, 2000);
  EXPECT_DOUBLE_EQ(schedule_of(s.stages[0]).initial, 1e-3);
  EXPECT_EQ(schedule_of(s.stages[0]).kind, pinn::ScheduleKind::constant);
  EXPECT_EQ(s.stages[0].multiplier_updates, 0);
  EXPECT_DOUBLE_EQ(s.stages[0].penalty_growth, 1.0);
  EXPECT_DOUBLE_EQ(s.stages[0].time_limit, 0.0);
  EXPECT_TRUE(s.pipeline_notes.empty());
  EXPECT_EQ(c.output.directory, "results/minimal");
  EXPECT_EQ(c.output.snapshots, 0);
  EXPECT_EQ(c.output.log_every, 100);
  EXPECT_EQ(c.output.evaluation_points, 0);
  EXPECT_EQ(c.seed, 1u);
  EXPECT_EQ(c.threads, 0);
}

TEST(CaseFile, OverridesTakeEffect) {
  const pinn::CaseConfig c =
      pinn::parse_case(CaseText().str(), "case.toml",
                       {"network.hidden=[16,16]", "stage.0.iterations=10", "network.activation=prelu",
                        "loss.penalty=1e4", "output.directory=\"out/x\"", "run.threads=2"});
  EXPECT_EQ(c.network.hidden, (std::vector<int>{16, 16}));
  EXPECT_EQ(c.stages.at(0).iterations, 10);
  EXPECT_EQ(c.network.activation, pinn::Activation::prelu);  // bare word taken as a string
  EXPECT_DOUBLE_EQ(c.loss.penalty, 1e4);
  EXPECT_EQ(c.output.directory, "out/x");
  EXPECT_EQ(c.threads, 2);
  EXPECT_NE(c.effective_json.find("prelu"), std::string::npos) << c.effective_json;
}

TEST(CaseFile, OverrideAddsAKeyAndASection) {
  const pinn::CaseConfig c =
      pinn::parse_case(CaseText().str(), "case.toml", {"loss.complementarity=fischer_burmeister", "run.seed=11"});
  EXPECT_EQ(c.loss.complementarity, pinn::Complementarity::fischer_burmeister);
  EXPECT_EQ(c.seed, 11u);
}

TEST(CaseFile, OverrideIntoInlineTableAndQuotedString) {
  const pinn::CaseConfig c = pinn::parse_case(CaseText().str(), "case.toml",
                                              {"problem.domain.max=2.0", "output.directory=\"out/run 1\""});
  EXPECT_DOUBLE_EQ(c.problem.domain.upper()[0], 2.0);
  EXPECT_EQ(c.output.directory, "out/run 1");
}

TEST(CaseFile, LaterOverrideWins) {
  const pinn::CaseConfig c =
      pinn::parse_case(CaseText().str(), "case.toml", {"sampling.interior=10", "sampling.interior=20"});
  EXPECT_EQ(c.sampling.interior, 20);
}

TEST(CaseFile, TwoDimensionalFirstOrderCase) {
  const std::string text =
      "[problem]\n"
      "name = \"stairs\"\n"
      "domain = { type = \"rectangle\", min = [-1, -1], max = [1, 1] }\n"
      "source = \"-10\"\n"
      "obstacle = \"x < -0.5 ? -0.2 : (x < 0 ? -0.4 : (x < 0.5 ? -0.6 : -0.8))\"\n"
      "[network]\n"
      "activation = \"prelu\"\n"
      "alpha_mode = \"channel\"\n"
      "[loss]\n"
      "form = \"first_order\"\n"
      "[[stage]]\n"
      "type = \"adam\"\n"
      "[[stage]]\n"
      "type = \"sgd\"\n"
      "schedule = \"step\"\n"
      "lr_gamma = 0.9\n"
      "lr_step = 50\n";
  const pinn::CaseConfig c = pinn::parse_case(text, "case.toml");
  EXPECT_EQ(c.problem.domain.dim(), 2);
  EXPECT_EQ(c.network.n_inputs, 2);
  EXPECT_EQ(c.network.n_outputs, 3);  // u and the flux σ
  EXPECT_EQ(c.network.alpha_mode, pinn::AlphaMode::channel);
  const double p1[2] = {-0.75, 0.3}, p2[2] = {0.25, 0.0}, p3[2] = {0.9, -0.9};
  EXPECT_DOUBLE_EQ(c.problem.lower_obstacle(p1), -0.2);
  EXPECT_DOUBLE_EQ(c.problem.lower_obstacle(p2), -0.6);
  EXPECT_DOUBLE_EQ(c.problem.lower_obstacle(p3), -0.8);
  EXPECT_DOUBLE_EQ(c.problem.source(p1), -10.0);
  ASSERT_EQ(c.stages.size(), 2u);
  EXPECT_EQ(c.stages[1].type, "sgd");
  EXPECT_EQ(schedule_of(c.stages[1]).kind, pinn::ScheduleKind::step);
  EXPECT_DOUBLE_EQ(schedule_of(c.stages[1]).gamma, 0.9);
  EXPECT_EQ(schedule_of(c.stages[1]).step_size, 50);
}

TEST(CaseFile, SmoothStrongFormIsAccepted) {
  CaseText c;
  c.replace("network", "activation", "activation = \"softplus\"");
  c.replace("loss", "form", "form = \"strong\"");
  EXPECT_NO_THROW(pinn::parse_case(c.str(), "case.toml"));
}

/// Loads every .toml file of `dir`, hands each to `check`, and returns how many there were; a file
/// that does not load is a failure named by its path.
int check_every_case_file(const std::filesystem::path& dir,
                          const std::function<void(const pinn::CaseConfig&, const std::filesystem::path&)>& check) {
  EXPECT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int count = 0;
  for (const std::filesystem::directory_entry& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    ++count;
    SCOPED_TRACE(entry.path().string());
    try {
      check(pinn::load_case_file(entry.path().string()), entry.path());
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  }
  return count;
}

TEST(CaseFile, EveryShippedCaseParses) {
  const int count = check_every_case_file(std::filesystem::path(PINN_SOURCE_DIR) / "cases",
                                          [](const pinn::CaseConfig& c, const std::filesystem::path&) {
                                            EXPECT_FALSE(c.problem.name.empty());
                                            EXPECT_FALSE(c.stages.empty());
                                          });
  EXPECT_GE(count, 1);
}

TEST(CaseFile, EveryProblemOnlyFileOfTheTestDataParsesWithADefaultPipeline) {
  int count = 0;
  for (const char* folder : {"new_problems", "unseen_problems", "operator_problems", "scratch_problems"})
    count += check_every_case_file(std::filesystem::path(PINN_TEST_DATA_DIR) / folder,
                                   [](const pinn::CaseConfig& c, const std::filesystem::path& path) {
                                     EXPECT_EQ(c.problem.name, path.stem().string());
                                     EXPECT_FALSE(c.pipeline_notes.empty()) << "a [problem] table only: the default";
                                   });
  EXPECT_GE(count, 51);
}

TEST(CaseFile, MissingFileIsAUserError) {
  try {
    pinn::load_case_file("/nonexistent/case.toml");
    FAIL() << "expected pinn::UserError";
  } catch (const pinn::UserError& e) {
    expect_parts(e.what(), {"/nonexistent/case.toml", "no such file"});
  }
}

}  // namespace

TEST(CaseFile, ChangingTheActivationOfATunedCaseIsNoted) {
  const std::string path = std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml";
  EXPECT_TRUE(pinn::load_case_file(path).notices.empty());
  const pinn::CaseConfig changed = pinn::load_case_file(path, {"network.activation=prelu"});
  ASSERT_EQ(changed.notices.size(), 1u);
  EXPECT_NE(changed.notices[0].find("network.activation was changed by --set 'network.activation=prelu'"),
            std::string::npos)
      << changed.notices[0];
  EXPECT_NE(changed.notices[0].find("[[stage]]"), std::string::npos);
  const pinn::CaseConfig form = pinn::load_case_file(path, {"loss.form=\"strong\""});
  ASSERT_EQ(form.notices.size(), 1u);
  EXPECT_NE(form.notices[0].find("loss.form"), std::string::npos);
}
