// A browser's side of Web Push, for tests: a subscription's keys, and the decryption its browser would do.

import { createECDH, type ECDH, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import type { PushSubscriptionJson } from "./subscription";

const ece = createRequire(import.meta.url)("http_ece") as {
  decrypt(body: Buffer, params: { version: "aes128gcm"; privateKey: ECDH; authSecret: string }): Buffer;
};

/** A subscription at `endpoint` whose keys this test holds, and how to read what is sent to it. */
export function testBrowser(endpoint: string) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16).toString("base64url");
  const subscription: PushSubscriptionJson = {
    endpoint,
    expirationTime: null,
    keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth },
  };
  /** The message in a push request's body, as the browser decrypts it. */
  const decrypt = (body: Uint8Array): unknown =>
    JSON.parse(
      ece
        .decrypt(Buffer.from(body), { version: "aes128gcm", privateKey: ecdh, authSecret: auth })
        .toString("utf8"),
    );
  return { subscription, decrypt };
}
