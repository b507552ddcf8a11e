#!/usr/bin/env python3
"""End-to-end check of the running local stack with real Keycloak logins.

Logs alice, bob and carol in at the stack's Keycloak (password grant, client p2pfs-cli),
registers them at the tracker, and walks through the security model over HTTPS only: a
private file, a group grant, refusals of the wrong group, of a tampered token and of plain
HTTP, and the refusals arriving in the audit log. Then the direct data path, done by hand the
way a client library does it (a second implementation of the protocol): convergent encryption
of a chunk under alice's key, placement, PUTs to the storage nodes, a commit with their
receipts, and a download from a replica with the manifest's key. Then the `p2pfs` command as a
user runs it: a password login and a device login approved through Keycloak's own pages, put,
get, share, lock (the other user's put exits 6), and the audit log searched, proved and
verified. Exits non-zero on the first disagreement.
"""
import html
import html.parser
import http.cookiejar
import re
import base64
import hashlib
import hmac
import json
import subprocess
import tempfile
import os
import socket
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CA = os.environ.get("P2PFS_TLS_CA", os.path.join(ROOT, ".local", "tls", "ca.crt"))
KEYCLOAK = os.environ.get("P2PFS_KEYCLOAK_URL", "http://localhost:8180/realms/p2pfs")
TRACKER = os.environ.get("P2PFS_TRACKER_URL", "https://localhost:8441")
METADATA = os.environ.get("P2PFS_METADATA_URL", "https://localhost:8442")
AUDIT = os.environ.get("P2PFS_AUDIT_URL", "https://localhost:8443")
TLS = ssl.create_default_context(cafile=CA)
checks = 0


def call(method, url, token=None, body=None, content_type=None):
    headers = {}
    if token:
        headers["Authorization"] = "Bearer " + token
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, context=TLS if url.startswith("https") else None, timeout=60) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


def expect(what, actual, wanted):
    global checks
    checks += 1
    if actual != wanted:
        print(f"FAIL {what}: expected {wanted}, got {actual}")
        sys.exit(1)
    print(f"ok   {what}")


def login(user):
    form = urllib.parse.urlencode({"grant_type": "password", "client_id": "p2pfs-cli", "username": user,
                                   "password": user + "-secret", "scope": "openid"}).encode()
    status, body, _ = call("POST", KEYCLOAK + "/protocol/openid-connect/token", body=form,
                           content_type="application/x-www-form-urlencoded")
    expect(f"{user} logs in at Keycloak", status, 200)
    return json.loads(body)["access_token"]


def register(user, token):
    status, body, _ = call("POST", TRACKER + "/api/v1/users", token, b"{}", "application/json")
    expect(f"{user} is registered at the tracker", status in (201, 409), True)


def metrics(bob):
    realm = json.load(open(os.path.join(ROOT, "deploy", "local", "keycloak", "p2pfs-realm.json")))
    secret = next(c["secret"] for c in realm["clients"] if c["clientId"] == "p2pfs-metrics")
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": "p2pfs-metrics",
                                   "client_secret": secret}).encode()
    status, body, _ = call("POST", KEYCLOAK + "/protocol/openid-connect/token", body=form,
                           content_type="application/x-www-form-urlencoded")
    expect("the monitoring service account logs in", status, 200)
    scraper = json.loads(body)["access_token"]
    for name, url in (("tracker", TRACKER), ("metadata", METADATA), ("audit", AUDIT),
                      ("a peer", os.environ.get("P2PFS_PEER_URL", "https://localhost:8451"))):
        answers = (call("GET", url + "/q/metrics")[0], call("GET", url + "/q/metrics", bob)[0],
                   call("GET", url + "/q/metrics", scraper)[0])
        expect(f"{name}'s metrics: 401 without a token, 403 for a user, 200 for the monitoring account",
               answers, (401, 403, 200))


