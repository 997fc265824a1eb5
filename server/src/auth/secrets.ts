import { createHash, createHmac, randomBytes } from "node:crypto";

/** 256 random bits, URL-safe. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString("base64url");
export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
export const hmac = (secret: string, value: string) => createHmac("sha256", secret).update(value).digest("hex");
