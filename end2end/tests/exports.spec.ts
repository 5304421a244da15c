import * as fs from "fs";
import * as path from "path";
import { test, expect, hydrated, signIn as signInForm, AUDITOR, EMULATOR, zipFirstEntryLines, DEMO } from "./fixtures";
import type { Page, Locator } from "@playwright/test";

/** Signs in and waits until the portal has taken the user in. */
async function signIn(page: Page, who = DEMO) {
  await signInForm(page, who);
  await expect(page).not.toHaveURL(/\/login/);
}

// Exports through the whole stack: Chromium → nginx → portal → emulator, as the demo operator.
// Serial: the last test restarts the portal and expects what the others created.
test.describe.configure({ mode: "serial" });

async function openForm(page: Page, form: string) {
  await page.goto(`/exports?form=${form}`);
  await hydrated(page);
}

/** The newest export of a kind in the recent-exports table, once it has finished. */
async function finished(page: Page, kind: string): Promise<Locator> {
  const row = page.locator(`table.exports tr[data-kind="${kind}"]`).first();
  // The new export first, still running (the tracker's first look is 3 s after creation)…
  await expect(row).toHaveAttribute("data-status", "running");
  // …then its end, seen live without a reload.
  await expect(row).toHaveAttribute("data-status", /success|failure/, { timeout: 60_000 });
  return row;
}

async function download(page: Page, row: Locator): Promise<{ name: string; body: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent("download"), row.getByRole("link", { name: "Download" }).click()]);
  const target = path.join(test.info().outputDir, file.suggestedFilename());
  await file.saveAs(target);
  return { name: file.suggestedFilename(), body: fs.readFileSync(target) };
}

