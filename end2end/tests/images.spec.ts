import { test, expect, hydrated, signIn, EMULATOR } from "./fixtures";

// A 20,000-image account (the emulator's large data set): the picker pages on the cloud's side,
// three images chosen on different pages stay chosen, and their vulnerabilities export.
// A user of its own, so no other test's cached lists or history show here.
const WHO = { domain: "secportal-demo", user: "team06", password: "team06-pass-1", region: "cn-north-4" };

test("three images on different pages of a 20,000-image account export their vulnerabilities", async ({ page, request }) => {
  expect((await request.post(`${EMULATOR}/_emulator/data`, { data: { size: "large" } })).ok()).toBe(true);
  try {
    await signIn(page, WHO);
    await expect(page).toHaveURL(/\/$/);
    await page.goto("/exports?form=images");
    await hydrated(page);
    const rows = page.getByRole("table", { name: "Local images" }).locator("tbody tr");
    await expect(page.getByText("1–10 of 20000")).toBeVisible();
    const chosen: string[] = [];
    for (const [n, pageText] of [[0, "1–10"], [1, "11–20"], [2, "21–30"]] as const) {
      if (n > 0) await page.getByRole("button", { name: "Next" }).click();
      await expect(page.getByText(`${pageText} of 20000`)).toBeVisible();
      const row = rows.nth(n * 3);
      chosen.push((await row.getAttribute("data-id"))!);
      await row.getByRole("checkbox").check();
      await expect(page.getByText(`${n + 1} images chosen`)).toBeVisible();
    }
    expect(new Set(chosen).size).toBe(3);
    // Back on the first page, its choice is still ticked.
    await page.getByRole("button", { name: "Previous" }).click();
    await page.getByRole("button", { name: "Previous" }).click();
    await expect(rows.nth(0).getByRole("checkbox")).toBeChecked();

    await page.getByRole("button", { name: "Start export" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Export started" })).toBeVisible();
    const row = page.locator('table.exports tr[data-kind="hss_local_vuls"]').first();
    await expect(row).toHaveAttribute("data-status", "success", { timeout: 60_000 });
  } finally {
    await request.post(`${EMULATOR}/_emulator/data`, { data: { size: "default" } });
  }
});
