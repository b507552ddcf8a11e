-- Each storage node's own public key (a P-256 JWK, JSON text), sent with its registration and
-- announced in node.registered: the metadata service verifies the node's storage receipts with it.
-- Rows registered before nodes had keys have none until the node registers again.
ALTER TABLE nodes ADD COLUMN public_key TEXT;
