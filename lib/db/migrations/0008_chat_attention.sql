ALTER TABLE "chats" ADD COLUMN "seen_at" bigint;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "awaits_approval" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
-- Chats from before: everything in them counts as seen, so none turns up "unread" at once.
UPDATE "chats" SET "seen_at" = "updated_at";