# The Debian package: `cmake --build build --target package` -> build/aletheia_<version>_<arch>.deb
# (docs/PACKAGING.md). Included last by the top CMakeLists.txt, after the programs' install() rules.
# Nothing here adds work to the default build: the manual pages, the bash completion and the
# compressed changelog are generated from the built programs' --help at install time.

set(_pkg_src ${PROJECT_SOURCE_DIR}/packaging)
set(_pkg_gen ${PROJECT_BINARY_DIR}/packaging)

if(NOT TORCH_LIBRARY MATCHES "^/usr/lib/")
  message(STATUS "Aletheia: libtorch is not Debian's (${TORCH_LIBRARY}): "
                 "the .deb's dependencies cannot name it; build the package against libtorch-dev")
endif()

# ---- what the package installs (below CMAKE_INSTALL_PREFIX; /usr in the package) ----------
# /usr/bin/aletheia and /usr/bin/aletheia-studio: app/CMakeLists.txt.
if(ALETHEIA_GUI)
  install(FILES ${_pkg_src}/aletheia-studio.desktop DESTINATION share/applications)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/aletheia.svg
          DESTINATION share/icons/hicolor/scalable/apps RENAME aletheia-studio.svg)
endif()
# The example experiments and the demo's data. The programs need neither at run time (the demo
# model is embedded in them, core/demo/shipped_demo.cpp); they are there to read and copy.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/resources/examples ${PROJECT_SOURCE_DIR}/resources/demo
        DESTINATION share/aletheia)
install(FILES ${_pkg_src}/copyright DESTINATION share/doc/aletheia)

# A stripped install (the package: CPACK_STRIP_FILES) also drops the compiler's .comment and
# .note sections, as Debian's dh_strip does.
find_program(ALETHEIA_OBJCOPY NAMES objcopy)
if(ALETHEIA_OBJCOPY)
  set(_programs aletheia)
  if(ALETHEIA_GUI)
    list(APPEND _programs aletheia-studio)
  endif()
  foreach(_p ${_programs})
    install(CODE "
      if(CMAKE_INSTALL_DO_STRIP)
        execute_process(COMMAND \"${ALETHEIA_OBJCOPY}\" --remove-section=.comment --remove-section=.note
                                \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/bin/${_p}\")
      endif()")
  endforeach()
endif()

# Generated from the built programs (packaging/generate-docs.sh), then installed.
set(_studio_bin "")
if(ALETHEIA_GUI)
  set(_studio_bin "$<TARGET_FILE:aletheia-studio>")
endif()
install(CODE "
  execute_process(COMMAND bash \"${_pkg_src}/generate-docs.sh\" \"$<TARGET_FILE:aletheia>\" \"${_studio_bin}\"
                          \"${_pkg_gen}\" \"${PROJECT_VERSION}\" RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR \"packaging/generate-docs.sh failed (\${_rc})\")
  endif()")
install(FILES ${_pkg_gen}/aletheia.1.gz DESTINATION share/man/man1)
if(ALETHEIA_GUI)
  install(FILES ${_pkg_gen}/aletheia-studio.1.gz DESTINATION share/man/man1)
endif()
install(FILES ${_pkg_gen}/aletheia.bash-completion DESTINATION share/bash-completion/completions
        RENAME aletheia)
install(FILES ${_pkg_gen}/changelog.gz DESTINATION share/doc/aletheia)

# The completion must offer exactly the commands and options the binary's --help lists.
if(ALETHEIA_TESTS)
  add_test(NAME packaging_bash_completion
           COMMAND bash -c "bash \"$1\" \"$2\" '' \"$3\" ${PROJECT_VERSION} >/dev/null && bash \"$4\" \"$2\" \"$3/aletheia.bash-completion\""
                   _ ${_pkg_src}/generate-docs.sh $<TARGET_FILE:aletheia> ${PROJECT_BINARY_DIR}/packaging-test
                   ${_pkg_src}/check-completion.sh)
  set_tests_properties(packaging_bash_completion PROPERTIES LABELS packaging)
endif()

# ---- the .deb ------------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME aletheia)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Aletheia Studio")
set(CPACK_PACKAGE_CONTACT "Aletheia Studio maintainers <maintainers@users.noreply.r-seed-6670f851.example>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "selective LoRA fine-tuning engine and desktop studio")
set(CPACK_PACKAGE_DESCRIPTION "\
Aletheia Studio fine-tunes language models with LoRA on a workstation. A\n\
cheap gradient probe scores every layer and module for the task, LoRA goes\n\
only where it matters, with asymmetric ranks, and layers below the lowest\n\
adapted one cost a forward pass only.\n\
\n\
The package holds the aletheia command line (probe, plan, train, eval,\n\
export, bench, and a built-in demo that runs on a CPU) and aletheia-studio,\n\
a Qt desktop application that runs the same experiments interactively\n\
with live plots. Adapters are written in the Hugging Face PEFT format.")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps names the packages of the libraries the programs link (libtorch, Qt 6,
# QCustomPlot, yaml-cpp, PCRE2, ICU, ...). libtorch's CPU matmuls go through libblas.so.3,
# which dpkg-shlibdeps does not see: without OpenBLAS that is the reference BLAS, ~8x slower.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

include(CPack)
