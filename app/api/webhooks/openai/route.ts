import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export { POST } from "@/lib/routes/webhook-openai";

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
