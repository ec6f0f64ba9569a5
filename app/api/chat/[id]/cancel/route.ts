import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export { POST } from "@/lib/routes/chat-cancel";

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
