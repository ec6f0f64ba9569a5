import { notFound } from "next/navigation";
import { Chat } from "@/components/chat/chat";
import { getChatStore } from "@/lib/db";
import { CHAT_ID_PATTERN } from "@/lib/shared/chat";

export const dynamic = "force-dynamic";

export default async function ChatPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!CHAT_ID_PATTERN.test(id)) notFound();
  const chat = await getChatStore().getChat(id);
  if (!chat) notFound();
  return <Chat chatId={chat.id} initialMessages={chat.messages} />;
}
