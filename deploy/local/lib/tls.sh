# shellcheck shell=bash
# A local certificate authority and one server certificate (SANs localhost, 127.0.0.1, ::1)
# that every HTTPS service of the local stack presents. Generated once; the server
# certificate is renewed (by the same CA) when it is about to expire. Needs lib/common.sh.

TLS_CA_CERT="${TLS_DIR}/ca.crt"
TLS_CA_KEY="${TLS_DIR}/ca.key"
TLS_SERVER_CERT="${TLS_DIR}/server.crt"
TLS_SERVER_KEY="${TLS_DIR}/server.key"

tls_make_ca() {
  info "creating the local CA ${TLS_CA_CERT}"
  (
    umask 077
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "${TLS_CA_KEY}" 2>/dev/null
  )
  openssl req -x509 -new -key "${TLS_CA_KEY}" -sha256 -days 3650 -out "${TLS_CA_CERT}" \
    -subj "/O=p2pfs local stack/CN=p2pfs local CA $(hostname -s 2>/dev/null || echo local)" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash"
  chmod 600 "${TLS_CA_KEY}"
  chmod 644 "${TLS_CA_CERT}"
}

tls_make_server_cert() {
  local csr extfile
  info "issuing the server certificate ${TLS_SERVER_CERT}"
  csr="$(mktemp)"
  extfile="$(mktemp)"
  (
    umask 077
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "${TLS_SERVER_KEY}" 2>/dev/null
  )
  openssl req -new -key "${TLS_SERVER_KEY}" -subj "/O=p2pfs local stack/CN=localhost" -out "${csr}"
  cat >"${extfile}" <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT
  openssl x509 -req -in "${csr}" -CA "${TLS_CA_CERT}" -CAkey "${TLS_CA_KEY}" -CAcreateserial \
    -days 825 -sha256 -extfile "${extfile}" -out "${TLS_SERVER_CERT}" 2>/dev/null
  rm -f "${csr}" "${extfile}" "${TLS_DIR}/ca.srl"
  chmod 600 "${TLS_SERVER_KEY}"
  chmod 644 "${TLS_SERVER_CERT}"
}

# Creates what is missing; renews the server certificate within 7 days of its expiry.
tls_ensure() {
  require_command openssl
  mkdir -p "${TLS_DIR}"
  if [[ ! -s "${TLS_CA_CERT}" || ! -s "${TLS_CA_KEY}" ]]; then
    tls_make_ca
    rm -f "${TLS_SERVER_CERT}" "${TLS_SERVER_KEY}"
  fi
  if [[ ! -s "${TLS_SERVER_CERT}" || ! -s "${TLS_SERVER_KEY}" ]] ||
    ! openssl x509 -checkend $((7 * 24 * 3600)) -noout -in "${TLS_SERVER_CERT}" >/dev/null; then
    tls_make_server_cert
  fi
  openssl verify -CAfile "${TLS_CA_CERT}" "${TLS_SERVER_CERT}" >/dev/null ||
    die "${TLS_SERVER_CERT} is not signed by ${TLS_CA_CERT}; delete ${TLS_DIR} and run up again"
}
