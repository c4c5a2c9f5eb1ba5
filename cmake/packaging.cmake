# Installation and the Debian package.
#
# `cmake --install` puts the binary in bin/, tributary.service and
# tributary.socket in the systemd system unit directory, the man page
# tributary(1) (built from docs/tributary.1.scd with scdoc), and the example
# configuration as /etc/tributary/tributary.toml unless that file exists.
# `cpack -G DEB` packages the same with prefix /usr; its maintainer scripts
# reload systemd and enable nothing (see cmake/debian/).
include(GNUInstallDirs)

set(TRIBUTARY_CONFIG_DIR "/etc/tributary" CACHE PATH
    "Where the configuration goes; absolute, since the binary and the unit look in /etc/tributary")
set(TRIBUTARY_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "The systemd system unit directory, relative to the install prefix")

install(TARGETS tributary RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The units name the binary /usr/bin/tributary; under another prefix the
# installed copy names the installed binary.
install(CODE "
  file(READ \"${CMAKE_CURRENT_SOURCE_DIR}/systemd/tributary.service\" unit)
  string(REPLACE \"/usr/bin/tributary\" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/tributary\" unit \"\${unit}\")
  file(WRITE \"${CMAKE_CURRENT_BINARY_DIR}/units/tributary.service\" \"\${unit}\")
  file(INSTALL \"${CMAKE_CURRENT_BINARY_DIR}/units/tributary.service\"
               \"${CMAKE_CURRENT_SOURCE_DIR}/systemd/tributary.socket\"
       DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${TRIBUTARY_SYSTEMD_UNIT_DIR}\"
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
")

# Never overwrite an operator's configuration.
install(CODE "
  set(config_file \"\$ENV{DESTDIR}${TRIBUTARY_CONFIG_DIR}/tributary.toml\")
  if(EXISTS \"\${config_file}\")
    message(STATUS \"Keeping the existing configuration: \${config_file}\")
  else()
    file(INSTALL \"${CMAKE_CURRENT_SOURCE_DIR}/config/tributary.example.toml\"
         DESTINATION \"${TRIBUTARY_CONFIG_DIR}\" RENAME tributary.toml
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  endif()
")

# The man page: scdoc at build time (Debian package scdoc).
find_program(SCDOC_PROGRAM scdoc)
if(SCDOC_PROGRAM)
  set(TRIBUTARY_MAN_DIR ${CMAKE_BINARY_DIR}/man)  # a MANPATH entry: man/man1/tributary.1
  add_custom_command(
    OUTPUT ${TRIBUTARY_MAN_DIR}/man1/tributary.1 ${TRIBUTARY_MAN_DIR}/tributary.1.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${TRIBUTARY_MAN_DIR}/man1
    COMMAND sh -c "'${SCDOC_PROGRAM}' < '${CMAKE_CURRENT_SOURCE_DIR}/docs/tributary.1.scd' > man1/tributary.1"
    COMMAND sh -c "gzip -9 -n -c man1/tributary.1 > tributary.1.gz"
    WORKING_DIRECTORY ${TRIBUTARY_MAN_DIR}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/docs/tributary.1.scd
    COMMENT "Building the man page tributary(1) with scdoc"
    VERBATIM)
  add_custom_target(man ALL DEPENDS ${TRIBUTARY_MAN_DIR}/man1/tributary.1 ${TRIBUTARY_MAN_DIR}/tributary.1.gz)
  install(FILES ${TRIBUTARY_MAN_DIR}/tributary.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(WARNING "scdoc not found (Debian package scdoc): the man page tributary(1) is not built or installed")
endif()

# The Debian package.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tributary)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Tributary")
set(CPACK_PACKAGE_CONTACT "Tributary maintainers <maintainers@tributary.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "feed aggregation daemon: many RSS, Atom and JSON Feed sources in, one Atom feed out")
set(CPACK_PACKAGE_DESCRIPTION
    "Tributary polls the RSS, Atom and JSON Feed sources you configure, normalizes every item, keeps each one once in SQLite and serves the merged result as one Atom feed over HTTP. It runs as a hardened systemd service.")
# The configuration goes to an absolute path (/etc): stage with DESTDIR,
# which installs under CPACK_INSTALL_PREFIX.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${TRIBUTARY_PROJECT_URL})
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # dpkg-shlibdeps (dpkg-dev)
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/conffiles.in ${CMAKE_BINARY_DIR}/debian/conffiles @ONLY)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_BINARY_DIR}/debian/conffiles
    ${CMAKE_CURRENT_LIST_DIR}/debian/postinst
    ${CMAKE_CURRENT_LIST_DIR}/debian/prerm
    ${CMAKE_CURRENT_LIST_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
