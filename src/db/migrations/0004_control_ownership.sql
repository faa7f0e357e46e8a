ALTER TABLE "controls" ADD COLUMN "source" text DEFAULT 'manual_review' NOT NULL;--> statement-breakpoint
ALTER TABLE "controls" ADD COLUMN "external_ref" text;--> statement-breakpoint
ALTER TABLE "controls" ADD CONSTRAINT "controls_source" CHECK ("controls"."source" in ('risk_rule', 'manual_review', 'user_request', 'security_incident', 'compliance', 'law_enforcement'));