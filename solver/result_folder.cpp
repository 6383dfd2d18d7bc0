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

void ResultFolder::discard_partial_snapshots() const {
  std::error_code ignored;
  fs::remove_all(file(kPartialSnapshots), ignored);
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
                                   bool with_snapshots) const {
  AtomicFileSet set;
  try {
    for (const auto& [name, bytes] : files) set.add(file(name), bytes);
  } catch (const RunError& e) {
    throw RunError(std::string(e.what()) + "; no result in " + directory_ + " was replaced");
  }
  const fs::path partial = file(kPartialSnapshots);
  std::error_code error;
  if (with_snapshots && fs::exists(partial, error)) {
    // Renaming folders needs no free space: the earlier series goes aside,
    // the new one takes its name, then the earlier one is removed.
    const fs::path committed = file(kSnapshots), earlier = file("snapshots.earlier");
    fs::remove_all(earlier, error);
    const bool had_earlier = fs::exists(committed, error);
    if (had_earlier) fs::rename(committed, earlier, error);
    if (!error) fs::rename(partial, committed, error);
    if (error) throw RunError("cannot move the snapshots into " + committed.string() + ": " + error.message());
    if (had_earlier) fs::remove_all(earlier, error);
  }
  set.commit();
}

}  // namespace pinn
