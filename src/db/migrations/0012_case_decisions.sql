CREATE TABLE "case_decisions" (
	"case_id" text NOT NULL,
	"proposal_id" text NOT NULL,
	"checker" text NOT NULL,
	"decision" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"maker" text NOT NULL,
	"business_line" text NOT NULL,
	"evidence_count" integer NOT NULL,
	CONSTRAINT "case_decisions_case_id_proposal_id_checker_decision_pk" PRIMARY KEY("case_id","proposal_id","checker","decision"),
	CONSTRAINT "case_decisions_decision" CHECK ("case_decisions"."decision" in ('approved', 'rejected'))
);
--> statement-breakpoint
ALTER TABLE "case_decisions" ADD CONSTRAINT "case_decisions_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_decisions_at_idx" ON "case_decisions" USING btree ("at");--> statement-breakpoint
CREATE INDEX "case_decisions_line_at_idx" ON "case_decisions" USING btree ("business_line","at");--> statement-breakpoint
-- The decisions a case's proposals hold: each approval, and the rejection if there is one. Declared once,
-- for the trigger below and the backfill. A list the case lacks (or holds as something else) counts as
-- empty, and a decision named twice counts once, so no projection write fails here.
CREATE FUNCTION case_decisions_of(case_data jsonb)
RETURNS TABLE (proposal_id text, checker text, decision text, at timestamptz, maker text, evidence_count integer)
LANGUAGE sql STABLE AS $$
  SELECT DISTINCT ON (p ->> 'id', d.checker, d.decision) p ->> 'id', d.checker, d.decision, d.at, p ->> 'maker',
    CASE WHEN jsonb_typeof(p -> 'evidence') = 'array' THEN jsonb_array_length(p -> 'evidence') ELSE 0 END
  FROM jsonb_array_elements(
    CASE WHEN jsonb_typeof(case_data -> 'proposals') = 'array' THEN case_data -> 'proposals' ELSE '[]' END) p
  CROSS JOIN LATERAL (
    SELECT a ->> 'by', 'approved', (a ->> 'at')::timestamptz
    FROM jsonb_array_elements(
      CASE WHEN jsonb_typeof(p -> 'approvals') = 'array' THEN p -> 'approvals' ELSE '[]' END) a
    UNION ALL
    SELECT p #>> '{rejection,by}', 'rejected', (p #>> '{rejection,at}')::timestamptz
    WHERE jsonb_typeof(p -> 'rejection') = 'object'
  ) d(checker, decision, at)
  WHERE p ->> 'id' IS NOT NULL AND p ->> 'maker' IS NOT NULL AND d.checker IS NOT NULL AND d.at IS NOT NULL
  ORDER BY p ->> 'id', d.checker, d.decision, d.at
$$;
--> statement-breakpoint
-- Makes the case's rows what its projection holds now: a write the projection keeps (a new case, a newer
-- revision) runs this in its own statement; a late or replayed one changes no row of cases, so nothing here.
CREATE FUNCTION cases_record_decisions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH held AS (
    SELECT * FROM case_decisions_of(NEW.data)
  ), gone AS (
    DELETE FROM case_decisions d
    WHERE d.case_id = NEW.id AND NOT EXISTS (
      SELECT 1 FROM held h
      WHERE (h.proposal_id, h.checker, h.decision) = (d.proposal_id, d.checker, d.decision))
  )
  INSERT INTO case_decisions AS d
    (case_id, proposal_id, checker, decision, at, maker, business_line, evidence_count)
  SELECT NEW.id, h.proposal_id, h.checker, h.decision, h.at, h.maker, NEW.business_line, h.evidence_count
  FROM held h
  ON CONFLICT (case_id, proposal_id, checker, decision) DO UPDATE
    SET at = excluded.at, maker = excluded.maker, business_line = excluded.business_line,
      evidence_count = excluded.evidence_count
    WHERE (d.at, d.maker, d.business_line, d.evidence_count)
      IS DISTINCT FROM (excluded.at, excluded.maker, excluded.business_line, excluded.evidence_count);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER cases_record_decisions_insert
  AFTER INSERT ON cases
  FOR EACH ROW WHEN (NEW.data ? 'proposals') EXECUTE FUNCTION cases_record_decisions();
--> statement-breakpoint
CREATE TRIGGER cases_record_decisions_update
  AFTER UPDATE OF data ON cases
  FOR EACH ROW WHEN (OLD.data -> 'proposals' IS DISTINCT FROM NEW.data -> 'proposals')
  EXECUTE FUNCTION cases_record_decisions();
--> statement-breakpoint
-- The cases stored before this migration.
INSERT INTO case_decisions (case_id, proposal_id, checker, decision, at, maker, business_line, evidence_count)
SELECT c.id, d.proposal_id, d.checker, d.decision, d.at, d.maker, c.business_line, d.evidence_count
FROM cases c CROSS JOIN LATERAL case_decisions_of(c.data) d
ON CONFLICT DO NOTHING;
