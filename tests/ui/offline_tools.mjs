// GraphiQL (/graphql), Swagger UI (/docs) and the AsyncAPI viewer
// (/asyncapi) work with no internet: every request the pages make goes to
// the binary (any other is blocked and reported), a query runs in GraphiQL,
// an operation expands in Swagger, the AsyncAPI document renders with its
// channels and Avro payloads, with no console error. Writes screenshots.
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

  await page.goto(`${url}/asyncapi`);
  // Rendered, not an error box: the operations and the messages are there.
  await page.waitForSelector("#asyncapi :text('companias.recibe.comandos-companias')", { state: "attached", timeout: 30000 });
  await page.waitForSelector("#asyncapi :text('CrearCompania')", { state: "attached", timeout: 10000 });
  if (await page.locator("#asyncapi :text('errors in your Asyncapi document')").count()) throw new Error("the viewer reports errors");
  const canales = await page.locator("#asyncapi :text('persistent://')").count();
  await captura(page, "asyncapi.png");

  if (external.length) throw new Error(`requests outside the binary: ${external.join(", ")}`);
  return { operations, canales, external: external.length };
});
