// The page on a phone, 390 x 844 with touch: no sideways scrolling, the
// settings folded, the network and the output stacked, every control a
// target of at least 44 px, text that needs no pinching, and training
// and explaining by touch.
import { ok, openPage, openWalk } from './harness.mjs';

export async function phone({ browser, url, pageDir }) {
  const { page, errors } = await openPage(browser, url, {
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const width = () => page.evaluate(() => ({
    page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth,
    over: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
      .map((e) => `${e.tagName}#${e.id}`).slice(0, 5),
  }));
  let w = await width();
  ok(w.page <= 390 && w.over.length === 0, 'no sideways scrolling at 390 px', `page ${w.page} px wide; ${w.over.join(' ')}`);
  ok(!(await page.$eval('#settings', (d) => d.open)), 'the settings start folded');
  const boxes = await page.evaluate(() => Object.fromEntries(['net-wrap', 'heatmap', 'data-col', 'explain'].map((id) => {
    const r = document.getElementById(id).getBoundingClientRect();
    return [id, { top: r.top, bottom: r.bottom, left: r.left, right: r.right }];
  })));
  ok(boxes.heatmap.top >= boxes['net-wrap'].bottom && boxes['data-col'].top >= boxes.heatmap.bottom,
     'the network, the output and the data are stacked', JSON.stringify(Object.fromEntries(Object.entries(boxes).map(([k, v]) => [k, Math.round(v.top)]))));
  ok(boxes['net-wrap'].right <= 390 && boxes.heatmap.right <= 390 && boxes.heatmap.right - boxes.heatmap.left > 300,
     'both fit the screen, the heat map nearly its width', `heat map ${Math.round(boxes.heatmap.right - boxes.heatmap.left)} px`);

  // every control a 44 px target: open the settings first
  await page.tap('#settings summary');
  const small = await page.evaluate(() => {
    const bad = [];
    const targets = [...document.querySelectorAll('button, select, input:not([type=checkbox]), summary, #net .neuron, #net .widthbtn')];
    for (const e of document.querySelectorAll('input[type=checkbox]')) targets.push(e.closest('label'));
    for (const e of targets) {
      if (!e.checkVisibility()) continue;
      const r = e.getBoundingClientRect();
      if (r.height < 43.5 || r.width < 43.5) bad.push(`${e.tagName}#${e.id || e.getAttribute('class')} ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return { bad, n: targets.length };
  });
  ok(small.bad.length === 0, `every control is at least 44 x 44 px (${small.n} checked)`, small.bad.slice(0, 6).join('; '));
  const tiny = await page.evaluate(() => [...document.querySelectorAll('body *')]
    .filter((e) => e.checkVisibility() && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) &&
                   parseFloat(getComputedStyle(e).fontSize) < 11)
    .map((e) => e.tagName + '#' + e.id));
  ok(tiny.length === 0, 'no text under 11 px: nothing to pinch for', tiny.join(' '));
  w = await width();
  ok(w.page <= 390, 'still no sideways scrolling with the settings open', `${w.page} px`);

  // by touch: run, pause, tap a neuron, tap one of its weights
  await page.tap('#run');
  await page.waitForFunction(() => Number(document.getElementById('steps').textContent) > 300, null, { timeout: 120000 });
  await page.tap('#run');
  ok(Number(await page.textContent('#steps')) > 300, 'Run and Pause by touch', await page.textContent('#steps'));
  await page.tap('#net circle.neuron[data-l="1"][data-j="0"]');
  ok(/neuron h2\.1/.test(await page.textContent('#explain-what')), 'a tap on a neuron explains it');
  await page.tap('#neighbours button >> nth=2');
  ok(/weight w19 \(h1\.3 → h2\.1\)/.test(await page.textContent('#explain-what')), 'a tap on one of its weight buttons explains that weight',
     await page.textContent('#explain-what'));
  w = await width();
  ok(w.page <= 390, 'the explain pane fits too', `${w.page} px; ${w.over.join(' ')}`);
  // what scrolls inside the page (the summary's tables, sideways) can be
  // reached by keyboard to scroll it
  await openWalk(page);
  const scrollers = await page.evaluate(() => [...document.querySelectorAll('body *')]
    .filter((e) => e.checkVisibility() && /auto|scroll/.test(getComputedStyle(e).overflowX + getComputedStyle(e).overflowY) &&
                   (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1))
    .map((e) => [e.id || e.tagName, e.tabIndex >= 0 || !!e.querySelector('a, button, input, select, textarea, [tabindex]')]));
  ok(scrollers.length >= 2 && scrollers.every(([, reach]) => reach), 'every box that scrolls can be reached by keyboard',
     scrollers.map(([id, reach]) => `${id}${reach ? '' : ' (not)'}`).join(' '));
  await page.click('#explain-all summary');
  await page.screenshot({ path: `${pageDir}/screenshot-phone.png`, fullPage: false });

  // narrower still, 360 px, and back: the network follows its column
  await page.setViewportSize({ width: 360, height: 740 });
  await page.waitForFunction(() => parseFloat(document.getElementById('netcanvas').style.width) <= 342);
  w = await width();
  ok(w.page <= 360 && w.over.length === 0, 'no sideways scrolling at 360 px either', `${w.page} px; ${w.over.join(' ')}`);
  await page.setViewportSize({ width: 700, height: 900 });
  await page.waitForFunction(() => parseFloat(document.getElementById('netcanvas').style.width) >= 400);
  ok(true, 'widened to 700 px, the network is drawn wider again');
  ok(errors.length === 0, 'no errors in the page', errors.join('; '));
  await page.close();
}
