import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { Chat } from "@/components/chat/chat";
import { ownerOf } from "@/lib/auth/request";
import { chatVersions } from "@/lib/chat/versions";
import { getChatStore } from "@/lib/db";
import { CHAT_ID_PATTERN } from "@/lib/shared/chat";

export const dynamic = "force-dynamic";

export default async function ChatPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!CHAT_ID_PATTERN.test(id)) notFound();
  const owner = ownerOf(new Headers(await headers()));
  // Someone else's chat looks exactly like one that does not exist.
  const store = getChatStore();
  const chat = owner ? await store.getChat(id, owner.id) : undefined;
  if (!chat || !owner) notFound();
  return (
    <Chat
      chatId={chat.id}
      initialMessages={chat.messages}
      initialVersions={await chatVersions(store, chat, owner.id)}
    />
  );
}
