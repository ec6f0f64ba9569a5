CREATE TABLE "server_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"seen_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "follower" text;--> statement-breakpoint
CREATE INDEX "runs_running_idx" ON "runs" USING btree ("chat_id") WHERE "runs"."state" = 'running';