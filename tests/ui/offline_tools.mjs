// GraphiQL (/graphql) and Swagger UI (/docs) work with no internet: every
// request the pages make goes to the binary (any other is blocked and
// reported), a query runs in GraphiQL and an operation expands in Swagger,
// with no console error. Writes screenshots.
//   node offline_tools.mjs http://127.0.0.1:PORT OUTPUT_DIR
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [url, outDir] = process.argv.slice(2);
if (!url || !outDir) {
  console.error("usage: offline_tools.mjs URL OUTPUT_DIR");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const external = [];
const errors = [];
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route("**/*", (route) => {
    const target = route.request().url();
    if (target.startsWith(url) || target.startsWith("data:")) return route.continue();
    external.push(target);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));

  await page.goto(`${url}/graphql`);
  await page.waitForSelector(".graphiql-container", { timeout: 20000 });
  await page.click(".graphiql-execute-button");
  await page.waitForSelector(".result-window:has-text('companias')", { timeout: 20000 });
  await page.screenshot({ path: join(outDir, "graphiql.png") });

  await page.goto(`${url}/docs`);
  await page.waitForSelector(".swagger-ui .opblock", { timeout: 20000 });
  const operations = await page.locator(".swagger-ui .opblock").count();
  await page.locator(".swagger-ui .opblock-summary").first().click();
  await page.waitForSelector(".swagger-ui .opblock-body", { timeout: 10000 });
  await page.screenshot({ path: join(outDir, "swagger.png") });

  if (external.length) throw new Error(`requests outside the binary: ${external.join(", ")}`);
  if (errors.length) throw new Error(`console errors: ${errors.join(" | ")}`);
  console.log(JSON.stringify({ ok: true, operations, external: external.length }));
} catch (e) {
  failed = true;
  console.error("UI test failed:", e.message, "external:", external, "errors:", errors);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
