# shellcheck shell=bash
# Paths, logging, JDK discovery, process and secret helpers shared by the local-stack scripts.
# Sourced, never executed. Every other lib/*.sh relies on the variables defined here.

LOCAL_STACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "${LOCAL_STACK_DIR}/../.." && pwd)"
STATE_DIR="${REPO_ROOT}/.local"
LOG_DIR="${STATE_DIR}/logs"
PID_DIR="${STATE_DIR}/pids"
SECRETS_DIR="${STATE_DIR}/secrets"
TLS_DIR="${STATE_DIR}/tls"
DOWNLOADS_DIR="${STATE_DIR}/downloads"
readonly LOCAL_STACK_DIR REPO_ROOT STATE_DIR LOG_DIR PID_DIR SECRETS_DIR TLS_DIR DOWNLOADS_DIR

info() { printf '==> %s\n' "$*"; }
warn() { printf 'WARN: %s\n' "$*" >&2; }
die() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

ensure_state_dirs() {
  mkdir -p "${LOG_DIR}" "${PID_DIR}" "${TLS_DIR}" "${DOWNLOADS_DIR}"
  ensure_secrets_dir
}

ensure_secrets_dir() {
  mkdir -p "${SECRETS_DIR}"
  chmod 700 "${SECRETS_DIR}"
}

require_command() {
  local cmd
  for cmd in "$@"; do
    command -v "${cmd}" >/dev/null 2>&1 || die "'${cmd}' is required but not installed"
  done
}

# --- JDK -------------------------------------------------------------------------------------

# Prints the feature version (8, 17, 21, 25, ...) of the given java binary, or nothing.
java_feature_version() {
  local java_bin="$1" spec
  [[ -x "${java_bin}" ]] || return 0
  spec="$("${java_bin}" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^[[:space:]]*java\.specification\.version = \(.*\)$/\1/p' | head -n 1)"
  spec="${spec#1.}"
  [[ "${spec}" =~ ^[0-9]+$ ]] && printf '%s\n' "${spec}"
}

