/**
 * The ticket list's room on a laptop screen: subjects readable beside an open ticket, a divider
 * the agent drags (remembered), the nav's space going to the list when hidden, a table whose
 * cells keep to their columns at one height, and a phone header that shows the view's name.
 */
import { expect as baseExpect, test, type Desk, type Page } from "../support/fixtures.ts";
import type { Locator } from "@playwright/test";
import { timedCategory, uniqueWord, WIDE } from "../support/agent.ts";

const expect = baseExpect.configure({ timeout: 15_000 });
test.describe.configure({ timeout: 90_000 });

const SUBJECTS = [
  "Docking station in meeting room 4 stops charging the laptop after the firmware update",
  "Outlook keeps asking for the password every few minutes since Monday morning",
  "Shared finance folder shows files from last year instead of this quarter's reports",
  "Printer on the second floor prints blank pages",
];

/**
 * Tickets assigned to Sam with long subjects, a reply each (the preview) and an SLA policy of
 * their own whose targets are days away, so each row carries a long badge such as "FRT 9d 23h".
 */
async function longTickets(desk: Desk, word: string) {
  const admin = await desk.api(desk.users.admin);
  const alice = await desk.api(desk.users.alice);
  const category = { id: await timedCategory(admin, `Wide ${word}`, { first_response: 14_390, resolution: 20_000 }) };
  const tickets: Array<{ reference: string; subject: string; reply: string }> = [];
  for (const [i, s] of SUBJECTS.entries()) {
    const subject = `${s} ${word}`;
    const t = await alice.post<{ reference: string }>("/api/tickets", { subject, description: "Filed by the browser tests.", format: "text", category_id: category.id });
    await admin.updateTicket(t.reference, { assignee_id: desk.users.sam.id });
    const reply = `Still happening today, reply ${i + 1}: I tried restarting twice and it made no difference at all.`;
    await alice.post(`/api/tickets/${t.reference}/comments`, { body: reply, format: "text" });
    tickets.push({ reference: t.reference, subject, reply });
  }
  return tickets;
}

/**
 * How many characters of an element's text a person can see: those whose glyph box lies inside
 * the element and every clipping ancestor. Characters an ellipsis covers are still laid out
 * inside the box, so a cut text counts up to 3 too many; callers allow for it.
 */
function visibleCharacters(el: Element): number {
  const own = el.getBoundingClientRect();
  let [left, top, right, bottom] = [own.left, own.top, own.right, own.bottom];
  for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    if (getComputedStyle(a).overflowX === "visible") continue;
    const r = a.getBoundingClientRect();
    [left, top, right, bottom] = [Math.max(left, r.left), Math.max(top, r.top), Math.min(right, r.right), Math.min(bottom, r.bottom)];
  }
  const text = el.firstChild;
  if (!text || text.nodeType !== Node.TEXT_NODE) return 0;
  const range = document.createRange();
  let seen = 0;
  for (let i = 0; i < (text as Text).length; i++) {
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    const r = range.getBoundingClientRect();
    if (r.width > 0 && r.left >= left - 0.5 && r.right <= right + 0.5 && r.top >= top - 0.5 && r.bottom <= bottom + 0.5) seen++;
  }
  return seen;
}

async function expectReadableSubjects(list: Locator, subjects: string[]) {
  for (const subject of subjects) {
    const el = list.getByText(subject, { exact: true });
    await expect(el).toBeVisible();
    await el.scrollIntoViewIfNeeded();
    const seen = await el.evaluate(visibleCharacters);
    const shown = seen < subject.length ? seen - 3 : seen;
    expect(shown, `visible characters of “${subject}”`).toBeGreaterThanOrEqual(Math.min(30, subject.length));
  }
}

const listWidth = async (page: Page) => (await page.getByRole("region", { name: "My open tickets" }).boundingBox())!.width;

