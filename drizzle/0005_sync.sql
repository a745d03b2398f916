CREATE TABLE "sync_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"activity_id" text NOT NULL,
	"start_time" timestamp with time zone NOT NULL,
	"name" text,
	"type" text NOT NULL,
	"cycling" boolean NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"workout_id" integer,
	"announced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "source_state" ADD COLUMN "setup_hash" text;--> statement-breakpoint
ALTER TABLE "source_state" ADD COLUMN "notice" text;--> statement-breakpoint
ALTER TABLE "source_state" ADD COLUMN "offered_thresholds" jsonb;--> statement-breakpoint
ALTER TABLE "sync_log" ADD COLUMN "trigger" text DEFAULT 'schedule' NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_log" ADD COLUMN "activities_found" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_log" ADD COLUMN "activities_pending" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_log" ADD COLUMN "heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "workouts" ADD COLUMN "content_hash" text;--> statement-breakpoint
-- an upload's id is already the SHA-256 of its file
UPDATE "workouts" SET "content_hash" = "source_activity_id" WHERE "source" = 'upload';--> statement-breakpoint
ALTER TABLE "sync_items" ADD CONSTRAINT "sync_items_workout_id_workouts_id_fk" FOREIGN KEY ("workout_id") REFERENCES "public"."workouts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sync_items_source_activity" ON "sync_items" USING btree ("source","activity_id");--> statement-breakpoint
CREATE INDEX "sync_items_status" ON "sync_items" USING btree ("source","status","start_time");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_log_one_running" ON "sync_log" USING btree ("source") WHERE status = 'running';--> statement-breakpoint
CREATE UNIQUE INDEX "workouts_content_hash" ON "workouts" USING btree ("content_hash");