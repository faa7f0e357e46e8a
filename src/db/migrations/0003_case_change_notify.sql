-- Every projection write the engine keeps (a new case, or a newer revision) is announced on one channel,
-- so API processes can tell browsers within moments, whichever process wrote it. The payload carries ids
-- and the business line (for the listener's scope filter) only; listeners read the case themselves.
CREATE FUNCTION cases_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('dualkey_case_changed', json_build_object(
    'caseId', NEW.id,
    'revision', NEW.revision,
    'status', NEW.status,
    'businessLine', NEW.business_line
  )::text);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER cases_notify_change
  AFTER INSERT OR UPDATE ON cases
  FOR EACH ROW EXECUTE FUNCTION cases_notify_change();
