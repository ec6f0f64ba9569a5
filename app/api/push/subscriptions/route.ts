import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export { DELETE, POST } from "@/lib/routes/push";

export const { GET, PUT, PATCH } = otherMethods("POST", "DELETE");
