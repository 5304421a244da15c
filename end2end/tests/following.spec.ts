import { test, expect, hydrated, signIn as signInForm, DEMO, EMULATOR } from "./fixtures";
import type { Page, Route } from "@playwright/test";

// Pages that follow a task keep following when their reads fail for a while: the browser's
// reads of the portal are answered 503 and 429 (with a wait) for some seconds, then let
// through; the page shows the error, tries again on its own, and reaches the final state
// without a reload. The emulator's tasks take 15 s here, so they are still running when the
// reads start failing.
test.describe.configure({ mode: "serial", timeout: 120_000 });

test.beforeAll(async ({ request }) => {
  expect((await request.post(`${EMULATOR}/_emulator/task-timing`, { data: { timing: "seconds:15" } })).ok()).toBe(true);
  expect((await request.post(`${EMULATOR}/_emulator/rate-limits`, { data: { hss_per_minute: 60 } })).ok()).toBe(true);
});
test.afterAll(async ({ request }) => {
  expect((await request.post(`${EMULATOR}/_emulator/task-timing`, { data: { timing: "seconds:2" } })).ok()).toBe(true);
  expect((await request.post(`${EMULATOR}/_emulator/rate-limits`, { data: { hss_per_minute: 5 } })).ok()).toBe(true);
});

// A user of its own: the operator's HSS budget may still be closed for a minute by the
// throttling test (a cloud 429 closes the user's window, as the gateway's does).
const TEAM = { ...DEMO, user: "team01", password: "team01-pass-1" };

async function signIn(page: Page) {
  await signInForm(page, TEAM);
  await expect(page).not.toHaveURL(/\/login/);
}

/** Makes the portal reads matching `url` fail (503, then 429 with a 2 s wait, by turns) until
 *  the returned function is called. */
async function failReads(page: Page, url: string): Promise<() => Promise<number>> {
  let failed = 0;
  const handler = async (route: Route) => {
    failed++;
    const throttled = failed % 2 === 0;
    await route.fulfill({
      status: throttled ? 429 : 503,
      contentType: "application/json",
      headers: { serverfnerror: "1" },
      body: JSON.stringify({
        kind: throttled ? "Throttled" : "Unavailable",
        message: throttled ? "injected: too many reads" : "injected: the portal is unavailable",
        field: null,
        cloud_code: null,
        request_id: null,
        retry_after_secs: throttled ? 2 : null,
      }),
    });
  };
  await page.route(url, handler);
  return async () => {
    await page.unroute(url, handler);
    return failed;
  };
}

test("History follows a task to its end through failed and throttled reads", async ({ page, expectConsoleError }) => {
  expectConsoleError(/status of (503|429)/);
  await signIn(page);
  await page.goto("/exports?form=containers");
  await hydrated(page);
  await page.getByLabel("Rows at most (export_size)").fill("3");
  await page.getByRole("button", { name: "Start export" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Export started" })).toBeVisible();

  await page.goto("/history");
  await hydrated(page);
  const row = page.locator("table.exports tr[data-kind='hss_containers']").first();
  await expect(row).toHaveAttribute("data-status", "running");
  const restore = await failReads(page, "**/api/exports/history");
  await expect(page.getByRole("alert").filter({ hasText: "injected" })).toBeVisible();
  // The last rows stay on the page under the error.
  await expect(row).toBeVisible();
  await page.waitForTimeout(6_000);
  const failed = await restore();
  expect(failed).toBeGreaterThanOrEqual(2);
  await expect(row).toHaveAttribute("data-status", "success", { timeout: 60_000 });
  await expect(page.getByRole("alert").filter({ hasText: "injected" })).toHaveCount(0);
});

test("a scan task's page follows it to its end through failed and throttled reads", async ({ page, expectConsoleError }) => {
  expectConsoleError(/status of (503|429)/);
  await signIn(page);
  await page.goto("/scans/new-cluster");
  await hydrated(page);
  await page.getByLabel("All clusters").check();
  await page.getByLabel(/I understand that the scan creates/).check();
  await page.getByRole("button", { name: "Start scan" }).click();
  await expect(page).toHaveURL(/\/scans\/cluster_scan\//);
  await hydrated(page);
  const status = page.getByTestId("task-status");
  await expect(status).not.toHaveAttribute("data-status", "finished");

  const restore = await failReads(page, "**/api/scans/task");
  await expect(page.getByRole("alert").filter({ hasText: "injected" })).toBeVisible({ timeout: 20_000 });
  await page.waitForTimeout(6_000);
  expect(await restore()).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId("task-status")).toHaveAttribute("data-status", "finished", { timeout: 60_000 });
});
