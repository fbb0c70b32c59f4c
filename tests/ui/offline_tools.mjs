// GraphiQL (/graphql) and Swagger UI (/docs) work with no internet: every
// request the pages make goes to the binary (any other is blocked and
// reported), a query runs in GraphiQL and an operation expands in Swagger,
// with no console error. Writes screenshots.
//   node offline_tools.mjs http://127.0.0.1:PORT OUTPUT_DIR
import { probar } from "./navegador.mjs";

await probar(async ({ browser, url, vigilar, captura, diagnostico }) => {
  // Printed with a failure too: a blocked asset is why a page never renders.
  const external = (diagnostico.external = []);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route("**/*", (route) => {
    const target = route.request().url();
    if (target.startsWith(url) || target.startsWith("data:")) return route.continue();
    external.push(target);
    return route.abort();
  });
  const page = vigilar(await context.newPage());

  await page.goto(`${url}/graphql`);
  await page.waitForSelector(".graphiql-container", { timeout: 20000 });
  await page.click(".graphiql-execute-button");
  await page.waitForSelector(".result-window:has-text('companias')", { timeout: 20000 });
  await captura(page, "graphiql.png");

  await page.goto(`${url}/docs`);
  await page.waitForSelector(".swagger-ui .opblock", { timeout: 20000 });
  const operations = await page.locator(".swagger-ui .opblock").count();
  await page.locator(".swagger-ui .opblock-summary").first().click();
  await page.waitForSelector(".swagger-ui .opblock-body", { timeout: 10000 });
  await captura(page, "swagger.png");

  if (external.length) throw new Error(`requests outside the binary: ${external.join(", ")}`);
  return { operations, external: external.length };
});
