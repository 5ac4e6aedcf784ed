-- 0024_registry_worker: what the registry workers need beyond 0022 (ARCHITECTURE.md "Registry sync").
--
-- registry_certifications.solo: the certification's last bulk upload was refused as a whole, naming no
--   record (DOMAIN.md "IAF CertSearch": a refusal may name records or not). It is sent next on its own, as a
--   single upload, so that only the record the registry objects to ends in the dead letters and the others
--   of the batch go through. Cleared by any outcome.

ALTER TABLE registry_certifications ADD COLUMN solo boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN registry_certifications.solo IS
    'send alone next: its last bulk upload was refused naming no record';