def direct_path(base, alice, bob):
    """A one-chunk file up and down the direct data path, as the client library moves it."""
    path = f"{base}/direct.bin"
    status, body, _ = call("POST", f"{METADATA}/api/v1/uploads", alice, json.dumps({"path": path}).encode(),
                           "application/json")
    expect("alice begins a direct upload", status, 201)
    session = json.loads(body)
    plain = os.urandom(100 * 1024)
    plain_hash = hashlib.sha256(plain).digest()
    key = hmac.new(base64.b64decode(session["convergenceKey"]["key"]), plain_hash, hashlib.sha256).digest()
    cipher = AESGCM(key).encrypt(bytes(12), plain, None)
    chunk_id = hashlib.sha256(cipher).hexdigest()
    status, body, _ = call("POST", f"{METADATA}/api/v1/uploads/{session['uploadId']}/placements", alice,
                           json.dumps({"chunks": [{"chunkId": chunk_id, "size": len(cipher)}]}).encode(),
                           "application/json")
    placement = json.loads(body)["chunks"][0]
    expect("the new chunk gets write targets", (status, placement["stored"], len(placement["targets"]) >= 2),
           (200, False, True))
    receipts = []
    for target in placement["targets"][:session["writeQuorum"]]:
        request = urllib.request.Request(f"{target['url']}/chunks/{chunk_id}", data=cipher, method="PUT",
                                         headers={"Chunk-Token": target["writeToken"],
                                                  "Content-Type": "application/octet-stream"})
        with urllib.request.urlopen(request, context=TLS, timeout=60) as r:
            receipts.append(json.loads(r.read())["receipt"])
    expect("the storage nodes answer with receipts", len(receipts), session["writeQuorum"])
    manifest = [{"chunkId": chunk_id, "plainHash": plain_hash.hex(), "plainLength": len(plain)}]
    head, payload, signature = receipts[0].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["size"] = claims["size"] + 1
    forged = head + "." + base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=") + "." + signature
    commit_url = f"{METADATA}/api/v1/uploads/{session['uploadId']}/commit"
    status, body, _ = call("POST", commit_url, alice, json.dumps({"manifest": manifest, "receipts": [forged] + receipts[1:],
                                                                  "sha256": hashlib.sha256(plain).hexdigest()}).encode(),
                           "application/json")
    expect("a commit with an altered receipt is refused, naming the chunk",
           (status, json.loads(body).get("chunkId")), (422, chunk_id))
    status, body, _ = call("POST", commit_url, alice, json.dumps({"manifest": manifest, "receipts": receipts,
                                                                  "sha256": hashlib.sha256(plain).hexdigest()}).encode(),
                           "application/json")
    expect("alice commits the manifest with the receipts", status, 201)
    status, body, _ = call("GET", f"{METADATA}/api/v1/files{path}", alice)
    expect("the gateway serves what the direct path wrote", (status, body == plain), (200, True))
    status, body, _ = call("GET", f"{METADATA}/api/v1/manifests{path}", alice)
    page = json.loads(body)
    chunk = page["chunks"][0]
    source = chunk["sources"][0]
    request = urllib.request.Request(f"{source['url']}/chunks/{chunk_id}", headers={"Chunk-Token": source["readToken"]})
    with urllib.request.urlopen(request, context=TLS, timeout=60) as r:
        stored = r.read()
    expect("a replica read with the manifest's key decrypts to the content",
           AESGCM(base64.b64decode(chunk["key"])).decrypt(bytes(12), stored, None) == plain, True)
    expect("bob may not read alice's manifest (to him it is not there)",
           call("GET", f"{METADATA}/api/v1/manifests{path}", bob)[0], 404)
    status, _, _ = call("POST", f"{METADATA}/api/v1/uploads", bob, json.dumps({"path": f"{base}/bob.bin"}).encode(),
                        "application/json")
    expect("bob may not begin an upload into alice's directory (hidden from him)", status, 404)


