-- 0010_audit_client_name: each audit keeps its client's legal name (issue 3).
--
-- Reading one audit is a hot path (GET /v1/audits/{id}), and the join with clients for the name cost
-- more than the rest of the query. Triggers keep the copy true: set when an audit is written, and
-- carried to every audit of a client when the client is renamed. (No NOT NULL: an audit naming a client
-- it cannot see must keep failing on its foreign key, 23503, not on a missing name.)

ALTER TABLE audits ADD COLUMN client_name text;

-- Backfill: FORCE ROW LEVEL SECURITY binds the owner too, so lift it for this transaction.
ALTER TABLE audits NO FORCE ROW LEVEL SECURITY;
ALTER TABLE clients NO FORCE ROW LEVEL SECURITY;
UPDATE audits a SET client_name = c.legal_name FROM clients c WHERE c.tenant_id = a.tenant_id AND c.id = a.client_id;
ALTER TABLE clients FORCE ROW LEVEL SECURITY;
ALTER TABLE audits FORCE ROW LEVEL SECURITY;

CREATE FUNCTION cc_audits_client_name() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.client_name := (SELECT legal_name FROM clients WHERE tenant_id = NEW.tenant_id AND id = NEW.client_id);
    RETURN NEW;
END $$;
CREATE TRIGGER audits_client_name BEFORE INSERT OR UPDATE OF client_id ON audits
    FOR EACH ROW EXECUTE FUNCTION cc_audits_client_name();

CREATE FUNCTION cc_clients_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audits SET client_name = NEW.legal_name WHERE tenant_id = NEW.tenant_id AND client_id = NEW.id;
    RETURN NEW;
END $$;
CREATE TRIGGER clients_renamed AFTER UPDATE OF legal_name ON clients
    FOR EACH ROW WHEN (OLD.legal_name IS DISTINCT FROM NEW.legal_name)
    EXECUTE FUNCTION cc_clients_renamed();
