/// @file solver/case_file.cpp
/// @brief TOML case files -> CaseConfig, strictly validated: [problem] and
/// [loss] by physics/problem_section, the training settings here.
#include "solver/case_file.hpp"

#include "nn/error.hpp"
#include "physics/problem_section.hpp"
#include "physics/symmetric_form.hpp"
#include "physics/toml_section.hpp"
#include "solver/case_rules.hpp"
#include "solver/default_pipeline.hpp"
#include "solver/stages/stage_registry.hpp"


#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace pinn {

namespace {

/// stage.insert_neurons / insert_layer (their cross-key rules are in
/// solver/case_rules.cpp): insert_layer only with insert_neurons.
void parse_stage_insertion(TomlSection& s, StageConfig& stage) {
  const CaseNode* count_node = s.node("insert_neurons");
  const CaseNode* layer_node = s.node("insert_layer");
  stage.insert_neurons = static_cast<int>(s.get_int("insert_neurons", 0, 0, 4096));
  stage.insert_layer = static_cast<int>(s.get_int("insert_layer", 0, 0, 4096));
  if (layer_node)
    PINN_USER_REQUIRE(stage.insert_neurons > 0, s.where(*layer_node)
                                                    << ": " << s.key_name("insert_layer") << " is set but "
                                                    << s.name() << ".insert_neurons is "
                                                    << (count_node ? "0" : "not")
                                                    << "; set how many neurons to insert (insert_neurons >= 1)");
}

/// stage.smoothing / smoothing_end (their cross-key rules are in
/// solver/case_rules.cpp): smoothing_end only with smoothing.
void parse_stage_smoothing(TomlSection& s, StageConfig& stage) {
  const CaseNode* start_node = s.node("smoothing");
  const CaseNode* end_node = s.node("smoothing_end");
  stage.smoothing = s.get_double("smoothing", 0.0, 0.0, 1e3);
  stage.smoothing_end = s.get_double("smoothing_end", stage.smoothing, 0.0, 1e3);
  PINN_USER_REQUIRE(start_node || !end_node, s.where(*end_node)
                                                 << ": " << s.key_name("smoothing_end") << " is set but " << s.name()
                                                 << ".smoothing is not; set the starting width smoothing too");
}

/// parabolic.probes: an array of points, each an array of dim finite numbers inside the domain.
std::vector<std::vector<double>> parse_probes(TomlSection& s, const Domain& domain) {
  std::vector<std::vector<double>> probes;
  const CaseNode* n = s.node("probes");
  if (!n) return probes;
  const int dim = domain.dim();
  const std::string key = s.key_name("probes");
  const std::string allowed = "allowed: an array of points, each an array of " + std::to_string(dim) +
                              " numbers inside the domain, e.g. probes = [[" + (dim == 1 ? "0.5" : "0.5, 0.5") + "]]";
  PINN_USER_REQUIRE(n->is_array(), s.where(*n) << ": " << key << ": found " << describe_node(*n) << "; " << allowed);
  PINN_USER_REQUIRE(n->as_array()->size() <= 1000, s.where(*n) << ": " << key << ": found " << n->as_array()->size()
                                                               << " points; allowed: at most 1000");
  for (const CaseNode& point : *n->as_array()) {
    const std::string at = s.where(point) + ": " + key + "[" + std::to_string(probes.size()) + "]";
    PINN_USER_REQUIRE(point.is_array() && point.as_array()->size() == static_cast<std::size_t>(dim),
                      at << ": found " << describe_node(point) << "; " << allowed);
    std::vector<double> x;
    for (const CaseNode& c : *point.as_array()) {
      const double value = c.is_integer() ? static_cast<double>(*c.value<int64_t>()) : c.value<double>().value_or(NAN);
      PINN_USER_REQUIRE(c.is_number() && std::isfinite(value), at << ": found " << describe_node(c) << "; " << allowed);
      x.push_back(value);
    }
    PINN_USER_REQUIRE(domain.contains(x.data()), at << ": found a point outside the " << domain.describe() << "; "
                                                    << allowed);
    probes.push_back(std::move(x));
  }
  return probes;
}

/// [parabolic]: how a time-dependent problem ([problem.time]) is solved; refused for an elliptic one.
void parse_parabolic_section(TomlSection& top, CaseConfig& c) {
  TomlSection section = top.table("parabolic");
  if (!c.parabolic) {
    PINN_USER_REQUIRE(!section.present(), section.here() << ": [parabolic] sets how a time-dependent problem is "
                                                            "solved, and this problem has no [problem.time] table; "
                                                            "add one (final_time, initial) or remove [parabolic]");
    return;
  }
  ParabolicSettings& p = c.time_stepping;
  p.method = section.get_enum("method", TimeMethod::rothe, kTimeMethodNames);
  if (p.method == TimeMethod::space_time)
    for (const char* key : {"scheme", "later_levels", "grid_nodes"})
      section.refuse(key, "it sets the time stepping of method = \"rothe\", and this case has method = "
                          "\"space_time\" (one network of (x, t), no time levels); remove it or choose "
                          "method = \"rothe\"");
  p.steps = static_cast<int>(section.get_int("steps", 20, 1, 100'000));
  p.scheme = section.get_enum("scheme", TimeScheme::bdf2, kTimeSchemeNames);
  p.later_levels = section.get_double("later_levels", 0.5, 0.0, 1.0, true);
  p.grid_nodes = static_cast<int>(section.get_int("grid_nodes", 0, 0, 1'000'000));
  PINN_USER_REQUIRE(p.grid_nodes == 0 || p.grid_nodes >= 3,
                    section.where_key("grid_nodes") << ": parabolic.grid_nodes: found " << p.grid_nodes
                                                    << "; allowed: 0 (automatic) or at least 3");
  p.reference_steps = static_cast<int>(section.get_int("reference_steps", 0, 0, 10'000'000));
  PINN_USER_REQUIRE(p.reference_steps % p.steps == 0,
                    section.where_key("reference_steps") << ": parabolic.reference_steps: found " << p.reference_steps
                                                         << "; allowed: 0 (automatic) or a multiple of parabolic.steps = "
                                                         << p.steps << " (the reference must have every level's time)");
  p.probes = parse_probes(section, c.problem.domain);
  section.finish();
}

CaseConfig build_config(const CaseDocument& document, const std::string& file) {
  const CaseNode& root = document.root;
  CaseConfig c;
  c.path = file;
  TomlSection top(&root, "", file, root.source(), &c.locations);

  // [problem]
  ProblemDefinition definition = read_problem_section(top, file);
  c.problem = std::move(definition.problem);
  c.texts = std::move(definition.texts);
  c.parabolic = definition.parabolic;

  // [network]
  TomlSection network = top.table("network");
  c.network.hidden = network.get_widths("hidden", {32, 32});
  c.network.activation = network.get_enum("activation", Activation::tanh, kActivationNames);
  c.network.alpha = network.get_double("alpha", 0.1, 0.0, 1.0);
  c.network.alpha_mode = network.get_enum("alpha_mode", AlphaMode::layer, kAlphaModeNames);
  c.network.alpha_constraint = network.get_enum("alpha_constraint", AlphaConstraint::none, kAlphaConstraintNames);
  PINN_USER_REQUIRE(!(c.network.alpha_constraint == AlphaConstraint::unit_interval && c.network.alpha <= 0.0),
                    network.where_key("alpha") << ": network.alpha = " << c.network.alpha
                                               << " with alpha_constraint = \"unit_interval\"; allowed: alpha in (0, 1]");
  c.network.alpha_l1 = network.get_double("alpha_l1", 0.0, 0.0, 1e6);
  c.kink_placement = network.get_enum("kink_placement", KinkPlacement::domain, kKinkPlacementNames);
  PINN_USER_REQUIRE(c.kink_placement != KinkPlacement::obstacle || c.problem.has_lower() || c.problem.has_upper(),
                    network.where_key("kink_placement")
                        << ": network.kink_placement = \"obstacle\" places kinks where the obstacle bends, and this "
                           "problem has none; use \"domain\" or \"origin\"");
  network.finish();

  // [loss]
  const LossSection loss = read_loss_section(top, c.problem, !is_piecewise_linear(c.network.activation));
  c.loss = loss.settings;
  PINN_USER_REQUIRE(!c.loss.exact_energy_integration || is_piecewise_linear(c.network.activation),
                    loss.integration_at << ": loss.energy_integration = \"exact\" needs a piecewise-linear network "
                                           "(relu, leaky_relu, prelu); found network.activation = \""
                                        << to_string(c.network.activation)
                                        << "\". Use \"points\" with smooth activations");
  const std::string& form_at = loss.form_at;
  if ((c.loss.form == LossForm::strong || c.loss.form == LossForm::proximal) &&
      is_piecewise_linear(c.network.activation)) {
    PINN_USER_REQUIRE(false, form_at << ": loss.form = \"" << to_string(c.loss.form)
                                     << "\" cannot be used with network.activation = \""
                                     << to_string(c.network.activation)
                                     << "\": a piecewise-linear network has Δu = 0 almost everywhere, so the PDE "
                                        "residual would teach it nothing. Use form = \"energy\" or \"first_order\" "
                                        "with this activation, or a smooth activation (tanh, softplus, sin)");
  }

  // [sampling]
  TomlSection sampling = top.table("sampling");
  c.sampling.interior = static_cast<int>(sampling.get_int("interior", 256, 1, 10'000'000));
  c.sampling.boundary = static_cast<int>(sampling.get_int("boundary", 0, 0, 10'000'000));
  c.sampling.method = sampling.get_enum("method", SamplingMethod::grid, kSamplingMethodNames);
  c.sampling.adaptive_rounds = static_cast<int>(sampling.get_int("adaptive_rounds", 0, 0, 1000));
  c.sampling.adaptive_points = static_cast<int>(sampling.get_int("adaptive_points", 0, 0, 10'000'000));
  c.sampling.obstacle_nodes = sampling.get_bool("obstacle_nodes", false);
  c.sampling.shift_each_round = sampling.get_bool("shift_each_round", false);
  sampling.finish();

  // [run]
  TomlSection run = top.table("run");
  c.seed = static_cast<std::uint64_t>(run.get_int("seed", 1, 0, std::numeric_limits<int64_t>::max()));
  c.threads = static_cast<int>(run.get_int("threads", 0, 0, 4096));
  // Read before [[stage]]: the default pipeline divides the budget.
  c.time_budget = run.get_double("time_budget", 0.0, 0.0, 1e9);
  c.rank_sums = run.get_enum("rank_sums", RankSums::gathered, kRankSumsNames);
  run.finish();

  // [[stage]]
  const CaseNode* stages = top.node("stage");
  if (!stages) c.pipeline_notes = choose_default_pipeline(c);
  // A tenth of the interior points, as the (possibly default) count says.
  if (c.sampling.adaptive_points == 0) c.sampling.adaptive_points = std::max(1, c.sampling.interior / 10);
  if (stages) {
    // `--set stage.N.key=…` on a file without [[stage]] tables makes a table
    // keyed by stage numbers: say that there are no stages to change.
    const std::vector<std::string>& keys = stages->is_table() ? stages->keys() : std::vector<std::string>{};
    const bool numbered = !keys.empty() && std::all_of(keys.begin(), keys.end(), [](const std::string& key) {
      return std::all_of(key.begin(), key.end(), [](unsigned char ch) { return std::isdigit(ch) != 0; });
    });
    if (numbered) {
      // Every stage the --set options name (the location is the first of them).
      std::string named;
      for (const std::string& key : keys) named += (named.empty() ? "stage." : ", stage.") + key;
      throw UserError(top.where(*stages) + ": " + named +
                      (keys.size() == 1 ? " changes a [[stage]] table" : " change [[stage]] tables") +
                      " of the case file, and this file has none (it trains with the default pipeline: "
                      "`obstacle-pinn validate FILE --explain` prints it); write the stages out as [[stage]] tables "
                      "to change them");
    }
    PINN_USER_REQUIRE(stages->is_array_of_tables(), top.where(*stages)
                                                        << ": stage: found " << describe_node(*stages)
                                                        << "; allowed: [[stage]] tables");
    int index = 0;
    for (const CaseNode& entry : *stages->as_array()) {
      TomlSection s(entry.as_table(), "stage." + std::to_string(index++), file, entry.source(), &c.locations);
      StageConfig stage;
      std::vector<std::string> kind_names;
      for (const StageKind& kind : stage_kinds()) kind_names.push_back(kind.name);
      stage.type = s.get_choice("type", "adam", kind_names);
      const StageKind& kind = *find_stage_kind(stage.type);
      stage.options = kind.read_options(s, stage, c);
      stage.iterations = static_cast<int>(s.get_int("iterations", 2000, 0, 100'000'000));
      stage.multiplier_updates = static_cast<int>(s.get_int("multiplier_updates", 0, 0, 100'000));
      stage.penalty_growth = s.get_double("penalty_growth", 1.0, 1.0, 1e6);
      stage.max_penalty = s.get_double("max_penalty", 1e12, 0.0, 1e15, true);
      stage.time_limit = s.get_double("time_limit", 0.0, 0.0, 1e9);
      stage.budget_share = s.get_double("budget_share", 1.0, 0.0, 1e6, true);
      // Stage types that end on their last iterate refused these three keys already.
      stage.patience = static_cast<int>(s.get_int("patience", 0, 0, 100'000));
      stage.min_change = s.get_double("min_change", 1e-5, 0.0, 1.0);
      stage.select_last_rounds = static_cast<int>(s.get_int("select_last_rounds", 0, 0, 100'000));
      stage.select_penalty = s.get_double("select_penalty", 1.0, 1.0, 1e6);
      parse_stage_smoothing(s, stage);
      stage.exact_fit_steps = static_cast<int>(s.get_int("exact_fit_steps", 0, 0, 10'000));
      stage.revive_neurons = s.get_bool("revive_neurons", false);
      parse_stage_insertion(s, stage);
      s.finish();
      c.stages.push_back(stage);
    }
  }

  // A wind whose symmetric form exists, and a stage that carries the source
  // in a flux computed once, which cannot follow a lagged wind: the
  // symmetric form, unless the file asks for loss.wind (then that stage's
  // check refuses the lagged one).
  if (stages && !c.locations.count("loss.wind") && c.loss.form == LossForm::energy &&
      c.problem.op.has_convection() && has_symmetric_form(c.problem) &&
      std::any_of(c.stages.begin(), c.stages.end(), carries_source_in_flux))
    c.loss.wind = WindForm::symmetric;

  // A case's stages are tuned for its activation and loss form: a --set that
  // changes either keeps the stages, whose settings may no longer suit.
  for (const char* key : {"network.activation", "loss.form"}) {
    const auto it = c.locations.find(key);
    if (stages && it != c.locations.end() && it->second.rfind("--set", 0) == 0)
      c.notices.push_back(std::string(key) + " was changed by " + it->second +
                          ", but the case's [[stage]] tables stay as they were tuned for the file's own choice: "
                          "reconsider their learning rates, iterations, smoothing and penalties, or leave out the "
                          "[[stage]] tables for the default pipeline (README, \"Default pipelines\")");
  }

  // [output]
  TomlSection output = top.table("output");
  c.output.directory = output.get_string("directory", "results/" + c.problem.name);
  c.output.snapshots = static_cast<int>(output.get_int("snapshots", 0, 0, 10'000));
  c.output.log_every = static_cast<int>(output.get_int("log_every", 100, 1, 100'000'000));
  c.output.evaluation_points = static_cast<int>(output.get_int("evaluation_points", 0, 0, 100'000));
  output.finish();

  // [reference]
  TomlSection reference = top.table("reference");
  c.reference_cells = static_cast<int>(reference.get_int("cells", 0, 0, 100'000));
  PINN_USER_REQUIRE(c.reference_cells == 0 || c.reference_cells >= 4,
                    reference.where_key("cells") << ": reference.cells: found " << c.reference_cells
                                                 << "; allowed: 0 (automatic) or at least 4");
  reference.finish();

  parse_parabolic_section(top, c);

  top.finish();
  c.finalize();
  validate_config(c);
  TomlSection problem = top.table("problem");
  check_obstacles_against_boundary(c.problem, problem.where_key("obstacle"), problem.where_key("upper_obstacle"));
  if (c.parabolic) check_parabolic_problem(*c.parabolic, definition.initial_at);
  c.effective_json = document.effective_json;
  c.effective_toml = document.effective_toml;
  return c;
}

}  // namespace

CaseConfig parse_case(const std::string& text, const std::string& name, const std::vector<std::string>& overrides) {
  return build_config(parse_case_text(text, name, overrides), name);
}

CaseConfig load_case_file(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_case(read_case_text(path), path, overrides);
}

}  // namespace pinn
