// The desk's map in headless Chromium (issue #26, item 3): the report's drawing served by
// GET /api/map: département outlines and names, the points of presence named, a scale bar, a
// north arrow and the free-share legend (distinct colours, the ones the links are coloured
// with), nothing clipped: every one of them lies inside the map's box on the page, and the map
// inside the window; a request's route drawn on it. Screenshots: SHOT-page.png (the page) and
// SHOT-map.png (the map alone).
// Usage: node desk_map_browser.js URL ENGINEER_TOKEN REQUEST_ID DEPARTEMENT_NAMES('|'-separated) POP_COUNT SHOT CHROMIUM
"use strict";
const { check, clickWhenThere, launch, openPage } = require("./common");
const [, , url, token, requestId, depNames, popCount, shot, chromium] = process.argv;


async function main() {
  const browser = await launch(chromium);
  try {
    const { page, problems } = await openPage(browser, url, 1100);
    await page.goto(url, { waitUntil: "load" });
    await page.type("#token", token);
    await page.click("#save-token");
    await page.waitForSelector(`tr.row[data-id="${requestId}"]`);
    await clickWhenThere(page, `tr.row[data-id="${requestId}"]`);
    await page.waitForFunction((id) => document.getElementById("detail-id").textContent.startsWith(id + " "), {}, requestId);
    await page.waitForSelector("#map g.routes line.route");
    await page.waitForFunction(() => document.querySelectorAll("#loaded tr").length > 0);

    const found = await page.evaluate(() => {
      const svg = document.querySelector("#map svg");
      const box = svg.getBoundingClientRect();
      const inside = (e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
      };
      const all = (sel) => Array.from(svg.querySelectorAll(sel));
      const out = (sel) => all(sel).filter((e) => !inside(e)).map((e) => sel + " " + (e.textContent || e.getAttribute("class")));
      const legendFills = all("g.legend rect.legend-swatch").map((r) => r.getAttribute("fill"));
      return {
        svgBox: [box.left, box.top, box.right, box.bottom],
        window: [window.innerWidth, document.documentElement.scrollWidth],
        outlines: all("g.departements path.dep-outline").length,
        names: all("g.departement-names text.dep-name").map((t) => t.textContent),
        pops: all("text.pop-label").map((t) => t.textContent),
        scale: all("g.scale-bar text").map((t) => t.textContent),
        north: all("g.north-arrow").length,
        legend: all("g.legend").length,
        legendFills,
        linkStrokes: Array.from(new Set(all("line.link").map((l) => l.getAttribute("stroke")))),
        classes: baseMap.classes.map((c) => c.colour).concat([baseMap.no_pairs.colour]),
        routes: all("g.routes line.route").length,
        clipped: [].concat(out("g.departements path.dep-outline"), out("text.dep-name"), out("text.pop-label"), out("g.scale-bar"),
                           out("g.north-arrow"), out("g.legend"), out("g.legend text"), out("g.legend rect.legend-swatch")),
      };
    });
    const names = depNames.split("|");
    check(found.outlines === names.length, names.length + " département outlines, got " + found.outlines);
    for (const n of names) check(found.names.includes(n), "the département named " + n + " (names: " + found.names.join(", ") + ")");
    check(found.pops.length === Number(popCount), popCount + " points of presence labelled, got " + found.pops.length);
    check(found.scale.some((t) => / km$/.test(t)), "a scale bar in km: " + found.scale.join(" "));
    check(found.north === 1, "a north arrow");
    check(found.legend === 1, "a legend");
    check(new Set(found.legendFills).size === found.legendFills.length, "the legend's classes distinct: " + found.legendFills.join(" "));
    for (const c of found.classes) check(found.legendFills.includes(c), "the class colour " + c + " in the legend");
    for (const s of found.linkStrokes) check(found.classes.includes(s), "a link coloured " + s + " outside the legend's classes");
    check(found.routes > 0, "the request's route drawn on the map");
    check(found.clipped.length === 0, "clipped by the map's box: " + found.clipped.join("; "));
    check(found.svgBox[0] >= 0 && found.svgBox[2] <= found.window[0] && found.window[1] <= found.window[0], "the map inside the window: " + found.svgBox.join(","));

    await page.screenshot({ path: shot + "-page.png", fullPage: true });
    const map = await page.$("#map");
    await map.screenshot({ path: shot + "-map.png" });
    check(problems.length === 0, problems.join("; "));
    console.log("desk map: " + found.outlines + " outlines, " + found.names.length + " names, " + found.pops.length + " PoPs labelled, " +
                found.legendFills.length + " legend classes, " + found.routes + " route segments, nothing clipped");
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
