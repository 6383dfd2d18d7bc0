/// @file tests/solver/user_error_message.hpp
/// @brief The message of the pinn::UserError an action throws, and a check
/// that every expected part (location, what was found, what is allowed)
/// occurs in it: the case-file tests' way of testing refusals.
#pragma once

#include "nn/error.hpp"

#include <gtest/gtest.h>

#include <exception>
#include <initializer_list>
#include <string>

namespace pinn_test {

/// The message of the pinn::UserError that `action` throws ("" and a test
/// failure if it throws something else or nothing).
template <class Action>
std::string user_error_of(Action action) {
  try {
    action();
  } catch (const pinn::UserError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected pinn::UserError, got another exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected pinn::UserError, but the case parsed";
  return "";
}

/// Every part must occur in the message.
inline void expect_parts(const std::string& message, std::initializer_list<std::string> parts) {
  for (const std::string& part : parts)
    EXPECT_NE(message.find(part), std::string::npos) << "missing \"" << part << "\" in the message:\n  " << message;
}

}  // namespace pinn_test
