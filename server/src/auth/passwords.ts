/**
 * Password hashing with scrypt (node:crypto, memory-hard; no native addon to build) and the
 * checks a new password must pass: 8 to 128 characters, any characters, not a common password.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { invalid } from "../errors.ts";

const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(pw, salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))));

// N=2^15, r=8, p=3 is one of the settings OWASP's password storage cheat sheet lists as equal to
// its N=2^17/p=1 minimum; about 0.2 s per hash here, off the event loop (libuv pool). The
// parameters are stored in each hash, so raising them later needs no migration.
const PARAMS = { N: 1 << 15, r: 8, p: 3, maxmem: 128 * 1024 * 1024 };
const KEY_LEN = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize("NFKC"), salt, KEY_LEN, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

// Verifying against this when the account does not exist keeps the answer time the same.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const encoded = stored ?? (await (dummyHash ??= hashPassword("not-a-real-password")));
  const [scheme, n, r, p, salt, hash] = encoded.split("$");
  if (scheme !== "scrypt") return false;
  const expected = Buffer.from(hash, "base64");
  const key = await scrypt(password.normalize("NFKC"), Buffer.from(salt, "base64"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return stored !== null && timingSafeEqual(key, expected);
}

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  if (!common) {
    // zxcvbn-ts ships the ~50,000 most frequent leaked passwords, most common first.
    const file = createRequire(import.meta.url).resolve("@zxcvbn-ts/language-common/src/passwords.json");
    common = new Set(JSON.parse(readFileSync(file, "utf8")) as string[]);
  }
  return common;
}

/** Throws a 400 naming `field` when the password is too short, too long or too common. */
export function assertAcceptablePassword(password: string, field = "password"): void {
  if (password.length < 8) throw invalid(field, "must be at least 8 characters");
  if (password.length > 128) throw invalid(field, "must be at most 128 characters");
  if (commonPasswords().has(password.toLowerCase())) {
    throw invalid(field, "is one of the most commonly used passwords; choose another");
  }
}