test.describe("at 1440×900", () => {
  test.use({ viewport: WIDE });

  test("beside an open ticket subjects are readable with a preview, the divider resizes the list and is remembered, and hiding the views widens it", async ({ page, desk }) => {
    const word = uniqueWord("wide");
    const tickets = await longTickets(desk, word);
    await desk.signIn(page, desk.users.sam);
    await page.goto(`/agent/views/mine/${tickets[0].reference}?q=${word}`);
    const list = page.getByRole("list", { name: "Tickets in My open tickets" });
    await expect(list.getByRole("listitem")).toHaveCount(SUBJECTS.length, { timeout: 30_000 });
    await expect(page.getByRole("complementary", { name: "Ticket details" })).toBeVisible();

    await expectReadableSubjects(
      list,
      tickets.map((t) => t.subject),
    );
    // The preview has a line of its own under the subject.
    for (const t of tickets) {
      const subject = (await list.getByText(t.subject, { exact: true }).boundingBox())!;
      const preview = list.getByText(t.reply);
      await expect(preview).toBeVisible();
      const box = (await preview.boundingBox())!;
      expect(box.y, "preview under the subject").toBeGreaterThanOrEqual(subject.y + subject.height - 1);
      expect(box.height, "preview on one line").toBeLessThanOrEqual(20);
      expect(await preview.evaluate((el) => el.getBoundingClientRect().width), "preview has room").toBeGreaterThan(200);
    }
    await desk.screenshot(page, "agent-list-split");

    // Drag the divider 60 px to the right.
    const divider = page.getByRole("separator", { name: "Resize the ticket list" });
    const before = await listWidth(page);
    await expect(divider).toHaveAttribute("aria-valuenow", String(Math.round(before + 1)));
    const grip = (await divider.boundingBox())!;
    await page.mouse.move(grip.x + grip.width / 2, grip.y + 200);
    await page.mouse.down();
    await page.mouse.move(grip.x + grip.width / 2 + 30, grip.y + 200, { steps: 3 });
    await page.mouse.move(grip.x + grip.width / 2 + 60, grip.y + 200, { steps: 3 });
    await page.mouse.up();
    await expect.poll(() => listWidth(page)).toBeCloseTo(before + 60, 0);
    // The keyboard moves it too: 16 px a press.
    await divider.focus();
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => listWidth(page)).toBeCloseTo(before + 44, 0);
    await expect(divider).toHaveAttribute("aria-valuenow", String(Math.round(before + 45)));

    await page.reload();
    await expect(list.getByRole("listitem")).toHaveCount(SUBJECTS.length, { timeout: 30_000 });
    await expect.poll(() => listWidth(page)).toBeCloseTo(before + 44, 0);

    // Hiding the views gives their room to the list, not to the ticket.
    const narrow = await listWidth(page);
    await page.getByRole("button", { name: "Hide views" }).click();
    await expect.poll(() => listWidth(page)).toBeGreaterThan(narrow + 150);
    await expectReadableSubjects(
      list,
      tickets.map((t) => t.subject),
    );
    await desk.screenshot(page, "agent-list-split-nav-hidden");
    await page.getByRole("button", { name: "Show views" }).click();
    await expect.poll(() => listWidth(page)).toBeCloseTo(narrow, 0);
  });

  test("in table mode every row has one height and no cell's content leaves its cell", async ({ page, desk }) => {
    const word = uniqueWord("table");
    const tickets = await longTickets(desk, word);
    await desk.signIn(page, desk.users.sam);
    await page.goto(`/agent/views/mine?q=${word}`);
    const list = page.getByRole("list", { name: "Tickets in My open tickets" });
    await expect(list.getByRole("listitem")).toHaveCount(SUBJECTS.length, { timeout: 30_000 });
    await expect(list.getByRole("img", { name: /^SLA: First response due/ })).toHaveCount(SUBJECTS.length);
    await expectReadableSubjects(
      list,
      tickets.map((t) => t.subject),
    );

    const check = await list.evaluate((ul) => {
      const problems: string[] = [];
      const heights: number[] = [];
      const inside = (r: DOMRect, box: DOMRect) => r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
      for (const li of Array.from(ul.children)) {
        heights.push(li.getBoundingClientRect().height);
        const cells: Element[] = [];
        const collect = (el: Element) => {
          for (const c of Array.from(el.children)) getComputedStyle(c).display === "contents" ? collect(c) : cells.push(c);
        };
        collect(li.querySelector("a")!);
        const boxes = cells.map((c) => c.getBoundingClientRect());
        cells.forEach((cell, i) => {
          const box = boxes[i];
          const name = `${cell.className} “${cell.textContent}”`;
          if (box.width === 0) return;
          if (box.height > 22) problems.push(`${name} is ${box.height}px high`);
          const clips = getComputedStyle(cell).overflowX !== "visible";
          for (const d of Array.from(cell.querySelectorAll("*"))) {
            const r = d.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) continue;
            // Badges and times are never cut; other text may end in an ellipsis inside its cell.
            const whole = d.matches('[role="img"], time') || !clips;
            if (whole && !inside(r, box)) problems.push(`${name}: “${d.textContent}” leaves its cell`);
          }
          boxes.forEach((other, j) => {
            if (j > i && other.width > 0 && other.left < box.right - 0.5 && box.left < other.right - 0.5) problems.push(`${name} overlaps ${cells[j].className}`);
          });
        });
      }
      return { problems, heights };
    });
    expect(check.problems).toEqual([]);
    expect(Math.max(...check.heights) - Math.min(...check.heights), `row heights ${check.heights.join(", ")}`).toBeLessThanOrEqual(0.5);
    expect(Math.max(...check.heights)).toBeLessThanOrEqual(44);
    await desk.screenshot(page, "agent-list-table");
  });
});

