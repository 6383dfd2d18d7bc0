/// @file tests/solver/test_obstacle_solver.cpp
/// @brief End to end: obstacle1d from its case file, outputs read back, reproducibility.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"
#include "solver/solution_fields.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <vtkDataArray.h>
#include <vtkFieldData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkUnstructuredGrid.h>
#include <vtkRectilinearGrid.h>
#include <vtkXMLRectilinearGridReader.h>
#include <vtkXMLUnstructuredGridReader.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

std::string case_path(const std::string& name) { return std::string(PINN_SOURCE_DIR) + "/cases/" + name + ".toml"; }

fs::path fresh_directory(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("obstacle_pinn_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ObstacleSolver, Obstacle1dWithAdamReachesOnePercentAndWritesReadableOutputs) {
  const fs::path out = fresh_directory("obstacle1d");
  pinn::CaseConfig config = pinn::load_case_file(
      case_path("obstacle1d"),
      {"stage.0.iterations=4000", "sampling.interior=128", "stage.0.multiplier_updates=10", "output.log_every=1000"});
  config.stages.resize(1);  // Adam alone must reach 1e-2; the case's Ceres stage is tested elsewhere
  pinn::RunOptions options;
  options.output_directory = out.string();
  options.quiet = true;
  pinn::ObstacleSolver solver(config, options);
  const pinn::RunResult result = solver.run();

  EXPECT_EQ(result.status, pinn::RunStatus::ok);
  EXPECT_EQ(result.metrics.reference, pinn::ReferenceKind::exact);
  EXPECT_LE(result.metrics.rel_l2, 1e-2);
  ASSERT_EQ(result.metrics.exact_contact_interval.size(), 2u);
  EXPECT_NEAR(result.metrics.exact_contact_interval[0], std::sqrt(3.0) / 4.0, 1e-7);
  EXPECT_NEAR(result.metrics.exact_contact_interval[1], 1.0 - std::sqrt(3.0) / 4.0, 1e-7);
  ASSERT_EQ(result.metrics.contact_interval.size(), 2u);
  EXPECT_LT(result.metrics.contact_set_error, 0.05);

  // summary.json has the fields README.md lists ("What a run produces").
  const auto summary = nlohmann::json::parse(read_text(out / "summary.json"));
  EXPECT_EQ(summary["case"], "obstacle1d");
  EXPECT_EQ(summary["status"], "ok");
  EXPECT_NEAR(summary["metrics"]["rel_l2"].get<double>(), result.metrics.rel_l2, 1e-15);
  EXPECT_EQ(summary["metrics"]["reference"], "exact");
  for (const char* key : {"max_abs", "rel_h1", "contact_set_error", "max_violation", "complementarity"})
    EXPECT_TRUE(summary["metrics"].contains(key)) << key;
  // The energy form's multipliers are the contact force: the contact set comes from their mass.
  EXPECT_EQ(summary["metrics"]["contact_estimate"], "multiplier_mass");
  EXPECT_EQ(summary["metrics"]["active_contact_interval"].size(), 2u);
  // The components as [a, b] pairs, contact_interval their hull.
  const auto& components = summary["metrics"]["contact_intervals"];
  ASSERT_GE(components.size(), 1u);
  EXPECT_EQ(components.front()[0], summary["metrics"]["contact_interval"][0]);
  EXPECT_EQ(components.back()[1], summary["metrics"]["contact_interval"][1]);
  ASSERT_EQ(summary["metrics"]["exact_contact_intervals"].size(), 1u);
  EXPECT_EQ(summary["metrics"]["exact_contact_intervals"][0], summary["metrics"]["exact_contact_interval"]);
  ASSERT_EQ(summary["stages"].size(), 1u);
  EXPECT_EQ(summary["stages"][0]["name"], "adam");
  EXPECT_EQ(summary["stages"][0]["iterations"], 4000);
  EXPECT_EQ(summary["stages"][0]["termination"], "completed");
  EXPECT_EQ(summary["network"]["n_params"], solver.network().n_params());
  EXPECT_EQ(summary["network"]["activation"], "tanh");
  EXPECT_TRUE(summary["kokkos"].contains("backend"));
  ASSERT_EQ(summary["diagnostics"]["layers"].size(), 2u) << "one entry per hidden layer";
  EXPECT_GT(summary["diagnostics"]["lipschitz_bound"].get<double>(), 0.0);
  EXPECT_GE(summary["diagnostics"]["layers"][0]["negative_fraction"].get<double>(), 0.0);
  EXPECT_FALSE(summary["diagnostics"].contains("kinks")) << "kinks are counted for piecewise-linear networks only";
  EXPECT_EQ(summary["configuration"]["stage"][0]["iterations"], 4000) << "the effective configuration includes --set";

  // history.csv: header and one row per logged iteration.
  std::istringstream history(read_text(out / "history.csv"));
  std::string line;
  std::getline(history, line);
  EXPECT_EQ(line.rfind("stage,stage_index,iteration,loss,", 0), 0u);
  EXPECT_NE(line.find(",negative_fraction,dead_neurons,lipschitz_bound"), std::string::npos) << line;
  EXPECT_GT(solver.history().back().lipschitz_bound, 0.0);
  EXPECT_GT(solver.history().back().negative_fraction, 0.0);
  int rows = 0;
  while (std::getline(history, line)) ++rows;
  EXPECT_EQ(rows, static_cast<int>(solver.history().size()));
  EXPECT_GE(rows, 4);

  // solution.vtu read back with VTK: the fields match the network.
  vtkNew<vtkXMLUnstructuredGridReader> reader;
  reader->SetFileName((out / "solution.vtu").string().c_str());
  reader->Update();
  vtkUnstructuredGrid* mesh = reader->GetOutput();
  ASSERT_EQ(mesh->GetNumberOfPoints(), 1001);
  EXPECT_EQ(mesh->GetNumberOfCells(), 1000);
  for (const char* name : {"u", "psi", "gap", "contact", "lambda", "error", "residual"})
    ASSERT_NE(mesh->GetPointData()->GetArray(name), nullptr) << name;
  vtkDataArray* u = mesh->GetPointData()->GetArray("u");
  vtkDataArray* psi = mesh->GetPointData()->GetArray("psi");
  vtkDataArray* gap = mesh->GetPointData()->GetArray("gap");
  vtkDataArray* contact = mesh->GetPointData()->GetArray("contact");
  std::vector<double> points;
  for (vtkIdType i = 0; i < mesh->GetNumberOfPoints(); ++i) points.push_back(mesh->GetPoint(i)[0]);
  const pinn::SolutionFields fields =
      pinn::evaluate_solution(pinn::ExecSpace(), solver.network(), config.problem, config.loss, points);
  int in_contact = 0;
  for (vtkIdType i = 0; i < mesh->GetNumberOfPoints(); ++i) {
    EXPECT_DOUBLE_EQ(u->GetTuple1(i), fields.u[i]);
    EXPECT_NEAR(psi->GetTuple1(i), 0.5 - 8 * (points[i] - 0.5) * (points[i] - 0.5), 1e-14);
    EXPECT_NEAR(gap->GetTuple1(i), fields.u[i] - psi->GetTuple1(i), 1e-14);
    in_contact += contact->GetTuple1(i) > 0.5;
  }
  EXPECT_NEAR(in_contact / 1000.0, 1.0 - std::sqrt(3.0) / 2.0, 0.05) << "contact set length about 1 − √3/2";
  EXPECT_NE(mesh->GetFieldData()->GetAbstractArray("case"), nullptr);

  // solution.vtr: the same grid as a rectilinear data set, the same values.
  vtkNew<vtkXMLRectilinearGridReader> rectilinear;
  rectilinear->SetFileName((out / "solution.vtr").string().c_str());
  rectilinear->Update();
  vtkRectilinearGrid* grid = rectilinear->GetOutput();
  ASSERT_EQ(grid->GetNumberOfPoints(), 1001);
  for (vtkIdType i = 0; i < grid->GetNumberOfPoints(); i += 100) {
    EXPECT_DOUBLE_EQ(grid->GetPoint(i)[0], points[i]);
    EXPECT_DOUBLE_EQ(grid->GetPointData()->GetArray("u")->GetTuple1(i), fields.u[i]);
  }
  // points.vtu: the training points as vertices, with their multipliers.
  vtkNew<vtkXMLUnstructuredGridReader> sampled;
  sampled->SetFileName((out / "points.vtu").string().c_str());
  sampled->Update();
  EXPECT_EQ(sampled->GetOutput()->GetNumberOfPoints(), 128);
  EXPECT_EQ(sampled->GetOutput()->GetNumberOfCells(), 128);
  ASSERT_NE(sampled->GetOutput()->GetPointData()->GetArray("lambda"), nullptr);
  vtkDataArray* sampled_lambda = sampled->GetOutput()->GetPointData()->GetArray("lambda");
  vtkDataArray* sampled_contact = sampled->GetOutput()->GetPointData()->GetArray("contact");
  ASSERT_NE(sampled_contact, nullptr);
  double total_force = 0.0;
  for (vtkIdType i = 0; i < 128; ++i) {
    const double lambda = sampled_lambda->GetTuple1(i);
    EXPECT_GE(lambda, 0.0);
    EXPECT_EQ(sampled_contact->GetTuple1(i) > 0.5, lambda > 0.0) << "contact is read from the multipliers";
    total_force += lambda / 128.0;
  }
  // ∫λ = 16 · (1 − √3/2) ≈ 2.14; after Adam alone the multipliers are rough.
  EXPECT_NEAR(total_force, 16.0 * (1.0 - std::sqrt(3.0) / 2.0), 1.0);
  EXPECT_FALSE(fs::exists(out / "summary.json.tmp")) << "no temporary files left behind";
  fs::remove_all(out);
}

pinn::CaseConfig short_case(std::uint64_t seed) {
  pinn::CaseConfig c =
      pinn::load_case_file(case_path("obstacle1d"), {"stage.0.iterations=50", "sampling.interior=64",
                                                     "sampling.method=\"random\"", "stage.0.multiplier_updates=2"});
  c.stages.resize(1);
  c.seed = seed;
  return c;
}

std::vector<double> trained_parameters(std::uint64_t seed) {
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver solver(short_case(seed), options);
  solver.run();
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.network().params());
  return std::vector<double>(host.data(), host.data() + host.extent(0));
}