# Exports JAVA_HOME and JAVA_BIN for a JDK >= 21: $JAVA_HOME if it qualifies, else the newest
# one under /usr/lib/jvm, else `java` on the PATH.
find_java() {
  local min=21 best_home="" best_version=0 home version
  if [[ -n "${JAVA_BIN:-}" ]]; then return 0; fi
  if [[ -n "${JAVA_HOME:-}" ]]; then
    version="$(java_feature_version "${JAVA_HOME}/bin/java")"
    if [[ -n "${version}" ]] && ((version >= min)); then
      best_home="${JAVA_HOME}" best_version="${version}"
    fi
  fi
  if [[ -z "${best_home}" ]]; then
    for home in /usr/lib/jvm/*/; do
      home="${home%/}"
      [[ -L "${home}" ]] && continue
      version="$(java_feature_version "${home}/bin/java")"
      if [[ -n "${version}" ]] && ((version >= min && version > best_version)); then
        best_home="${home}" best_version="${version}"
      fi
    done
  fi
  if [[ -z "${best_home}" ]] && command -v java >/dev/null 2>&1; then
    home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    version="$(java_feature_version "${home}/bin/java")"
    if [[ -n "${version}" ]] && ((version >= min)); then
      best_home="${home}" best_version="${version}"
    fi
  fi
  [[ -n "${best_home}" ]] || die "no JDK >= ${min} found (set JAVA_HOME or install one under /usr/lib/jvm)"
  export JAVA_HOME="${best_home}"
  export JAVA_BIN="${best_home}/bin/java"
  export JAVA_FEATURE_VERSION="${best_version}"
}

# JVM flags every JVM we start gets: allow native libraries (compression codecs) and, on
# JDK 24+, sun.misc.Unsafe memory access without the deprecation warnings.
jvm_common_flags() {
  printf '%s\n' '--enable-native-access=ALL-UNNAMED'
  if ((JAVA_FEATURE_VERSION >= 24)); then
    printf '%s\n' '--sun-misc-unsafe-memory-access=allow'
  fi
}

# Runs the repository's Maven wrapper with the chosen JDK.
mvnw() {
  find_java
  JAVA_HOME="${JAVA_HOME}" "${REPO_ROOT}/mvnw" -B -q "$@"
}

# --- processes -------------------------------------------------------------------------------

pid_file() { printf '%s/%s.pid\n' "${PID_DIR}" "$1"; }
log_file() { printf '%s/%s.log\n' "${LOG_DIR}" "$1"; }

# Prints the pid of a part we started if that process still runs (and is ours: its command
# line mentions this checkout), else nothing. A stale pid file is removed.
part_pid() {
  local file pid cmdline
  file="$(pid_file "$1")"
  [[ -f "${file}" ]] || return 0
  pid="$(<"${file}")"
  if [[ "${pid}" =~ ^[0-9]+$ ]] && kill -0 "${pid}" 2>/dev/null; then
    cmdline="$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null || true)"
    if [[ "${cmdline}" == *"${REPO_ROOT}"* ]]; then
      printf '%s\n' "${pid}"
      return 0
    fi
  fi
  rm -f "${file}"
}

part_running() { [[ -n "$(part_pid "$1")" ]]; }

# Byte size of a part's log, so a wait can look only at what a new start wrote.
log_size() {
  local file
  file="$(log_file "$1")"
  if [[ -f "${file}" ]]; then stat -c %s "${file}"; else echo 0; fi
}

# start_detached PART [ENV=VALUE ...] -- COMMAND [ARGS ...]
# Starts COMMAND in a new session (so it and its children form one process group), with
# stdout/stderr appended to .local/logs/PART.log and its pid in .local/pids/PART.pid.
start_detached() {
  local part="$1" log assignment
  shift
  local -a env_args=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do
    env_args+=("$1")
    shift
  done
  [[ "${1:-}" == "--" ]] || die "start_detached: missing -- before the command"
  shift
  log="$(log_file "${part}")"
  printf '\n===== %s: starting %s =====\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${part}" >>"${log}"
  (
    # Exported rather than passed to env(1), so secrets never show in a command line.
    for assignment in "${env_args[@]}"; do export "${assignment?}"; done
    # No job control in a script, so the background child is not a group leader and setsid
    # turns it into the leader of a new session without forking: $! is the group id.
    setsid "$@" >>"${log}" 2>&1 </dev/null &
    printf '%s\n' "$!" >"$(pid_file "${part}")"
  )
}

# Stops a part's process group: SIGTERM, then SIGKILL after TIMEOUT seconds.
stop_part() {
  local part="$1" timeout="${2:-30}" pid pgid waited=0
  pid="$(part_pid "${part}")"
  if [[ -z "${pid}" ]]; then
    rm -f "$(pid_file "${part}")"
    return 0
  fi
  pgid="$(ps -o pgid= -p "${pid}" | tr -d ' ')"
  info "stopping ${part} (pid ${pid})"
  if [[ "${pgid}" == "${pid}" ]]; then
    kill -TERM -- "-${pgid}" 2>/dev/null || true
    while kill -0 -- "-${pgid}" 2>/dev/null && ((waited < timeout)); do
      sleep 1
      waited=$((waited + 1))
    done
    if kill -0 -- "-${pgid}" 2>/dev/null; then
      warn "${part} did not stop within ${timeout}s, killing it"
      kill -KILL -- "-${pgid}" 2>/dev/null || true
    fi
  else
    kill -TERM "${pid}" 2>/dev/null || true
    while kill -0 "${pid}" 2>/dev/null && ((waited < timeout)); do
      sleep 1
      waited=$((waited + 1))
    done
    kill -KILL "${pid}" 2>/dev/null || true
  fi
  rm -f "$(pid_file "${part}")"
}

# True when something accepts TCP connections on localhost:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Fails when PORT is taken by a process that is not the part we are about to start.
require_free_port() {
  local part="$1" port="$2"
  if port_open "${port}"; then
    die "port ${port} needed by ${part} is already in use by another process (see: ss -ltnp 'sport = :${port}')"
  fi
}

# Prints the last lines of a part's log to stderr, for failures.
show_log_tail() {
  local part="$1" lines="${2:-30}" log
  log="$(log_file "${part}")"
  [[ -f "${log}" ]] || return 0
  printf -- '----- last %s lines of %s -----\n' "${lines}" "${log}" >&2
  tail -n "${lines}" "${log}" >&2
  printf -- '-----\n' >&2
}

# --- secrets ---------------------------------------------------------------------------------

# Prints the secret stored in .local/secrets/NAME, generating it first (hex, 48 chars) if absent.
secret() {
  local name="$1" file
  file="${SECRETS_DIR}/${name}"
  if [[ ! -s "${file}" ]]; then
    ensure_secrets_dir
    (
      umask 077
      openssl rand -hex 24 >"${file}.tmp"
      mv "${file}.tmp" "${file}"
    )
  fi
  chmod 600 "${file}"
  tr -d '\n' <"${file}"
}

# Writes VALUE to .local/secrets/NAME (mode 600) if it differs.
store_secret() {
  local name="$1" value="$2" file
  file="${SECRETS_DIR}/${name}"
  ensure_secrets_dir
  if [[ ! -f "${file}" || "$(<"${file}")" != "${value}" ]]; then
    (
      umask 077
      printf '%s\n' "${value}" >"${file}"
    )
  fi
  chmod 600 "${file}"
}

# Polls COMMAND every second until it succeeds or TIMEOUT seconds passed.
wait_until() {
  local timeout="$1" waited=0
  shift
  until "$@"; do
    ((waited >= timeout)) && return 1
    sleep 1
    waited=$((waited + 1))
  done
}

# wait_for_part PART TIMEOUT COMMAND... — polls COMMAND every second until it succeeds.
# Returns 1 after TIMEOUT seconds, 2 at once if PART's process has exited.
wait_for_part() {
  local part="$1" timeout="$2" waited=0
  shift 2
  until "$@"; do
    part_running "${part}" || return 2
    ((waited >= timeout)) && return 1
    sleep 1
    waited=$((waited + 1))
  done
}