def main():
    tokens = {user: login(user) for user in ("alice", "bob", "carol")}
    for user, token in tokens.items():
        register(user, token)
    alice, bob, carol = tokens["alice"], tokens["bob"], tokens["carol"]
    claims = json.loads(base64.urlsafe_b64decode(alice.split(".")[1] + "=="))
    expect("tokens carry the groups claim", "engineering" in [g.strip("/") for g in claims.get("groups", [])], True)

    base = f"/alice/e2e-{uuid.uuid4().hex[:8]}"
    files = METADATA + "/api/v1/files"
    content = os.urandom(3 * 1024 * 1024 + 5)
    # Everyone has a home, /<user id>, made at registration; nothing else of a user's lies at the root.
    expect("bob may not create a directory at the root", call("POST", f"{METADATA}/api/v1/dirs/e2e-root", bob)[0], 403)
    expect("alice creates a directory in her home",
           call("POST", f"{METADATA}/api/v1/dirs{base}?parents=true", alice)[0], 201)
    expect("alice uploads a file", call("PUT", f"{files}{base}/plan.bin", alice, content,
                                        "application/octet-stream")[0], 201)
    status, body, _ = call("GET", f"{files}{base}/plan.bin", alice)
    expect("alice downloads the same bytes", (status, body == content), (200, True))
    expect("bob may not read alice's file (to him it is not there)", call("GET", f"{files}{base}/plan.bin", bob)[0],
           404)

    acl = json.dumps({"inherit": True, "entries": [
        {"principal": "group:engineering", "permissions": ["READ", "DOWNLOAD"]}]}).encode()
    expect("alice shares the directory with group engineering",
           call("PUT", f"{METADATA}/api/v1/acl{base}", alice, acl, "application/json")[0], 200)
    status, body, _ = call("GET", f"{files}{base}/plan.bin", carol)
    expect("carol (engineering) downloads it", (status, body == content), (200, True))
    expect("bob (finance) still may not", call("GET", f"{files}{base}/plan.bin", bob)[0], 404)
    expect("carol may not overwrite it (no WRITE)",
           call("PUT", f"{files}{base}/plan.bin", carol, b"mine now", "application/octet-stream")[0], 403)

    head, payload, signature = alice.split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged["preferred_username"] = "mallory"
    tampered = head + "." + base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=") + "." + signature
    expect("a tampered token is refused", call("GET", f"{METADATA}/api/v1/list{base}", tampered)[0], 401)

    try:
        socket.create_connection(("localhost", 8082), timeout=3).close()
        plain = "open"
    except OSError:
        plain = "closed"
    expect("metadata's plain HTTP port is closed", plain, "closed")
    metrics(bob)
    direct_path(base, alice, bob)

    deadline = time.time() + 60
    found = []
    while time.time() < deadline:
        query = urllib.parse.urlencode({"actor": "bob", "action": "access.denied", "limit": "200"})
        status, body, _ = call("GET", f"{AUDIT}/api/v1/audit?{query}", carol)
        items = json.loads(body).get("items", []) if status == 200 else []
        found = [item for item in items if base in json.dumps(item)]
        if len(found) >= 2:
            break
        time.sleep(1)
    expect("bob's two refusals are in the audit log, seen by carol (auditor)", len(found) >= 2, True)
    query = urllib.parse.urlencode({"path": f"{base}/plan.bin", "action": "access.denied", "limit": "50"})
    status, body, _ = call("GET", f"{AUDIT}/api/v1/audit?{query}", carol)
    by_path = [item for item in (json.loads(body).get("items", []) if status == 200 else [])
               if item.get("actor") == "bob"]
    expect("a refusal on a file is found by its namespace path", len(by_path) >= 1, True)
    status, body, _ = call("GET", f"{AUDIT}/api/v1/audit?" + urllib.parse.urlencode(
        {"actor": "alice", "action": "access.denied", "limit": "5"}), bob)
    expect("bob, no auditor, sees no one else's events", (status, json.loads(body).get("items")), (200, []))
    transparency_log(found[0]["id"], bob, carol)
    command_line()
    print(f"e2e: {checks} checks passed")


