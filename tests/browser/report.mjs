// Loads a seg report in headless Chromium and checks it as a reader's
// browser would show it:
//   node report.mjs REPORT.html EXPECTED.json SCREENSHOT.png
// EXPECTED.json: {"marks": {"bar": 5, ...}, "texts": ["冠军", ...]}.
// Fails (exit 1) on a console message of level error or warning, a page
// error, any request but the file itself, a count of marks other than the
// expected one, a text missing from the page, or a horizontal scroll at a
// phone's width (390 px). Writes a full-page screenshot at desktop width
// and one at the phone's width (SCREENSHOT with -phone before .png).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const [report, expectedFile, screenshot] = process.argv.slice(2);
if (!report || !expectedFile || !screenshot) {
  console.error("usage: node report.mjs REPORT.html EXPECTED.json SCREENSHOT.png");
  process.exit(2);
}
const expected = JSON.parse(readFileSync(expectedFile, "utf8"));
const url = pathToFileURL(report).href;
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";

const problems = [];
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check"],
});
try {
  const page = await browser.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warn" || m.type() === "warning") {
      problems.push(`console ${m.type()}: ${m.text()}`);
    }
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    if (r.url() !== url) problems.push(`request: ${r.url()}`);
  });
  page.on("requestfailed", (r) => problems.push(`failed request: ${r.url()}`));

  await page.setViewport({ width: 1000, height: 800 });
  await page.goto(url, { waitUntil: "load" });

  const counts = await page.evaluate((names) => {
    const out = {};
    for (const name of names) {
      out[name] = document.querySelectorAll(`[data-mark="${name}"]`).length;
    }
    return out;
  }, Object.keys(expected.marks));
  for (const [name, want] of Object.entries(expected.marks)) {
    if (counts[name] !== want) problems.push(`marks "${name}": ${counts[name]}, expected ${want}`);
  }
  const text = await page.evaluate(() => document.documentElement.textContent);
  for (const t of expected.texts) {
    if (!text.includes(t)) problems.push(`text missing: ${t}`);
  }
  await page.screenshot({ path: screenshot, fullPage: true });

  await page.setViewport({ width: 390, height: 844, isMobile: true, deviceScaleFactor: 1 });
  await page.reload({ waitUntil: "load" });
  const width = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  if (width.scroll > width.inner) {
    problems.push(`scrolls sideways at 390 px: ${width.scroll} > ${width.inner}`);
  }
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-phone.png"), fullPage: true });
  console.log(JSON.stringify({ counts, width }));
} finally {
  await browser.close();
}
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log("report ok");
