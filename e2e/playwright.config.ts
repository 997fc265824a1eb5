/**
 * Browser tests: Debian's Chromium (/usr/bin/chromium, installed by .ci/run) against a real
 * Tessera started by global-setup.ts on SQLite, and on PostgreSQL too when TEST_DATABASE_URL
 * is set. Run with `npm run test:e2e` from the repository root (it builds the web app first).
 */
import { defineConfig } from "@playwright/test";

const projects = [{ name: "sqlite" }, ...(process.env.TEST_DATABASE_URL ? [{ name: "postgres" }] : [])];

export default defineConfig({
  testDir: "./specs",
  globalSetup: "./global-setup.ts",
  outputDir: "../artifacts/e2e-results",
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 45_000,
  expect: { timeout: 7_500 },
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
    viewport: { width: 1280, height: 860 },
    locale: "en-GB",
    timezoneId: "Europe/London",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects,
});
