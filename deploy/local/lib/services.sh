# shellcheck shell=bash
# The p2pfs services as JVM processes (quarkus-run.jar of each module), one per line of
# deploy/local/services.conf. Needs lib/common.sh, lib/postgres.sh, lib/tls.sh, lib/kafka.sh
# and lib/keycloak.sh.

SERVICES_CONF="${LOCAL_STACK_DIR}/services.conf"
SERVICE_HEAP_DEFAULT="${P2PFS_LOCAL_SERVICE_HEAP:-256m}"
SERVICE_READY_TIMEOUT="${P2PFS_LOCAL_SERVICE_READY_TIMEOUT:-120}"
PEER_CAPACITY_BYTES_DEFAULT=$((20 * 1024 * 1024 * 1024))
MASTER_KEY_FILE="${SECRETS_DIR}/master.key"

SERVICE_NAMES=()
declare -A SERVICE_MODULE=() SERVICE_PORT=() SERVICE_DATABASE=() SERVICE_EXTRA=()

services_read_conf() {
  local name module port database extra
  SERVICE_NAMES=()
  while read -r name module port database extra; do
    [[ -z "${name}" || "${name}" == \#* ]] && continue
    [[ "${port}" =~ ^[0-9]+$ && -n "${database}" ]] || die "services.conf: bad line for ${name}"
    SERVICE_NAMES+=("${name}")
    SERVICE_MODULE["${name}"]="${module}"
    SERVICE_PORT["${name}"]="${port}"
    SERVICE_DATABASE["${name}"]="${database}"
    SERVICE_EXTRA["${name}"]="${extra}"
  done <"${SERVICES_CONF}"
  services_apply_peer_count
}

# P2PFS_PEERS=N runs N peer agents: those services.conf lists first, then more on the ports
# after the last one, in zones z1, z2, z3 in turn (N smaller than the list leaves the rest out).
# up remembers N for down and status; P2PFS_PEERS given again replaces it.
PEER_COUNT_FILE="${STATE_DIR}/peers.count"
services_apply_peer_count() {
  local want="${P2PFS_PEERS:-}" name last_port=0 listed=0 k
  local -a kept=()
  if [[ -z "${want}" && -f "${PEER_COUNT_FILE}" ]]; then want="$(<"${PEER_COUNT_FILE}")"; fi
  [[ -n "${want}" ]] || return 0
  [[ "${want}" =~ ^[1-9][0-9]?$ ]] || die "P2PFS_PEERS must be a number from 1 to 99 (got '${want}')"
  for name in "${SERVICE_NAMES[@]}"; do
    if [[ "${SERVICE_MODULE[${name}]}" == peer-agent ]]; then
      listed=$((listed + 1))
      last_port="${SERVICE_PORT[${name}]}"
      ((listed > want)) && continue
    fi
    kept+=("${name}")
  done
  SERVICE_NAMES=("${kept[@]}")
  for ((k = listed + 1; k <= want; k++)); do
    name="peer-${k}"
    last_port=$((last_port + 1))
    SERVICE_NAMES+=("${name}")
    SERVICE_MODULE["${name}"]=peer-agent
    SERVICE_PORT["${name}"]="${last_port}"
    SERVICE_DATABASE["${name}"]=-
    SERVICE_EXTRA["${name}"]="P2PFS_PEER_ZONE=z$(((k - 1) % 3 + 1)) -XX:+UseParallelGC"
  done
}

# Remembers P2PFS_PEERS (when given) for later runs of down and status.
services_remember_peer_count() {
  if [[ -n "${P2PFS_PEERS:-}" ]]; then printf '%s\n' "${P2PFS_PEERS}" >"${PEER_COUNT_FILE}"; fi
}

# Port of the first instance of MODULE (for the URLs services use to reach each other).
module_port() {
  local name
  for name in "${SERVICE_NAMES[@]}"; do
    if [[ "${SERVICE_MODULE[${name}]}" == "$1" ]]; then
      printf '%s\n' "${SERVICE_PORT[${name}]}"
      return 0
    fi
  done
  return 1
}

module_has_sources() {
  [[ -n "$(find "${REPO_ROOT}/$1/src/main/java" -type f -name '*.java' -print -quit 2>/dev/null)" ]]
}

module_jar() { printf '%s/%s/target/quarkus-app/quarkus-run.jar\n' "${REPO_ROOT}" "$1"; }

# A jar is stale when a main source or pom of its module, of common/ or the parent pom is newer.
module_jar_stale() {
  local module="$1" jar path
  local -a inputs=()
  jar="$(module_jar "${module}")"
  [[ -f "${jar}" ]] || return 0
  for path in "${REPO_ROOT}/${module}" "${REPO_ROOT}/common" "${REPO_ROOT}/pom.xml"; do
    [[ -e "${path}" ]] && inputs+=("${path}")
  done
  [[ -n "$(find "${inputs[@]}" \( -path '*/target' -o -path '*/src/test' \) -prune -o -type f -newer "${jar}" -print -quit)" ]]
}

# Prints the modules that have sources, once each, in services.conf order.
services_modules_with_sources() {
  local name module
  local -A seen=()
  for name in "${SERVICE_NAMES[@]}"; do
    module="${SERVICE_MODULE[${name}]}"
    [[ -n "${seen[${module}]:-}" ]] && continue
    seen["${module}"]=1
    module_has_sources "${module}" && printf '%s\n' "${module}"
  done
}

# Builds the jars that are missing or older than their sources (one Maven run).
services_build() {
  local module
  local -a stale=()
  while read -r module; do
    module_jar_stale "${module}" && stale+=("${module}")
  done < <(services_modules_with_sources)
  ((${#stale[@]} > 0)) || return 0
  info "building ${stale[*]} (./mvnw package -DskipTests -pl $(
    IFS=,
    echo "${stale[*]}"
  ) -am)"
  (cd "${REPO_ROOT}" && mvnw package -DskipTests -pl "$(
    IFS=,
    echo "${stale[*]}"
  )" -am) || die "the build failed"
}

master_key() {
  if [[ ! -s "${MASTER_KEY_FILE}" ]]; then
    store_secret master.key "$(openssl rand -base64 32)"
  fi
  tr -d '\n' <"${MASTER_KEY_FILE}"
}

# The audit log's key (signs tree heads); kept with the other secrets, never in a database.
audit_log_key() {
  if [[ ! -s "${SECRETS_DIR}/audit-log.key" ]]; then
    store_secret audit-log.key "$(openssl rand -base64 32)"
  fi
  tr -d '\n' <"${SECRETS_DIR}/audit-log.key"
}

# Prints the environment (ENV=VALUE lines) of one instance.
service_env() {
  local name="$1" module port database word tracker_port metadata_port
  module="${SERVICE_MODULE[${name}]}"
  port="${SERVICE_PORT[${name}]}"
  database="${SERVICE_DATABASE[${name}]}"
  [[ "${database}" == - ]] || database="$(pg_db_name "${database}")"
  tracker_port="$(module_port tracker || echo 8441)"
  metadata_port="$(module_port metadata || echo 8442)"
  cat <<ENV
QUARKUS_HTTP_SSL_PORT=${port}
QUARKUS_HTTP_SSL_CERTIFICATE_FILES=${TLS_SERVER_CERT}
QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES=${TLS_SERVER_KEY}
QUARKUS_HTTP_INSECURE_REQUESTS=disabled
QUARKUS_HTTP_PORT=0
P2PFS_TLS_CA=${TLS_CA_CERT}
QUARKUS_OIDC_AUTH_SERVER_URL=${KEYCLOAK_ISSUER}
P2PFS_TRACKER_URL=https://localhost:${tracker_port}
P2PFS_METADATA_URL=https://localhost:${metadata_port}
ENV
  # Each instance is a Kafka principal of its own (tracker, metadata, audit, peer-N).
  kafka_client_env "${name}"
  if [[ "${database}" != - ]]; then
    cat <<ENV
QUARKUS_DATASOURCE_USERNAME=${database}
QUARKUS_DATASOURCE_PASSWORD=$(secret "${database}.password")
QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://localhost:${PG_PORT}/${database}
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://localhost:${PG_PORT}/${database}
ENV
  fi
  case "${module}" in
    metadata)
      printf 'P2PFS_MASTER_KEY=%s\n' "$(master_key)"
      ;;
    audit-consumer)
      cat <<ENV
QUARKUS_FLYWAY_USERNAME=${database}
QUARKUS_FLYWAY_PASSWORD=$(secret "${database}.password")
QUARKUS_DATASOURCE_USERNAME=${database}_app
QUARKUS_DATASOURCE_PASSWORD=$(secret "${database}_app.password")
P2PFS_AUDIT_LOG_SIGNING_KEY=$(audit_log_key)
P2PFS_AUDIT_LOG_HEADS_DIRECTORY=${STATE_DIR}/audit-heads
ENV
      ;;
    peer-agent)
      cat <<ENV
P2PFS_PEER_DATA_DIR=${STATE_DIR}/peers/${name}
P2PFS_PEER_CAPACITY_BYTES=${PEER_CAPACITY_BYTES_DEFAULT}
P2PFS_PEER_PUBLIC_URL=https://localhost:${port}
QUARKUS_OIDC_CLIENT_AUTH_SERVER_URL=${KEYCLOAK_ISSUER}
QUARKUS_OIDC_CLIENT_CLIENT_ID=${KEYCLOAK_NODE_CLIENT}
QUARKUS_OIDC_CLIENT_CREDENTIALS_SECRET=$(keycloak_node_client_secret)
ENV
      ;;
  esac
  for word in ${SERVICE_EXTRA[${name}]}; do
    [[ "${word}" == *=* ]] && printf '%s\n' "${word}"
  done
  return 0
}

