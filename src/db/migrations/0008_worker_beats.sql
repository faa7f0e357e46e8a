CREATE TABLE "worker_beats" (
	"id" text PRIMARY KEY NOT NULL,
	"task_queue" text NOT NULL,
	"beat_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "worker_beats_queue_idx" ON "worker_beats" USING btree ("task_queue","beat_at");