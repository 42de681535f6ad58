// Drives the desk's page in headless Chromium (Debian's, through puppeteer-core): a requester
// signs in, submits a request, sees its decision, its route on the map and the free pairs
// along it; an engineer signs in, opens it from the register and confirms it.
// Usage: node desk_browser.js URL REQUESTER_TOKEN ENGINEER_TOKEN SCREENSHOT_PREFIX CHROMIUM
"use strict";
const { check, clickWhenThere, launch, openPage } = require("./common");
const [, , url, requesterToken, engineerToken, shot, chromium] = process.argv;


async function signIn(page, token, name) {
  await page.$eval("#token", (el) => { el.value = ""; });
  await page.type("#token", token);
  await page.click("#save-token");
  await page.waitForFunction((n) => document.getElementById("whoami").textContent.includes("signed in as " + n), {}, name);
}

async function main() {
  const browser = await launch(chromium);
  try {
    const { page, problems } = await openPage(browser, url, 1000);
    await page.goto(url, { waitUntil: "load" });

    await signIn(page, requesterToken, "alice");
    await page.type("#site", "nro:25-010");
    await page.$eval("#pairs", (el) => { el.value = ""; });
    await page.type("#pairs", "2");
    await page.type("#requester", "Doubs THD");
    await page.click("#submit");
    await page.waitForFunction(() => document.getElementById("decision").textContent !== "");
    const decision = await page.$eval("#decision", (e) => e.textContent);
    check(decision === "accept" || decision === "accept_with_works", "an accepted decision, got " + decision);
    const status = await page.$eval("#status", (e) => e.textContent);
    check(status === "held", "status held, got " + status);
    const segments = await page.$$eval("#map line.route", (ls) => ls.length);
    check(segments > 0, "the route drawn on the map");
    const linkRows = await page.$$eval("#route-links tr", (rs) => rs.map((r) => r.textContent));
    check(linkRows.length > 0, "the free pairs along the route");
    check((await page.$("#confirm")) === null, "no confirm button for a requester");
    const id = (await page.$eval("#detail-id", (e) => e.textContent)).split(" ")[0];
    check(id.length > 0, "the request's id shown");
    await page.screenshot({ path: shot + "-requester.png", fullPage: true });

    await signIn(page, engineerToken, "eng");
    await page.waitForSelector(`tr.row[data-id="${id}"]`);
    await clickWhenThere(page, `tr.row[data-id="${id}"]`);
    await page.waitForSelector("#confirm");
    await clickWhenThere(page, "#confirm");
    await page.waitForFunction(() => document.getElementById("status").textContent === "confirmed");
    await page.screenshot({ path: shot + "-engineer.png", fullPage: true });
    check(problems.length === 0, problems.join("; "));
    console.log("desk page: " + id + " " + decision + ", " + segments + " route segments, confirmed by the engineer");
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
