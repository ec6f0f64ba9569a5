import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export { GET } from "@/lib/routes/push";

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
