/// @file solver/result_folder.hpp
/// @brief The output folder of a run, and what may change in it when.
///
/// - Nothing changes before the run is accepted (every check passed).
/// - The training state — case.toml once the run is accepted, checkpoint.bin
///   at every logged iteration — is replaced file by file, each atomically.
/// - The results (summary.json, history.csv, solution.vtu/.vtr, points.vtu,
///   training.pvd and snapshots/; a time-dependent run's files and levels/)
///   are written completely first and only then replace the earlier ones, all
///   together: a run that fails (a full disk) leaves the earlier results as
///   they were. Snapshots taken while training go to snapshots.partial/ until
///   then, a time-dependent run's levels to levels.partial/.
/// README.md ("What a run produces") states the same for users.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pinn {

class ResultFolder {
 public:
  explicit ResultFolder(std::string directory) : directory_(std::move(directory)) {}

  const std::string& directory() const { return directory_; }
  std::string file(const std::string& name) const { return directory_ + "/" + name; }

  /// Creates the folder if needed and checks that files can be created in
  /// it; throws pinn::UserError naming the folder and the cause.
  void check_writable() const;

  /// A fresh run: removes snapshots.partial/ left by a killed run that was not resumed.
  void discard_partial_snapshots() const { discard_staged("snapshots"); }
  /// The folder `name` (snapshots, levels) is written as `name`.partial/ and
  /// replaces `name`/ with the results; staged() is its path, discard_staged()
  /// removes one that a killed run left.
  std::string staged(const std::string& name) const { return file(name + ".partial"); }
  void discard_staged(const std::string& name) const;
  /// A resumed run: the first `count` snapshots of the interrupted run, which
  /// an interrupted (not killed) run already moved into snapshots/, are
  /// linked back into snapshots.partial/ so the next replacement keeps them.
  void recover_snapshots(int count) const;
  /// Writes snapshot `index` into snapshots.partial/; returns the name the
  /// results list it under ("snapshots/solution_<index>.vtu").
  std::string write_snapshot(int index, std::string_view bytes) const;

  /// Writes every (name, bytes) completely, then replaces the earlier
  /// results by them, and each folder F of `staged_folders` (snapshots,
  /// levels) by F.partial/ where there is one. Throws pinn::RunError naming
  /// the file and the cause; the earlier results are then unchanged.
  void replace_results(const std::vector<std::pair<std::string, std::string>>& files,
                       const std::vector<std::string>& staged_folders) const;

 private:
  std::string directory_;
};

}  // namespace pinn
