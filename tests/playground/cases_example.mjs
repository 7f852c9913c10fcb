// Matt Mazur's worked example (2015): its published numbers, the controls
// showing its settings, the heat map saying which output it shows, the
// 10,000-step figures reached with the "train N steps" control and read
// at full precision, and the export read back by the command line.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ok, openPage, controls, cli } from './harness.mjs';

async function trainN(page, n) {
  const before = Number(await page.textContent('#steps'));
  await page.fill('#train-n-value', String(n));
  await page.click('#train-n-go');
  await page.waitForFunction((want) => Number(document.getElementById('steps').textContent) === want &&
                                       document.getElementById('train-n-go').textContent === 'Train',
                              before + n, { timeout: 120000 });
}

export async function example({ browser, url, bp }) {
  const { page, errors } = await openPage(browser, url);
  const text = await page.textContent('body');
  ok(/Matt Mazur's worked example \(2015\)/.test(text), 'the example is credited to Matt Mazur (2015)');
  await page.click('#mazur');
  await page.waitForFunction(() => document.getElementById('shape').textContent === '2-2-2');
  const c = await controls(page);
  ok(c.act === 'sigmoid' && c.loss === 'sse' && c.optim === 'sgd' && c.lr === '0.5' && c.batch === '1' &&
     c.data === '' && c.features === 'x1,x2',
     'the controls show the example\'s settings', JSON.stringify(c));
  const caption = await page.textContent('#heat-caption');
  ok(/o1, output 1 of 2/.test(caption) && await page.isVisible('#output'),
     'the heat map says it shows o1 of 2 outputs, and offers o2', caption);
  ok(/[#&]example=mazur(&|$)/.test(page.url()), 'the URL says the example is loaded', page.url());

  const all = await page.textContent('#explain');
  ok(all.includes('0.298371109'), 'the 2-2-2 example shows E_total = 0.298371109');
  ok(all.includes('0.082167041'), 'and dE/dw5 = 0.082167041');
  ok(/E_total after 1 update\s+0\.291027774\s+0\.291027924/.test(all),
     'and the error after one update in both orders (0.291027774, 0.291027924)');
  const focus = await page.textContent('#explain-focus');
  ok(/dE\/dw5 = delta_o1 \* out_h1 = 0\.138498562 \* 0\.593269992 = 0\.082167041/.test(focus),
     'the focus shows w5\'s chain rule with the published numbers',
     focus.split('\n').find((s) => s.startsWith('dE/dw5')) || focus);

  // 10,000 steps with the control, in each order; Mazur's figure
  // (0.000035085) comes from the layer-wise order, 0.000035102 from the
  // standard one
  await page.check('#precise');
  for (const [order, want] of [['standard', '0.000035102'], ['layerwise', '0.000035085']]) {
    await page.selectOption('#order', order);
    await page.click('#mazur');
    await page.waitForFunction(() => document.getElementById('steps').textContent === '0');
    await trainN(page, 10000);
    const shownLoss = await page.textContent('#train-loss');
    const e = await page.evaluate(() => window.playground.losses().train);
    ok(Number(shownLoss) === e && e.toFixed(9) === want,
       `2-2-2, ${order} order: E after 10000 steps is ${want}, shown with every digit`, shownLoss);
  }
  await page.uncheck('#precise');
  const short = await page.textContent('#train-loss');
  ok(/^3\.50\de-5$/.test(short), 'without "all digits" a small loss is short, not 0.0000', short);
  await page.selectOption('#order', 'standard');
  await page.click('#mazur');

  // export the network as the text model form, read back by the CLI
  await page.click('#export');
  const model = await page.inputValue('#model-text');
  ok(/^backprop-model 1\ninput 2\nlayer 2 sigmoid\nlayer 2 sigmoid\n/.test(model), 'export writes the text model form', model.split('\n')[0]);
  const dir = mkdtempSync(join(tmpdir(), 'bp-pg-'));
  writeFileSync(join(dir, 'm.model'), model);
  const info = cli(bp, ['info', join(dir, 'm.model')]);
  ok(info.code === 0 && /2 -> 2 sigmoid -> 2 sigmoid/.test(info.out), 'backprop info reads the exported model', info.out.split('\n')[1]);
  rmSync(dir, { recursive: true, force: true });

  // a data set leaves the example, with the settings from before it
  await page.click('.sets button[data-set="circle"]');
  const back = await controls(page);
  ok(back.shape === '2-8-8-1' && back.act === 'tanh' && back.loss === 'bce' && back.data === 'circle',
     'a data set leaves the example with the settings from before it', JSON.stringify(back));
  ok(errors.length === 0, 'no errors in the page', errors.join('; '));
  await page.close();
}
