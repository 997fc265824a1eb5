/**
 * The `test` every spec uses: the project's Tessera as baseURL, the seeded people, a way to
 * sign in through the API, a screenshot helper, and a guard that fails the test on any
 * script error, CSP violation or dialog (an alert() from injected script would be one).
 */
import { test as base, expect, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ApiSession } from "./api.ts";
import { PASSWORD, SCREENSHOTS, STATE_FILE, type DeskState, type ProjectName, type SeededUser } from "./state.ts";

let cached: Partial<Record<ProjectName, DeskState>> | undefined;
function deskState(project: string): DeskState {
  cached ??= JSON.parse(readFileSync(STATE_FILE, "utf8"));
  const state = cached![project as ProjectName];
  if (!state) throw new Error(`no Tessera was started for project ${project}`);
  return state;
}

export interface Desk extends DeskState {
  project: string;
  /** An API session as this person (for the other side of a conversation, or seeding). */
  api(user: SeededUser): Promise<ApiSession>;
  /** Signs the browser in as this person through the API, as the sign-in page would. */
  signIn(page: Page, user: SeededUser): Promise<void>;
  /** Saves a full-page screenshot as artifacts/screenshots/<project>-<name>.png. */
  screenshot(page: Page, name: string): Promise<void>;
}

export const test = base.extend<{ desk: Desk; problems: string[] }>({
  baseURL: async ({}, use, testInfo) => {
    await use(deskState(testInfo.project.name).baseURL);
  },

  desk: async ({}, use, testInfo) => {
    const state = deskState(testInfo.project.name);
    await use({
      ...state,
      project: testInfo.project.name,
      api: (user) => ApiSession.signIn(state.baseURL, user.email, PASSWORD),
      async signIn(page, user) {
        const res = await page.request.post("/api/auth/login", { data: { email: user.email, password: PASSWORD } });
        expect(res.status(), await res.text()).toBe(200);
      },
      async screenshot(page, name) {
        // From the top, so that the fixed header sits where a person sees it.
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: path.join(SCREENSHOTS, `${testInfo.project.name}-${name}.png`), fullPage: true, animations: "disabled" });
      },
    });
  },

  // Automatic: every test gets the guard, whether it names `problems` or not.
  problems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
      page.on("console", (msg) => {
        if (msg.type() === "error" && /Content Security Policy|Refused to (load|execute|apply)/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
      });
      page.on("dialog", (dialog) => {
        problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
        void dialog.dismiss();
      });
      await use(problems);
      expect(problems, "script errors, CSP violations or dialogs in the page").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
export type { Page };

/** Drops files onto an element the way a browser's drag and drop does. */
export async function dropFiles(page: Page, target: ReturnType<Page["locator"]>, files: Array<{ name: string; mimeType: string; text: string }>) {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.text], f.name, { type: f.mimeType }));
    return dt;
  }, files);
  await target.dispatchEvent("dragenter", { dataTransfer });
  await target.dispatchEvent("dragover", { dataTransfer });
  await target.dispatchEvent("drop", { dataTransfer });
}
