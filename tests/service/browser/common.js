// What the desk's browser tests share: the check, Debian's chromium launched headless through
// puppeteer-core, and a page that records what went wrong (page errors, failed requests when
// asked, requests leaving the desk's address, dialogs when asked).
"use strict";
const puppeteer = require("puppeteer-core");

function check(cond, what) {
  if (!cond) throw new Error("check failed: " + what);
}

function launch(chromium) {
  return puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
}

// A 1400-pixel-wide page of `height`; `problems` collects what went wrong.
async function openPage(browser, url, height, { failedRequests = true, dialogs = false } = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height });
  const problems = [];
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  if (failedRequests) page.on("requestfailed", (r) => problems.push("request failed: " + r.url()));
  page.on("request", (r) => { if (!r.url().startsWith(url)) problems.push("external request: " + r.url()); });
  if (dialogs) page.on("dialog", (d) => { problems.push("a dialog opened: " + d.message()); d.dismiss(); });
  return { page, problems };
}

// Clicks the element `selector` names once it is there, found and clicked in one step inside the
// page: the list is drawn again when a page of it loads, so an element handle taken first (as
// page.click does) can be detached by the time it is clicked.
async function clickWhenThere(page, selector) {
  await page.waitForFunction((s) => {
    const el = document.querySelector(s);
    if (!el) return false;
    el.click();
    return true;
  }, {}, selector);
}

module.exports = { check, clickWhenThere, launch, openPage };
