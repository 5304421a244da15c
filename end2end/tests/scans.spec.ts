import { test, expect, hydrated, signIn as signInForm, DEMO } from "./fixtures";
import type { Page } from "@playwright/test";
import { EMULATOR } from "./fixtures";

// These tests follow three scans within a minute, each read by the tracker and by its page; the
// emulator's real limit (5 calls a minute per user per API) would refuse some of those reads.
// The flows are what is tested here: the limit is raised for them and put back afterwards. The
// tracker's spacing within the real limit is proven by server/tests/tracker.rs.
test.beforeAll(async ({ request }) => {
  expect((await request.post(`${EMULATOR}/_emulator/rate-limits`, { data: { hss_per_minute: 60 } })).ok()).toBe(true);
});
test.afterAll(async ({ request }) => {
  expect((await request.post(`${EMULATOR}/_emulator/rate-limits`, { data: { hss_per_minute: 5 } })).ok()).toBe(true);
});

// Each test follows a scan (and the retry one two runs) at the page's pace: 5 s looks at answers
// the portal reuses for 12 s.
test.describe.configure({ timeout: 150_000 });

// Scan tasks through the whole stack as the demo operator. The emulator finishes tasks 2 s
// after they start; the portal's tracker and the task page follow them.

async function signIn(page: Page) {
  await signInForm(page, DEMO);
  await expect(page).not.toHaveURL(/\/login/);
}

async function newClusterScan(page: Page) {
  await page.goto("/scans/new-cluster");
  await hydrated(page);
  await page.getByLabel("Chosen clusters").check();
  await expect(page.getByRole("table", { name: "Clusters" }).locator("tbody tr")).toHaveCount(10);
}

/** Ticks up to `n` scannable clusters on the current page whose agents are all (or not) fine. */
async function chooseClusters(page: Page, n: number, flaky: boolean) {
  const rows = page.getByRole("table", { name: "Clusters" }).locator("tbody tr");
  let chosen = 0;
  for (let i = 0; i < (await rows.count()) && chosen < n; i++) {
    const row = rows.nth(i);
    const box = row.getByRole("checkbox");
    const failures = Number(await row.getAttribute("data-agent-failures"));
    if ((await box.isEnabled()) && (failures > 0) === flaky) {
      await box.check();
      chosen++;
    }
  }
  expect(chosen).toBe(n);
}

async function finished(page: Page) {
  await expect(page.getByTestId("task-status")).toHaveAttribute("data-status", "finished", { timeout: 60_000 });
}

test("a cluster scan on two chosen clusters runs to the end", async ({ page }) => {
  await signIn(page);
  await newClusterScan(page);
  // Unscannable clusters are marked and cannot be ticked.
  await expect(page.getByText("cannot be scanned").first()).toBeVisible();
  await page.getByLabel("Compliance benchmark").check();
  await chooseClusters(page, 2, false);
  await expect(page.getByText("2 clusters chosen")).toBeVisible();

  // The console's confirmation is required.
  await page.getByRole("button", { name: "Start scan" }).click();
  await expect(page.locator("#confirmed-error")).toContainText("ClusterRoleBinding");
  await page.getByLabel(/I understand that the scan creates/).check();
  await page.getByRole("button", { name: "Start scan" }).click();

  await expect(page).toHaveURL(/\/scans\/cluster_scan\//);
  await finished(page);
  await expect(page.getByTestId("task-counters")).toContainText("2 done · 0 failed");
  const rows = page.getByRole("table", { name: "Results" }).locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.first().locator("li")).toHaveCount(2); // two scan types per cluster

  // The list shows it, with the statistics.
  await page.getByRole("link", { name: "← All scans" }).click();
  await hydrated(page);
  await expect(page.getByTestId("stat-total")).not.toHaveText("0");
  await expect(page.getByRole("table", { name: "Tasks" }).locator('tbody tr[data-status="finished"]').first()).toBeVisible();
});

test("a failed cluster is retried and then succeeds", async ({ page }) => {
  await signIn(page);
  await newClusterScan(page);
  await chooseClusters(page, 1, true);
  await page.getByLabel(/I understand that the scan creates/).check();
  await page.getByRole("button", { name: "Start scan" }).click();
  await expect(page).toHaveURL(/\/scans\/cluster_scan\//);
  await finished(page);
  const failed = page.getByRole("table", { name: "Results" }).locator('tbody tr[data-status="failed"]');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText("scan job timed out");

  await page.getByRole("button", { name: "Retry all failed" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Retry started" })).toBeVisible();
  await expect(page.getByTestId("task-status")).toHaveAttribute("data-status", "finished", { timeout: 60_000 });
  await expect(page.getByRole("table", { name: "Results" }).locator('tbody tr[data-status="success"]')).toHaveCount(1, {
    timeout: 60_000,
  });
  await expect(page.getByTestId("task-counters")).toContainText("1 done · 0 failed");
});

test("ten files of 1 MiB upload through nginx and are scanned as IaC", async ({ page }) => {
  await signIn(page);
  await page.goto("/scans/new-iac");
  await hydrated(page);
  await page.getByLabel("File type").selectOption("k8s_yaml");
  const MIB = 1024 * 1024;
  // A pod, padded with comment lines to exactly 1 MiB: the largest file HSS takes.
  const pod = (name: string) => {
    const head = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: ${name}\n    image: nginx\n`;
    return Buffer.from((head + "# padding\n".repeat(MIB / 10)).slice(0, MIB));
  };
  const input = page.getByLabel("Drop files here, or pick them");
  // A file of the wrong type is refused before anything is sent.
  await input.setInputFiles([{ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") }]);
  await page.getByRole("button", { name: "Upload and scan" }).click();
  await expect(page.locator("#files-error")).toContainText("notes.txt is not Kubernetes YAML");
  await page.getByRole("button", { name: "Remove notes.txt" }).click();

  const names = ["web.yaml", "db.yml", ...Array.from({ length: 8 }, (_, i) => `app-${i + 1}.yaml`)];
  await input.setInputFiles(names.map((name) => ({ name, mimeType: "application/yaml", buffer: pod(name.split(".")[0]) })));
  const picked = page.getByRole("list", { name: "Files to upload" }).locator("li");
  await expect(picked).toHaveCount(10);
  await expect(picked.first()).toContainText("1024.0 KiB");
  // The files go as one multipart request through nginx (12m there too), not as JSON text.
  const upload = page.waitForRequest((r) => r.url().endsWith("/api/scans/upload"));
  await page.getByRole("button", { name: "Upload and scan" }).click();
  expect((await upload).headers()["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
  await expect(page).toHaveURL(/\/scans\/iac_scan\//, { timeout: 30_000 });
  await finished(page);
  const rows = page.getByRole("table", { name: "Results" }).locator("tbody tr");
  await expect(rows).toHaveCount(10);
  await expect(page.getByRole("table", { name: "Results" })).toContainText("web.yaml");

  // The uploaded files can be chosen again for the next scan.
  await page.goto("/scans/new-iac");
  await hydrated(page);
  await expect(page.getByLabel(/web\.yaml/)).toBeVisible();
});
