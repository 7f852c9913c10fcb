// Divergence (learning rate 3, identity, batch 1): a visible banner, the
// losses and accuracy marked invalid, one clean message in the explain
// pane, and all of it cleared by Reset; a small network's overflow shown
// where it arises.
import { ok, openPage, inView } from './harness.mjs';

export async function divergence({ browser, url }) {
  const { page, errors } = await openPage(browser, url);
  await page.selectOption('#act', 'identity');
  await page.selectOption('#lr', '3');
  await page.selectOption('#batch', '1');
  await page.click('#net circle.neuron[data-l="0"][data-j="0"]');
  ok(await page.isHidden('#banner'), 'no banner before training');
  await page.click('#run');
  await page.waitForSelector('#banner', { state: 'visible', timeout: 120000 });
  const banner = await page.textContent('#banner-text');
  ok(/^Training diverged at step \d+: .*NaN or Inf/.test(banner), 'the banner says training diverged, and why', banner);
  ok(await inView(page, '#banner'), 'the banner is in view (not below the fold)');
  ok(await page.getAttribute('#banner', 'role') === 'alert', 'the banner is an alert for screen readers');
  ok((await page.textContent('#run')) === 'Run', 'training stopped');
  const boxes = await page.evaluate(() => ['train-loss', 'test-loss', 'test-acc'].map((id) => {
    const e = document.getElementById(id);
    return [e.textContent, e.classList.contains('invalid'), e.getAttribute('aria-invalid')];
  }));
  ok(boxes.every(([, cls, aria]) => cls && aria === 'true') && boxes[2][0] !== '-' && !/%/.test(boxes[2][0]),
     'the losses and the accuracy are marked invalid', JSON.stringify(boxes));
  const focus = await page.textContent('#explain-focus');
  ok(!/explain: explain:/.test(focus) && focus.length < 200, 'the explain pane has one message, not "explain: explain: ..."', focus);
  const steps = await page.textContent('#steps');
  await page.click('#step');
  ok((await page.textContent('#steps')) === steps, 'Step does nothing on a diverged network');
  await page.click('#banner-reset');
  ok(await page.isHidden('#banner'), 'Reset clears the banner');
  const after = await page.evaluate(() => ['train-loss', 'test-loss', 'test-acc'].map((id) => {
    const e = document.getElementById(id);
    return [e.textContent, e.classList.contains('invalid')];
  }));
  ok(after.every(([t, cls]) => !cls && /\d/.test(t)), 'and the losses are numbers again', JSON.stringify(after));
  ok(!/NaN or Inf/.test(await page.textContent('#explain-focus')), 'and the explain pane explains again');
  ok(/seed=2/.test(page.url()), 'Reset drew new weights (seed 2 in the URL)', page.url().split('#')[1]);
  // a network small enough for the full walk (2-2-1, identity hidden
  // units) whose forward phase overflows: w1 and w5 edited to 1e200 make
  // net_o1 Inf, which the walk shows as it is, and a step is refused
  await page.evaluate(() => window.playground.setHidden([2]));
  for (const nth of [0, 2]) {
    await page.click('#net circle.neuron[data-l="0"][data-j="0"]');
    await page.click(`#neighbours button >> nth=${nth}`);
    await page.fill('#edit-value', '1e200');
    await page.click('#edit button[type=submit]');
  }
  await page.click('#step');
  const small = await page.textContent('#explain-focus');
  ok(/^net_o1 = w5 \* out_h1 .* = inf$/m.test(small) && /weight w5/.test(await page.textContent('#explain-what')) &&
     await page.isHidden('#explain-summary') && /NaN/.test(await page.textContent('#banner-text')),
     'a small network overflowing: the walk shows Inf where it arises, and the step is refused', small.split('\n')[0]);
  ok(errors.length === 0, 'no page error on divergence', errors.join('; '));
  await page.close();
}
