/// @file solver/atomic_file.hpp
/// @brief Writes files under a temporary name and renames them into place, so a
/// reader (or a crash) never sees a half-written output and earlier results
/// survive until the new one is complete.
#pragma once

#include <functional>
#include <string>

namespace pinn {

/// Writes `content` to `path` atomically. Throws pinn::RunError on failure.
void write_file_atomically(const std::string& path, const std::string& content);

/// Calls `write(temporary_path)` then renames the temporary file to `path`.
void write_atomically_with(const std::string& path, const std::function<void(const std::string&)>& write);

}  // namespace pinn
