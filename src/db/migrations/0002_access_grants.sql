CREATE TABLE "access_grants" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"roles" text[] NOT NULL,
	"business_lines" text[] NOT NULL,
	"departments" text[] NOT NULL,
	"status" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"comment" text,
	CONSTRAINT "access_grants_status" CHECK ("access_grants"."status" in ('pending', 'approved', 'rejected', 'expired')),
	CONSTRAINT "access_grants_decided" CHECK (("access_grants"."status" = 'pending') = ("access_grants"."decided_at" is null)),
	CONSTRAINT "access_grants_asks_for_something" CHECK (cardinality("access_grants"."roles") + cardinality("access_grants"."business_lines") + cardinality("access_grants"."departments") > 0)
);
--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_has_role";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "sso_subject" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "sso_groups" text[];--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "sso_groups_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_grants_status_expires_idx" ON "access_grants" USING btree ("status","expires_at");--> statement-breakpoint
CREATE INDEX "access_grants_user_idx" ON "access_grants" USING btree ("user_id");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_sso_subject_unique" UNIQUE("sso_subject");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_sso_groups_with_subject" CHECK (("users"."sso_subject" is null) = ("users"."sso_groups" is null));