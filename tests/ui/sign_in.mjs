// Signing in on a server that allows anonymous local use: the header says
// "Acceso local"; «Entrar como auditor» shows "Rol: auditor" and hides the
// registration forms (an auditor cannot "crear"), and the session survives
// a reload; «Salir» goes back to local access; «Entrar como operador»
// shows the forms again. A token in ?token= signs in too, and a token the
// server refuses opens the sign-in panel with a Spanish message. Writes a
// screenshot.
//   node sign_in.mjs http://127.0.0.1:PORT OUTPUT_DIR
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [url, outDir] = process.argv.slice(2);
if (!url || !outDir) {
  console.error("usage: sign_in.mjs URL OUTPUT_DIR");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const errors = [];
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  const sesion = page.locator("#sesion-estado");
  const esperarSesion = (texto) =>
    page.waitForFunction((t) => document.getElementById("sesion-estado").textContent.includes(t), texto, { timeout: 15000 });
  // Opens the sign-in panel (if closed) and enters with a development role.
  const entrarComo = async (rol) => {
    if (await page.locator("#panel-sesion").isHidden()) await page.click("#boton-sesion");
    await page.click(`#entrar-${rol}`);
    await esperarSesion(`Rol: ${rol}`);
  };

  await page.goto(url);
  await page.waitForSelector("#live:has-text('en vivo')", { timeout: 15000 });
  await esperarSesion("Acceso local");
  if (!(await page.locator("#form-compania").isVisible())) throw new Error("anonymous local use must show the forms");
  if (await page.locator("#salir").isVisible()) throw new Error("«Salir» shows without a session");

  await entrarComo("auditor");
  await page.waitForSelector("#form-compania", { state: "hidden", timeout: 5000 });
  if (await page.locator("#form-registro").isVisible()) throw new Error("the property form shows to an auditor");
  const guardado = await page.evaluate(() => localStorage.getItem("propalpes.token"));
  if (!guardado) throw new Error("the token is not in localStorage propalpes.token");
  // The live connection came back with the new token, and the data still loads.
  await page.waitForSelector("#live:has-text('en vivo')", { timeout: 15000 });
  await page.waitForSelector("#companias-rango:text-matches('Mostrando|Sin resultados')", { timeout: 15000 });
  if (await page.locator("#panel-sesion").isVisible()) throw new Error("the sign-in panel stayed open");
  await page.screenshot({ path: join(outDir, "sign_in.png") });
  // The session outlives a reload.
  await page.reload();
  await esperarSesion("Rol: auditor");
  await page.waitForSelector("#form-compania", { state: "hidden", timeout: 5000 });

  await page.click("#salir");
  await esperarSesion("Acceso local");
  await page.waitForSelector("#form-compania", { state: "visible", timeout: 5000 });
  if (await page.evaluate(() => localStorage.getItem("propalpes.token"))) throw new Error("«Salir» left the token stored");

  await entrarComo("operador");
  await page.waitForSelector("#form-compania", { state: "visible", timeout: 5000 });
  const operador = await page.evaluate(() => localStorage.getItem("propalpes.token"));

  // ?token= (in a fresh context, nothing stored).
  const otra = await browser.newPage();
  otra.on("pageerror", (e) => errors.push(e.message));
  await otra.goto(`${url}/?token=${encodeURIComponent(operador)}`);
  await otra.waitForFunction(() => document.getElementById("sesion-estado").textContent.includes("Rol: operador"), null, { timeout: 15000 });
  // A token the server refuses: the panel opens and says so in Spanish.
  await otra.goto(`${url}/?token=no-es-un-token`);
  await otra.waitForSelector("#panel-sesion", { state: "visible", timeout: 15000 });
  const aviso = await otra.locator("#sesion-mensaje").textContent();
  if (!/sesión/i.test(aviso)) throw new Error(`the refused token's message reads ${JSON.stringify(aviso)}`);
  await otra.close();

  if (errors.length) throw new Error(`page errors: ${errors.join(" | ")}`);
  console.log(JSON.stringify({ ok: true, rol: (await sesion.textContent()).trim(), aviso }));
} catch (e) {
  failed = true;
  console.error("UI test failed:", e.message, "errors:", errors);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
