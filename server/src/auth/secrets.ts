import { createHmac, hash, randomBytes } from "node:crypto";

/** 256 random bits, URL-safe. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString("base64url");
// The one-shot hash: several times cheaper than a Hash object, and it runs on every request.
export const sha256 = (value: string) => hash("sha256", value, "hex");
export const hmac = (secret: string, value: string) => createHmac("sha256", secret).update(value).digest("hex");
