// The explain pane by the network's size, as bp_explain decides it: up to
// the library's 50 weights every number of the step (the full walk), above
// them its one-screen summary, with the chain of a selected neuron or
// weight from its drill-down; the summary's figures are bp_explain_stats',
// and the drill-down's numbers are the full walk's. Over training, each
// layer's gradient norm drawn (pg_grad_norms).
import { ok, openPage, openWalk } from './harness.mjs';

const text = (page, id) => page.textContent(`#${id}`);
const shown = (page, id) => page.isVisible(`#${id}`);

// The rows of one table of the summary: {layer: [columns after the name]}.
function rows(summary, heading) {
  const out = {};
  const at = summary.indexOf(heading);
  if (at < 0) return out;
  for (const line of summary.slice(at).split('\n').slice(2)) {
    const m = line.match(/^ +(\d+) \S+ +(.*)$/);
    if (!m) break;
    out[m[1]] = m[2].trim().split(/ +/);
  }
  return out;
}

// The number that ends the first line starting (after spaces) with
// `start` and ending in a number (a finite difference in brackets apart).
function lastNumber(s, start) {
  for (const line of s.split('\n')) {
    if (!line.trimStart().startsWith(start)) continue;
    const m = line.match(/ (-?\d[\d.]*(e[-+]?\d+)?)(\s+\[.*\])?$/);
    if (m) return m[1];
  }
  return null;
}

// |a - b| within what `digits` significant digits print
const near = (printed, v, digits = 3) =>
  Math.abs(Number(printed) - v) <= 0.51 * 10 ** (Math.floor(Math.log10(Math.abs(v) || 1)) - digits + 1) + 1e-15;

