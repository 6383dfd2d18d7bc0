/// @file tools/obstacle_pinn_main.cpp
/// @brief The obstacle-pinn command line: run | list | validate.
#include "nn/communicator.hpp"
#include "nn/error.hpp"
#include "nn/kokkos_initialize.hpp"
#include "nn/kokkos_types.hpp"
#include "solver/case_file.hpp"
#include "solver/default_pipeline.hpp"
#include "solver/case_checks.hpp"
#include "solver/obstacle_solver.hpp"
#include "solver/reference_run.hpp"
#include "solver/result_folder.hpp"
#include "solver/rothe_solver.hpp"
#include "solver/space_time_solver.hpp"

#include <CLI/CLI.hpp>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <csignal>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <memory>
#include <sstream>

namespace {

std::atomic<bool> g_stop_requested{false};

extern "C" void on_interrupt(int) { g_stop_requested.store(true); }

std::string cases_directory() {
  namespace fs = std::filesystem;
  const fs::path installed = fs::path(PINN_SOURCE_DIR) / "cases";
  return installed.string();
}

int list_cases() {
  namespace fs = std::filesystem;
  const std::string dir = cases_directory();
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::cout << "Predefined cases in " << dir << ":\n";
  for (const auto& file : files) {
    std::string description;
    try {
      description = pinn::load_case_file(file.string()).texts.description;
    } catch (const std::exception& e) {
      description = std::string("(invalid: ") + e.what() + ")";
    }
    std::cout << "  " << std::left << std::setw(20) << file.stem().string() << description << "\n";
  }
  std::cout << "Run one with: obstacle-pinn run " << (fs::path(dir) / "NAME.toml").string() << "\n";
  return 0;
}

/// A 1D contact set as its components, "[a, b]" or "[a, b] and [c, d] ...",
/// with `digits` decimals.
std::string format_components(const std::vector<pinn::ContactComponent>& components, int digits = 4) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(digits);
  for (std::size_t k = 0; k < components.size(); ++k)
    text << (k ? " and " : "") << "[" << components[k][0] << ", " << components[k][1] << "]";
  return text.str();
}

void print_metrics(const pinn::RunResult& result) {
  const pinn::Metrics& m = result.metrics;
  std::cout << "status: " << to_string(result.status) << "   total " << std::fixed << std::setprecision(2)
            << result.total_seconds << " s\n"
            << std::scientific << std::setprecision(3);
  if (m.has_error()) {
    std::cout << "error against the " << to_string(m.reference) << " solution: relative L2 " << m.rel_l2 << ", max "
              << m.max_abs << ", relative H1 " << m.rel_h1 << "\n";
  }
  const bool mass = m.contact_estimate == pinn::ContactEstimate::multiplier_mass;
  const std::string estimate = mass ? "multiplier mass" : "active points";
  if (!m.contact_intervals.empty()) {
    std::cout << "contact set (" << estimate << "): " << format_components(m.contact_intervals);
    if (mass && !m.active_contact_intervals.empty())
      std::cout << "   active points: " << format_components(m.active_contact_intervals);
    if (!m.exact_contact_intervals.empty())
      std::cout << "   exact: " << format_components(m.exact_contact_intervals);
    std::cout << "\n";
  }
  if (std::isfinite(m.integral)) {
    std::cout << "integral of u: " << m.integral;
    if (std::isfinite(m.exact_integral)) std::cout << " (reference " << m.exact_integral << ")";
    std::cout << "\n";
  }
  if (m.contact_measure >= 0) {
    std::cout << "contact set (" << estimate << "): " << (m.contact_radius >= 0 ? "area " : "volume ")
              << m.contact_measure;
    if (m.exact_contact_measure >= 0) std::cout << " (reference " << m.exact_contact_measure << ")";
    if (m.contact_radius >= 0) {
      std::cout << ", equivalent radius " << std::fixed << std::setprecision(4) << m.contact_radius;
      if (mass) std::cout << " (active points " << m.active_contact_radius << ")";
      if (m.exact_contact_radius >= 0) std::cout << " (reference " << m.exact_contact_radius << ")";
      std::cout << std::scientific << std::setprecision(3);
    }
    std::cout << "\n";
  }
  if (m.contact_set_error >= 0) std::cout << "contact set error: " << m.contact_set_error << "\n";
  std::cout << "max obstacle violation: " << m.max_violation << "\n";
  std::cout << "results in " << result.output_directory
            << "/ (summary.json, history.csv, solution.vtu/.vtr, points.vtu, checkpoint.bin; tools/view for a picture)\n";
}

