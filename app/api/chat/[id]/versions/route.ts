import { otherMethods } from "@/lib/http/methods";

export { GET, POST } from "@/lib/routes/chat-versions";

export const dynamic = "force-dynamic";

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
