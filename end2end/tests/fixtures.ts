import { test as base, expect, Page } from "@playwright/test";

// Every test fails on an uncaught page error or a console error (a failed hydration shows up
// as one of these).
// A test that expects an error answer (a 401 for a refused sign-in, a 404 page) says so with
// `expectConsoleError(/pattern/)`; anything else logged as an error fails the test.
export const test = base.extend<{ expectConsoleError: (pattern: RegExp) => void }>({
  expectConsoleError: [
    async ({ page }, use) => {
      const errors: string[] = [];
      const allowed: RegExp[] = [];
      page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error" && !allowed.some((re) => re.test(m.text()))) errors.push(`console: ${m.text()}`);
      });
      await use((pattern) => allowed.push(pattern));
      expect(errors, errors.join("\n")).toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the wasm has hydrated the page, so clicks reach live handlers. */
export async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

export const DEMO = { domain: "secportal-demo", user: "operator", password: "operator-pass-1", region: "cn-north-4" };

export async function signIn(page: Page, who = DEMO) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Account name").fill(who.domain);
  await page.getByLabel("IAM user name").fill(who.user);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByLabel("Region").first().selectOption(who.region);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

export const AUDITOR = { domain: "secportal-demo", user: "auditor", password: "auditor-pass-1", region: "cn-north-4" };

/** The emulator's control API (reset, faults, failing exports), reached directly. */
export const EMULATOR = "http://127.0.0.1:3100";

/** The lines of the first entry of a stored ZIP (the CSV inside an HSS export). */
export function zipFirstEntryLines(buf: Buffer): string[] {
  expect(buf.subarray(0, 4).toString("latin1")).toBe("PK\x03\x04");
  const size = buf.readUInt32LE(18);
  const start = 30 + buf.readUInt16LE(26) + buf.readUInt16LE(28);
  return buf
    .subarray(start, start + size)
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .split("\r\n")
    .filter((l) => l.length > 0);
}
