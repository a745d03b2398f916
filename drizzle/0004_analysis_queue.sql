ALTER TABLE "analyses" DROP CONSTRAINT "analyses_workout_id_unique";--> statement-breakpoint
DROP INDEX "workouts_analysis_status";--> statement-breakpoint
ALTER TABLE "analyses" ALTER COLUMN "feedback" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "analyses" DROP COLUMN "suggestions";--> statement-breakpoint
ALTER TABLE "workouts" DROP COLUMN "analysis_status";--> statement-breakpoint
ALTER TABLE "analyses" ADD COLUMN "status" text DEFAULT 'queued' NOT NULL;--> statement-breakpoint
ALTER TABLE "analyses" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "analyses" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "analyses" ADD COLUMN "author" text;--> statement-breakpoint
ALTER TABLE "analyses" ADD COLUMN "notes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "analyses" ADD COLUMN "facts" jsonb;--> statement-breakpoint
ALTER TABLE "analyses" ADD COLUMN "operations" jsonb;--> statement-breakpoint
ALTER TABLE "analyses" ADD COLUMN "draft" jsonb;--> statement-breakpoint
ALTER TABLE "analyses" ADD COLUMN "base_plan_id" integer;--> statement-breakpoint
ALTER TABLE "analyses" ADD COLUMN "changes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "analyses" ADD CONSTRAINT "analyses_base_plan_id_plans_id_fk" FOREIGN KEY ("base_plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analyses_workout" ON "analyses" USING btree ("workout_id");--> statement-breakpoint
CREATE INDEX "analyses_status" ON "analyses" USING btree ("status");--> statement-breakpoint
ALTER TABLE "analyses" ADD COLUMN "change_reason" text;