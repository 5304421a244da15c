import { test, expect, hydrated, signIn } from "./fixtures";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";

// The audit page in Chromium: a user's own entries, filtered in the URL, exported as CSV and XLSX.
// A user of its own, so other tests' entries never show here.
const WHO = { domain: "secportal-demo", user: "team04", password: "team04-pass-1", region: "cn-north-4" };

test("the audit page filters and exports the user's entries", async ({ page }) => {
  await signIn(page, WHO);
  // The sign-in's own navigation home must land before the next one starts.
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/audit");
  await hydrated(page);
  const table = page.getByRole("table", { name: "Audit log" });
  const rows = table.locator("tbody tr");
  await expect(rows.first()).toContainText("Sign-in");
  await expect(rows.first()).toContainText("secportal-demo/team04");
  const before = await rows.count();

  // Filtering by result "Failed" shows none of this user's (every sign-in of theirs worked).
  await page.getByLabel("Result").selectOption("failed");
  await expect(page).toHaveURL(/result=failed/);
  await expect(page.getByText("No entries match.")).toBeVisible();
  await page.getByLabel("Result").selectOption("");
  await page.getByLabel("Action").selectOption("sign_in");
  await expect(page).toHaveURL(/action=sign_in/);
  await expect(rows).toHaveCount(before);

  // A target search applies with Enter, from the keyboard.
  await page.getByLabel("Target (id or name)").fill("nothing-has-this-name");
  await page.getByLabel("Target (id or name)").press("Enter");
  await expect(page).toHaveURL(/target=nothing-has-this-name/);
  await expect(page.getByText("No entries match.")).toBeVisible();
  await page.getByLabel("Target (id or name)").fill("");
  await page.getByLabel("Target (id or name)").press("Enter");
  await expect(rows).toHaveCount(before);

  // The export holds the filtered entries.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export the filtered entries as CSV" }).click();
  const file = await (await download).path();
  const lines = fs.readFileSync(file!, "utf8").trim().split("\r\n");
  expect(lines[0]).toContain("time_utc,account");
  expect(lines.length).toBe(before + 1);
  expect(lines.slice(1).every((l) => l.includes(",sign_in,") && l.includes(",team04,"))).toBe(true);
});

test("the audit page exports the filtered entries as XLSX that openpyxl reads", async ({ page }) => {
  await signIn(page, WHO);
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/audit?action=sign_in");
  await hydrated(page);
  const rows = page.getByRole("table", { name: "Audit log" }).locator("tbody tr");
  await expect(rows.first()).toContainText("Sign-in");
  const shown = await rows.count();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export them as XLSX" }).click();
  const file = (await (await download).path())!;
  expect((await download).suggestedFilename()).toMatch(/^secportal-audit-\d+\.xlsx$/);
  // The interoperability venv's Python reads it (scripts/setup.sh installs openpyxl there).
  const python = path.join(__dirname, "../../.tools/sdk-venv/bin/python");
  const read = execFileSync(python, [
    "-c",
    // Opened as a file object: openpyxl goes by the name's extension, and Playwright's copy has none.
    "import json, sys, openpyxl\n" +
      "ws = openpyxl.load_workbook(open(sys.argv[1], 'rb'), read_only=True).worksheets[0]\n" +
      "print(json.dumps([[str(v) for v in r] for r in ws.iter_rows(values_only=True)]))",
    file,
  ]);
  const table: string[][] = JSON.parse(read.toString());
  expect(table[0].slice(0, 3)).toEqual(["id", "time_utc", "account"]);
  expect(table.length).toBe(shown + 1);
  expect(table.slice(1).every((r) => r[9] === "sign_in" && r[4] === "team04")).toBe(true);
});
