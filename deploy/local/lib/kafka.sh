# shellcheck shell=bash
# Kafka for the local stack: the broker jars built by deploy/kafka-dist, one KRaft node
# (broker on localhost:9092, controller on localhost:9093), data in .local/kafka/data.
# SASL_SSL only: TLS with the local CA's server certificate, SCRAM-SHA-512 logins. The super
# user admin (password in .local/secrets/kafka-admin.password) is created when the storage is
# formatted; kafka_provision makes the topics and one principal per service instance with its
# role's ACLs (passwords in .local/secrets/kafka-<instance>.password).
# Needs lib/common.sh and lib/tls.sh.

KAFKA_PORT=9092
KAFKA_DIST_POM="${REPO_ROOT}/deploy/kafka-dist/pom.xml"
KAFKA_LIBS="${REPO_ROOT}/deploy/kafka-dist/target/libs"
KAFKA_STATE_DIR="${STATE_DIR}/kafka"
KAFKA_DATA_DIR="${KAFKA_STATE_DIR}/data"
KAFKA_CONFIG="${KAFKA_STATE_DIR}/server.properties"
KAFKA_EXTRA_LIBS="${KAFKA_STATE_DIR}/extra-libs"
KAFKA_KEYSTORE="${KAFKA_STATE_DIR}/keystore.pem"
KAFKA_ADMIN_CONFIG="${KAFKA_STATE_DIR}/admin.properties"
# Written when the storage was formatted with the admin login (older local stacks ran plain text).
KAFKA_SECURED_MARK="${KAFKA_STATE_DIR}/secured"

kafka_ensure_libs() {
  if ! compgen -G "${KAFKA_LIBS}/kafka_2.13-*.jar" >/dev/null; then
    info "building the Kafka broker distribution (deploy/kafka-dist)"
    mvnw -f "${KAFKA_DIST_POM}" package
  fi
  compgen -G "${KAFKA_LIBS}/kafka_2.13-*.jar" >/dev/null || die "no Kafka broker jars in ${KAFKA_LIBS}"
}

# The broker logs through SLF4J. If the dependency resolution left an SLF4J 1.x API beside the
# 2.x slf4j-simple binding, SLF4J falls back to its no-op logger and the broker logs nothing;
# then put the matching 2.x API first on the class path.
kafka_slf4j_api_override() {
  local simple version jar
  compgen -G "${KAFKA_LIBS}/slf4j-api-1.*.jar" >/dev/null || return 0
  simple="$(compgen -G "${KAFKA_LIBS}/slf4j-simple-2.*.jar" | head -n 1)"
  [[ -n "${simple}" ]] || return 0
  version="$(basename "${simple}" .jar)"
  version="${version#slf4j-simple-}"
  jar="${KAFKA_EXTRA_LIBS}/slf4j-api-${version}.jar"
  if [[ ! -f "${jar}" ]]; then
    mkdir -p "${KAFKA_EXTRA_LIBS}"
    (cd "${KAFKA_EXTRA_LIBS}" && mvnw dependency:copy \
      "-Dartifact=org.slf4j:slf4j-api:${version}" "-DoutputDirectory=${KAFKA_EXTRA_LIBS}") >&2
  fi
  printf '%s:' "${jar}"
}

kafka_java_opts() {
  local -a opts=(-Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -Djava.awt.headless=true
    -Dorg.slf4j.simpleLogger.showDateTime=true
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS"
    -Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn
    -Dorg.slf4j.simpleLogger.log.org.apache.kafka.common.config=warn
    # One line per partition and state change is noise on a development machine.
    -Dorg.slf4j.simpleLogger.log.state.change.logger=warn
    -Dorg.slf4j.simpleLogger.log.kafka.cluster.Partition=warn
    -Dorg.slf4j.simpleLogger.log.org.apache.kafka.controller.ReplicationControlManager=warn
    -Dorg.slf4j.simpleLogger.log.org.apache.kafka.controller.PartitionChangeBuilder=warn
    -Dorg.slf4j.simpleLogger.log.org.apache.kafka.storage.internals.log=warn)
  mapfile -t -O "${#opts[@]}" opts < <(jvm_common_flags)
  printf '%s\n' "${opts[@]}"
}

# The broker's configuration, its key and certificate (the local stack's server certificate)
# and the admin's client settings; all mode 600, they hold passwords or the key.
kafka_write_config() {
  local admin_password controller_password
  mkdir -p "${KAFKA_DATA_DIR}"
  admin_password="$(secret kafka-admin.password)"
  controller_password="$(secret kafka-controller.password)"
  (
    umask 077
    cat "${TLS_SERVER_KEY}" "${TLS_SERVER_CERT}" >"${KAFKA_KEYSTORE}"
    sed -e "s#@KAFKA_DATA_DIR@#${KAFKA_DATA_DIR}#g" -e "s#@KAFKA_KEYSTORE@#${KAFKA_KEYSTORE}#g" \
      -e "s#@KAFKA_TRUSTSTORE@#${TLS_CA_CERT}#g" -e "s#@KAFKA_ADMIN_PASSWORD@#${admin_password}#g" \
      -e "s#@KAFKA_CONTROLLER_PASSWORD@#${controller_password}#g" \
      "${LOCAL_STACK_DIR}/kafka/server.properties" >"${KAFKA_CONFIG}"
    kafka_client_properties admin >"${KAFKA_ADMIN_CONFIG}"
  )
}

# The client settings (a properties file) of principal $1.
kafka_client_properties() {
  local name="$1"
  cat <<PROPS
bootstrap.servers=localhost:${KAFKA_PORT}
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$(kafka_jaas "${name}")
ssl.truststore.type=PEM
ssl.truststore.location=${TLS_CA_CERT}
PROPS
}

