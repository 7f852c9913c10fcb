// What the browser tests share: the verdict counter, the server
// (`backprop playground`), the browser (playwright-core driving Debian's
// chromium headless) and small probes of a page.
import { spawn, execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

let passed = 0, failed = 0, skipped = 0;
export function ok(cond, what, detail = '') {
  if (cond) { passed++; console.log(`  ok   ${what}${detail ? ` (${detail})` : ''}`); }
  else { failed++; console.log(`  FAIL ${what}${detail ? `: ${detail}` : ''}`); }
  return cond;
}
// a check that cannot run here, with the reason: counted apart, never a pass
export function skip(what) { skipped++; console.log(`  SKIP ${what}`); }
export const verdict = () => ({ passed, failed, skipped });

export function section(title) { console.log(`-- ${title}`); }

export function startServer(bp, args) {
  const srv = spawn(bp, ['playground', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no address printed: ${out}`)), 10000);
    srv.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/[0-9.]+:[0-9]+\//);
      if (m) { clearTimeout(timer); resolve({ srv, url: m[0] }); }
    });
    srv.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}`)); });
  });
}

export function cli(bp, args) {
  try {
    return { code: 0, out: execFileSync(bp, args, { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (e) {
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
           '--disable-background-networking', '--disable-component-update',
           '--disable-default-apps', '--disable-sync', '--no-first-run',
           '--disable-features=Translate,OptimizationHints,MediaRouter'],
  });
}

// A page of the playground with its errors collected: {page, errors}.
export async function openPage(browser, url, options = {}) {
  const page = await browser.newPage({ viewport: { width: 1240, height: 1180 }, ...options });
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 60000 });
  return { page, errors };
}

// The page's settings as the controls show them.
export function controls(page) {
  return page.evaluate(() => {
    const v = (id) => document.getElementById(id).value;
    const on = (id) => document.getElementById(id).checked;
    return {
      data: [...document.querySelectorAll('.sets button.selected')].map((b) => b.dataset.set).join(','),
      points: v('points'), noise: v('noise'), split: v('split'),
      features: [...document.querySelectorAll('#features input')].filter((i) => i.checked).map((i) => i.id.slice(5)).join(','),
      shape: document.getElementById('shape').textContent,
      act: v('act'), loss: v('loss'), optim: v('optim'), lr: v('lr'), reg: v('reg'),
      rate: v('rate'), batch: v('batch'), order: v('order'), spf: v('spf'),
      test: on('show-test'), discretize: on('discretize'),
    };
  });
}

// Train with Run until some frames have run, then in fixed slices of
// steps until the test loss is below `below` or `maxSteps` are done:
// {loss, steps, frames}. The verdict depends on steps, not on how fast
// this machine is.
export async function trainUntil(page, below, maxSteps = 20000) {
  const f0 = await page.evaluate(() => window.pgStats.frames);
  await page.click('#run');
  await page.waitForFunction((f) => window.pgStats.frames >= f + 5, f0, { timeout: 120000 });
  await page.click('#run');
  const frames = (await page.evaluate(() => window.pgStats.frames)) - f0;
  let loss = await page.evaluate(() => window.playground.losses().test);
  let steps = Number(await page.textContent('#steps'));
  while (!(loss < below) && steps < maxSteps) {
    loss = await page.evaluate(() => { window.playground.train(250); return window.playground.losses().test; });
    steps = Number(await page.textContent('#steps'));
  }
  return { loss, steps, frames };
}

// Mean colour [r, g, b] of a 30x30 block of the heat map around (x, y)
// in data units ([-6, 6]).
export function meanAt(page, x, y) {
  return page.evaluate(([x, y]) => {
    const cv = document.getElementById('heatmap'), g = cv.getContext('2d');
    const px = (x / 6 + 1) / 2 * cv.width, py = (1 - y / 6) / 2 * cv.height;
    const d = g.getImageData(px - 15, py - 15, 30, 30).data;
    const s = [0, 0, 0];
    for (let i = 0; i < d.length; i += 4) { s[0] += d[i]; s[1] += d[i + 1]; s[2] += d[i + 2]; }
    return s.map((v) => v / (d.length / 4));
  }, [x, y]);
}

// Is the element's top inside the viewport?
export function inView(page, selector) {
  return page.evaluate((sel) => {
    const r = document.querySelector(sel).getBoundingClientRect();
    return r.top >= -1 && r.top < window.innerHeight;
  }, selector);
}

// Open "every number of this step" and wait for the full walk, which a
// summarised network writes when it is opened (the toggle event comes
// after the click): its text.
export async function openWalk(page) {
  if (!(await page.$eval('#explain-all', (d) => d.open))) await page.click('#explain-all summary');
  await page.waitForFunction(() => /number by number/.test(document.getElementById('explain-text').textContent),
                             undefined, { timeout: 10000 }).catch(() => {});
  return page.textContent('#explain-text');
}
