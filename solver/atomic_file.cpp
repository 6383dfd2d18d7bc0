/// @file solver/atomic_file.cpp
/// @brief Atomic file writes (temporary name + rename).
#include "solver/atomic_file.hpp"

#include "nn/error.hpp"

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace pinn {

void write_atomically_with(const std::string& path, const std::function<void(const std::string&)>& write) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path());
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  try {
    write(temporary);
    fs::rename(temporary, target);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
}

void write_file_atomically(const std::string& path, const std::string& content) {
  write_atomically_with(path, [&](const std::string& temporary) {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) throw RunError("cannot write " + temporary + " (disk full or no permission?)");
  });
}

}  // namespace pinn
