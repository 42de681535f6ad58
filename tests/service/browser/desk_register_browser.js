// The desk's page as a register (issue #25), in headless Chromium through puppeteer-core: an
// engineer signs in on a register of many requests and sees the newest 50 first, loads the next
// page, narrows the list with a search, sees the capacity map (links coloured by free share, the
// points of presence labelled, the ten most loaded links), declines a request with a reason
// holding HTML and comments on it: the history shows both as text.
// Usage: node desk_register_browser.js URL ENGINEER_TOKEN NEWEST_ID SEARCH EXPECTED_MATCHES SCREENSHOT_PREFIX CHROMIUM
"use strict";
const { check, clickWhenThere, launch, openPage } = require("./common");
const [, , url, token, newest, search, expected, shot, chromium] = process.argv;

const rows = (page) => page.$$eval("#register tr.row", (rs) => rs.map((r) => r.dataset.id));

async function main() {
  const browser = await launch(chromium);
  try {
    const { page, problems } = await openPage(browser, url, 1100, { failedRequests: false, dialogs: true });
    await page.goto(url, { waitUntil: "load" });
    await page.type("#token", token);
    const t0 = Date.now();
    await page.click("#save-token");
    await page.waitForSelector("#register tr.row");
    const firstPaint = Date.now() - t0;
    let ids = await rows(page);
    check(ids.length === 50, "the first page holds 50 rows, got " + ids.length);
    check(ids[0] === newest, "the newest first: " + ids[0] + " instead of " + newest);
    await page.click("#more");
    await page.waitForFunction(() => document.querySelectorAll("#register tr.row").length === 100);
    ids = await rows(page);
    check(new Set(ids).size === 100, "the next page adds 50 other requests");

    // the capacity map, before any request is chosen
    await page.waitForFunction(() => document.querySelectorAll("#loaded tr").length === 10);
    const classes = await page.evaluate(() => baseMap.classes.map((c) => c.colour));
    const coloured = await page.$$eval("#map line.link", (ls, cs) => ls.filter((l) => cs.includes(l.getAttribute("stroke"))).length, classes);
    const hues = await page.$$eval("#map line.link", (ls) => new Set(ls.map((l) => l.getAttribute("stroke"))).size);
    const pops = await page.$$eval("#map text.pop-label", (ts) => ts.length);
    check(coloured > 0 && hues > 1, "links coloured by free share (" + coloured + " coloured, " + hues + " colours)");
    check(pops > 0, "the points of presence labelled");
    await page.screenshot({ path: shot + "-map.png", fullPage: true });

    // the search narrows the list
    await page.type("#search", search);
    await page.waitForFunction((n) => document.querySelectorAll("#register tr.row").length === n, {}, Number(expected));
    ids = await rows(page);
    check(ids.every((id) => id.toLowerCase().includes(search.toLowerCase())), "every row matches the search: " + ids.join(" "));
    await page.screenshot({ path: shot + "-search.png", fullPage: true });

    // a held request declined with a reason holding HTML, and a comment: shown as text
    const held = await page.$$eval("#register tr.row", (rs) => rs.filter((r) => r.textContent.includes("held")).map((r) => r.dataset.id));
    check(held.length > 0, "a held request among the search's");
    await clickWhenThere(page, `tr.row[data-id="${held[0]}"]`);
    await page.waitForSelector("#decline");
    const html = "<img src=x onerror=alert(1)><b>not this route</b>";
    await page.type("#reason", html);
    await page.click("#decline");
    await page.waitForFunction(() => document.getElementById("status").textContent === "declined");
    await page.waitForFunction(() => document.querySelectorAll("#history tr").length >= 2);
    await page.type("#comment-text", "<script>alert(2)</script> see the <i>plan</i>");
    await page.click("#comment-send");
    await page.waitForFunction(() => document.querySelectorAll("#history tr").length >= 3);
    const cells = await page.$$eval("#history td", (ts) => ts.map((t) => t.textContent));
    check(cells.includes(html), "the reason shown as written");
    check(cells.includes("<script>alert(2)</script> see the <i>plan</i>"), "the comment shown as written");
    const injected = await page.$$eval("#history img, #history b, #history i, #history script", (es) => es.length);
    check(injected === 0, "no element made from a reason or a comment");
    await page.screenshot({ path: shot + "-history.png", fullPage: true });
    check(problems.length === 0, problems.join("; "));
    console.log("register page: first 50 rows in " + firstPaint + " ms; search '" + search + "' -> " + expected + " rows; " + coloured +
                " links coloured, " + pops + " PoPs labelled; " + held[0] + " declined with an HTML reason, shown as text");
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
