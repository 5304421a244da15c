import { test, expect, hydrated, signIn, DEMO } from "./fixtures";

test("a protected page sends a signed-out visitor to the login page", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\?next=%2F|\/login\?next=\//);
  await expect(page.getByRole("heading", { name: "SecPortal" })).toBeVisible();
  await expect(page.getByText("operator-pass-1")).toBeVisible(); // demo credentials shown
});

test("sign in as the demo operator, reload, stay signed in, sign out", async ({ page, context }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  const topbar = page.locator("header.topbar");
  await expect(topbar).toContainText("operator");
  await expect(topbar).toContainText("secportal-demo");
  await expect(topbar).toContainText("cn-north-4");
  await expect(topbar).toContainText(/Token: (2[0-4]|1\d) h \d+ min/);
  await expect(page.locator(".demo-banner")).toBeVisible();

  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "__Host-secportal_session");
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Strict");
  expect(await page.evaluate(() => document.cookie)).not.toContain("secportal_session");

  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(topbar).toContainText("operator");

  // Sign-out asks first whether running tasks should still be followed (they are by default).
  await page.locator("summary", { hasText: "Sign out" }).click();
  await expect(page.getByLabel(/stop following my running tasks/)).not.toBeChecked();
  await page.getByRole("button", { name: "Sign out now" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\?next=/);
});

test("a wrong password keeps account and user, clears the password", async ({ page, expectConsoleError }) => {
  expectConsoleError(/status of 401/);
  await signIn(page, { ...DEMO, password: "not-the-password" });
  await expect(page.getByRole("alert").filter({ hasText: "Sign-in failed" })).toBeVisible();
  await expect(page.getByLabel("Account name")).toHaveValue(DEMO.domain);
  await expect(page.getByLabel("IAM user name")).toHaveValue(DEMO.user);
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");
  await expect(page).toHaveURL(/\/login/);
  // The next try works without retyping account and user.
  await page.getByLabel("Password", { exact: true }).fill(DEMO.password);
  await page.getByLabel("Password", { exact: true }).press("Enter");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
});

test("after sign-in the user returns to the page asked for", async ({ page, expectConsoleError }) => {
  expectConsoleError(/status of 404/);
  await page.goto("/no-such-page?x=1");
  await expect(page).toHaveURL(/\/login\?next=/);
  await hydrated(page);
  await page.getByLabel("Account name").fill(DEMO.domain);
  await page.getByLabel("IAM user name").fill(DEMO.user);
  await page.getByLabel("Password", { exact: true }).fill(DEMO.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/no-such-page\?x=1$/);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("the token tab switches in place and refuses a forged token", async ({ page, expectConsoleError }) => {
  expectConsoleError(/status of 401/);
  await page.goto("/login");
  await hydrated(page);
  await page.getByRole("tab", { name: "Sign in with a token" }).click();
  await expect(page.getByLabel("IAM token")).toBeVisible();
  await expect(page.getByLabel("Account name")).toBeHidden();
  await page.getByLabel("IAM token").fill("MIIforged-token");
  await page.getByRole("button", { name: "Sign in with a token" }).last().click();
  await expect(page.getByRole("alert").filter({ hasText: "Sign-in failed" })).toBeVisible();
});

test("behind the proxy, a state change from another site is refused", async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  const forged = await page.request.post("/api/auth/logout", { headers: { Origin: "http://evil.test" } });
  expect(forged.status()).toBe(403);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible(); // still signed in
});
