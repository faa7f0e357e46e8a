CREATE TABLE "proposal_views" (
	"case_id" text NOT NULL,
	"proposal_id" text NOT NULL,
	"user_id" text NOT NULL,
	"what" text NOT NULL,
	"first_viewed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "proposal_views_case_id_proposal_id_user_id_what_pk" PRIMARY KEY("case_id","proposal_id","user_id","what"),
	CONSTRAINT "proposal_views_what" CHECK ("proposal_views"."what" in ('proposal', 'evidence'))
);
--> statement-breakpoint
ALTER TABLE "proposal_views" ADD CONSTRAINT "proposal_views_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_views" ADD CONSTRAINT "proposal_views_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;