int run_reference_command(const pinn::CaseConfig& config, int cells, const std::string& out_dir) {
  const std::string dir = out_dir.empty() ? config.output.directory : out_dir;
  pinn::ResultFolder(dir).check_writable();
  const pinn::ReferenceRunResult r = pinn::run_reference(config, cells, dir);
  int iterations = r.solution.iterations;
  bool converged = r.solution.converged;
  double seconds = r.solution.seconds;
  if (r.finite_element) {
    const auto& fe = r.fe_solution;
    iterations = fe.iterations, converged = fe.converged, seconds = fe.seconds;
    std::cout << "finite-element/PDAS reference for " << config.problem.name << ": " << fe.mesh.n_triangles()
              << " triangles (" << fe.levels << " refinements, at least " << r.cells << "^2), " << fe.mesh.n_nodes()
              << " nodes\n";
  } else {
    std::cout << "finite-difference/PDAS reference for " << config.problem.name << ": " << r.cells
              << " cells per dimension, " << r.solution.u.size() << " nodes\n";
  }
  std::cout << "active-set iterations: " << iterations
            << (converged ? " (converged: active set unchanged)" : " (NOT converged)") << ", " << std::fixed
            << std::setprecision(3) << seconds << " s\n";
  std::cout << std::setprecision(6) << "contact set measure: " << r.contact_measure;
  if (!r.contact_intervals.empty())
    std::cout << "   " << (r.contact_intervals.size() == 1 ? "interval " : "intervals ")
              << format_components(r.contact_intervals, 6);
  std::cout << "\n" << std::scientific << std::setprecision(3);
  if (r.rel_l2_vs_exact >= 0)
    std::cout << "error against the exact solution on the nodes: relative L2 " << r.rel_l2_vs_exact << ", max "
              << r.max_abs_vs_exact << "\n";
  std::cout << "written: " << r.output_file << "\n";
  return converged ? 0 : 1;
}

/// `run` of a time-dependent case: level after level (solver/rothe_solver.hpp) or one network over
/// space–time (solver/space_time_solver.hpp); exit code as for `run`.
int run_time_dependent(const pinn::CaseConfig& config, const pinn::RunOptions& options) {
  const bool space_time = config.time_stepping.method == pinn::TimeMethod::space_time;
  const auto announce = [&](pinn::LossForm form) {
    if (!options.quiet)
      std::cout << "obstacle-pinn: case " << config.problem.name << " (" << config.problem.domain.describe()
                << ", time-dependent on (0, " << config.parabolic->final_time << "], method "
                << pinn::to_string(config.time_stepping.method) << "), loss " << pinn::to_string(form) << ", Kokkos "
                << pinn::backend_description() << "\n";
  };
  pinn::RotheResult result;
  if (space_time) {
    pinn::SpaceTimeSolver solver(config, options);
    announce(solver.space_time_config().loss.form);
    result = solver.run();
  } else {
    pinn::RotheSolver solver(config, options);
    announce(config.loss.form);
    result = solver.run();
  }
  std::cout << "status: " << to_string(result.status) << "   " << result.levels.size() << " of "
            << config.time_stepping.steps << (space_time ? " output times" : " levels") << "   total " << std::fixed
            << std::setprecision(2) << result.total_seconds << " s\n"
            << std::scientific << std::setprecision(3);
  if (result.rel_l2 >= 0)
    std::cout << "error over space and time against the " << result.reference << " solution: relative L2 "
              << result.rel_l2 << ", max " << result.max_abs << "\n";
  if (!result.levels.empty() && result.levels.back().rel_l2 >= 0)
    std::cout << "at t = " << result.levels.back().time << ": relative L2 " << result.levels.back().rel_l2 << "\n";
  std::cout << "results in " << result.output_directory
            << "/ (summary.json, history.csv, solution.pvd, free_boundary.csv, probes.csv, " << result.folder << "/)\n";
  return result.status == pinn::RunStatus::ok ? 0 : (result.status == pinn::RunStatus::interrupted ? 130 : 1);
}

constexpr std::array<const char*, 5> kVerbs = {"run", "validate", "reference", "resume", "list"};

bool is_verb(const std::string& word) {
  return std::find(kVerbs.begin(), kVerbs.end(), word) != kVerbs.end();
}

