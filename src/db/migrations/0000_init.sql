CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"stream" text NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"outcome" text NOT NULL,
	"details" jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"case_id" text,
	"account_id" text,
	"event_key" text,
	CONSTRAINT "audit_outcome" CHECK ("audit_events"."outcome" in ('accepted', 'denied')),
	CONSTRAINT "audit_seq_positive" CHECK ("audit_events"."seq" > 0)
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"outcome" text,
	"account_id" text NOT NULL,
	"business_line" text NOT NULL,
	"channel" text NOT NULL,
	"risk_tier" text NOT NULL,
	"assignee" text,
	"created_by" text NOT NULL,
	"sla_breached" boolean DEFAULT false NOT NULL,
	"revision" integer NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"first_claimed_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	CONSTRAINT "cases_workflow_id_unique" UNIQUE("workflow_id"),
	CONSTRAINT "cases_status" CHECK ("cases"."status" in ('open', 'in_review', 'awaiting_info', 'awaiting_approval', 'executing', 'monitoring', 'reverted', 'closed')),
	CONSTRAINT "cases_closed_has_outcome" CHECK (("cases"."status" = 'closed') = ("cases"."outcome" is not null))
);
--> statement-breakpoint
CREATE TABLE "case_control_claims" (
	"control_id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "control_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"control_id" text NOT NULL,
	"action" text NOT NULL,
	"version" integer NOT NULL,
	"actor" text NOT NULL,
	"case_id" text,
	"idempotency_key" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "control_events_action" CHECK ("control_events"."action" in ('applied', 'lifted', 'reapplied'))
);
--> statement-breakpoint
CREATE TABLE "controls" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"category" text NOT NULL,
	"kind" text NOT NULL,
	"business_line" text NOT NULL,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"applied_by" text NOT NULL,
	"idempotency_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "controls_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "controls_category" CHECK ("controls"."category" in ('restriction', 'binding')),
	CONSTRAINT "controls_status" CHECK ("controls"."status" in ('active', 'lifted')),
	CONSTRAINT "controls_kind_matches_category" CHECK (("controls"."category" = 'restriction' and "controls"."kind" in ('account_freeze', 'withdrawal_lock', 'trading_lock', 'login_lock'))
        or ("controls"."category" = 'binding' and "controls"."kind" in ('totp', 'phone', 'email', 'device', 'withdrawal_address'))),
	CONSTRAINT "controls_version_positive" CHECK ("controls"."version" > 0)
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"user_id" text NOT NULL,
	"key" text NOT NULL,
	"route" text NOT NULL,
	"request_hash" text NOT NULL,
	"status_code" integer,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_user_id_key_pk" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"recipient" text NOT NULL,
	"kind" text NOT NULL,
	"case_id" text,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "notifications_key_unique" UNIQUE("key"),
	CONSTRAINT "notifications_status" CHECK ("notifications"."status" in ('pending', 'delivered'))
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"roles" text[] NOT NULL,
	"business_lines" text[] NOT NULL,
	"departments" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_has_role" CHECK (cardinality("users"."roles") > 0)
);
--> statement-breakpoint
ALTER TABLE "control_events" ADD CONSTRAINT "control_events_control_id_controls_id_fk" FOREIGN KEY ("control_id") REFERENCES "public"."controls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_stream_seq_idx" ON "audit_events" USING btree ("stream","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_stream_key_idx" ON "audit_events" USING btree ("stream","event_key");--> statement-breakpoint
CREATE INDEX "audit_actor_idx" ON "audit_events" USING btree ("actor","at");--> statement-breakpoint
CREATE INDEX "audit_account_idx" ON "audit_events" USING btree ("account_id","at");--> statement-breakpoint
CREATE INDEX "audit_case_idx" ON "audit_events" USING btree ("case_id","seq");--> statement-breakpoint
CREATE INDEX "cases_created_idx" ON "cases" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "cases_status_idx" ON "cases" USING btree ("status","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "cases_account_idx" ON "cases" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "cases_line_idx" ON "cases" USING btree ("business_line","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "cases_assignee_idx" ON "cases" USING btree ("assignee");--> statement-breakpoint
CREATE UNIQUE INDEX "control_events_key_idx" ON "control_events" USING btree ("idempotency_key","control_id");--> statement-breakpoint
CREATE INDEX "control_events_control_idx" ON "control_events" USING btree ("control_id");--> statement-breakpoint
CREATE INDEX "control_events_case_idx" ON "control_events" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "controls_account_idx" ON "controls" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "notifications_due_idx" ON "notifications" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "api_tokens_user_idx" ON "api_tokens" USING btree ("user_id");