// TensorFlow Playground's other switches: input features, regression data
// and losses, regularization, discretized output, the test points shown or
// not, the colour legend, and editing a weight.
import { ok, openPage, controls, trainUntil } from './harness.mjs';

// The share of a sample of the heat map's pixels that its two commonest
// colours cover: near 1 for a map of two colours (the points aside).
function twoColourShare(page) {
  return page.evaluate(() => {
    const cv = document.getElementById('heatmap'), d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    const count = new Map();
    let n = 0;
    for (let y = 2; y < cv.height; y += 7)
      for (let x = 2; x < cv.width; x += 7, n++) {
        const i = (y * cv.width + x) * 4, k = `${d[i]},${d[i + 1]},${d[i + 2]}`;
        count.set(k, (count.get(k) || 0) + 1);
      }
    const top = [...count.values()].sort((a, b) => b - a);
    return (top[0] + (top[1] || 0)) / n;
  });
}

export async function features({ browser, url }) {
  const { page, errors } = await openPage(browser, url);

  // features: x1^2 and sin x1 join x1 and x2 as inputs
  await page.check('#feat-x1sq');
  await page.check('#feat-sinx1');
  ok((await page.textContent('#shape')) === '4-8-8-1', 'two more features make four inputs', await page.textContent('#shape'));
  ok(/features=x1,x2,x1sq,sinx1(&|$)/.test(page.url()), 'the URL lists the features', page.url().split('#')[1]);
  const labels = await page.$$eval('#net text.label', (ts) => ts.slice(0, 4).map((t) => t.textContent));
  ok(labels.join(' ') === 'x\u2081 x\u2082 x\u2081\u00b2 sin x\u2081', 'the input neurons are labelled by feature', labels.join(' '));
  await page.click('#net circle.neuron[data-l="0"][data-j="0"]');
  const focus = await page.textContent('#explain-focus');
  ok(/i3 = x\u2081\u00b2, i4 = sin x\u2081/.test(focus) && /net_h1\.1 = the sum of 4 terms/.test(focus) &&
     [1, 2, 3, 4].every((i) => new RegExp(`^ *w${i} \\* i${i} = `, 'm').test(focus)),
     'explain says which input is which feature, and uses all four', focus.split('\n').slice(0, 2).join(' | '));
  // circle is learned faster with x1^2 + x2^2 at hand
  await page.check('#feat-x2sq');
  await page.click('.sets button[data-set="circle"]');
  const circ = await trainUntil(page, 0.1, 10000);
  ok(circ.loss < 0.1, 'circle with the squares as features: test loss below 0.1', `${circ.loss.toFixed(4)} after ${circ.steps} steps`);
  for (const f of ['x1sq', 'x2sq', 'sinx1']) await page.uncheck(`#feat-${f}`);
  const noneLeft = await page.evaluate(() => {
    document.getElementById('feat-x2').click();
    document.getElementById('feat-x1').click();
    return [...document.querySelectorAll('#features input')].filter((i) => i.checked).length;
  });
  ok(noneLeft === 1 && /at least one input/.test(await page.textContent('#status')),
     'the last feature cannot be unchecked', await page.textContent('#status'));
  await page.check('#feat-x2');

  // regression: the plane, squared error and an identity output
  await page.click('.sets button[data-set="plane"]');
  const c = await controls(page);
  const disabled = await page.$$eval('#loss option', (os) => os.filter((o) => o.disabled).map((o) => o.value));
  ok(c.loss === 'sse' && disabled.includes('bce') && disabled.includes('ce'),
     'regression trains on squared error; the class losses are disabled', `${c.loss}; disabled ${disabled}`);
  ok(await page.isHidden('#acc-box'), 'no accuracy for regression');
  const legend = await page.evaluate(() => ['legend-lo', 'legend-mid', 'legend-hi'].map((id) => document.getElementById(id).textContent));
  ok(legend.join(' ') === '-1 0 1', 'the legend runs from -1 to 1 for regression', legend.join(' '));
  const reg = await trainUntil(page, 0.002, 20000);
  ok(reg.loss < 0.002, 'the plane is learned: test loss below 0.002', `${reg.loss.toExponential(3)} after ${reg.steps} steps`);
  const act = await page.evaluate(() => window.playground.state.names.acts[0]);
  ok(act === 'identity', 'the library\'s first activation is the identity the regression output uses', act);
  await page.click('.sets button[data-set="bumps"]');
  ok(/data=bumps/.test(page.url()), 'six bumps, the second regression set');

  // back to classes; display switches
  await page.click('.sets button[data-set="xor"]');
  const ends = await page.evaluate(() => ['legend-lo', 'legend-hi'].map((id) => document.getElementById(id).textContent));
  ok(ends.join(' ') === '0 1' && /label 1 blue/.test(await page.textContent('#legend')), 'the legend for classes: 0 to 1, label 1 blue', ends.join(' '));
  await trainUntil(page, 0.3, 10000);
  const smooth = await twoColourShare(page);
  await page.check('#discretize');
  const hard = await twoColourShare(page);
  ok(smooth < 0.3 && hard > 0.75, 'discretize output: the heat map in two colours',
     `two colours cover ${(smooth * 100).toFixed(0)}% of it, then ${(hard * 100).toFixed(0)}%`);
  ok(/discretize=1/.test(page.url()), 'and the URL says so');
  await page.uncheck('#discretize');
  const dark = () => page.evaluate(() => {
    const cv = document.getElementById('heatmap'), d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < 60) n++;
    return n;
  });
  const withTest = await dark();
  await page.uncheck('#show-test');
  const withoutTest = await dark();
  ok(withTest > 200 && withoutTest < withTest / 10, 'the test points (dark rings) hide and show', `${withTest} dark pixels, then ${withoutTest}`);
  ok(/test=0/.test(page.url()), 'and the URL says so');
  await page.check('#show-test');

  // editing a weight: w1 set to 2.5, read back from the library
  await page.click('#net circle.neuron[data-l="0"][data-j="0"]');
  await page.click('#neighbours button >> nth=0');
  ok(/weight w1 \(i1 → h1\.1\)/.test(await page.textContent('#explain-what')), 'a weight chosen from the neuron\'s buttons',
     await page.textContent('#explain-what'));
  await page.fill('#edit-value', '2.5');
  await page.click('#edit button[type=submit]');
  await page.click('#net circle.neuron[data-l="0"][data-j="0"]');
  const w1 = (await page.textContent('#explain-focus')).match(/^ *w1 \* i1 = (\S+) \*/m)?.[1];
  ok(w1 === '2.5', 'the edited weight is the library\'s: explain multiplies by 2.5', w1);
  await page.click('#neighbours button >> nth=0');
  await page.fill('#edit-value', 'abc');
  await page.click('#edit button[type=submit]');
  ok(/Not set: 'abc' is not a number/.test(await page.textContent('#status')), 'a value that is not a number is refused, and said so',
     await page.textContent('#status'));

  // regularization: L2 and L1 shrink the weights against the same run
  // without; the penalty shown is l2/2 sum w^2 (l1 sum |w|) of the weights
  const run = (hash) => page.evaluate((h) => {
    window.playground.restore(h);
    window.playground.train(1500);
    const w = window.playground.weights();
    return { sq: w.reduce((a, v) => a + v * v, 0), abs: w.reduce((a, v) => a + Math.abs(v), 0),
             loss: window.playground.losses().test };
  }, hash);
  const base = '#data=circle&features=x1,x2,x1sq,x2sq&layers=6&lr=0.3&seed=5';
  const none = await run(base), l2 = await run(`${base}&reg=l2&rate=0.01`);
  await page.check('#precise');
  const shownL2 = Number(await page.textContent('#penalty'));
  const l1 = await run(`${base}&reg=l1&rate=0.003`);
  const shownL1 = Number(await page.textContent('#penalty'));
  await page.uncheck('#precise');
  ok(l2.sq < 0.8 * none.sq && l1.abs < 0.8 * none.abs,
     'L2 and L1 regularization shrink the weights', `sum w^2 ${none.sq.toFixed(2)} -> ${l2.sq.toFixed(2)} (L2 0.01); ` +
     `sum |w| ${none.abs.toFixed(2)} -> ${l1.abs.toFixed(2)} (L1 0.003)`);
  ok(Math.abs(shownL2 - 0.005 * l2.sq) <= 1e-12 * l2.sq && Math.abs(shownL1 - 0.003 * l1.abs) <= 1e-12 * l1.abs,
     'the penalty shown is the library\'s l2/2 sum w^2 and l1 sum |w|', `${shownL2} and ${shownL1}`);
  ok(l2.loss < 0.2 && l1.loss < 0.2, 'and the circle is still learned', `test loss ${l2.loss.toFixed(4)}, ${l1.loss.toFixed(4)}`);
  ok(/Training adds 0\.003 \* sign\(w\) \(L1\)/.test(await page.textContent('#explain-focus')),
     'explain says the update it shows leaves the L1 term out', (await page.textContent('#explain-focus')).split('\n')[0]);
  const before = Number(await page.textContent('#steps'));
  await page.selectOption('#rate', '0.03');
  await page.click('#step');
  ok(Number(await page.textContent('#steps')) === before + 1 && /rate=0\.03/.test(page.url()),
     'a new rate applies to the running network, no restart', `step ${before} -> ${await page.textContent('#steps')}`);
  await page.selectOption('#reg', 'none');
  ok(await page.isHidden('#penalty-box'), 'without regularization no penalty is shown');

  // every activation with every optimizer of the menus trains, or stops
  // with the banner, and never throws
  const combos = await page.evaluate(async () => {
    const out = [];
    const pick = (id, v) => { const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('change')); };
    const acts = [...document.querySelectorAll('#act option')].map((o) => o.value);
    const optims = [...document.querySelectorAll('#optim option')].map((o) => o.value);
    for (const a of acts)
      for (const o of optims) {
        pick('act', a);
        pick('optim', o);
        window.playground.train(100);
        const l = window.playground.losses().train;
        const banner = !document.getElementById('banner').hidden;
        if (!(Number.isFinite(l) || banner)) out.push(`${a}/${o}: loss ${l} and no banner`);
      }
    return { bad: out, n: acts.length * optims.length };
  });
  ok(combos.bad.length === 0, `each of the ${combos.n} activation and optimizer pairs trains (or says why not)`, combos.bad.join('; '));

  ok(errors.length === 0, 'no errors in the page', errors.join('; '));
  await page.close();
}