test.describe("at 375 px", () => {
  test.use({ viewport: { width: 375, height: 812 } });

  test("the list header shows the view's name and count clear of the sort and filter buttons", async ({ page, desk }) => {
    const word = uniqueWord("phone");
    const tickets = await longTickets(desk, word);
    await desk.signIn(page, desk.users.sam);
    await page.goto("/agent/views/mine");
    const heading = page.getByRole("heading", { level: 1, name: "My open tickets" });
    await expect(heading).toBeVisible({ timeout: 30_000 });
    const count = page.getByText(/^\d+ tickets?$/);
    await expect(count).toBeVisible();
    // The whole name is shown, not cut to an ellipsis.
    expect(await heading.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    const boxes = {
      name: (await heading.boundingBox())!,
      count: (await count.boundingBox())!,
      sort: (await page.getByRole("button", { name: "Sort" }).boundingBox())!,
      filters: (await page.getByRole("button", { name: "Filters", exact: true }).boundingBox())!,
    };
    const entries = Object.entries(boxes);
    for (const [i, [a, ba]] of entries.entries()) {
      expect(ba.x + ba.width, `${a} inside the screen`).toBeLessThanOrEqual(375);
      for (const [b, bb] of entries.slice(i + 1)) {
        const apart = ba.x + ba.width <= bb.x || bb.x + bb.width <= ba.x || ba.y + ba.height <= bb.y || bb.y + bb.height <= ba.y;
        expect(apart, `${a} and ${b} do not overlap`).toBe(true);
      }
    }
    await expectReadableSubjects(
      page.getByRole("list", { name: "Tickets in My open tickets" }),
      tickets.slice(0, 1).map((t) => t.subject),
    );
    await desk.screenshot(page, "agent-list-phone");
    await page.goto(`/agent/views/mine/${tickets[0].reference}`);
    await expect(page.getByText(tickets[0].reply).last()).toBeVisible({ timeout: 30_000 });
    await desk.screenshot(page, "agent-list-phone-ticket");
  });
});