/// "run|validate|...", for messages.
std::string verb_list() {
  std::string list;
  for (const char* verb : kVerbs) list += (list.empty() ? "" : "|") + std::string(verb);
  return list;
}

/// A whole decimal integer in [min, max] from a command-line option, or a
/// UserError saying which option, what was found and what is allowed.
long long parse_integer_option(const std::string& option, const std::string& text, long long min, long long max) {
  long long value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  const bool whole = !text.empty() && error == std::errc() && stop == end;
  PINN_USER_REQUIRE(whole && value >= min && value <= max,
                    option << ": found '" << text << "'"
                           << (error == std::errc::result_out_of_range ? " (out of range)" : "")
                           << "; allowed: an integer in [" << min << ", " << max << "]");
  return value;
}

/// Seconds > 0 from a command-line option (a decimal number such as 60 or
/// 2.5), or a UserError saying which option, what was found and what is allowed.
double parse_seconds_option(const std::string& option, const std::string& text) {
  double value = 0.0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  const bool whole = !text.empty() && error == std::errc() && stop == end;
  PINN_USER_REQUIRE(whole && std::isfinite(value) && value > 0.0 && value <= 1e9,
                    option << ": found '" << text << "'; allowed: seconds, a number > 0 and <= 1e9");
  return value;
}

/// `resume DIR`: the two files a resume needs, or which one is missing and why.
void require_resumable(const std::string& dir, const std::string& case_file, const std::string& checkpoint) {
  namespace fs = std::filesystem;
  PINN_USER_REQUIRE(fs::is_directory(dir), "resume " << dir << ": no such folder; resume takes the results folder of "
                                                            "an interrupted run (e.g. results/obstacle1d)");
  PINN_USER_REQUIRE(fs::exists(case_file), "resume " << dir << ": case.toml is missing, so this is not the results "
                                                              "folder of a run (a run writes case.toml when it starts)");
  PINN_USER_REQUIRE(fs::exists(checkpoint),
                    "resume " << dir << ": checkpoint.bin is missing: the run stopped before its first checkpoint "
                                        "(written every output.log_every iterations), so there is nothing to continue. "
                                        "Start it again: obstacle-pinn run "
                              << case_file << " --out " << dir);
}

/// Threads per rank when neither --threads nor OMP_NUM_THREADS says: the
/// cores shared among the ranks a launcher started on this node.
int threads_per_rank() {
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (!local) local = std::getenv("MPI_LOCALNRANKS");
  const int ranks_here = local ? std::max(1, std::atoi(local)) : 1;
  return ranks_here > 1 ? std::max(1, pinn::max_threads() / ranks_here) : 0;
}

/// An error's message: on one of several ranks, which rank met it.
void report_error(const pinn::Communicator& world, const std::exception& e) {
  std::cerr << "error";
  if (world.distributed()) std::cerr << " (rank " << world.rank() << " of " << world.size() << ")";
  std::cerr << ": " << e.what() << "\n";
}

/// Ends the program with `code`. After an error the other ranks may be
/// waiting in a collective step, so every rank is ended (MPI_Abort), never
/// left hanging; a run's own outcome is the same on every rank.
int finish(const pinn::Communicator& world, int code, bool error = false) {
  if (Kokkos::is_initialized()) Kokkos::finalize();
  if (error && world.distributed()) world.abort(code);
  return code;
}

int run_command_line(int argc, char** argv, const pinn::Communicator& world);

}  // namespace

