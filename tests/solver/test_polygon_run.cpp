/// @file tests/solver/test_polygon_run.cpp
/// @brief Polygon domains through the solver: a short run on an L-shape with a
/// manufactured solution is measured against the finite-element reference as
/// it is against the exact solution (the two agree to the reference's own
/// error); the FE reference's values and contact set; `obstacle-pinn
/// reference` on a polygon; the output grid keeps the nodes inside the
/// polygon, as for the disk.
#include "nn/error.hpp"
#include "solver/case_file.hpp"
#include "solver/evaluation_grid.hpp"
#include "solver/obstacle_solver.hpp"
#include "solver/reference_run.hpp"
#include "solver/reference_solution.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

namespace {

/// The L-shape (0,2)² ∖ [1,2]² with u* = ψ + ((r² − 0.09)₊)² over ψ = 1 − r², r = |x − (½, ½)|:
/// contact on the disc r ≤ 0.3 (area 0.2827), f continuous (tools/bench_fe_convergence.cpp).
std::string lshape_case(bool with_exact) {
  const std::string r2 = "((x - 0.5)^2 + (y - 0.5)^2)";
  const std::string exact = "1 - " + r2 + " + (" + r2 + " > 0.09 ? (" + r2 + " - 0.09)^2 : 0)";
  std::string text = "[problem]\nname = \"lshape_manufactured\"\n"
                     "domain = { type = \"polygon\", vertices = [[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]] }\n"
                     "source = \"" + r2 + " > 0.09 ? 4 - 8*(2*" + r2 + " - 0.09) : 4 - 0.72\"\n"
                     "obstacle = \"1 - " + r2 + "\"\n"
                     "boundary = { type = \"dirichlet\", value = \"" + exact + "\" }\n";
  if (with_exact) text += "exact = \"" + exact + "\"\n";
  text += "[network]\nhidden = [16, 16]\n[sampling]\ninterior = 1024\n"
          "[[stage]]\ntype = \"adam\"\niterations = 400\nlearning_rate = 1e-2\nschedule = \"cosine\"\n"
          "min_learning_rate = 1e-4\nmultiplier_updates = 4\n"
          "[reference]\ncells = 128\n[output]\nevaluation_points = 41\n";
  return text;
}

pinn::RunResult short_run(bool with_exact) {
  pinn::CaseConfig config = pinn::parse_case(lshape_case(with_exact), "lshape.toml", {"run.threads=1"});
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver solver(config, options);
  return solver.run();
}

TEST(PolygonRun, ShortRunIsMeasuredAgainstTheFiniteElementReferenceAsAgainstTheExactSolution) {
  const pinn::RunResult exact = short_run(true);
  const pinn::RunResult fe = short_run(false);
  ASSERT_EQ(exact.status, pinn::RunStatus::ok);
  ASSERT_EQ(fe.status, pinn::RunStatus::ok);
  EXPECT_EQ(exact.metrics.reference, pinn::ReferenceKind::exact);
  EXPECT_EQ(fe.metrics.reference, pinn::ReferenceKind::fe);
  ASSERT_EQ(fe.stages.size(), 1u);
  EXPECT_LT(fe.stages[0].loss_end, fe.stages[0].loss_start) << "training lowers the loss";
  // The same training (same seed, the reference plays no part in it): the errors differ only by the
  // reference's own (relative L2 3.3e-4 on this mesh, 16384 triangles: BENCHMARKS.md §8).
  EXPECT_LT(exact.metrics.rel_l2, 0.1) << "the network learns the solution";
  EXPECT_NEAR(fe.metrics.rel_l2, exact.metrics.rel_l2, 5e-4);  // measured: 6.2362e-2 and 6.2352e-2
  EXPECT_NEAR(fe.metrics.max_abs, exact.metrics.max_abs, 2e-3);
  // The contact sets on the 41² output grid (spacing 0.05): the disc of area π·0.09, up to a ring of
  // half a spacing (measured: 0.3125 against the FE reference, whose mesh the grading toward the
  // corner (1, 1) stretches by 1.5 at the disc).
  EXPECT_NEAR(exact.metrics.exact_contact_measure, M_PI * 0.09, 2 * M_PI * 0.3 * 0.025);
  EXPECT_NEAR(fe.metrics.exact_contact_measure, M_PI * 0.09, 2 * M_PI * 0.3 * 0.025);
}

TEST(PolygonRun, TheFiniteElementReferenceOfTheLShapeCase) {
  const pinn::CaseConfig config =
      pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/lshape.toml", {"reference.cells=64"});
  const auto reference = pinn::ReferenceSolution::for_problem(config.problem, config.reference_cells);
  ASSERT_NE(reference, nullptr);
  ASSERT_EQ(reference->kind(), pinn::ReferenceKind::fe);
  ASSERT_NE(reference->fe(), nullptr);
  EXPECT_EQ(reference->fd(), nullptr);
  EXPECT_EQ(reference->fe()->mesh.n_triangles(), 4096);
  // The membrane lies on the paraboloid's top and is free near the re-entrant corner.
  const double top[2] = {-0.4, 0.4}, corner[2] = {0.1, 0.1}, edge[2] = {0.5, 0.0};
  EXPECT_TRUE(reference->in_contact(top));
  EXPECT_NEAR(reference->value(top), -0.2, 1e-3);  // ψ interpolated between nodes (h = 1/32)
  EXPECT_FALSE(reference->in_contact(corner));
  EXPECT_LT(reference->value(corner), 0.0);
  EXPECT_DOUBLE_EQ(reference->value(edge), 0.0);
  EXPECT_THROW(pinn::ReferenceSolution::from_fd(config.problem, 32), pinn::UserError);
}

TEST(PolygonRun, TheReferenceCommandSolvesTheFiniteElementReferenceAndWritesItsTriangles) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("pinn_polygon_reference_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const pinn::CaseConfig config = pinn::parse_case(lshape_case(true), "lshape.toml", {});
  const pinn::ReferenceRunResult r = pinn::run_reference(config, 64, dir.string());
  ASSERT_TRUE(r.finite_element);
  EXPECT_TRUE(r.fe_solution.converged);
  EXPECT_EQ(r.fe_solution.mesh.n_triangles(), 4096);
  // Nodal errors of the level-5 mesh (BENCHMARKS.md §8: relative L2 1.3e-3, nodal max 3.4e-4).
  EXPECT_LT(r.rel_l2_vs_exact, 2e-3);
  EXPECT_LT(r.max_abs_vs_exact, 5e-4);
  // The active nodes' lumped masses: the disc of area π·0.09 up to a ring of about a mesh width.
  EXPECT_NEAR(r.contact_measure, M_PI * 0.09, 2 * M_PI * 0.3 / 32);
  std::ifstream file(r.output_file);
  const std::string vtu((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_NE(vtu.find("Name=\"refinements\""), std::string::npos);
  EXPECT_NE(vtu.find("NumberOfCells=\"4096\""), std::string::npos) << "the mesh's triangles as cells";
  fs::remove_all(dir);
}

TEST(PolygonRun, TheOutputGridKeepsTheNodesInsideThePolygon) {
  const pinn::Domain lshape = pinn::Domain::polygon({{-1, -1}, {0, -1}, {0, 0}, {1, 0}, {1, 1}, {-1, 1}});
  const pinn::EvaluationGrid grid = pinn::make_evaluation_grid(lshape, 21);
  // 21² nodes on the bounding box, less the 10 × 10 of the open quadrant x > 0, y < 0.
  EXPECT_EQ(grid.size(), 21 * 21 - 100);
  for (int i = 0; i < grid.size(); ++i) {
    const double* x = &grid.points[static_cast<std::size_t>(i) * 2];
    EXPECT_FALSE(x[0] > 1e-12 && x[1] < -1e-12);
  }
  EXPECT_EQ(grid.point_of_node[20], -1) << "the corner (1, −1) is outside";
  EXPECT_EQ(grid.point_of_node[10], 10) << "(0, −1) is on the boundary, kept";
}

}  // namespace
