/**
 * Every screen a requester, an agent and an admin reach, at a laptop's 1440 × 900 and a
 * phone's 375 px: each one loads without a script error, nothing on it pushes the page wider
 * than the screen (the commonest sign of a clipped or overlapping layout), its heading is
 * whole on screen, and a screenshot of it lands in artifacts/screenshots for a person to look at.
 */
import type { Page } from "@playwright/test";
import { expect as baseExpect, test } from "../support/fixtures.ts";
import { fileRequest, uniqueWord } from "../support/agent.ts";

const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 240_000 });

const WIDTHS = [
  { name: "wide", viewport: { width: 1440, height: 900 } },
  { name: "phone", viewport: { width: 375, height: 812 } },
];

const ADMIN_PAGES = [
  "users",
  "teams",
  "organizations",
  "categories",
  "priority-matrix",
  "custom-fields",
  "statuses",
  "canned-replies",
  "macros",
  "mailboxes",
  "failed-mail",
  "held-mail",
  "outgoing-mail",
  "mail-templates",
  "alerts",
  "business-hours",
  "sla-policies",
  "audit-log",
];

/** Waits for the screen to settle, checks it fits the width, and saves its picture. */
async function look(page: Page, screenshot: (page: Page, name: string) => Promise<void>, name: string, heading: RegExp | string) {
  // On a phone the open ticket's title is the screen's heading, one level under the hidden list's.
  await expect(page.getByRole("heading", { name: heading }).first()).toBeVisible();
  await expect(page.locator(".mantine-Loader-root:visible")).toHaveCount(0);
  const fit = await page.evaluate(() => {
    const h1 = document.querySelector("h1")?.getBoundingClientRect();
    return {
      pageWidth: document.documentElement.scrollWidth,
      screenWidth: window.innerWidth,
      headingInside: !h1 || (h1.left >= 0 && h1.right <= window.innerWidth + 1),
    };
  });
  expect(fit.pageWidth, `${name}: the page is wider than the screen`).toBeLessThanOrEqual(fit.screenWidth);
  expect(fit.headingInside, `${name}: the heading runs off the screen`).toBe(true);
  await screenshot(page, `screen-${name}`);
}

for (const { name: width, viewport } of WIDTHS) {
  test.describe(`at ${viewport.width} px`, () => {
    test.use({ viewport });

    test(`every requester and agent screen fits ${viewport.width} px`, async ({ page, desk }) => {
      const word = uniqueWord("screens");
      const alice = await desk.api(desk.users.alice);
      const sam = await desk.api(desk.users.sam);
      const ticket = await fileRequest(alice, `Laptop ${word} will not wake from sleep after the docking station update`);
      await sam.post(`/api/tickets/${ticket.reference}/comments`, { body: "Could you hold the power button for ten seconds and tell me what the lights do?", internal: false, format: "text" });
      await sam.post(`/api/tickets/${ticket.reference}/comments`, { body: "Firmware 1.4 is known to do this.", internal: true, format: "text" });
      await alice.post(`/api/tickets/${ticket.reference}/comments`, { body: "The amber light blinks three times, then nothing.", format: "text" });

      await page.goto("/sign-in");
      await look(page, desk.screenshot, `${width}-sign-in`, "Sign in");

      await desk.signIn(page, desk.users.alice);
      await page.goto("/");
      await look(page, desk.screenshot, `${width}-portal-home`, /How can we help/);
      await page.goto("/requests");
      await look(page, desk.screenshot, `${width}-portal-requests`, "My requests");
      await page.goto("/requests/new");
      await look(page, desk.screenshot, `${width}-portal-new-request`, /./);
      await page.goto(`/requests/${ticket.reference}`);
      await expect(page.getByText("The amber light blinks three times")).toBeVisible();
      await look(page, desk.screenshot, `${width}-portal-request`, new RegExp(word));

      await desk.signIn(page, desk.users.sam);
      await page.goto("/agent/views/mine");
      await look(page, desk.screenshot, `${width}-agent-my-open`, "My open tickets");
      await page.goto(`/agent/views/open?q=${word}`);
      await look(page, desk.screenshot, `${width}-agent-list`, /./);
      await page.goto(`/agent/views/open/${ticket.reference}`);
      await expect(page.getByRole("region", { name: "Conversation" }).getByText("The amber light blinks three times")).toBeVisible();
      await look(page, desk.screenshot, `${width}-agent-ticket`, /./);
      await page.goto("/agent/new");
      await look(page, desk.screenshot, `${width}-agent-new-ticket`, /./);
      await page.goto("/agent/no-such-screen");
      await look(page, desk.screenshot, `${width}-agent-not-found`, /./);
    });

    test(`every admin screen fits ${viewport.width} px`, async ({ page, desk }) => {
      await desk.signIn(page, desk.users.admin);
      for (const path of ADMIN_PAGES) {
        await page.goto(`/admin/${path}`);
        await look(page, desk.screenshot, `${width}-admin-${path}`, /./);
      }
    });
  });
}