TEST(ObstacleSolver, ResultsAreReproducibleFromTheSeed) {
  const auto a = trained_parameters(7), b = trained_parameters(7), c = trained_parameters(8);
  EXPECT_EQ(a, b) << "same seed, bitwise the same parameters";
  EXPECT_NE(a, c);
}

TEST(ObstacleSolver, PiecewiseLinearNetworksReadTheContactSetFromTheActivePoints) {
  // Their −Δu is a sum of point masses on the kinks: no contact-force density.
  pinn::CaseConfig config = short_case(3);
  config.network.activation = pinn::Activation::prelu;
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver solver(config, options);
  const pinn::RunResult result = solver.run();
  EXPECT_EQ(result.metrics.contact_estimate, pinn::ContactEstimate::active_points);
  EXPECT_EQ(result.metrics.contact_interval, result.metrics.active_contact_interval);
}

TEST(ObstacleSolver, UpperObstacleContactIsReadFromItsMultipliers) {
  // obstacle1d mirrored: u ≤ ψ_hi = −ψ, no lower obstacle, u* = −(obstacle1d's
  // solution); the contact set [a, 1 − a], a = √3/4, lies on the upper
  // obstacle, whose multipliers' density is Δψ_hi + f = 16.
  pinn::CaseConfig config = pinn::load_case_file(
      case_path("obstacle1d"),
      {"stage.0.iterations=4000", "sampling.interior=128", "stage.0.multiplier_updates=10", "output.log_every=1000",
       "problem.obstacle=\"\"", "problem.upper_obstacle=\"-(0.5 - 8*(x - 0.5)^2)\"",
       "problem.exact=\"-(x < sqrt(3)/4 ? 4*(2 - sqrt(3))*x : (x > 1 - sqrt(3)/4 ? 4*(2 - sqrt(3))*(1 - x) : "
       "0.5 - 8*(x - 0.5)^2))\""});
  config.stages.resize(1);
  ASSERT_FALSE(config.problem.has_lower());
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver solver(config, options);
  const pinn::RunResult result = solver.run();
  const double a = std::sqrt(3.0) / 4.0;
  EXPECT_LE(result.metrics.rel_l2, 5e-2);
  EXPECT_EQ(result.metrics.contact_estimate, pinn::ContactEstimate::multiplier_mass);
  ASSERT_EQ(result.metrics.exact_contact_interval.size(), 2u);
  EXPECT_NEAR(result.metrics.exact_contact_interval[0], a, 1e-7);
  ASSERT_EQ(result.metrics.contact_interval.size(), 2u);
  EXPECT_NEAR(result.metrics.contact_interval[0], a, 0.05);
  EXPECT_NEAR(result.metrics.contact_interval[1], 1.0 - a, 0.05);
  EXPECT_LT(result.metrics.contact_set_error, 0.05);
  EXPECT_GT(result.metrics.complementarity, 0.0) << "λ_hi·(ψ_hi − u) counts";
}

