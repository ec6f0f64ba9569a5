import { describeDbChatStore } from "./db-store.contract";
import { openPglite } from "./drivers";

describeDbChatStore("PGlite (in memory)", () => openPglite("memory://"));
