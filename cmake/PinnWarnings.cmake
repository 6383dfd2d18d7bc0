# @brief Warning and sanitizer flags for the project's own targets (not for dependencies).

add_library(pinn_warnings INTERFACE)
target_compile_options(pinn_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
if(PINN_WARNINGS_AS_ERRORS)
  target_compile_options(pinn_warnings INTERFACE -Werror)
endif()

if(PINN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