int main(int argc, char** argv) {
  // Started by mpirun: MPI for the whole program (README, "Many processes: MPI").
  std::unique_ptr<pinn::MpiSession> mpi;
  try {
    mpi = std::make_unique<pinn::MpiSession>(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  const pinn::Communicator world = pinn::Communicator::world();
  if (!world.writes()) std::cout.setstate(std::ios_base::badbit);  // rank 0 prints for all
  return run_command_line(argc, argv, world);
}

namespace {

int run_command_line(int argc, char** argv, const pinn::Communicator& world) {
  if (argc > 1 && argv[1][0] != '-' && !is_verb(argv[1])) {
    std::cerr << "error: unknown command '" << argv[1] << "'; allowed: " << verb_list()
              << " (obstacle-pinn --help describes them)\n";
    return 2;
  }
  CLI::App app{"obstacle-pinn: physics-informed neural networks for obstacle problems"};
  app.require_subcommand(1);

  std::string case_file;
  std::string out_dir;
  std::vector<std::string> overrides;
  std::string seed_text, threads_text, budget_text;
  bool quiet = false;
  bool explain = false;

  auto* run = app.add_subcommand("run", "train a network on a case and write summary.json, history.csv, solution.vtu");
  run->add_option("case", case_file, "case file (TOML)")->required();
  run->add_option("--out", out_dir, "output folder (default results/<case name>)");
  run->add_option("--set", overrides, "override a case-file key: section.key=value (repeatable)");
  run->add_option("--seed", seed_text, "random seed (overrides [run] seed)");
  run->add_option("--threads", threads_text, "number of threads (default: all cores)");
  run->add_option("--budget", budget_text,
                  "seconds the training may take (overrides [run] time_budget; the default pipeline divides it "
                  "among its stages; the 2D natural-gradient default lengthens its stage, up to 900 steps, to use it)");
  run->add_flag("--quiet", quiet, "no progress output");
  run->add_flag("--explain", explain, "print the training pipeline (stages, points) and why it was chosen");

  auto* validate = app.add_subcommand("validate", "parse and check a case file without training");
  validate->add_option("case", case_file, "case file (TOML)")->required();
  validate->add_option("--set", overrides, "override a case-file key: section.key=value (repeatable)");
  validate->add_option("--budget", budget_text, "seconds the training may take (overrides [run] time_budget)");
  validate->add_flag("--explain", explain, "print the training pipeline (stages, points) and why it was chosen");

  int cells = 0;
  auto* reference = app.add_subcommand(
      "reference",
      "solve a case with the finite-difference/PDAS reference solver only (finite-element on polygons and disks)");
  reference->add_option("case", case_file, "case file (TOML)")->required();
  reference->add_option("--cells", cells, "cells per dimension (default: [reference] cells, or 1024/256/48 in 1D/2D/3D)")
      ->check(CLI::Range(4, 100000));
  reference->add_option("--out", out_dir, "output folder (default results/<case name>)");
  reference->add_option("--set", overrides, "override a case-file key: section.key=value (repeatable)");

  std::string resume_dir;
  auto* resume = app.add_subcommand("resume", "continue an interrupted run from RESULTS_DIR/checkpoint.bin");
  resume->add_option("results", resume_dir, "the results folder of the interrupted run")->required();
  resume->add_option("--threads", threads_text, "number of threads (default: all cores)");
  resume->add_flag("--quiet", quiet, "no progress output");

  app.add_subcommand("list", "list the predefined cases");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "error: " << e.what() << " (obstacle-pinn --help; commands: " << verb_list() << ")\n";
    return 2;
  }

  try {
    if (app.got_subcommand("list")) return list_cases();
    for (CLI::App* command : {run, reference}) {
      const CLI::Option* out = command->get_option("--out");
      PINN_USER_REQUIRE(out->count() == 0 || !out_dir.empty(),
                        "--out: found an empty path; allowed: a folder for the results (created if missing)");
    }
    // --seed and --threads become overrides, so the run's case.toml records them.
    if (!seed_text.empty())
      overrides.push_back("run.seed=" + std::to_string(parse_integer_option(
                                            "--seed", seed_text, 0, std::numeric_limits<std::int64_t>::max())));
    if (!threads_text.empty())
      overrides.push_back("run.threads=" +
                          std::to_string(parse_integer_option("--threads", threads_text, 1, pinn::max_threads())));
    if (!budget_text.empty()) {
      std::ostringstream seconds;
      seconds << std::setprecision(17) << parse_seconds_option("--budget", budget_text);
      overrides.push_back("run.time_budget=" + seconds.str());
    }
    std::string resume_from;
    if (app.got_subcommand("resume")) {
      namespace fs = std::filesystem;
      case_file = (fs::path(resume_dir) / "case.toml").string();
      resume_from = (fs::path(resume_dir) / "checkpoint.bin").string();
      // A space–time run keeps its network's checkpoint in space_time.partial/ while it runs (killed) and
      // in space_time/ after it stopped (interrupted).
      for (const char* folder : {"space_time", "space_time.partial"})
        if (fs::exists(fs::path(resume_dir) / folder / "checkpoint.bin"))
          resume_from = (fs::path(resume_dir) / folder / "checkpoint.bin").string();
      PINN_USER_REQUIRE(!fs::exists(fs::path(resume_dir) / "levels") &&
                            !fs::exists(fs::path(resume_dir) / "levels.partial"),
                        "resume " << resume_dir << ": a run of parabolic.method = \"rothe\" cannot be resumed yet (a "
                                  << "space_time one can); start it again: obstacle-pinn run " << case_file << " --out "
                                  << resume_dir);
      require_resumable(resume_dir, case_file, resume_from);
      out_dir = resume_dir;
    }
    pinn::CaseConfig config = pinn::load_case_file(case_file, overrides);
    // `run` and `resume` make these checks in ObstacleSolver's constructor,
    // before anything is written; only the thread count must be known before Kokkos starts.
    const bool trains = app.got_subcommand("run") || app.got_subcommand("resume");
    if (trains) pinn::check_threads(config);
    else pinn::check_case(config);
    if (world.writes())  // rank 0 speaks for all
      for (const std::string& notice : config.notices) std::cerr << "note: " << notice << "\n";
    // The space–time method trains another case: the problem over Ω × (0, T) (checked here for `validate`).
    const bool space_time = config.parabolic && config.time_stepping.method == pinn::TimeMethod::space_time;
    if (space_time && !trains) (void)pinn::space_time_case(config);
    if (explain) std::cout << pinn::explain_pipeline(space_time ? pinn::space_time_case(config) : config);
    if (app.got_subcommand("validate")) {
      std::cout << case_file << ": valid (" << config.problem.name << ", " << config.problem.domain.describe() << ", "
                << config.stages.size() << " stage(s))\n";
      return 0;
    }
    if (app.got_subcommand("reference")) {
      if (!world.writes()) return 0;  // one solve, by rank 0
      PINN_USER_REQUIRE(!config.parabolic,
                        case_file << ": reference: the case is time-dependent ([problem.time]); `run` solves its "
                                     "time-dependent FD/PDAS reference and measures against it (summary.json "
                                     "metrics, solution_xt.vtr in 1D)");
      if (cells > 0) pinn::check_reference_cells(config, cells, "--cells");
      return run_reference_command(config, cells, out_dir);
    }
    if (config.threads == 0) {
      // Kokkos takes its default thread count from OpenMP's environment.
      // The first entry of a list ("4,2") is the outer level's.
      if (const char* omp = std::getenv("OMP_NUM_THREADS"); omp && *omp) {
        const std::string outer = std::string(omp).substr(0, std::string(omp).find(','));
        parse_integer_option("OMP_NUM_THREADS (the default for --threads)", outer, 1, pinn::max_threads());
      }
    }
    if (config.threads == 0 && !std::getenv("OMP_NUM_THREADS")) config.threads = threads_per_rank();
    pinn::initialize_kokkos(config.threads);
    int code = 0;
    {
      std::signal(SIGINT, on_interrupt);
      // mpirun ends its ranks on Ctrl-C but forwards SIGUSR1: `kill -USR1` stops a shared run cleanly.
      std::signal(SIGUSR1, on_interrupt);
      pinn::RunOptions options;
      options.communicator = world;
      options.output_directory = out_dir;
      options.quiet = quiet;
      options.stop_requested = &g_stop_requested;
      options.resume_from = resume_from;
      if (config.parabolic) {
        PINN_USER_REQUIRE(resume_from.empty() || config.time_stepping.method == pinn::TimeMethod::space_time,
                          "resume " << resume_dir << ": a run of parabolic.method = \"rothe\" cannot be resumed "
                                    << "yet (a space_time one can); start it again: obstacle-pinn run " << case_file
                                    << " --out " << resume_dir);
        code = run_time_dependent(config, options);
        return finish(world, code);
      }
      pinn::ObstacleSolver solver(config, options);
      if (!quiet) {
        std::cout << "obstacle-pinn: case " << config.problem.name << " (" << config.problem.domain.describe()
                  << "), network " << solver.network().describe() << ", loss " << pinn::to_string(config.loss.form)
                  << ", Kokkos " << pinn::backend_description() << "\n";
      }
      const pinn::RunResult result = solver.run();
      print_metrics(result);
      code = result.status == pinn::RunStatus::ok ? 0 : (result.status == pinn::RunStatus::interrupted ? 130 : 1);
    }
    return finish(world, code);
  } catch (const pinn::UserError& e) {
    report_error(world, e);
    return finish(world, 2, true);
  } catch (const std::exception& e) {
    report_error(world, e);
    return finish(world, 1, true);
  }
}

}  // namespace
