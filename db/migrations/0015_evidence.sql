-- 0015_evidence: what evidence uploads need beyond 0014 (issue 8; ARCHITECTURE.md "Evidence files").
--
-- The service reads an upload's body in chunks and inserts each as it goes, so the file's size and
-- SHA-256 are known only after the last chunk: its evidence_files row is inserted last, in the same
-- transaction, and the chunks' foreign key to it is checked at COMMIT. A refused or failed upload
-- rolls back the lot; a chunk can never be committed without its file.
ALTER TABLE evidence_chunks ALTER CONSTRAINT evidence_chunks_file_fkey DEFERRABLE INITIALLY DEFERRED;

-- One evidence file as the API shows it (the upload's answer and the list's items): the SHA-256 in hex.
CREATE FUNCTION cc_evidence_json(e evidence_files) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, public
AS $$
    SELECT jsonb_build_object(
        'id', e.id, 'finding_id', e.finding_id, 'response_id', e.response_id, 'name', e.name,
        'content_type', e.content_type, 'size', e.size, 'sha256', encode(e.sha256, 'hex'),
        'uploaded_by', e.uploaded_by, 'uploaded_at', cc_api_ts(e.uploaded_at))
$$;

REVOKE ALL ON FUNCTION cc_evidence_json(evidence_files) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cc_evidence_json(evidence_files) TO cc_app;
