# shellcheck shell=bash
# Keycloak for the local stack: the keycloak-quarkus-dist zip from Maven Central, unpacked in
# .local/keycloak, run in dev mode on http://localhost:8180 with the p2pfs realm imported on
# first start (its H2 database under .local/keycloak/data keeps users and sessions).
# Needs lib/common.sh.

KEYCLOAK_VERSION="26.7.3"
KEYCLOAK_PORT=8180
KEYCLOAK_URL="http://localhost:${KEYCLOAK_PORT}"
KEYCLOAK_REALM="p2pfs"
KEYCLOAK_ISSUER="${KEYCLOAK_URL}/realms/${KEYCLOAK_REALM}"
KEYCLOAK_HOME="${STATE_DIR}/keycloak"
KEYCLOAK_ADMIN_USER="admin-console"
KEYCLOAK_REALM_FILE="${LOCAL_STACK_DIR}/keycloak/p2pfs-realm.json"
KEYCLOAK_NODE_CLIENT="p2pfs-node"
KEYCLOAK_START_TIMEOUT=240

keycloak_zip() { printf '%s/keycloak-quarkus-dist-%s.zip\n' "${DOWNLOADS_DIR}" "${KEYCLOAK_VERSION}"; }

# Checks the zip against the .sha1 Maven Central publishes (kept by Maven in the local
# repository, else fetched as an artifact of its own).
keycloak_verify_zip() {
  local zip="$1" sha1_file expected actual
  sha1_file="${MAVEN_LOCAL_REPO:-${HOME}/.m2/repository}/org/keycloak/keycloak-quarkus-dist/${KEYCLOAK_VERSION}/keycloak-quarkus-dist-${KEYCLOAK_VERSION}.zip.sha1"
  if [[ ! -s "${sha1_file}" ]]; then
    sha1_file="${zip}.sha1"
    if [[ ! -s "${sha1_file}" ]]; then
      (cd "${DOWNLOADS_DIR}" && mvnw dependency:copy \
        "-Dartifact=org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip.sha1" \
        "-DoutputDirectory=${DOWNLOADS_DIR}")
    fi
  fi
  expected="$(awk '{ print $1; exit }' "${sha1_file}")"
  actual="$(sha1sum "${zip}" | awk '{ print $1 }')"
  if [[ "${expected}" != "${actual}" ]]; then
    rm -f "${zip}"
    die "SHA-1 of the Keycloak zip is ${actual}, Maven Central says ${expected}; removed it, run up again"
  fi
}

keycloak_install() {
  local zip unpack
  if [[ -x "${KEYCLOAK_HOME}/bin/kc.sh" ]]; then
    if [[ "$(cat "${KEYCLOAK_HOME}/.p2pfs-version" 2>/dev/null)" != "${KEYCLOAK_VERSION}" ]]; then
      warn "${KEYCLOAK_HOME} is not Keycloak ${KEYCLOAK_VERSION}; delete it to upgrade (loses its data)"
    fi
    return 0
  fi
  require_command unzip sha1sum
  zip="$(keycloak_zip)"
  if [[ ! -s "${zip}" ]]; then
    info "downloading Keycloak ${KEYCLOAK_VERSION} from Maven Central (~180 MB)"
    (cd "${DOWNLOADS_DIR}" && mvnw dependency:copy \
      "-Dartifact=org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip" \
      "-DoutputDirectory=${DOWNLOADS_DIR}")
  fi
  keycloak_verify_zip "${zip}"
  info "unpacking Keycloak into ${KEYCLOAK_HOME}"
  unpack="${STATE_DIR}/keycloak.unpack"
  rm -rf "${unpack}"
  mkdir -p "${unpack}"
  unzip -q "${zip}" -d "${unpack}"
  mv "${unpack}/keycloak-${KEYCLOAK_VERSION}" "${KEYCLOAK_HOME}"
  rmdir "${unpack}"
  printf '%s\n' "${KEYCLOAK_VERSION}" >"${KEYCLOAK_HOME}/.p2pfs-version"
}

# The p2pfs-node client secret is fixed in the realm file (local stack only); the peer agents
# get it from .local/secrets/p2pfs-node.client-secret.
keycloak_node_client_secret() {
  local value
  value="$(python3 -c 'import json,sys
realm = json.load(open(sys.argv[1]))
print(next(c["secret"] for c in realm["clients"] if c["clientId"] == sys.argv[2]))' \
    "${KEYCLOAK_REALM_FILE}" "${KEYCLOAK_NODE_CLIENT}")"
  store_secret "${KEYCLOAK_NODE_CLIENT}.client-secret" "${value}"
  printf '%s\n' "${value}"
}

