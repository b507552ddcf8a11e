-- Who is who, as the tracker announced it (user.registered): a caller who is no auditor sees the
-- events of its own user id, found here by its token's subject. The first registration of a
-- subject and of an id wins, as at the tracker. Filled by the service as it appends those events;
-- the registrations already in the log are read in here once.
CREATE TABLE audit_user (
    subject  TEXT PRIMARY KEY,
    user_id  TEXT NOT NULL UNIQUE,
    login    TEXT
);

INSERT INTO audit_user (subject, user_id, login)
SELECT e.canonical::jsonb #>> '{data,details,subject}', e.canonical::jsonb #>> '{data,details,userId}',
       e.canonical::jsonb #>> '{data,details,login}'
FROM audit_event e
WHERE e.event_type = 'user.registered'
  AND e.canonical::jsonb #>> '{data,details,subject}' IS NOT NULL
  AND e.canonical::jsonb #>> '{data,details,userId}' IS NOT NULL
ORDER BY e.seq
ON CONFLICT DO NOTHING;

REVOKE ALL ON audit_user FROM PUBLIC;
GRANT SELECT, INSERT ON audit_user TO "${app_role}";
