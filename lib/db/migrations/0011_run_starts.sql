CREATE TABLE "run_starts" (
	"user_id" text NOT NULL,
	"run_id" text NOT NULL,
	"started_at" bigint NOT NULL,
	CONSTRAINT "run_starts_user_id_run_id_pk" PRIMARY KEY("user_id","run_id")
);
--> statement-breakpoint
CREATE INDEX "run_starts_user_id_started_at_idx" ON "run_starts" USING btree ("user_id","started_at");--> statement-breakpoint
-- Runs from before count too: a limit set right after this migration sees the day's runs so far.
INSERT INTO "run_starts" ("user_id", "run_id", "started_at")
SELECT "chats"."user_id", "runs"."run_id", min("runs"."started_at") FROM "runs"
JOIN "chats" ON "chats"."id" = "runs"."chat_id" WHERE "chats"."user_id" IS NOT NULL
GROUP BY "chats"."user_id", "runs"."run_id";
