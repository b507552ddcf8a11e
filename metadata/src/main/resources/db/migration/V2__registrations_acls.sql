-- Users registered at the tracker, learnt from its user.registered events (or by asking it on a
-- miss): a token's subject maps to the user id that ACLs and owners name.
CREATE TABLE registered_users (
    subject        TEXT         PRIMARY KEY,
    user_id        TEXT         NOT NULL UNIQUE,
    login          TEXT         NOT NULL,
    registered_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- One ACL per entry at most. entries is a JSON array of {principal, permissions}; inherit says
-- whether the grants of the directories above apply as well.
CREATE TABLE acls (
    entry_id    BIGINT       PRIMARY KEY REFERENCES entries (entry_id) ON DELETE CASCADE,
    inherit     BOOLEAN      NOT NULL DEFAULT true,
    grants      JSONB        NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(grants) = 'array'),
    updated_by  TEXT         NOT NULL,
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
