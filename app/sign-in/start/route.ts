import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export { startSignIn as POST } from "@/lib/routes/sign-in";

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
