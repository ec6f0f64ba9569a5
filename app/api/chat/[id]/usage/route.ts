import { otherMethods } from "@/lib/http/methods";

export { GET } from "@/lib/routes/chat-usage";

export const dynamic = "force-dynamic";

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
