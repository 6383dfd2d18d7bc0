/// @file nn/atomic_file.hpp
/// @brief Durable, all-or-nothing file writes: a file is written under a
/// temporary name, every write, flush and fsync is checked, and only then is
/// it renamed over the earlier file. A full disk, a crash or a kill never
/// leaves a half-written output, and the earlier file survives until the new
/// one is complete (README.md, "What a run produces").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pinn {

/// Replaces `path` by `bytes`: creates the parent folders, writes
/// `path`.tmp.<pid>, checks every write, fsyncs it, renames it over `path` and
/// fsyncs the folder. Throws pinn::RunError naming the file and the cause
/// (e.g. "No space left on device"); `path` is then unchanged and the
/// temporary file removed.
void write_file_atomically(const std::string& path, std::string_view bytes);

/// Creates `directory` and its parents; throws pinn::RunError naming the
/// folder and the cause (no raw std::filesystem text).
void create_directories_or_throw(const std::string& directory);

/// Several files replaced together: add() writes each one completely under a
/// temporary name (as write_file_atomically does, without the rename), and
/// commit() renames them all into place only after every one was written.
/// If any add() fails, or commit() is never called, no file is replaced and
/// the temporary files are removed.
class AtomicFileSet {
 public:
  AtomicFileSet() = default;
  AtomicFileSet(const AtomicFileSet&) = delete;
  AtomicFileSet& operator=(const AtomicFileSet&) = delete;
  ~AtomicFileSet();

  /// Writes `bytes` for `path`; throws pinn::RunError (nothing replaced).
  void add(const std::string& path, std::string_view bytes);
  /// Renames every added file into place (add order) and fsyncs their folders.
  void commit();

 private:
  struct Pending {
    std::string path, temporary;
  };
  std::vector<Pending> pending_;
};

}  // namespace pinn
