import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { Chat } from "@/components/chat/chat";
import { KeepServerMarkdown } from "@/components/chat/keep-server-markdown";
import { pageOwner } from "@/lib/auth/page-owner";
import { chatVersions } from "@/lib/chat/versions";
import { getChatStore } from "@/lib/db";
import { CHAT_ID_PATTERN } from "@/lib/shared/chat";
import { tabTitleOf } from "@/lib/shared/chat-list";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** The person's chat, read once per request for both the title and the page. */
const loadChat = cache(async (id: string) => {
  if (!CHAT_ID_PATTERN.test(id)) return undefined;
  const owner = await pageOwner();
  // Someone else's chat looks exactly like one that does not exist.
  const chat = owner ? await getChatStore().getChat(id, owner.id) : undefined;
  return chat && owner ? { chat, owner } : undefined;
});

/** The tab shows the chat's title (as named by its first message, or renamed). */
export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const found = await loadChat((await params).id);
  return found ? { title: tabTitleOf(found.chat.title) } : {};
}

export default async function ChatPage({ params }: Params) {
  const found = await loadChat((await params).id);
  if (!found) notFound();
  const { chat, owner } = found;
  return (
    <KeepServerMarkdown>
      <Chat
        chatId={chat.id}
        initialMessages={chat.messages}
        initialVersions={await chatVersions(getChatStore(), chat, owner.id)}
      />
    </KeepServerMarkdown>
  );
}
