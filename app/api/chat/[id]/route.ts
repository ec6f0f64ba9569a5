import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export { DELETE } from "@/lib/routes/chat-delete";
export { PATCH } from "@/lib/routes/chat-rename";

export const { GET, POST, PUT } = otherMethods("DELETE", "PATCH");
