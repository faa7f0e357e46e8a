CREATE TABLE "campaign_accounts" (
	"campaign_id" text NOT NULL,
	"account_id" text NOT NULL,
	"state" text NOT NULL,
	"exclusion" text,
	"controls" jsonb NOT NULL,
	"canary" boolean DEFAULT false NOT NULL,
	"snapshot" jsonb,
	"lifted_at" timestamp with time zone,
	"monitor_until" timestamp with time zone,
	"reverted_at" timestamp with time zone,
	"left_alone" jsonb,
	"failure" text,
	CONSTRAINT "campaign_accounts_campaign_id_account_id_pk" PRIMARY KEY("campaign_id","account_id"),
	CONSTRAINT "campaign_accounts_state" CHECK ("campaign_accounts"."state" in ('excluded', 'pending', 'lifted', 'failed', 'reverted')),
	CONSTRAINT "campaign_accounts_excluded_has_reason" CHECK (("campaign_accounts"."state" = 'excluded') = ("campaign_accounts"."exclusion" is not null))
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"status" text NOT NULL,
	"maker" text NOT NULL,
	"revision" integer NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "campaigns_workflow_id_unique" UNIQUE("workflow_id")
);
--> statement-breakpoint
CREATE TABLE "risk_signals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"signal" text NOT NULL,
	"severity" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "campaign_accounts" ADD CONSTRAINT "campaign_accounts_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaign_accounts_state_idx" ON "campaign_accounts" USING btree ("campaign_id","state","account_id");--> statement-breakpoint
CREATE INDEX "campaign_accounts_account_idx" ON "campaign_accounts" USING btree ("account_id","state");--> statement-breakpoint
CREATE INDEX "campaigns_page_idx" ON "campaigns" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "risk_signals_account_idx" ON "risk_signals" USING btree ("account_id","occurred_at");