service_jvm_opts() {
  local name="$1" word
  local -a opts=()
  for word in ${SERVICE_EXTRA[${name}]}; do
    [[ "${word}" == -* ]] && opts+=("${word}")
  done
  [[ " ${opts[*]} " == *" -Xmx"* ]] || opts+=("-Xmx${SERVICE_HEAP_DEFAULT}")
  mapfile -t -O "${#opts[@]}" opts < <(jvm_common_flags)
  printf '%s\n' "${opts[@]}"
}

service_http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "${TLS_CA_CERT}" \
    "https://localhost:${SERVICE_PORT[$1]}/q/health/ready" 2>/dev/null || true
}

service_ready() { [[ "$(service_http_status "$1")" == 200 ]]; }

service_start() {
  local name="$1" module jar workdir
  local -a env_vars jvm_opts
  module="${SERVICE_MODULE[${name}]}"
  jar="$(module_jar "${module}")"
  if part_running "${name}"; then
    info "${name} already running (pid $(part_pid "${name}"))"
    return 0
  fi
  [[ -f "${jar}" ]] || die "${jar} is missing (run up without --no-build)"
  require_free_port "${name}" "${SERVICE_PORT[${name}]}"
  if [[ "${module}" == peer-agent ]]; then mkdir -p "${STATE_DIR}/peers/${name}"; fi
  workdir="${STATE_DIR}/run/${name}"
  mkdir -p "${workdir}"
  mapfile -t env_vars < <(service_env "${name}")
  mapfile -t jvm_opts < <(service_jvm_opts "${name}")
  info "starting ${name} (${module}) on https://localhost:${SERVICE_PORT[${name}]}"
  (cd "${workdir}" && start_detached "${name}" "${env_vars[@]}" -- \
    "${JAVA_BIN}" "${jvm_opts[@]}" -jar "${jar}")
}

