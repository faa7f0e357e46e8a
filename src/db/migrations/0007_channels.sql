CREATE TABLE "respond_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"info_request_id" text NOT NULL,
	"question" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_status";--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "channel" text DEFAULT 'log' NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "target" text DEFAULT 'log' NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "routing_version" text;--> statement-breakpoint
CREATE INDEX "respond_tokens_request_idx" ON "respond_tokens" USING btree ("case_id","info_request_id");--> statement-breakpoint
CREATE INDEX "notifications_case_idx" ON "notifications" USING btree ("case_id");--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_channel" CHECK ("notifications"."channel" in ('email', 'webhook', 'log'));--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_status" CHECK ("notifications"."status" in ('pending', 'delivered', 'given_up'));