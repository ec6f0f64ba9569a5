ALTER TABLE "runs" ADD COLUMN "claimed_after" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "claimed_at" bigint;