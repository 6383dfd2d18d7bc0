/// @file nn/error.hpp
/// @brief The four error tiers of the engine (README.md, "Contributing"), shared by every folder.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace pinn {

/// Bad input from a user (case file, command line, data): the message says
/// where, what was found and what is allowed. Tools map it to exit code 2.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Misuse of the C++ API by a caller (wrong sizes, calls out of order).
class ApiError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// A run that could not produce a trustworthy answer (diverged, NaN).
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
[[noreturn]] inline void throw_api_error(const char* condition, const char* function, const std::string& message) {
  throw ApiError(std::string(function) + ": " + message + " (failed: " + condition + ")");
}
[[noreturn]] inline void throw_internal_error(const char* condition, const char* file, int line) {
  std::ostringstream out;
  out << "internal error: assertion '" << condition << "' failed at " << file << ":" << line;
  throw std::logic_error(out.str());
}
}  // namespace detail

}  // namespace pinn

/// Internal invariant; checked in debug builds only.
#ifdef NDEBUG
#define PINN_ASSERT(condition) ((void)0)
#else
#define PINN_ASSERT(condition) \
  ((condition) ? (void)0 : ::pinn::detail::throw_internal_error(#condition, __FILE__, __LINE__))
#endif

/// API misuse: always checked, throws pinn::ApiError naming the function.
#define PINN_REQUIRE(condition, message)                                           \
  do {                                                                             \
    if (!(condition)) {                                                            \
      std::ostringstream pinn_require_stream_;                                     \
      pinn_require_stream_ << message;                                             \
      ::pinn::detail::throw_api_error(#condition, __func__, pinn_require_stream_.str()); \
    }                                                                              \
  } while (false)

/// Bad user input: always checked, throws pinn::UserError with the message as is.
#define PINN_USER_REQUIRE(condition, message)            \
  do {                                                   \
    if (!(condition)) {                                  \
      std::ostringstream pinn_user_stream_;              \
      pinn_user_stream_ << message;                      \
      throw ::pinn::UserError(pinn_user_stream_.str());  \
    }                                                    \
  } while (false)

/// Inside kernels: device code cannot throw, so abort with the message (the
/// unit that uses it includes Kokkos; this header does not, so that the
/// Kokkos-free case-file parser can use the macros above).
#define PINN_KERNEL_ASSERT(condition, message) \
  do {                                         \
    if (!(condition)) Kokkos::abort(message);  \
  } while (false)
