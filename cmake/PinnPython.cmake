# @brief The optional Python module (README.md, "Python"): found here, before
# the libraries are defined, because linking them into a Python extension
# needs position-independent code. Sets PINN_PYTHON_MODULE to ON when it is
# built, with Python_EXECUTABLE the interpreter it is built for.
#
# Built where Python 3's headers and pybind11 are found (Debian: python3-dev,
# pybind11-dev) and the backend runs on the host (a CUDA Kokkos is left out).
# Debian's /usr/bin/python3 is preferred over another python3 on the PATH
# (a pyenv shim, say), since its NumPy and pytest are the Debian packages.
# Python 3.11 or newer: the package reads TOML with tomllib.
set(PINN_PYTHON_MODULE OFF)
if(NOT PINN_BUILD_PYTHON)
  return()
endif()
if(PINN_SANITIZE)
  # A sanitized extension would need the sanitizer runtime preloaded into Python.
  message(STATUS "obstacle-pinn: Python module not built (PINN_SANITIZE)")
  return()
endif()
if(DEFINED Kokkos_DEVICES AND "CUDA" IN_LIST Kokkos_DEVICES)
  message(STATUS "obstacle-pinn: Python module not built (a CUDA Kokkos; the module runs on the host backends)")
  return()
endif()
if(NOT DEFINED Python_EXECUTABLE AND EXISTS /usr/bin/python3)
  set(Python_EXECUTABLE /usr/bin/python3)
endif()
find_package(Python 3.11 COMPONENTS Interpreter Development.Module QUIET)
if(Python_FOUND)
  set(PYBIND11_FINDPYTHON ON)
  find_package(pybind11 2.6 CONFIG QUIET)
endif()
if(NOT Python_FOUND OR NOT pybind11_FOUND)
  message(STATUS "obstacle-pinn: Python module not built (needs Python 3 headers and pybind11: "
                 "apt-get install python3-dev pybind11-dev python3-numpy)")
  return()
endif()
set(PINN_PYTHON_MODULE ON)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
message(STATUS "obstacle-pinn: Python module for ${Python_EXECUTABLE} (${Python_VERSION}), pybind11 ${pybind11_VERSION}")
