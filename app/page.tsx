import { Chat } from "@/components/chat/chat";
import { runsOnEmulator } from "@/lib/supervisor";

export const dynamic = "force-dynamic";

/** A new chat: it gets its id now and its URL (/chat/{id}) when the first message is sent. */
export default function NewChatPage() {
  return <Chat chatId={crypto.randomUUID()} initialMessages={[]} isNew onEmulator={runsOnEmulator()} />;
}
