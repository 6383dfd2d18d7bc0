/// @file tests/solver/test_scaled_problems.cpp
/// @brief A problem far from unit size is trained in mapped units and
/// reported in its own: the same problem on (−1, 1) and shrunk onto
/// (999.99, 1000.01) with values 1e-3 times smaller reach the same accuracy,
/// with the contact set in each one's units.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

// −u'' ≥ f, u ≥ ψ on (c − L, c + L), u = 0 at the ends, with u = s·û((x − c)/L)
// for the unit problem û: f = s·f̂/L², ψ = s·ψ̂.
std::string twin(double c, double L, double s) {
  std::ostringstream text;
  text.precision(17);
  text << "[problem]\nname = \"twin\"\ndomain = { type = \"interval\", min = [" << c - L << "], max = [" << c + L
       << "] }\nsource = \"" << -8.0 * s / (L * L) << "\"\nobstacle = \"" << 0.3 * s << " - " << s / (L * L)
       << " * (x - " << c << ")^2\"\nboundary = { type = \"dirichlet\", value = \"0\" }\n"
       << "[network]\nhidden = [16, 16]\n[sampling]\ninterior = 256\n"
       << "[[stage]]\ntype = \"adam\"\niterations = 600\nlearning_rate = 1e-2\nschedule = \"cosine\"\n"
       << "min_learning_rate = 1e-5\nmultiplier_updates = 5\n"
       << "[[stage]]\ntype = \"ceres_lm\"\niterations = 150\nmultiplier_updates = 15\n";
  return text.str();
}

pinn::RunResult solve(const std::string& text, const std::string& out) {
  pinn::CaseConfig config = pinn::parse_case(text, "twin.toml", {});
  config.output.directory = out;
  pinn::RunOptions options;
  options.quiet = true;
  pinn::ObstacleSolver solver(config, options);
  return solver.run();
}

}  // namespace

TEST(ScaledProblems, AFarTinyTwinReachesTheUnitProblemsAccuracyInItsOwnUnits) {
  namespace fs = std::filesystem;
  const fs::path base = fs::temp_directory_path() / ("pinn_scaled_" + std::to_string(::getpid()));
  fs::remove_all(base);
  const pinn::RunResult unit = solve(twin(0.0, 1.0, 1.0), (base / "unit").string());
  const pinn::RunResult far = solve(twin(1000.0, 0.01, 1e-3), (base / "far").string());
  ASSERT_EQ(unit.status, pinn::RunStatus::ok);
  ASSERT_EQ(far.status, pinn::RunStatus::ok);
  ASSERT_TRUE(unit.metrics.has_error());
  EXPECT_LT(unit.metrics.rel_l2, 1e-2);
  // Trained in mapped units, the twin is as accurate (unmapped it ended near 0.7, as tiny1d did).
  EXPECT_LT(far.metrics.rel_l2, 2.0 * unit.metrics.rel_l2 + 1e-4);
  // The contact sets in the twin's own coordinates: the reference's is
  // 1000 + 0.01·(the unit one's), and the network's lies near it.
  ASSERT_EQ(unit.metrics.exact_contact_interval.size(), 2u);
  ASSERT_EQ(far.metrics.exact_contact_interval.size(), 2u);
  ASSERT_EQ(far.metrics.contact_interval.size(), 2u);
  for (int k = 0; k < 2; ++k) {
    EXPECT_NEAR(far.metrics.exact_contact_interval[k], 1000.0 + 0.01 * unit.metrics.exact_contact_interval[k], 1e-6);
    EXPECT_NEAR(far.metrics.contact_interval[k], far.metrics.exact_contact_interval[k], 0.05 * 0.01);
  }
  EXPECT_NEAR(far.metrics.max_abs, 1e-3 * unit.metrics.max_abs, 1e-3 * unit.metrics.max_abs + 1e-7);
  // summary.json says how it was trained; the solution file's coordinates are the twin's.
  std::ifstream summary(base / "far" / "summary.json");
  const std::string json((std::istreambuf_iterator<char>(summary)), std::istreambuf_iterator<char>());
  EXPECT_NE(json.find("\"scaling\""), std::string::npos);
  std::ifstream unit_summary(base / "unit" / "summary.json");
  const std::string unit_json((std::istreambuf_iterator<char>(unit_summary)), std::istreambuf_iterator<char>());
  EXPECT_EQ(unit_json.find("\"scaling\""), std::string::npos) << "a unit-range problem is solved as given";
  std::ifstream solution(base / "far" / "solution.vtu");
  const std::string vtu((std::istreambuf_iterator<char>(solution)), std::istreambuf_iterator<char>());
  EXPECT_NE(vtu.find("999.99"), std::string::npos) << "points in the case's own coordinates";
  fs::remove_all(base);
}
