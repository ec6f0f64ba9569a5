CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"received_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "runs_running_response_idx" ON "runs" USING btree ("response_id") WHERE "runs"."state" = 'running';