service_wait_ready() {
  local name="$1" rc=0
  wait_for_part "${name}" "${SERVICE_READY_TIMEOUT}" service_ready "${name}" || rc=$?
  if ((rc != 0)); then
    show_log_tail "${name}" 30
    if ((rc == 2)); then
      die "${name} exited before it was ready (log: $(log_file "${name}"))"
    fi
    die "${name} was not ready within ${SERVICE_READY_TIMEOUT}s: /q/health/ready answered $(service_http_status "${name}") (log: $(log_file "${name}"))"
  fi
  info "${name} ready (pid $(part_pid "${name}"))"
}

# Starts every instance whose module has sources and waits for each to be ready.
services_ensure() {
  local build="$1" name module
  local -a runnable=()
  services_read_conf
  services_remember_peer_count
  services_stop_unlisted_peers
  find_java
  if [[ "${build}" == true ]]; then services_build; fi
  for name in "${SERVICE_NAMES[@]}"; do
    module="${SERVICE_MODULE[${name}]}"
    if ! module_has_sources "${module}"; then
      info "skipping ${name}: ${module}/src/main/java has no sources yet"
    elif [[ ! -f "$(module_jar "${module}")" ]]; then
      warn "skipping ${name}: $(module_jar "${module}") is missing (up without --no-build builds it)"
    else
      if [[ "${build}" == false ]] && module_jar_stale "${module}"; then
        warn "${name}: $(module_jar "${module}") is older than its sources (--no-build)"
      fi
      runnable+=("${name}")
    fi
  done
  ((${#runnable[@]} == 0)) || kafka_provision "${runnable[@]}"
  for name in "${runnable[@]}"; do
    service_start "${name}"
    service_wait_ready "${name}"
  done
}

# Stops peers started under an earlier, larger P2PFS_PEERS.
services_stop_unlisted_peers() {
  local file name
  for file in "${PID_DIR}"/peer-*.pid; do
    [[ -f "${file}" ]] || continue
    name="$(basename "${file}" .pid)"
    [[ " ${SERVICE_NAMES[*]} " == *" ${name} "* ]] || stop_part "${name}" 30
  done
}

services_stop() {
  local i
  services_read_conf
  services_stop_unlisted_peers
  for ((i = ${#SERVICE_NAMES[@]} - 1; i >= 0; i--)); do
    stop_part "${SERVICE_NAMES[i]}" 30
  done
}

# "STATE PID READINESS" of one instance.
service_status() {
  local name="$1" pid code
  pid="$(part_pid "${name}")"
  if [[ -n "${pid}" ]]; then
    code="$(service_http_status "${name}")"
    case "${code}" in
      200) printf 'running %s ready\n' "${pid}" ;;
      000) printf 'running %s starting\n' "${pid}" ;;
      *) printf 'running %s not-ready(HTTP %s)\n' "${pid}" "${code}" ;;
    esac
  elif ! module_has_sources "${SERVICE_MODULE[${name}]}"; then
    printf 'stopped - no-sources\n'
  elif [[ ! -f "$(module_jar "${SERVICE_MODULE[${name}]}")" ]]; then
    printf 'stopped - no-jar\n'
  else
    printf 'stopped - -\n'
  fi
}
