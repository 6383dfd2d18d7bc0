# @brief Warning and sanitizer flags for the project's own targets (not for dependencies).

add_library(pinn_warnings INTERFACE)
target_compile_options(pinn_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
if(PINN_WARNINGS_AS_ERRORS)
  target_compile_options(pinn_warnings INTERFACE -Werror)
endif()

if(PINN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  # Eigen switches to its own aligned allocation (a pointer stored before each
  # block) when it sees __SANITIZE_ADDRESS__, while Debian's Ceres was built
  # without it and allocates with plain malloc. Eigen objects made in libceres
  # and freed in our code (ceres::GradientChecker::ProbeResults) would then be
  # freed the wrong way. glibc's and ASan's malloc both return 16-byte aligned
  # blocks, which is all Eigen needs here, so keep Ceres' convention.
  add_compile_definitions(EIGEN_MALLOC_ALREADY_ALIGNED=1)
endif()
