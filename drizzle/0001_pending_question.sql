CREATE TABLE "pending_question" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"kind" text NOT NULL,
	"subject" text NOT NULL,
	"asked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pending_question_single_row" CHECK ("pending_question"."id" = 1)
);