TEST(ObstacleSolver, InterruptStopsCleanlyAndStillReports) {
  std::atomic<bool> stop{true};
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  options.stop_requested = &stop;
  pinn::ObstacleSolver solver(short_case(1), options);
  const pinn::RunResult result = solver.run();
  EXPECT_EQ(result.status, pinn::RunStatus::interrupted);
  ASSERT_EQ(result.stages.size(), 1u);
  EXPECT_EQ(result.stages[0].termination, pinn::StageTermination::interrupted);
  EXPECT_EQ(result.stages[0].iterations, 0);
}

}  // namespace

namespace {

TEST(ObstacleSolver, SnapshotsFormATimeSeriesForParaView) {
  const fs::path out = fresh_directory("snapshots");
  pinn::CaseConfig config = short_case(3);
  config.output.snapshots = 5;
  pinn::RunOptions options;
  options.quiet = true;
  options.output_directory = out.string();
  pinn::ObstacleSolver solver(config, options);
  solver.run();
  const std::string pvd = read_text(out / "training.pvd");
  int listed = 0;
  for (std::size_t at = pvd.find("<DataSet"); at != std::string::npos; at = pvd.find("<DataSet", at + 1)) ++listed;
  EXPECT_EQ(listed, 6) << "the initial state and 5 snapshots";
  EXPECT_NE(pvd.find("timestep=\"50\""), std::string::npos) << pvd;
  for (int k = 0; k < 6; ++k) {
    const fs::path file = out / "snapshots" / ("solution_" + std::to_string(k) + ".vtu");
    ASSERT_TRUE(fs::exists(file)) << file;
    vtkNew<vtkXMLUnstructuredGridReader> reader;
    reader->SetFileName(file.string().c_str());
    reader->Update();
    EXPECT_EQ(reader->GetOutput()->GetNumberOfPoints(), 1001);
  }
  fs::remove_all(out);
}

}  // namespace
