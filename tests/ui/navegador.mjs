// What every browser test here shares: the `URL OUTPUT_DIR` arguments,
// Chromium launched the same way, the page errors gathered, and the
// ending the Rust driver (tests/it/web_ui.rs) reads: it requires exit
// status 0 and parses the LAST stdout line as the JSON result, so a failure
// goes to stderr with status 1 and the browser is closed either way.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";

// Debian's Chromium (Playwright never downloads one here); no sandbox, GPU
// or background traffic, which a container or CI runner cannot offer or
// would only add noise to the requests a test watches.
const ARGUMENTOS_CHROMIUM = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

// `{ url, outDir }` from the command line; OUTPUT_DIR exists afterwards.
// The usage names the running script, so a call without arguments says
// which one it was. Exit status 2, not 1: nothing was tested.
export function argumentos() {
  const [url, outDir] = process.argv.slice(2);
  if (!url || !outDir) {
    console.error(`usage: ${basename(process.argv[1])} URL OUTPUT_DIR`);
    process.exit(2);
  }
  mkdirSync(outDir, { recursive: true });
  return { url, outDir };
}

// Runs `cuerpo` with a fresh Chromium and prints what it returns, with
// `ok: true` first, as the last stdout line; exits 1 if it throws or if a
// page it watched reported an error. `cuerpo` receives:
//   browser, url, outDir
//   errores      the errors of the pages passed to `vigilar`
//   vigilar(page, { consola })  collects the page's uncaught exceptions
//                and, unless `consola: false`, its console.error lines;
//                returns the page
//   captura(objetivo, archivo, opciones)  screenshots a page or locator
//                into outDir; returns the path
//   diagnostico  an object whose non-empty entries are printed with the
//                failure (e.g. requests a route blocked)
export async function probar(cuerpo) {
  const { url, outDir } = argumentos();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ARGUMENTOS_CHROMIUM,
  });
  const errores = [];
  const diagnostico = {};
  const vigilar = (page, { consola = true } = {}) => {
    if (consola) page.on("console", (m) => m.type() === "error" && errores.push(m.text()));
    page.on("pageerror", (e) => errores.push(e.message));
    return page;
  };
  const captura = async (objetivo, archivo, opciones = {}) => {
    const path = join(outDir, archivo);
    await objetivo.screenshot({ ...opciones, path });
    return path;
  };
  let failed = false;
  try {
    const resultado = await cuerpo({ browser, url, outDir, errores, vigilar, captura, diagnostico });
    // Checked once the steps are done: an error the page only logged
    // fails the test even when every assertion held.
    if (errores.length) throw new Error(`console errors: ${errores.join(" | ")}`);
    console.log(JSON.stringify({ ok: true, ...resultado }));
  } catch (e) {
    failed = true;
    const detalles = Object.entries({ ...diagnostico, "console errors": errores })
      .filter(([, valor]) => valor.length)
      .flatMap(([clave, valor]) => [`${clave}:`, valor]);
    console.error("UI test failed:", e.message, ...detalles);
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}

// The page is up once its live connection (the GraphQL subscription) says
// so; before that a pushed update could be missed.
export function esperarEnVivo(page) {
  return page.waitForSelector("#live:has-text('en vivo')", { timeout: 15000 });
}

// Waits until the element `selector` reads `texto` somewhere in its text
// (a pager's range, a status line): the UI re-renders in place, so waiting
// for the element alone would read the old text.
export function esperarTexto(page, selector, texto, timeout = 15000) {
  return page.waitForFunction(([s, t]) => {
    const n = document.querySelector(s);
    return n && n.textContent.includes(t);
  }, [selector, texto], { timeout });
}

// GraphQL against the app from the test itself (seeding, checking the
// server's side): returns `data`, throws on an error.
export function clienteGql(url) {
  return async (query, variables = {}) => {
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors && body.errors.length) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
}