def transparency_log(event_id, bob, carol):
    """A head signed on demand covers bob's refusal; its proof and the whole log check out offline."""
    status, body, _ = call("POST", f"{AUDIT}/api/v1/audit/tree-heads", bob)
    expect("bob, no auditor, cannot sign a tree head", status, 403)
    status, body, _ = call("POST", f"{AUDIT}/api/v1/audit/tree-heads", carol)
    expect("carol (auditor) signs a tree head", status, 201)
    head = json.loads(body)
    status, body, _ = call("GET", f"{AUDIT}/api/v1/audit/signing-keys")
    key = json.loads(body)[0]["publicKey"]
    status, body, _ = call("GET", f"{AUDIT}/api/v1/audit/proofs/inclusion?" + urllib.parse.urlencode(
        {"eventId": event_id, "treeSize": head["treeSize"]}), carol)
    expect("an inclusion proof of bob's refusal is served", status, 200)
    with tempfile.TemporaryDirectory() as scratch:
        head_file = os.path.join(scratch, "head.json")
        proof_file = os.path.join(scratch, "proof.json")
        with open(head_file, "w", encoding="utf-8") as out:
            json.dump(head, out)
        with open(proof_file, "w", encoding="utf-8") as out:
            out.write(body.decode("utf-8") if isinstance(body, bytes) else body)
        verifier = subprocess.run([os.path.join(ROOT, "bin", "p2pfs-audit-verify"), "inclusion", "--head", head_file,
                                   "--key", key, "--proof", proof_file], capture_output=True, text=True, check=False)
        expect("the proof verifies offline against the signed head", (verifier.returncode,
               verifier.stdout.startswith("VERIFIED")), (0, True))
    published = os.path.join(ROOT, ".local", "audit-heads", "latest.json")
    expect("the head was published to the heads directory", os.path.exists(published), True)
    status, body, _ = call("GET", f"{AUDIT}/api/v1/audit/verify", carol)
    result = json.loads(body)
    expect("the whole log verifies against its signed heads", (status, result.get("ok")), (200, True))


