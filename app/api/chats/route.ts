import { getChatStore } from "@/lib/db";

export const dynamic = "force-dynamic";

const LIST_LIMIT = 100;

/** The history sidebar's list: the newest (most recently updated) chats first. */
export async function GET(): Promise<Response> {
  const chats = await getChatStore().listChats(LIST_LIMIT);
  return Response.json({ chats }, { headers: { "Cache-Control": "no-store" } });
}
