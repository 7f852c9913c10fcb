// The whole state in the URL: every change rewrites it, and opening it
// (in a new page, or by reloading) restores the same settings, the same
// points and the same weights. Values the page cannot take are named.
import { ok, openPage, controls } from './harness.mjs';

// The settings, the first weights and the losses of a page.
function snapshot(page) {
  return page.evaluate(() => {
    const p = window.playground, s = p.state;
    return { cfg: JSON.stringify(s.cfg), losses: JSON.stringify(p.losses()),
             points: JSON.stringify(s.train.slice(0, 3)) };
  });
}

async function setRange(page, id, v) {
  await page.$eval(`#${id}`, (e, v) => { e.value = v; e.dispatchEvent(new Event('input', { bubbles: true })); }, v);
}

export async function urlState({ browser, url }) {
  const { page, errors } = await openPage(browser, url);
  const start = page.url();
  ok(/#data=xor&points=500&noise=0&split=50&features=x1,x2&layers=8,8&act=tanh&loss=bce&optim=sgd&lr=0.1&reg=none&rate=0&batch=10&seed=1&dataseed=1&order=standard/.test(start),
     'the URL holds the default state', start.split('#')[1]);

  // change every setting
  await page.click('.sets button[data-set="circle"]');
  await setRange(page, 'noise', 10);
  await setRange(page, 'split', 70);
  await page.check('#feat-x1x2');
  await page.click('#del-layer');
  await page.click('#net g.widthbtn[data-l="0"][data-d="-1"]');
  await page.click('#net g.widthbtn[data-l="0"][data-d="-1"]');
  await page.click('#add-layer');
  await page.selectOption('#act', 'relu');
  await page.selectOption('#loss', 'sse');
  await page.selectOption('#optim', 'adam');
  await page.selectOption('#lr', '0.03');
  await page.selectOption('#reg', 'l2');
  await page.selectOption('#rate', '0.01');
  await page.selectOption('#batch', '25');
  await page.selectOption('#order', 'layerwise');
  await page.selectOption('#spf', '10');
  await page.check('#discretize');
  await page.uncheck('#show-test');
  await page.click('#regen');
  await page.click('#reset');
  await page.click('#reset');
  await page.evaluate(() => window.playground.train(50));
  const changed = page.url();
  const want = 'data=circle&points=500&noise=10&split=70&features=x1,x2,x1x2&layers=6,4&act=relu&loss=sse&optim=adam&lr=0.03' +
               '&reg=l2&rate=0.01&batch=25&seed=3&dataseed=2&order=layerwise&spf=10&test=0&discretize=1';
  ok(changed.includes(want), 'each change is in the URL', changed.split('#')[1]);
  const c1 = await controls(page), s1 = await snapshot(page);

  // a new page at that URL: the same settings, points and (untrained) weights
  const { page: p2, errors: e2 } = await openPage(browser, changed);
  const c2 = await controls(p2), s2 = await snapshot(p2);
  ok(JSON.stringify(c2) === JSON.stringify(c1), 'the URL opened in a new page: the same controls', JSON.stringify(c2));
  ok(s2.cfg === s1.cfg && s2.points === s1.points, 'the same settings and the same points', s2.cfg.slice(0, 80));
  await p2.evaluate(() => window.playground.train(50));
  ok((await snapshot(p2)).losses === s1.losses, 'the same weights: 50 steps give the same losses', (await snapshot(p2)).losses);
  ok(p2.url() === changed, 'and the same URL', p2.url().split('#')[1]);
  await p2.reload();
  await p2.waitForSelector('body[data-ready="1"]');
  ok(JSON.stringify(await controls(p2)) === JSON.stringify(c1), 'reloading keeps it all');
  ok(e2.length === 0, 'no errors in the restored page', e2.join('; '));
  await p2.close();

  // the worked example round-trips too
  await page.click('#mazur');
  await page.selectOption('#lr', '0.3');
  const ex = page.url();
  const { page: p3 } = await openPage(browser, ex);
  ok((await p3.textContent('#shape')) === '2-2-2' && (await controls(p3)).lr === '0.3' &&
     (await p3.textContent('#explain')).includes('0.298371109'),
     'the worked example restored from its URL, with its rate', ex.split('#')[1].slice(0, 60));
  await p3.close();

  // values the page cannot take: named, the defaults kept
  const { page: p4 } = await openPage(browser, url + '#data=plane&loss=bce&lr=abc&act=nope&layers=9&bogus=1&batch=25');
  const said = await p4.textContent('#status');
  ok(/^Not taken from the URL: /.test(said) && /lr: 'abc' is not a number/.test(said) && /act: 'nope' is not one of/.test(said) &&
     /layers: 9 is outside 1\.\.8/.test(said) && /bogus: not a setting/.test(said) && /loss: bce needs classes/.test(said),
     'a bad URL: each value not taken is named', said);
  const c4 = await controls(p4);
  ok(c4.data === 'plane' && c4.loss === 'sse' && c4.lr === '0.1' && c4.act === 'tanh' && c4.shape === '2-8-8-1' && c4.batch === '25',
     'and the rest of it is taken', JSON.stringify(c4));
  // a URL edited by hand while the page is open
  await p4.evaluate(() => { location.hash = '#data=gauss&layers=3'; });
  await p4.waitForFunction(() => document.getElementById('shape').textContent === '2-3-1');
  ok((await controls(p4)).data === 'gauss', 'a changed fragment is restored without a reload');
  await p4.close();

  ok(errors.length === 0, 'no errors in the page', errors.join('; '));
  await page.close();
}