export async function summary({ browser, url }) {
  const { page, errors } = await openPage(browser, url);

  // 2-8-8-1: 88 weights, above the library's 50
  const s = await text(page, 'explain-summary');
  ok(await shown(page, 'explain-summary') && /Backpropagation, layer by layer/.test(s) &&
     /\(88 weights, more than 50: each layer is summarised/.test(s),
     'a 2-8-8-1 network (88 weights) is summarised, as bp_explain decides', s.split('\n').slice(0, 2).join(' | '));
  const fwd = rows(s, 'Forward phase'), bwd = rows(s, 'Backward phase');
  ok(['1', '2', '3'].every((l) => fwd[l] && bwd[l]) && /^ +1 tanh +8 /m.test(s) && /^ +3 sigmoid +1 /m.test(s),
     'the summary names every layer in the forward and backward tables', `${Object.keys(fwd)} / ${Object.keys(bwd)}`);
  ok(['layer 1 (tanh): ', 'layer 2 (tanh): ', 'layer 3 (sigmoid): '].every((w) => s.includes(w)) &&
     /What stands out/.test(s), 'and says in words what stands out in each');
  ok((await text(page, 'explain-text')).length < 100 && !(await page.$eval('#explain-all', (d) => d.open)),
     'the full walk is not written while it is closed', (await text(page, 'explain-text')).slice(0, 40));

  // the summary's figures are the library's bp_explain_stats
  const st = await page.evaluate(() => window.playground.layerStats());
  const bad = [];
  for (let l = 0; l < 3; l++) {
    const f = fwd[l + 1] || [], b = bwd[l + 1] || [], x = st[l];
    const want = [[f[0], x.n_out, 0], [f[1], x.net_min], [f[2], x.net_mean], [f[3], x.net_max],
                  [f[4], x.out_min], [f[5], x.out_mean], [f[6], x.out_max], [f[7], x.saturated, 0],
                  [b[0], x.delta_norm], [b[1], x.grad_norm], [b[2], x.weight_norm],
                  [b[3], x.grad_norm / x.weight_norm], [b[4], x.update_norm]];
    want.forEach(([p, v, exact], i) => {
      if (!(exact === 0 ? Number(p) === v : near(p, v))) bad.push(`layer ${l + 1} column ${i}: ${p} vs ${v}`);
    });
  }
  const e = s.match(/error: E = (\S+)/);
  ok(bad.length === 0 && e && near(e[1], st[0].loss, 9),
     'its figures are bp_explain_stats\' (pg_layer_stats): ranges, units, norms, the error',
     bad.length ? bad.slice(0, 3).join('; ') : `E ${e && e[1]}, |delta| ${st.map((x) => x.delta_norm.toPrecision(3)).join(' ')}`);

  // a selection's chain from the drill-down, equal to the full walk's numbers
  await page.click('#net circle.neuron[data-l="1"][data-j="2"]');
  const neuron = await text(page, 'explain-focus');
  ok(/^Neuron h2\.3 \(layer 2, hidden, tanh\)/m.test(neuron) && /net_h2\.3 = the sum of 8 terms/.test(neuron) &&
     /^ +delta_o1 \* w\d+ = /m.test(neuron) && (neuron.match(/^ +w\d+ \* out_h1\.\d = /gm) || []).length === 8,
     'a neuron of a summarised network: its whole chain, every term of its sums', neuron.split('\n')[0]);
  await page.locator('#net line.weight[data-l="1"][data-j="2"][data-k="4"]').dispatchEvent('click');
  const weight = await text(page, 'explain-focus');
  ok(/^Weight w37, from h1\.5 into h2\.3/m.test(weight) && /dE\/dw37 = delta_h2\.3 \* out_h1\.5 = /.test(weight),
     'a weight: dE/dw as the product of its factors', weight.split('\n')[0]);
  ok(await shown(page, 'explain-summary') && (await text(page, 'explain-summary')) === s,
     'the summary stays beside the selection');
  const walk = await openWalk(page);
  ok(/Backpropagation, number by number/.test(walk), 'opening "every number of this step" writes the full walk',
     walk.split('\n')[0]);
  const pairs = [[neuron, 'net_h2.3 ='], [neuron, 'out_h2.3 ='], [neuron, 'delta_h2.3 ='],
                 [weight, 'dE/dw37 = delta_h2.3'], [weight, 'w37+ =']];
  const diff = pairs.map(([t, start]) => [start, lastNumber(t, start), lastNumber(walk, start)])
    .filter(([, a, b]) => !a || a !== b);
  ok(diff.length === 0, 'the drill-down\'s numbers are the full walk\'s, digit for digit',
     diff.length ? diff.map((d) => d.join(' ')).join('; ') : pairs.map(([t, st]) => `${st} ${lastNumber(t, st)}`).join(', '));
  await page.click('#explain-all summary');

  // either side of the library's line: 2-4-8-1 has 48 weights, 2-5-7-1 52
  await page.evaluate(() => window.playground.setHidden([4, 8]));
  const small = await text(page, 'explain-text');
  ok(!(await shown(page, 'explain-summary')) && /Backpropagation, number by number/.test(small) &&
     /net_h2\.8 = /.test(small), '2-4-8-1 (48 weights): the full walk, no summary', small.split('\n')[1]);
  await page.evaluate(() => window.playground.setHidden([5, 7]));
  ok(await shown(page, 'explain-summary') && /\(52 weights, more than 50/.test(await text(page, 'explain-summary')),
     '2-5-7-1 (52 weights): the summary');

  // a deep sigmoid network: the summary says where the gradient vanishes
  await page.selectOption('#act', 'sigmoid');
  await page.evaluate(() => window.playground.setHidden([8, 8, 8, 8, 8, 8]));
  const deep = await text(page, 'explain-summary');
  const vanish = deep.match(/layer \d \(sigmoid\): deltas \S+x smaller than the layer above: the gradient is vanishing here/);
  ok(/^ +6 sigmoid +8 /m.test(deep) && !!vanish, 'six sigmoid layers: the summary says the gradient is vanishing',
     vanish ? vanish[0] : deep.split('What stands out')[1]);
  await page.click('#net circle.neuron[data-l="0"][data-j="3"]');
  ok(/delta_h1\.4 = dE\/dout_h1\.4 \* dout_h1\.4\/dnet_h1\.4 = /.test(await text(page, 'explain-focus')),
     'and a neuron at the bottom of it still shows its chain');

  // and over training: each layer's |dE/dW| drawn on a log scale
  const blank = () => page.evaluate(() => {
    const cv = document.getElementById('gradchart'), d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
  ok((await blank()) === 0 && /not trained yet/.test(await page.getAttribute('#gradchart', 'aria-label')),
     'the gradient chart is empty before training');
  for (let i = 0; i < 5; i++) await page.evaluate(() => window.playground.train(40));
  const gh = await page.evaluate(() => window.playground.gradHistory());
  const lastG = gh.length ? gh[gh.length - 1][1] : [];
  ok(gh.length === 5 && lastG.length === 7 && gh.every(([st], i) => st === 40 * (i + 1)) &&
     lastG[0] < lastG[6] / 100, 'each layer\'s mean |dE/dW| per stretch of steps: layer 1\'s 100x under the output\'s',
     lastG.map((v) => v.toPrecision(2)).join(' '));
  const label = await page.getAttribute('#gradchart', 'aria-label');
  ok((await blank()) > 300 && /over 200 steps, log scale; the latest: layer 1 \S+, .*layer 7 \S+\.$/.test(label),
     'and drawn, with a text alternative that gives the numbers', label);

  // Matt Mazur's 2-2-2 network: every number, no summary
  await page.click('#mazur');
  const mazur = await text(page, 'explain-text');
  ok(!(await shown(page, 'explain-summary')) && /Backpropagation, number by number/.test(mazur) &&
     /E_total = 0\.298371109/.test(mazur), 'the 2-2-2 worked example: the full walk, no summary',
     (mazur.match(/E_total = \S+/) || [''])[0]);
  ok(errors.length === 0, 'no errors in the page', errors.join('; '));
  await page.close();
}
