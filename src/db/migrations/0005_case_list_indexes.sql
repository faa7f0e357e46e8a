-- GET /v1/cases pages newest first on (created_at, id). The indexes of 0000 were "desc nulls last", which an
-- "order by created_at desc" (nulls first) cannot read in order, and most filters had none that ends in
-- (created_at, id): each list sorted every matching row. Now each filter reads its page from an index.
DROP INDEX "cases_created_idx";--> statement-breakpoint
DROP INDEX "cases_status_idx";--> statement-breakpoint
DROP INDEX "cases_account_idx";--> statement-breakpoint
DROP INDEX "cases_line_idx";--> statement-breakpoint
DROP INDEX "cases_assignee_idx";--> statement-breakpoint
CREATE INDEX "cases_page_idx" ON "cases" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "cases_status_page_idx" ON "cases" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "cases_account_page_idx" ON "cases" USING btree ("account_id","created_at","id");--> statement-breakpoint
CREATE INDEX "cases_line_page_idx" ON "cases" USING btree ("business_line","created_at","id");--> statement-breakpoint
CREATE INDEX "cases_assignee_page_idx" ON "cases" USING btree ("assignee","created_at","id");--> statement-breakpoint
CREATE INDEX "cases_type_page_idx" ON "cases" USING btree ("type","created_at","id");--> statement-breakpoint
CREATE INDEX "cases_tier_page_idx" ON "cases" USING btree ("risk_tier","created_at","id");--> statement-breakpoint
CREATE INDEX "cases_sla_breached_page_idx" ON "cases" USING btree ("created_at","id") WHERE "cases"."sla_breached";
