/// @file solver/time_series_output.cpp
/// @brief The files of a time-dependent run.
#include "solver/time_series_output.hpp"

#include "solver/run_context.hpp"
#include "solver/result_folder.hpp"
#include "solver/vtk_writer.hpp"

#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

namespace pinn {

namespace {

nlohmann::json number_or_null(double v) { return v >= 0 ? nlohmann::json(v) : nlohmann::json(nullptr); }

std::ostringstream csv_stream() {
  std::ostringstream out;
  out << std::setprecision(10);
  return out;
}

}  // namespace

std::string time_series_pvd(const RotheResult& result) {
  std::ostringstream pvd;
  pvd << std::setprecision(15);  // 0.1, not 0.10000000000000001
  pvd << "<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"0.1\">\n  <Collection>\n";
  for (const TimeLevelResult& level : result.levels)
    pvd << "    <DataSet timestep=\"" << level.time << "\" part=\"0\" file=\"" << level.solution_file << "\"/>\n";
  pvd << "  </Collection>\n</VTKFile>\n";
  return pvd.str();
}

std::string time_history_csv(const RotheResult& result) {
  std::ostringstream out = csv_stream();
  out << "level,time,rel_l2,max_abs,max_violation,iterations,seconds,status\n";
  for (const TimeLevelResult& level : result.levels) {
    int iterations = 0;
    for (const StageSummary& stage : level.run.stages) iterations += stage.iterations;
    out << level.level << "," << level.time << "," << level.rel_l2 << "," << level.max_abs << ","
        << level.run.metrics.max_violation << "," << iterations << "," << level.run.total_seconds << ","
        << to_string(level.run.status) << "\n";
  }
  return out.str();
}

std::string probes_csv(const CaseConfig& config, const RotheResult& result) {
  std::ostringstream out = csv_stream();
  out << "time";
  for (const std::vector<double>& x : config.time_stepping.probes) {
    out << ",\"u(";
    for (std::size_t k = 0; k < x.size(); ++k) out << (k ? " " : "") << x[k];
    out << ")\"";
  }
  out << "\n";
  // t = 0: the initial value itself.
  out << 0.0;
  for (const std::vector<double>& x : config.time_stepping.probes) out << "," << config.parabolic->initial(x.data());
  out << "\n";
  for (const TimeLevelResult& level : result.levels) {
    out << level.time;
    for (const double u : level.probes) out << "," << u;
    out << "\n";
  }
  return out.str();
}

std::string free_boundary_csv(const CaseConfig& config, const RotheResult& result) {
  std::ostringstream out = csv_stream();
  if (config.problem.domain.dim() == 1) {
    // One row per contact component per level: a free boundary point is a component's end inside Ω.
    out << "time,component,lower,upper\n";
    for (const TimeLevelResult& level : result.levels) {
      const std::vector<ContactComponent>& components = level.run.metrics.contact_intervals;
      for (std::size_t k = 0; k < components.size(); ++k)
        out << level.time << "," << k << "," << components[k][0] << "," << components[k][1] << "\n";
    }
    return out.str();
  }
  out << "time,contact_measure,equivalent_radius\n";
  for (const TimeLevelResult& level : result.levels)
    out << level.time << "," << level.run.metrics.contact_measure << "," << level.run.metrics.contact_radius << "\n";
  return out.str();
}

std::string time_summary_json(const CaseConfig& config, const RotheResult& result) {
  using nlohmann::json;
  json j;
  j["case"] = config.problem.name;
  j["case_file"] = config.path;
  j["status"] = to_string(result.status);
  j["time_dependent"] = {{"method", to_string(result.method)},
                         {"steps", config.time_stepping.steps},
                         {"final_time", config.parabolic->final_time},
                         {"levels_done", result.levels.size()}};
  if (result.method == TimeMethod::rothe) {
    j["time_dependent"]["scheme"] = to_string(config.time_stepping.scheme);
  } else {
    int iterations = 0;
    for (const StageSummary& stage : result.network_run.stages) iterations += stage.iterations;
    j["time_dependent"]["network"] = {{"folder", result.folder},
                                      {"iterations", iterations},
                                      {"seconds", result.network_run.total_seconds},
                                      {"status", to_string(result.network_run.status)},
                                      {"note", "one network of (x, t); the levels are the output times"}};
  }
  j["metrics"] = {{"rel_l2", number_or_null(result.rel_l2)},
                  {"max_abs", number_or_null(result.max_abs)},
                  {"reference", result.reference},
                  {"note", "over space and time: every level's evaluation points against the reference at its time"}};
  json levels = json::array();
  for (const TimeLevelResult& level : result.levels) {
    int iterations = 0;
    for (const StageSummary& stage : level.run.stages) iterations += stage.iterations;
    json entry = {{"level", level.level},
                  {"time", level.time},
                  {"rel_l2", number_or_null(level.rel_l2)},
                  {"max_abs", number_or_null(level.max_abs)},
                  {"max_violation", level.run.metrics.max_violation},
                  {"iterations", iterations},
                  {"seconds", level.run.total_seconds},
                  {"status", to_string(level.run.status)},
                  {"folder", level.solution_file.substr(0, level.solution_file.rfind('/'))}};
    if (!level.run.metrics.contact_intervals.empty()) entry["contact_intervals"] = level.run.metrics.contact_intervals;
    if (level.run.metrics.contact_measure >= 0) entry["contact_measure"] = level.run.metrics.contact_measure;
    if (!level.probes.empty()) entry["probes"] = level.probes;
    levels.push_back(entry);
  }
  j["levels"] = levels;
  if (!config.time_stepping.probes.empty()) j["probes"] = config.time_stepping.probes;
  j["timing"] = {{"total_s", result.total_seconds}, {"reference_s", result.reference_seconds}};
  // The ranks that shared the run: every level's (or the network's) run had the same.
  const RunResult& trained = result.method == TimeMethod::space_time || result.levels.empty()
                                 ? result.network_run
                                 : result.levels.front().run;
  j["mpi"] = {{"ranks", trained.ranks}, {"points_per_rank", trained.points_per_rank}};
  j.update(run_context_json(config));
  return j.dump(2) + "\n";
}

void write_time_series(const CaseConfig& config, const RotheResult& result) {
  std::vector<std::pair<std::string, std::string>> files;
  files.emplace_back("solution.pvd", time_series_pvd(result));
  files.emplace_back("history.csv", time_history_csv(result));
  if (!config.time_stepping.probes.empty()) files.emplace_back("probes.csv", probes_csv(config, result));
  files.emplace_back("free_boundary.csv", free_boundary_csv(config, result));
  if (config.problem.domain.dim() == 1 && !result.u_by_level.empty()) {
    std::vector<double> times{0.0};
    for (const TimeLevelResult& level : result.levels) times.push_back(level.time);
    std::vector<std::pair<std::string, std::vector<double>>> fields;
    std::vector<double> u, reference;
    for (const std::vector<double>& row : result.u_by_level) u.insert(u.end(), row.begin(), row.end());
    fields.emplace_back("u", u);
    if (result.reference_by_level.size() == result.u_by_level.size()) {
      for (const std::vector<double>& row : result.reference_by_level) reference.insert(reference.end(), row.begin(), row.end());
      std::vector<double> error(u.size());
      for (std::size_t i = 0; i < u.size(); ++i) error[i] = u[i] - reference[i];
      fields.emplace_back("reference", reference);
      fields.emplace_back("error", error);
    }
    files.emplace_back("solution_xt.vtr", encode_rectilinear_2d(result.x, times, fields));
  }
  files.emplace_back("summary.json", time_summary_json(config, result));
  ResultFolder(config.output.directory).replace_results(files, {result.folder});
}

}  // namespace pinn
