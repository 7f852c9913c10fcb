// How live the playground is: training steps and redraws per frame for
// the case (2-8-8-1, tanh, batch 10, 500 points, XOR) in
// headless Debian chromium, on this machine.
//
//   node bench/playground.mjs BUILD/backprop PAGE_DIR     (make bench-playground)
//
// Prints a Markdown table: the cost of one training step and of one
// redraw measured apart, of the explain pane (2-8-8-1 has 88 weights: the
// library's summary and a weight's drill-down; and with every number
// opened), how many steps fit a 60 Hz frame beside one redraw, and the
// frame rate the page reaches running 30 steps a frame. The heading names
// the machine, the date and its load (a busy machine's figures are slower).
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { chromium } from 'playwright-core';

const [bp, pageDir] = process.argv.slice(2);
const srv = spawn(bp, ['playground', '--port', '0', '--dir', pageDir], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  srv.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/http:\/\/[0-9.]+:[0-9]+\//);
    if (m) resolve(m[0]);
  });
  srv.on('exit', (c) => reject(new Error(`server exited ${c}`)));
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
         '--disable-background-networking', '--disable-component-update',
         '--disable-default-apps', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1240, height: 1000 } });
await page.goto(url);
await page.waitForSelector('body[data-ready="1"]');
const version = browser.version();

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };

// median milliseconds of `runs` calls of window.playground[what](arg)
const timeIt = async (what, arg, runs) => median(await page.evaluate(([what, arg, runs]) => {
  const r = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    window.playground[what](arg);
    r.push(performance.now() - t0);
  }
  return r;
}, [what, arg, runs]));

// one training step, alone (no drawing): 1000 at a time, in microseconds
const stepUs = await timeIt('trainOnly', 1000, 20);
// one redraw (heat map of 50x50 predictions, points, network, loss and gradient curves)
const redrawMs = await timeIt('redrawOnly', undefined, 40);
// explain of one sample with weight w37 selected: the summary and the
// weight's chain (the pane as it opens), then with every number of the
// step (both orders) written too
await page.locator('#net line.weight[data-l="1"][data-j="2"][data-k="4"]').dispatchEvent('click');
const explainMs = await timeIt('explainOnly', undefined, 20);
await page.click('#explain-all summary');
const walkMs = await timeIt('explainOnly', undefined, 20);
await page.click('#explain-all summary');

// running: 30 steps and one redraw per animation frame, for 5 s
await page.click('#reset');
await page.selectOption('#spf', '30');
const f0 = await page.evaluate(() => ({ frames: window.pgStats.frames, t: performance.now() }));
await page.click('#run');
await page.waitForTimeout(5000);
await page.click('#run');
const f1 = await page.evaluate(() => ({ frames: window.pgStats.frames, t: performance.now(),
                                        work: window.pgStats.work.slice(-200) }));
const fps = (f1.frames - f0.frames) / ((f1.t - f0.t) / 1000);
const workMs = median(f1.work);
const fit = Math.floor((1000 / 60 - redrawMs) / (stepUs / 1000));

await browser.close();
srv.kill();

const d = new Date().toISOString().slice(0, 16).replace('T', ' ');
const load = loadavg()[0].toFixed(1);
console.log(`## Playground speed (${d} UTC, ${cpus()[0].model}, ${cpus().length} cores, load ${load}, Chromium ${version})\n`);
console.log('| what | figure |');
console.log('|---|---|');
console.log(`| one training step, 2-8-8-1, batch 10 | ${stepUs.toFixed(2)} us |`);
console.log(`| one redraw (50x50 heat map, 500 points, network, loss and gradient curves) | ${redrawMs.toFixed(2)} ms |`);
console.log(`| explain pane (the summary and weight w37's chain) | ${explainMs.toFixed(2)} ms |`);
console.log(`| explain pane with every number of one step (both orders) | ${walkMs.toFixed(2)} ms |`);
console.log(`| steps that fit a 60 Hz frame beside one redraw | ${fit} (target >= 30) |`);
console.log(`| running 30 steps + 1 redraw a frame: work per frame | ${workMs.toFixed(2)} ms |`);
console.log(`| running 30 steps + 1 redraw a frame: frames per second | ${fps.toFixed(1)} |`);
