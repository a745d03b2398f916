CREATE TABLE "analyses" (
	"id" serial PRIMARY KEY NOT NULL,
	"workout_id" integer NOT NULL,
	"feedback" jsonb NOT NULL,
	"suggestions" jsonb,
	"approved" boolean,
	"decision_time" timestamp with time zone,
	"reject_reason" text,
	"resulting_plan_id" integer,
	"model" text,
	"prompt_id" integer,
	"telegram_message_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analyses_workout_id_unique" UNIQUE("workout_id")
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" serial PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"parent_plan_id" integer,
	"plan" jsonb NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plans_version_unique" UNIQUE("version")
);
--> statement-breakpoint
CREATE TABLE "processed_updates" (
	"update_id" bigint PRIMARY KEY NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prompts" (
	"id" serial PRIMARY KEY NOT NULL,
	"action_type" text NOT NULL,
	"model" text,
	"prompt_text" text NOT NULL,
	"version" integer NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rider_profile" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"ftp_w" integer,
	"rider_kg" real,
	"bike_kg" real,
	"max_hr_bpm" integer,
	"rest_hr_bpm" integer,
	"lthr_bpm" integer,
	"chainrings" jsonb,
	"cogs" jsonb,
	"wheel_circumference_m" real,
	"cadence_floor_rpm" integer,
	"time_zone" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rider_profile_single_row" CHECK ("rider_profile"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "routes" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"content_sha256" text NOT NULL,
	"gpx_file_path" text NOT NULL,
	"source_file_name" text,
	"points" integer NOT NULL,
	"distance_m" double precision NOT NULL,
	"ascent_m" double precision,
	"descent_m" double precision,
	"min_elevation_m" double precision,
	"max_elevation_m" double precision,
	"est_time_s" integer,
	"analysis" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routes_content_sha256_unique" UNIQUE("content_sha256")
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"id" serial PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"parent_rule_id" integer,
	"rules" jsonb NOT NULL,
	"source_text" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rules_version_unique" UNIQUE("version")
);
--> statement-breakpoint
CREATE TABLE "sections" (
	"id" serial PRIMARY KEY NOT NULL,
	"route_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"kind" text NOT NULL,
	"category" text,
	"gpx_file_path" text NOT NULL,
	"start_m" double precision NOT NULL,
	"end_m" double precision NOT NULL,
	"distance_m" double precision NOT NULL,
	"ascent_m" double precision,
	"grade_avg" double precision,
	"grade_max" double precision,
	"min_gear" text,
	"est_time_minutes" double precision
);
--> statement-breakpoint
CREATE TABLE "source_state" (
	"source" text PRIMARY KEY NOT NULL,
	"cooldown_until" timestamp with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"last_ok_at" timestamp with time zone,
	"last_error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_log" (
	"id" serial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"status" text NOT NULL,
	"activities_synced" integer DEFAULT 0 NOT NULL,
	"error_message" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_sync_time" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workouts" (
	"id" serial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"source_activity_id" text NOT NULL,
	"type" text NOT NULL,
	"name" text,
	"start_time" timestamp with time zone NOT NULL,
	"duration_s" integer,
	"moving_s" integer,
	"distance_m" double precision,
	"avg_hr" integer,
	"max_hr" integer,
	"avg_power_w" integer,
	"max_power_w" integer,
	"avg_cadence" integer,
	"elevation_gain_m" double precision,
	"np_w" double precision,
	"tss" double precision,
	"metrics" jsonb,
	"streams" "bytea",
	"file_path" text,
	"analysis_status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analyses" ADD CONSTRAINT "analyses_workout_id_workouts_id_fk" FOREIGN KEY ("workout_id") REFERENCES "public"."workouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analyses" ADD CONSTRAINT "analyses_resulting_plan_id_plans_id_fk" FOREIGN KEY ("resulting_plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analyses" ADD CONSTRAINT "analyses_prompt_id_prompts_id_fk" FOREIGN KEY ("prompt_id") REFERENCES "public"."prompts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_parent_plan_id_plans_id_fk" FOREIGN KEY ("parent_plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_parent_rule_id_rules_id_fk" FOREIGN KEY ("parent_rule_id") REFERENCES "public"."rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sections" ADD CONSTRAINT "sections_route_id_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."routes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "prompts_action_version" ON "prompts" USING btree ("action_type","version");--> statement-breakpoint
CREATE UNIQUE INDEX "prompts_one_active" ON "prompts" USING btree ("action_type") WHERE "prompts"."active";--> statement-breakpoint
CREATE UNIQUE INDEX "sections_route_seq" ON "sections" USING btree ("route_id","seq");--> statement-breakpoint
CREATE INDEX "sync_log_source_started" ON "sync_log" USING btree ("source","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "workouts_source_activity" ON "workouts" USING btree ("source","source_activity_id");--> statement-breakpoint
CREATE INDEX "workouts_start_time" ON "workouts" USING btree ("start_time");--> statement-breakpoint
CREATE INDEX "workouts_analysis_status" ON "workouts" USING btree ("analysis_status");