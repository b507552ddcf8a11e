#!/usr/bin/env python3
"""The p2pfs realm of the running local Keycloak.

  keycloak_realm.py verify KEYCLOAK_URL
      Logs alice in with a password grant (client p2pfs-cli), the peer client p2pfs-node with
      client credentials (secret from $P2PFS_NODE_CLIENT_SECRET), asks for a device code, and
      checks the claims of the access tokens. Exits 1 with one line per failed check.
  keycloak_realm.py replace KEYCLOAK_URL REALM_FILE
      Deletes the realm and creates it again from REALM_FILE through the admin REST API
      (admin user $KEYCLOAK_ADMIN_USER, password $KEYCLOAK_ADMIN_PASSWORD).
"""
import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

REALM = "p2pfs"
AUDIENCE = "p2pfs"


def call(url, method="GET", form=None, body=None, token=None, accept_missing=False):
    data, headers = None, {}
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = body
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read()
            return json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        if accept_missing and error.code == 404:
            return None
        raise SystemExit(f"{method} {url} -> {error.code}: {error.read().decode(errors='replace')}")


def claims(token):
    payload = token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def verify(keycloak_url):
    node_secret = os.environ["P2PFS_NODE_CLIENT_SECRET"]
    issuer = f"{keycloak_url}/realms/{REALM}"
    token_url = f"{issuer}/protocol/openid-connect/token"
    failures = []

    def expect(condition, message):
        if not condition:
            failures.append(message)

    user = claims(call(token_url, "POST", form={
        "grant_type": "password", "client_id": "p2pfs-cli",
        "username": "alice", "password": "alice-secret", "scope": "openid"})["access_token"])
    expect(user.get("iss") == issuer, f"alice: iss is {user.get('iss')!r}, expected {issuer!r}")
    expect(AUDIENCE in as_list(user.get("aud")), f"alice: aud {user.get('aud')!r} lacks {AUDIENCE!r}")
    expect("user" in user.get("realm_access", {}).get("roles", []),
           f"alice: realm_access.roles {user.get('realm_access')!r} lacks 'user'")
    expect("engineering" in as_list(user.get("groups")), f"alice: groups {user.get('groups')!r} lacks 'engineering'")
    expect(user.get("preferred_username") == "alice",
           f"alice: preferred_username is {user.get('preferred_username')!r}")

    node = claims(call(token_url, "POST", form={
        "grant_type": "client_credentials", "client_id": "p2pfs-node",
        "client_secret": node_secret})["access_token"])
    expect(node.get("iss") == issuer, f"p2pfs-node: iss is {node.get('iss')!r}")
    expect(AUDIENCE in as_list(node.get("aud")), f"p2pfs-node: aud {node.get('aud')!r} lacks {AUDIENCE!r}")
    expect("node" in node.get("realm_access", {}).get("roles", []),
           f"p2pfs-node: realm_access.roles {node.get('realm_access')!r} lacks 'node'")

    device = call(f"{issuer}/protocol/openid-connect/auth/device", "POST", form={"client_id": "p2pfs-cli"})
    expect("device_code" in device and "verification_uri" in device,
           f"p2pfs-cli: device authorization answered {device!r}")

    if failures:
        print("\n".join(f"realm check failed: {failure}" for failure in failures), file=sys.stderr)
        return 1
    print(f"realm ok: alice roles={user['realm_access']['roles']} groups={user.get('groups')} "
          f"aud={user.get('aud')}; p2pfs-node roles={node['realm_access']['roles']}; device grant on")
    return 0


def replace(keycloak_url, realm_file):
    token = call(f"{keycloak_url}/realms/master/protocol/openid-connect/token", "POST", form={
        "grant_type": "password", "client_id": "admin-cli",
        "username": os.environ["KEYCLOAK_ADMIN_USER"],
        "password": os.environ["KEYCLOAK_ADMIN_PASSWORD"]})["access_token"]
    with open(realm_file, "rb") as realm:
        representation = realm.read()
    call(f"{keycloak_url}/admin/realms/{REALM}", "DELETE", token=token, accept_missing=True)
    call(f"{keycloak_url}/admin/realms", "POST", body=representation, token=token)
    print(f"realm {REALM} replaced from {os.path.basename(realm_file)}")
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "verify":
        return verify(argv[2])
    if len(argv) == 4 and argv[1] == "replace":
        return replace(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
