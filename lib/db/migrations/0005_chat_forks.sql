CREATE TABLE "chat_forks" (
	"chat_id" text PRIMARY KEY NOT NULL,
	"forks" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "chat_forks" ADD CONSTRAINT "chat_forks_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "chats"("id") ON DELETE cascade ON UPDATE no action;