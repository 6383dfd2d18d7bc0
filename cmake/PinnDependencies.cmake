# @brief find_package for every dependency, each failing with the Debian package to install.

macro(pinn_require_package name debian_package)
  find_package(${name} ${ARGN} QUIET)
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR
      "obstacle-pinn needs ${name}, which was not found.\n"
      "On Debian/Ubuntu: apt-get install ${debian_package}\n"
      "(or run tools/setup, which installs everything), or point CMake at your own "
      "install with -D${name}_ROOT=/path/to/prefix.")
  endif()
endmacro()

# Kokkos: Kokkos_ROOT selects a user's build (OpenMP from tools/setup, or CUDA/HIP).
pinn_require_package(Kokkos "libtrilinos-kokkos-dev")
if(Kokkos_INCLUDE_DIRS)
  # Debian's KokkosConfig.cmake exports /usr/lib/include as the include
  # directory; the headers live in Kokkos_INCLUDE_DIRS (/usr/include/trilinos).
  set_target_properties(Kokkos::kokkos PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${Kokkos_INCLUDE_DIRS}")
endif()
set(PINN_KOKKOS_DEVICES "")
if(DEFINED Kokkos_DEVICES)
  set(PINN_KOKKOS_DEVICES "${Kokkos_DEVICES}")
endif()
message(STATUS "obstacle-pinn: Kokkos ${Kokkos_VERSION} from ${Kokkos_DIR} (devices: ${PINN_KOKKOS_DEVICES})")

pinn_require_package(Eigen3 "libeigen3-dev" NO_MODULE)

# BLAS with CBLAS for the batched kernels (nn/blas.cpp): OpenBLAS where it is
# installed (its kernels are chosen at run time for the CPU), else any BLAS.
set(BLA_VENDOR OpenBLAS)
find_package(BLAS QUIET)
if(NOT BLAS_FOUND)
  unset(BLA_VENDOR)
  pinn_require_package(BLAS "libopenblas-openmp-dev")
endif()
set(PINN_BLA_VENDOR "${BLA_VENDOR}")
# LAPACK (Cholesky) for the natural-gradient stage's Gram matrix: OpenBLAS
# carries it; with another BLAS the system LAPACK.
find_package(LAPACK QUIET)
if(NOT LAPACK_FOUND)
  unset(BLA_VENDOR)
  pinn_require_package(LAPACK "liblapack-dev")
endif()
find_path(PINN_CBLAS_INCLUDE_DIR cblas.h PATH_SUFFIXES openblas x86_64-linux-gnu)
if(NOT PINN_CBLAS_INCLUDE_DIR)
  message(FATAL_ERROR "obstacle-pinn needs cblas.h, which was not found.\n"
                      "On Debian/Ubuntu: apt-get install libopenblas-openmp-dev (or run tools/setup), "
                      "or set PINN_CBLAS_INCLUDE_DIR.")
endif()
message(STATUS "obstacle-pinn: BLAS ${BLAS_LIBRARIES} (cblas.h in ${PINN_CBLAS_INCLUDE_DIR})")
pinn_require_package(tomlplusplus "libtomlplusplus-dev")
pinn_require_package(muparser "libmuparser-dev")
pinn_require_package(nlohmann_json "nlohmann-json3-dev")
pinn_require_package(CLI11 "libcli11-dev")
# Ceres (the second-order stages) and VTK (the output files) are part of the
# engine, not options: every build has them.
pinn_require_package(Ceres "libceres-dev")
pinn_require_package(VTK "libvtk9-dev" COMPONENTS IOXML CommonCore CommonDataModel)
if(PINN_BUILD_TESTS)
  pinn_require_package(GTest "libgtest-dev")
endif()

# MPI (optional): several processes share a run's points (nn/communicator.hpp,
# README "Many processes: MPI"). Found from Debian's libopenmpi-dev (which
# libvtk9-dev installs too); without it the build and every test work as
# before, and a run is one process.
option(PINN_MPI "Build with MPI where it is found" ON)
set(PINN_HAVE_MPI OFF)
if(PINN_MPI)
  set(MPI_CXX_SKIP_MPICXX ON)  # the C API only: no libmpi_cxx
  find_package(MPI COMPONENTS CXX QUIET)
  if(MPI_CXX_FOUND)
    set(PINN_HAVE_MPI ON)
    message(STATUS "obstacle-pinn: MPI ${MPI_CXX_VERSION} (${MPIEXEC_EXECUTABLE})")
  else()
    message(STATUS "obstacle-pinn: no MPI (apt-get install libopenmpi-dev for runs over several processes)")
  endif()
endif()
