/// @file solver/result_folder.cpp
/// @brief Staged results: all written, then all renamed into place.
#include "solver/result_folder.hpp"

#include "nn/atomic_file.hpp"
#include "nn/error.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace pinn {

namespace {

namespace fs = std::filesystem;

constexpr const char* kSnapshots = "snapshots";
constexpr const char* kPartialSnapshots = "snapshots.partial";

std::string snapshot_name(int index) { return "solution_" + std::to_string(index) + ".vtu"; }

}  // namespace

void ResultFolder::check_writable() const {
  try {
    create_directories_or_throw(directory_);
  } catch (const RunError& e) {
    throw UserError(std::string("output folder: ") + e.what());
  }
  const std::string probe = file(".write-test." + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  PINN_USER_REQUIRE(fd >= 0, "output folder: cannot create files in " << directory_ << ": " << std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
}

void ResultFolder::discard_staged(const std::string& name) const {
  std::error_code ignored;
  fs::remove_all(staged(name), ignored);
}

void ResultFolder::recover_snapshots(int count) const {
  const fs::path partial = file(kPartialSnapshots), committed = file(kSnapshots);
  for (int i = 0; i < count; ++i) {
    const fs::path staged = partial / snapshot_name(i), earlier = committed / snapshot_name(i);
    std::error_code error;
    if (fs::exists(staged, error) || !fs::exists(earlier, error)) continue;
    create_directories_or_throw(partial.string());
    fs::create_hard_link(earlier, staged, error);
    if (error) fs::copy_file(earlier, staged, error);
    if (error)
      throw RunError("cannot keep snapshot " + earlier.string() + " for the resumed run: " + error.message());
  }
}

std::string ResultFolder::write_snapshot(int index, std::string_view bytes) const {
  write_file_atomically(file(std::string(kPartialSnapshots) + "/" + snapshot_name(index)), bytes);
  return std::string(kSnapshots) + "/" + snapshot_name(index);
}

void ResultFolder::replace_results(const std::vector<std::pair<std::string, std::string>>& files,
                                   const std::vector<std::string>& staged_folders) const {
  AtomicFileSet set;
  try {
    for (const auto& [name, bytes] : files) set.add(file(name), bytes);
  } catch (const RunError& e) {
    throw RunError(std::string(e.what()) + "; no result in " + directory_ + " was replaced");
  }
  for (const std::string& name : staged_folders) {
    const fs::path partial = staged(name);
    std::error_code error;
    if (!fs::exists(partial, error)) continue;
    // Renaming folders needs no free space: the earlier folder goes aside,
    // the new one takes its name, then the earlier one is removed.
    const fs::path committed = file(name), earlier = file(name + ".earlier");
    fs::remove_all(earlier, error);
    const bool had_earlier = fs::exists(committed, error);
    if (had_earlier) fs::rename(committed, earlier, error);
    if (!error) fs::rename(partial, committed, error);
    if (error) throw RunError("cannot move " + partial.string() + " into " + committed.string() + ": " + error.message());
    if (had_earlier) fs::remove_all(earlier, error);
  }
  set.commit();
}

}  // namespace pinn
