import { describeChatStore } from "./chat-store.contract";
import { createMemoryChatStore } from "./memory-store";

describeChatStore("memory", () => ({ store: createMemoryChatStore() }));
