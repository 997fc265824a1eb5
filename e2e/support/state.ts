import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const STATE_FILE = path.join(REPO, "artifacts", "e2e-state.json");
export const SCREENSHOTS = path.join(REPO, "artifacts", "screenshots");

export type ProjectName = "sqlite" | "postgres";

/** Everyone signs in with this password; it is only ever used on a throwaway test desk. */
export const PASSWORD = "e2e tessera horse battery";
export const ADMIN = { email: "admin@example.test", name: "Ada Admin", password: PASSWORD };

export interface SeededUser {
  id: number;
  email: string;
  name: string;
}

export interface DeskState {
  baseURL: string;
  /** Tessera's inbound SMTP listener (127.0.0.1). */
  smtpPort: number;
  users: {
    admin: SeededUser;
    alice: SeededUser;
    bob: SeededUser;
    sam: SeededUser;
  };
}
