-- What others shared with a caller is found by containment (grants @> '[{"principal": ...}]'),
-- one test per principal of the caller; this index answers each without reading every ACL.
CREATE INDEX acls_grants ON acls USING gin (grants jsonb_path_ops);
