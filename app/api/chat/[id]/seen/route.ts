import { otherMethods } from "@/lib/http/methods";

export { POST } from "@/lib/routes/chat-seen";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