def p2pfs(config, *args, stdin=None, check=None):
    """Runs bin/p2pfs with its own config folder (one login per folder); returns (status, out, err)."""
    env = dict(os.environ, P2PFS_CONFIG_DIR=config, P2PFS_CA=CA, P2PFS_ISSUER_URL=KEYCLOAK,
               P2PFS_METADATA_URL=METADATA, P2PFS_TRACKER_URL=TRACKER, P2PFS_AUDIT_URL=AUDIT)
    done = subprocess.run([os.path.join(ROOT, "bin", "p2pfs"), *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=config, timeout=300, check=False)
    if check is not None:
        if done.returncode != 0:
            print(done.stdout, done.stderr)
        expect(check, done.returncode, 0)
    return done.returncode, done.stdout, done.stderr


class Forms(html.parser.HTMLParser):
    """The forms of a Keycloak page: action, method and the inputs' names and values."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": html.unescape(attrs.get("action") or ""), "inputs": {}, "buttons": []})
        elif tag in ("input", "button") and self.forms:
            name = attrs.get("name")
            kind = (attrs.get("type") or "").lower()
            if name and kind == "submit" or tag == "button" and name:
                self.forms[-1]["buttons"].append((name, attrs.get("value") or ""))
            elif name:
                self.forms[-1]["inputs"][name] = attrs.get("value") or ""


class LocalhostIsSecure(http.cookiejar.DefaultCookiePolicy):
    """Browsers treat http://localhost as a secure context and send Keycloak's Secure cookies there."""

    def return_ok_secure(self, cookie, request):
        return urllib.parse.urlparse(request.get_full_url()).hostname in ("localhost", "127.0.0.1") or \
            super().return_ok_secure(cookie, request)


def approve_device(url, user):
    """What a user does in a browser: opens the verification URL, signs in, grants access."""
    jar = http.cookiejar.CookieJar(policy=LocalhostIsSecure())
    cookies = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = cookies.open(url, timeout=60).read().decode("utf-8", "replace")
    for _ in range(6):
        if re.search(r"(?i)device login successful|you may close this|successfully logged in", page):
            return True
        parser = Forms()
        parser.feed(page)
        if not parser.forms:
            return False
        form = parser.forms[0]
        fields = dict(form["inputs"])
        if "username" in fields or "password" in fields:
            fields.update({"username": user, "password": user + "-secret"})
        accept = [button for button in form["buttons"] if button[0] == "accept"]
        if accept:
            fields[accept[0][0]] = accept[0][1] or "Yes"
        action = urllib.parse.urljoin(url, form["action"])
        page = cookies.open(urllib.request.Request(action, data=urllib.parse.urlencode(fields).encode(),
                                                   method="POST"), timeout=60).read().decode("utf-8", "replace")
    return False


def command_line():
    """The p2pfs command against the stack, with real Keycloak logins."""
    with tempfile.TemporaryDirectory() as alice, tempfile.TemporaryDirectory() as bob, \
            tempfile.TemporaryDirectory() as carol:
        status, out, err = p2pfs(alice, "login", "--password", "-u", "alice", "--password-stdin",
                                 stdin="alice-secret\n")
        expect("p2pfs login --password (alice, real Keycloak)", (status, "Logged in as alice" in out), (0, True))
        mode = oct(os.stat(os.path.join(alice, "tokens", "default.json")).st_mode & 0o777)
        expect("the cached tokens are readable by their owner alone", mode, "0o600")

        # bob logs in with the device grant: the command shows a URL and a code, the browser approves.
        env = dict(os.environ, P2PFS_CONFIG_DIR=bob, P2PFS_CA=CA, P2PFS_ISSUER_URL=KEYCLOAK,
                   P2PFS_METADATA_URL=METADATA, P2PFS_TRACKER_URL=TRACKER, P2PFS_AUDIT_URL=AUDIT)
        device = subprocess.Popen([os.path.join(ROOT, "bin", "p2pfs"), "login", "--json"], env=env, cwd=bob,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        prompt = json.loads(device.stderr.readline())["deviceLogin"]
        expect("p2pfs login shows a device code", bool(prompt.get("userCode")), True)
        expect("bob approves the code on Keycloak's own pages",
               approve_device(prompt["verificationUriComplete"], "bob"), True)
        out, err = device.communicate(timeout=120)
        expect("p2pfs login (device grant) completes for bob", (device.returncode, json.loads(out).get("login")),
               (0, "bob"))
        p2pfs(carol, "login", "--password", "-u", "carol", "--password-stdin", stdin="carol-secret\n",
              check="p2pfs login --password (carol)")

        base = f"/alice/cli-{uuid.uuid4().hex[:8]}"
        content = os.urandom(2 * 1024 * 1024 + 7)
        with open(os.path.join(alice, "report.bin"), "wb") as out_file:
            out_file.write(content)
        p2pfs(alice, "mkdir", "-p", base, check="p2pfs mkdir -p")
        p2pfs(alice, "put", "report.bin", base + "/", check="p2pfs put (direct path)")
        status, out, _ = p2pfs(alice, "ls", "-l", "--json", base)
        expect("p2pfs ls -l shows the file's size", (status, [e.get("size") for e in json.loads(out)]),
               (0, [len(content)]))
        status, _, _ = p2pfs(bob, "get", base + "/report.bin", "copy.bin")
        expect("bob's get of alice's private file exits 4 (to him it is not there)", status, 4)
        p2pfs(alice, "share", base, "bob", "read,download,write", check="p2pfs share with bob")
        p2pfs(bob, "get", base + "/report.bin", "copy.bin", check="bob's get after the share")
        with open(os.path.join(bob, "copy.bin"), "rb") as copy:
            expect("bob got the same bytes", copy.read() == content, True)
        p2pfs(alice, "lock", base + "/report.bin", "--ttl", "120", check="p2pfs lock")
        with open(os.path.join(bob, "mine.bin"), "wb") as out_file:
            out_file.write(b"bob's version")
        status, _, err = p2pfs(bob, "put", "mine.bin", base + "/report.bin")
        expect("bob's put under alice's lock exits 6", (status, err.startswith("p2pfs: Locked")), (6, True))
        p2pfs(alice, "put", "report.bin", base + "/report.bin", check="alice writes under her own lock")
        p2pfs(alice, "unlock", base + "/report.bin", check="p2pfs unlock")

        deadline = time.time() + 60
        denied = []
        while time.time() < deadline and not denied:
            status, out, _ = p2pfs(carol, "audit", "search", "--json", "--actor", "bob", "--outcome", "DENIED",
                                   "--limit", "200")
            denied = [item for item in (json.loads(out) if status == 0 else []) if base in json.dumps(item)]
            if not denied:
                time.sleep(1)
        expect("carol finds bob's refusals with p2pfs audit search", len(denied) >= 1, True)
        status, _, _ = p2pfs(carol, "--quiet", "audit", "verify")
        expect("p2pfs audit verify", status, 0)
        call("POST", f"{AUDIT}/api/v1/audit/tree-heads", login("carol"))
        status, out, _ = p2pfs(carol, "audit", "prove", "--json", denied[0]["id"])
        expect("p2pfs audit prove checks the inclusion proof locally",
               (status, json.loads(out).get("verified") if status == 0 else out), (0, True))


if __name__ == "__main__":
    main()
