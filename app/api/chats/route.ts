import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export { GET } from "@/lib/routes/chat-list";

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