keycloak_ready() {
  curl -fsS -o /dev/null --max-time 5 "${KEYCLOAK_ISSUER}/.well-known/openid-configuration" 2>/dev/null
}

keycloak_verify_realm() {
  P2PFS_NODE_CLIENT_SECRET="$(keycloak_node_client_secret)" \
    python3 "${LOCAL_STACK_DIR}/lib/keycloak_realm.py" verify "${KEYCLOAK_URL}" |
    sed 's/^/==> /' || die "the p2pfs realm does not issue the expected tokens (see above)"
}

realm_file_hash() { sha256sum "${KEYCLOAK_REALM_FILE}" | awk '{ print $1 }'; }

# --import-realm imports only a realm that does not exist yet. When the realm file changed
# since it was last imported, replace the realm through the admin API (users created by hand
# in that realm are lost; the file is the definition of the local realm).
keycloak_sync_realm() {
  local fresh="$1" record="${KEYCLOAK_HOME}/.p2pfs-realm.sha256" current
  current="$(realm_file_hash)"
  if [[ "${fresh}" != true && "$(cat "${record}" 2>/dev/null)" != "${current}" ]]; then
    info "deploy/local/keycloak/p2pfs-realm.json changed since it was imported: replacing the realm"
    KEYCLOAK_ADMIN_USER="${KEYCLOAK_ADMIN_USER}" KEYCLOAK_ADMIN_PASSWORD="$(secret keycloak-admin.password)" \
      python3 "${LOCAL_STACK_DIR}/lib/keycloak_realm.py" replace "${KEYCLOAK_URL}" "${KEYCLOAK_REALM_FILE}" |
      sed 's/^/==> /' || die "replacing the realm failed"
  fi
  printf '%s\n' "${current}" >"${record}"
}

keycloak_ensure() {
  local admin_password fresh=false
  require_command curl python3
  if part_running keycloak; then
    info "Keycloak already running (pid $(part_pid keycloak))"
  else
    require_free_port keycloak "${KEYCLOAK_PORT}"
    find_java
    keycloak_install
    [[ -d "${KEYCLOAK_HOME}/data/h2" ]] || fresh=true
    mkdir -p "${KEYCLOAK_HOME}/data/import"
    cp "${KEYCLOAK_REALM_FILE}" "${KEYCLOAK_HOME}/data/import/p2pfs-realm.json"
    admin_password="$(secret keycloak-admin.password)"
    if [[ "${fresh}" == true ]]; then
      info "starting Keycloak on ${KEYCLOAK_URL} (its first start takes about a minute)"
    else
      info "starting Keycloak on ${KEYCLOAK_URL}"
    fi
    start_detached keycloak \
      "JAVA_HOME=${JAVA_HOME}" \
      "JAVA_OPTS_KC_HEAP=-Xms128m -Xmx768m" \
      "KC_BOOTSTRAP_ADMIN_USERNAME=${KEYCLOAK_ADMIN_USER}" \
      "KC_BOOTSTRAP_ADMIN_PASSWORD=${admin_password}" \
      -- "${KEYCLOAK_HOME}/bin/kc.sh" start-dev \
      "--http-port=${KEYCLOAK_PORT}" --http-host=127.0.0.1 "--hostname=${KEYCLOAK_URL}" \
      --import-realm --log-console-color=false
  fi
  if ! wait_for_part keycloak "${KEYCLOAK_START_TIMEOUT}" keycloak_ready; then
    show_log_tail keycloak
    die "Keycloak did not serve ${KEYCLOAK_ISSUER} within ${KEYCLOAK_START_TIMEOUT}s (log: $(log_file keycloak))"
  fi
  info "Keycloak ready (pid $(part_pid keycloak))"
  keycloak_sync_realm "${fresh}"
  keycloak_verify_realm
}

keycloak_stop() { stop_part keycloak 60; }

keycloak_status() {
  local pid
  pid="$(part_pid keycloak)"
  if [[ -z "${pid}" ]]; then
    printf 'stopped - -\n'
  elif keycloak_ready; then
    printf 'running %s ready\n' "${pid}"
  else
    printf 'running %s starting\n' "${pid}"
  fi
}