kafka_jaas() {
  printf 'org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";' \
    "$1" "$(secret "kafka-$1.password")"
}

# The environment (ENV=VALUE lines) a service instance connects with, as principal $1.
kafka_client_env() {
  cat <<ENV
KAFKA_BOOTSTRAP_SERVERS=localhost:${KAFKA_PORT}
KAFKA_SECURITY_PROTOCOL=SASL_SSL
KAFKA_SASL_MECHANISM=SCRAM-SHA-512
KAFKA_SASL_JAAS_CONFIG=$(kafka_jaas "$1")
KAFKA_SSL_TRUSTSTORE_TYPE=PEM
KAFKA_SSL_TRUSTSTORE_LOCATION=${TLS_CA_CERT}
P2PFS_KAFKA_CREATE_TOPICS=false
ENV
}

# Formats the storage on first start only, with the admin's SCRAM login; the cluster id is kept
# in .local/kafka/cluster.id. Storage an older, plain-text local stack formatted is formatted again.
kafka_format_storage() {
  local classpath="$1" cluster_id log
  if [[ -f "${KAFKA_DATA_DIR}/meta.properties" && ! -f "${KAFKA_SECURED_MARK}" ]]; then
    warn "the Kafka data in ${KAFKA_DATA_DIR} is from a plain-text broker without logins; formatting it again (its events are dropped)"
    rm -rf "${KAFKA_DATA_DIR}"
    mkdir -p "${KAFKA_DATA_DIR}"
  fi
  [[ -f "${KAFKA_DATA_DIR}/meta.properties" ]] && return 0
  log="$(log_file kafka)"
  if [[ ! -s "${KAFKA_STATE_DIR}/cluster.id" ]]; then
    "${JAVA_BIN}" -cp "${classpath}" kafka.tools.StorageTool random-uuid 2>>"${log}" |
      tail -n 1 >"${KAFKA_STATE_DIR}/cluster.id"
  fi
  cluster_id="$(<"${KAFKA_STATE_DIR}/cluster.id")"
  [[ "${cluster_id}" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "could not generate a Kafka cluster id (see ${log})"
  info "formatting Kafka storage (cluster ${cluster_id})"
  "${JAVA_BIN}" -cp "${classpath}" kafka.tools.StorageTool format -t "${cluster_id}" -c "${KAFKA_CONFIG}" \
    --add-scram "SCRAM-SHA-512=[name=admin,password=$(secret kafka-admin.password)]" \
    >>"${log}" 2>&1 || die "formatting Kafka storage failed (see ${log})"
  touch "${KAFKA_SECURED_MARK}"
}

# Creates the topics, and for each instance named in $@ its SCRAM login and its role's ACLs
# (the role follows from the name: tracker, metadata, audit, peer-N). Needs the common module's jar.
kafka_provision() {
  local jar name
  local -a principals=()
  jar="$(compgen -G "${REPO_ROOT}/common/target/p2pfs-common-*.jar" | grep -v -- '-sources\|-javadoc' | head -n 1 || true)"
  if [[ -z "${jar}" ]]; then
    info "building the common module (its jar grants the Kafka ACLs)"
    (cd "${REPO_ROOT}" && mvnw package -q -DskipTests -pl common -am) || die "the build failed"
    jar="$(compgen -G "${REPO_ROOT}/common/target/p2pfs-common-*.jar" | head -n 1)"
  fi
  for name in "$@"; do
    secret "kafka-${name}.password" >/dev/null
    principals+=("${name}=${SECRETS_DIR}/kafka-${name}.password")
  done
  "${JAVA_BIN}" -cp "${jar}:${KAFKA_LIBS}/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    io.p2pfs.common.kafka.KafkaProvisioning "${KAFKA_ADMIN_CONFIG}" "${principals[@]}" >>"$(log_file kafka)" 2>&1 ||
    die "granting the Kafka principals failed (see $(log_file kafka))"
  info "Kafka topics and principals ready: ${*}"
}

kafka_started_since() {
  local offset="$1"
  port_open "${KAFKA_PORT}" &&
    tail -c "+$((offset + 1))" "$(log_file kafka)" | grep -q 'Kafka Server started'
}

kafka_ensure() {
  local classpath offset
  local -a java_opts
  if part_running kafka; then
    info "Kafka already running (pid $(part_pid kafka))"
    wait_for_part kafka 90 port_open "${KAFKA_PORT}" || die "Kafka (pid $(part_pid kafka)) does not accept connections"
    return 0
  fi
  require_free_port kafka "${KAFKA_PORT}"
  require_free_port kafka 9093
  find_java
  kafka_ensure_libs
  classpath="$(kafka_slf4j_api_override)${KAFKA_LIBS}/*"
  kafka_write_config
  kafka_format_storage "${classpath}"
  mapfile -t java_opts < <(kafka_java_opts)
  offset="$(log_size kafka)"
  info "starting Kafka on localhost:${KAFKA_PORT}"
  start_detached kafka -- "${JAVA_BIN}" "${java_opts[@]}" -cp "${classpath}" kafka.Kafka "${KAFKA_CONFIG}"
  if ! wait_for_part kafka 90 kafka_started_since "${offset}"; then
    show_log_tail kafka
    die "Kafka did not start within 90s (log: $(log_file kafka))"
  fi
  info "Kafka ready (pid $(part_pid kafka))"
}

kafka_stop() { stop_part kafka 60; }

kafka_status() {
  local pid
  pid="$(part_pid kafka)"
  if [[ -z "${pid}" ]]; then
    printf 'stopped - -\n'
  elif port_open "${KAFKA_PORT}"; then
    printf 'running %s ready\n' "${pid}"
  else
    printf 'running %s starting\n' "${pid}"
  fi
}
