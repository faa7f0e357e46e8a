CREATE TABLE "assignment_turns" (
	"business_line" text PRIMARY KEY NOT NULL,
	"last_assignee" text,
	"picked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "away_until" timestamp with time zone;