test("container export with chosen, renamed and reordered columns", async ({ page }) => {
  await signIn(page);
  await openForm(page, "containers");
  const columns = page.getByRole("list", { name: "Chosen columns" });
  // Start from no columns, then choose three.
  while ((await columns.getByRole("listitem").count()) > 0) {
    await columns.getByRole("listitem").first().getByRole("button", { name: /^Remove / }).click();
  }
  for (const name of ["Status", "Container name", "Cluster"]) {
    await page.getByLabel("Add column").selectOption({ label: name });
    await page.getByRole("button", { name: "Add", exact: true }).click();
  }
  await page.getByLabel("Title of column Status").fill("State");
  await page.getByLabel("Title of column Container name").fill("Container");
  await page.getByLabel("Title of column Cluster").fill("Cluster, name");
  await page.getByRole("button", { name: "Move Cluster up" }).click();
  await expect(columns.getByRole("listitem")).toHaveCount(3);
  await expect(columns.locator("li").nth(1)).toHaveAttribute("data-column", "cluster_name");

  // The browser checks the size before anything is sent.
  await page.getByLabel("Rows at most (export_size)").fill("0");
  await page.getByRole("button", { name: "Start export" }).click();
  await expect(page.locator("#export_size-error")).toContainText("1 to 100000");

  await page.getByLabel("Rows at most (export_size)").fill("7");
  await page.getByLabel("Container status").selectOption("Running");
  // The preview counts what the container list's filters match and names those it cannot apply.
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("container-preview-total")).toContainText("containers match");
  await expect(page.getByRole("note")).toContainText("cannot apply Container status");
  await page.getByRole("button", { name: "Start export" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Export started" })).toBeVisible();

  const row = await finished(page, "hss_containers");
  await expect(row).toHaveAttribute("data-status", "success");
  const { name, body } = await download(page, row);
  expect(name).toMatch(/^hss-container-list-.*\.zip$/);
  const lines = zipFirstEntryLines(body);
  expect(lines[0]).toBe('State,"Cluster, name",Container');
  expect(lines).toHaveLength(8);
  for (const line of lines.slice(1)) expect(line.startsWith("Running,")).toBe(true);

  // The column set is remembered for the next export (a new tab has no draft).
  const other = await page.context().newPage();
  await openForm(other, "containers");
  await expect(other.getByRole("list", { name: "Chosen columns" }).locator("li")).toHaveCount(3);
  await expect(other.getByLabel("Title of column Cluster")).toHaveValue("Cluster, name");
  await other.close();
});

test("vulnerabilities of two chosen local images", async ({ page }) => {
  await signIn(page);
  await openForm(page, "images");
  const table = page.getByRole("table", { name: "Local images" });
  const rows = table.locator("tbody tr");
  await expect(rows).toHaveCount(10);
  // Two images that have vulnerabilities.
  const chosen: { id: string; vuls: number }[] = [];
  for (let i = 0; i < 10 && chosen.length < 2; i++) {
    const vuls = parseInt((await rows.nth(i).locator("td").nth(4).innerText()).trim(), 10);
    if (vuls > 0) {
      chosen.push({ id: (await rows.nth(i).getAttribute("data-id"))!, vuls });
      await rows.nth(i).getByRole("checkbox").check();
    }
  }
  expect(chosen).toHaveLength(2);
  await expect(page.getByText("2 images chosen")).toBeVisible();
  // Paging keeps the choice.
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByText("11–20 of 36")).toBeVisible();
  await page.getByRole("button", { name: "Previous" }).click();
  await expect(rows.first().getByRole("checkbox")).toBeVisible();
  await expect(page.getByText("2 images chosen")).toBeVisible();

  await page.getByRole("button", { name: "Start export" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Export started" })).toBeVisible();
  const row = await finished(page, "hss_local_vuls");
  await expect(row).toHaveAttribute("data-status", "success");
  const { body } = await download(page, row);
  const lines = zipFirstEntryLines(body);
  expect(lines).toHaveLength(chosen[0].vuls + chosen[1].vuls + 1);
  for (const line of lines.slice(1)) expect(chosen.some((c) => line.includes(c.id))).toBe(true);
});

test("DSC classification results: job, levels, bucket, preview, export", async ({ page }) => {
  await signIn(page);
  await openForm(page, "dsc");
  const job = page.getByLabel("Scan job", { exact: true });
  const finishedJob = await job.locator("option", { hasText: "FINISHED" }).first().getAttribute("value");
  await job.selectOption(finishedJob!);
  const levels = page.getByRole("group", { name: "Security levels" });
  await levels.getByRole("checkbox").first().check();
  // No bucket is chosen for the user, and examples are masked unless they say otherwise.
  const bucket = page.getByLabel("Bucket for the file");
  await expect(bucket).toHaveValue("");
  await expect(bucket.locator("option").first()).toHaveText(/console's default/);
  await bucket.selectOption({ index: 1 });
  await expect(page.getByLabel(/^Masked/)).toBeChecked();
  // The preview says which filters it cannot apply.
  await page.getByLabel("Database").fill("crm");
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("preview-total")).toContainText("results match");
  await expect(page.getByRole("note")).toContainText("cannot apply Database");
  await page.getByLabel("Database").fill("");
  await page.getByRole("button", { name: "Start export" }).click();
  const row = await finished(page, "dsc_results");
  await expect(row).toHaveAttribute("data-status", "success");
  const { name, body } = await download(page, row);
  expect(name).toMatch(/\.xlsx$/);
  expect(body.subarray(0, 2).toString("latin1")).toBe("PK");
});

test("failures, throttling and missing permission read as what to do", async ({ page, request, expectConsoleError }) => {
  expectConsoleError(/status of (403|429)/);
  await signIn(page);
  await openForm(page, "containers");
  // The next export fails in the cloud: the row says so.
  expect((await request.post(`${EMULATOR}/_emulator/fail-exports`, { data: { count: 1 } })).ok()).toBe(true);
  await page.getByRole("button", { name: "Start export" }).click();
  const row = await finished(page, "hss_containers");
  await expect(row).toHaveAttribute("data-status", "failure");
  await expect(row.locator(".status-detail")).toContainText("HSS reported the export as failed");
  await expect(row.getByRole("link", { name: "Download" })).toHaveCount(0);

  // The cloud throttles the next create.
  const fault = {
    service: "hss", operation: "container/export-task", method: "POST", status: 429, times: 1,
    error_code: "APIGW.0308", error_msg: "The throttling threshold has been reached: policy user over ratelimit,limit:5,time:1 minute",
  };
  expect((await request.post(`${EMULATOR}/_emulator/faults`, { data: fault })).ok()).toBe(true);
  await page.getByRole("button", { name: "Start export" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "throttling threshold" });
  await expect(alert).toContainText("APIGW.0308");
  await expect(alert).toContainText("Try again in 60 s");
  await expect(alert).toContainText(/request id/i);

  // The read-only auditor is refused by the cloud, with its code and request id.
  await page.context().clearCookies();
  await signIn(page, AUDITOR);
  await openForm(page, "containers");
  await page.getByRole("button", { name: "Start export" }).click();
  const refused = page.getByRole("alert").filter({ hasText: "HSS.0013" });
  await expect(refused).toContainText("lacks the permission");
  await expect(refused).toContainText(/request id/i);
});

test("an expired sign-in leads back to the same form with the input kept", async ({ page, expectConsoleError }) => {
  expectConsoleError(/status of 401/);
  await signIn(page);
  await openForm(page, "images");
  await page.getByLabel("All images that match the filters").check();
  await page.getByLabel("Image name", { exact: true }).fill("nginx");
  await page.getByLabel("Rows at most (export_size)").fill("123");
  await page.context().clearCookies(); // the session is gone, as after its end
  await page.getByRole("button", { name: "Start export" }).click();
  await page.getByRole("link", { name: "Sign in again" }).click();
  await expect(page).toHaveURL(/\/login\?next=/);
  await hydrated(page);
  await page.getByLabel("Account name").fill(DEMO.domain);
  await page.getByLabel("IAM user name").fill(DEMO.user);
  await page.getByLabel("Password", { exact: true }).fill(DEMO.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/exports\?form=images$/);
  await hydrated(page);
  await expect(page.getByLabel("Image name", { exact: true })).toHaveValue("nginx");
  await expect(page.getByLabel("Rows at most (export_size)")).toHaveValue("123");
  await expect(page.getByLabel("All images that match the filters")).toBeChecked();
});

/** Stops the portal; portal.sh starts it again. Waits until the new one is ready. */
async function restartPortal() {
  const pidFile = path.join(__dirname, "..", "..", "target", "e2e-run", "portal.pid");
  const old = fs.readFileSync(pidFile, "utf8").trim();
  process.kill(Number(old), "SIGTERM");
  for (let i = 0; i < 300; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const now = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, "utf8").trim() : old;
    if (now === old) continue;
    try {
      if ((await fetch("http://127.0.0.1:3000/readyz")).ok) return;
    } catch {
      // not listening yet
    }
  }
  throw new Error("the portal did not come back");
}

test("history keeps every export across a server restart", async ({ page }) => {
  await signIn(page);
  await page.goto("/history");
  await hydrated(page);
  const rows = page.locator("table.exports tbody tr");
  for (const kind of ["hss_containers", "hss_local_vuls", "dsc_results"]) {
    await expect(page.locator(`table.exports tbody tr[data-kind="${kind}"]`).first()).toBeVisible();
  }
  const before = await rows.count();

  await restartPortal();
  await page.reload();
  await hydrated(page);
  await expect(rows).toHaveCount(before);
  await page.getByLabel("Export type").selectOption("dsc_results");
  await expect(page).toHaveURL(/kind=dsc_results/);
  await expect(rows.first()).toHaveAttribute("data-kind", "dsc_results");
  await expect(page.locator('table.exports tbody tr:not([data-kind="dsc_results"])')).toHaveCount(0);
  // Its file is still there to download after the restart.
  const { name } = await download(page, rows.first());
  expect(name).toMatch(/\.xlsx$/);
  await page.getByLabel("Status").selectOption("failure");
  await expect(page.getByText("No exports match these filters.")).toBeVisible();
});
