import { requireOwner } from "@/lib/auth/request";
import { getChatStore } from "@/lib/db";
import { errorResponse } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

const LIST_LIMIT = 100;

/** The history sidebar's list: the person's chats, newest (most recently updated) first. */
export async function GET(request: Request): Promise<Response> {
  try {
    const chats = await getChatStore().listChats(requireOwner(request).id, LIST_LIMIT);
    return Response.json({ chats }, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(err);
  }
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
