// The page on a desktop: XOR learned, the heat map and the neurons' maps,
// the explain pane for a neuron, a weight and a point, and its freshness
// after Pause. Saves the README's screenshot.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { ok, openPage, trainUntil, meanAt, openWalk } from './harness.mjs';

export async function learning({ browser, url, pageDir }) {
  const { page, errors } = await openPage(browser, url);
  ok(/ready/.test(await page.textContent('#status')), 'status says ready', await page.textContent('#status'));
  ok((await page.textContent('#shape')) === '2-8-8-1', 'the default network is 2-8-8-1', await page.textContent('#shape'));
  const nLines = await page.locator('#net line.weight').count();
  ok(nLines === 2 * 8 + 8 * 8 + 8, 'every weight is drawn as a line', `${nLines} lines`);

  // the menus are the library's lists (pg_name), not the page's
  const menus = await page.evaluate(() => ({
    names: window.playground.state.names,
    act: [...document.querySelectorAll('#act option')].map((o) => o.value),
    loss: [...document.querySelectorAll('#loss option')].map((o) => o.value),
    optim: [...document.querySelectorAll('#optim option')].map((o) => o.value),
  }));
  ok(menus.names.acts.includes('sigmoid') && menus.names.acts.includes('softmax') &&
     JSON.stringify(menus.act) === JSON.stringify(menus.names.acts.filter((a) => a !== 'step' && a !== 'softmax')),
     'the activation menu is the library\'s list but step and softmax', menus.act.join(' '));
  const labels = await page.$$eval('#act option, #optim option', (os) => os.map((o) => o.textContent));
  ok(labels.includes('leaky ReLU') && labels.includes('Adam'), 'the menus read as the library labels them', labels.join(', '));
  ok(JSON.stringify(menus.loss) === JSON.stringify(menus.names.losses) &&
     JSON.stringify(menus.optim) === JSON.stringify(menus.names.optims),
     'the loss and optimizer menus are the library\'s lists', `${menus.loss.join(' ')} / ${menus.optim.join(' ')}`);

  // learning XOR
  const heat = () => page.evaluate(() => document.getElementById('heatmap').toDataURL());
  const before = await heat();
  const initial = await page.evaluate(() => window.playground.losses().test);
  const r = await trainUntil(page, 0.1);
  ok(r.loss < 0.1, 'XOR: the test loss falls below 0.1',
     `from ${initial.toFixed(4)} to ${r.loss.toFixed(4)} in ${r.steps} steps, ${r.frames} frames of them running`);
  const shown = Number(await page.textContent('#test-loss'));
  ok(Math.abs(shown - r.loss) < 0.05, 'the page shows the test loss', `${shown}`);
  const acc = await page.textContent('#test-acc');
  ok(parseFloat(acc) > 95, 'XOR: test accuracy above 95%', acc);
  ok((await heat()) !== before, 'the decision-region canvas changed');
  const q = { tr: await meanAt(page, 3, 3), bl: await meanAt(page, -3, -3), tl: await meanAt(page, -3, 3), br: await meanAt(page, 3, -3) };
  const blue = (c) => c[2] > c[0] + 40, orange = (c) => c[0] > c[2] + 40;
  ok(blue(q.tr) && blue(q.bl) && orange(q.tl) && orange(q.br), 'the regions match XOR\'s quadrants',
     JSON.stringify(Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v.map(Math.round)]))));
  const frames = await page.evaluate(() => window.pgStats.frames);
  ok(frames > 0, 'training ran frame by frame', `${frames} frames`);
  ok(errors.length === 0, 'no page error while it learns', errors.join('; '));

  const shades = await page.evaluate(() => {
    const c = document.querySelector('#net circle.neuron[data-l="0"][data-j="0"]');
    const cv = document.getElementById('netcanvas'), g = cv.getContext('2d');
    const k = cv.width / parseFloat(cv.style.width);
    const d = g.getImageData((+c.getAttribute('cx') - 10) * k, (+c.getAttribute('cy') - 10) * k, 20 * k, 20 * k).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
    return seen.size;
  });
  ok(shades >= 20, 'neuron h1.1 is drawn as its map over the plane, not a flat colour', `${shades} shades`);

  // explain: a neuron, then a weight, of the trained network (2-8-8-1
  // has 88 weights: the library's summary, and the selection's whole
  // chain from its drill-down; cases_summary.mjs compares the two views)
  await page.click('#net circle.neuron[data-l="0"][data-j="0"]');
  let focus = await page.textContent('#explain-focus');
  ok(/out_h1\.1 = tanh\(net_h1\.1\)/.test(focus) && /delta_h1\.1 = /.test(focus),
     'explain: neuron h1.1 shows its forward value and delta', focus.split('\n')[0]);
  const neighbours = await page.locator('#neighbours button').count();
  ok(neighbours === 2 + 8, 'and its 2 incoming and 8 outgoing weights as buttons', `${neighbours}`);
  await page.locator('#net line.weight[data-l="1"][data-j="2"][data-k="4"]').dispatchEvent('click');
  focus = await page.textContent('#explain-focus');
  const what = await page.textContent('#explain-what');
  const m = focus.match(/dE\/dw37 = delta_h2\.3 \* out_h1\.5 = (\S+) \* (\S+) = (\S+)/);
  ok(/w37 \(h1\.5 → h2\.3\)/.test(what), 'explain: the weight is named as backprop explain names it', what);
  ok(m && Math.abs(Number(m[1]) * Number(m[2]) - Number(m[3])) <= 1e-9 + 1e-6 * Math.abs(Number(m[3])),
     'explain: dE/dw37 is the product of its chain-rule factors', m ? m[0] : focus);
  ok(/^ *w37\+ = w37 - lr \* dE\/dw37/m.test(focus), 'explain: and the update of w37');
  const all = await openWalk(page);
  await page.click('#explain-all summary');
  const long = (all + focus).match(/\d\.\d{10,}/);
  ok(!long && /net_h2\.3 = .* = -?\d+\.\d{9} \* /.test(all) && /^ *w37 = -?\d+\.\d{9}$/m.test(focus),
     'explain: trained weights to 9 decimals, like the activations', long ? long[0] : focus.split('\n')[1]);
  ok(!/e\^--/.test(all), 'explain: no "e^--" in the sigmoid\'s formula');
  await page.check('#check');
  focus = await page.textContent('#explain-focus');
  const fd = focus.match(/dE\/dw37 = (\S+)\s+\[finite difference (\S+)\]/);
  ok(fd && Math.abs(Number(fd[1]) - Number(fd[2])) <= 1e-6 + 1e-4 * Math.abs(Number(fd[1])),
     'explain: the finite difference agrees with dE/dw37', fd ? `${fd[1]} vs ${fd[2]}` : focus);
  await page.uncheck('#check');

  // explain is fresh after Pause (it is redrawn every 15th frame while running)
  await page.click('#run');
  await page.waitForTimeout(700);
  await page.click('#run');
  const paused = await page.textContent('#explain-summary');
  await page.evaluate(() => window.playground.explainOnly());
  const fresh = await page.textContent('#explain-summary');
  const e1 = paused.match(/E = (\S+)/), e2 = fresh.match(/E = (\S+)/);
  ok(paused === fresh, 'after Pause the explain pane shows the paused network\'s numbers',
     `E_total ${e1 && e1[1]} shown, ${e2 && e2[1]} true`);
  await page.click('#step');
  const stepped = await page.textContent('#explain-summary');
  await page.evaluate(() => window.playground.explainOnly());
  ok(stepped === await page.textContent('#explain-summary') && stepped !== paused, 'and after Step');

  // a sample chosen on the heat map
  const box = await page.locator('#heatmap').boundingBox();
  await page.mouse.click(box.x + box.width * 0.2, box.y + box.height * 0.2);
  const sampleWhat = await page.textContent('#explain-what');
  ok(/sample \d+ at \(-/.test(sampleWhat), 'a click on the heat map picks the nearest sample', sampleWhat);

  // the screenshot: a trained network with the explain pane on w37
  await page.locator('#net line.weight[data-l="1"][data-j="2"][data-k="4"]').dispatchEvent('click');
  await page.screenshot({ path: join(pageDir, 'screenshot.png'), fullPage: true });
  ok(existsSync(join(pageDir, 'screenshot.png')), 'screenshot saved', join(pageDir, 'screenshot.png'));
  ok(errors.length === 0, 'no errors in the page', errors.join('; '));
  await page.close();
}
