import { test, expect, hydrated, signIn } from "./fixtures";

test("page through rules, create, edit, bulk-switch and delete a custom rule", async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Masking rules" }).click();
  await expect(page.getByRole("heading", { name: "Privacy-data masking" })).toBeVisible();
  await page.getByRole("link", { name: "dbss-prod-orders" }).click();
  await expect(page).toHaveURL(/\/masking\/[0-9a-f]+/);
  await hydrated(page);
  const rows = page.locator("table.rules tbody tr");
  await expect(rows).toHaveCount(10);
  await expect(page.getByText("1–10 of 15")).toBeVisible();

  // Page 2 holds the last five, and the place is in the URL.
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page).toHaveURL(/offset=10/);
  await expect(rows).toHaveCount(5);
  await page.reload();
  await hydrated(page);
  await expect(page.getByText("11–15 of 15")).toBeVisible();

  // Test an expression, then create the rule.
  await page.getByRole("button", { name: "New custom rule" }).click();
  await page.getByLabel("Rule name").fill("Order number");
  await page.getByLabel("Regular expression").fill("ORD-(\\d{4}");
  await expect(page.getByText("Invalid regular expression")).toBeVisible();
  await expect(page.getByRole("button", { name: "Save rule" })).toBeDisabled();
  // An expression that backtracks for ever is stopped after its time limit; the tab stays live.
  await page.getByLabel("Regular expression").fill("(a+)+$");
  await page.getByLabel("Sample text to test the expression").fill("a".repeat(40) + "!");
  await expect(page.getByText("took longer than 1 s")).toBeVisible({ timeout: 5_000 });
  await expect(page.getByText("DBSS's engine has the last word")).toBeVisible();
  await page.getByLabel("Sample text to test the expression").fill("");
  await page.getByLabel("Regular expression").fill("ORD-\\d{4}");
  await page.getByLabel("Substitution").fill("ORD-****");
  await page.getByLabel("Sample text to test the expression").fill("orders ORD-1234 and ORD-9876 shipped");
  await expect(page.getByTestId("masked-preview")).toHaveText("orders ORD-**** and ORD-**** shipped");
  await page.getByRole("button", { name: "Save rule" }).click();
  await expect(page.getByText("The rule was created.")).toBeVisible();

  // Find it, edit it.
  await page.getByLabel("Search by name").fill("order");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=order/);
  const mine = page.locator('tr[data-rule="Order number"]');
  await expect(mine).toBeVisible();
  await mine.getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Rule name").fill("Order no.");
  await page.getByRole("button", { name: "Save rule" }).click();
  await expect(page.getByText("The rule was saved.")).toBeVisible();
  const edited = page.locator('tr[data-rule="Order no."]');
  await expect(edited).toBeVisible();

  // Switch it off together with a built-in rule, in one action.
  await page.getByLabel("Search by name").fill("o");
  await page.getByRole("button", { name: "Apply" }).click();
  // Tick only once the new list is in: a click while the table is swapped lands on another row.
  await expect(page).toHaveURL(/q=o($|&)/);
  await expect(page.locator('tr[data-rule="Passport NO."]')).toBeVisible();
  await page.getByRole("checkbox", { name: "Select Order no." }).check();
  await page.getByRole("checkbox", { name: "Select Passport NO." }).check();
  await page.getByRole("button", { name: "Switch off selected" }).click();
  await expect(page.getByText("The selected rules were switched.")).toBeVisible();
  await expect(edited.locator(".badge")).toHaveText("Off");
  await expect(page.locator('tr[data-rule="Passport NO."] .badge')).toHaveText("Off");

  // Delete it, after confirming.
  page.once("dialog", (d) => d.accept());
  await edited.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("The rule was deleted.")).toBeVisible();
  await expect(edited).toHaveCount(0);
});

test("the auditor sees the rules and gets a clear permission message", async ({ page, expectConsoleError }) => {
  expectConsoleError(/status of 403/);
  await signIn(page, { domain: "secportal-demo", user: "auditor", password: "auditor-pass-1", region: "cn-north-4" });
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await page.goto("/masking");
  await page.getByRole("link", { name: "dbss-prod-orders" }).click();
  await hydrated(page);
  await expect(page.locator("table.rules tbody tr")).toHaveCount(10);
  page.once("dialog", (d) => d.accept());
  await page.locator(".setting").first().getByRole("button").click();
  await expect(page.getByRole("alert").filter({ hasText: "DBSS.10000002" })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText("lacks the permission");
});
