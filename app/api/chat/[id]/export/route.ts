import { otherMethods } from "@/lib/http/methods";

export { GET } from "@/lib/routes/chat-export";

export const dynamic = "force-dynamic";

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
