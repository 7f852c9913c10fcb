// The page without a mouse, and for screen readers: Tab to the network,
// arrow keys along neurons and weights, Enter to explain with the pane
// scrolled into view; the heat map's points the same way; the width
// buttons; text alternatives, a live status, contrast and type sizes;
// and no project jargon on the page.
import { ok, openPage, inView } from './harness.mjs';

const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  return { tag: e.tagName, id: e.id, cls: e.getAttribute('class') || '', label: e.getAttribute('aria-label') || '',
           inNet: !!e.closest('#net') };
});

async function tabTo(page, test, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (test(f)) return f;
  }
  return null;
}

// WCAG contrast of every piece of text against the background it sits on.
function contrastFailures(page) {
  return page.evaluate(() => {
    const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const bg = (e) => {
      for (; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const bad = [];
    for (const e of document.querySelectorAll('body *')) {
      if (!e.checkVisibility || !e.checkVisibility()) continue;
      if (![...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      if (e.closest('svg, canvas, option, select')) continue;
      const cs = getComputedStyle(e);
      const a = lum(rgb(cs.color)), b = lum(bg(e));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const size = parseFloat(cs.fontSize);
      if (ratio < 4.5) bad.push(`${e.tagName}#${e.id}.${e.className} ${ratio.toFixed(2)}:1`);
      if (size < 11) bad.push(`${e.tagName}#${e.id}.${e.className} ${size}px`);
    }
    return bad;
  });
}

export async function keyboard({ browser, url }) {
  const { page, errors } = await openPage(browser, url, { viewport: { width: 1240, height: 700 } });

  // Tab reaches the network: one stop, on input i1
  let f = await tabTo(page, (x) => x.inNet && /neuron|weight/.test(x.cls));
  ok(f && /input i1/.test(f.label), 'Tab reaches the network, on input i1', f && f.label);
  const keys = async (...ks) => { for (const k of ks) await page.keyboard.press(k); return focused(page); };
  f = await keys('ArrowRight');
  ok(/weight w1 from i1 to h1\.1/.test(f.label), 'ArrowRight follows the first weight out of i1', f.label);
  f = await keys('ArrowRight', 'ArrowDown');
  ok(/neuron h1\.2, tanh, bias/.test(f.label), 'then to h1.1, and ArrowDown to h1.2', f.label);
  await page.evaluate(() => window.scrollTo(0, 0));
  f = await keys('Enter');
  ok(/neuron h1\.2$/.test(await page.textContent('#explain-what')), 'Enter explains neuron h1.2', await page.textContent('#explain-what'));
  ok(await inView(page, '#explain'), 'and scrolls the explain pane into view');
  ok(f.inNet, 'keeping the focus on the neuron', f.label);
  ok(/Explaining neuron h1\.2/.test(await page.textContent('#status')), 'and the live status says so');
  f = await keys('ArrowLeft');
  ok(/weight w3 from i1 to h1\.2/.test(f.label), 'ArrowLeft goes to h1.2\'s first incoming weight', f.label);
  await keys('Enter');
  ok(/weight w3 \(i1 → h1\.2\)/.test(await page.textContent('#explain-what')) &&
     /dE\/dw3 = delta_h1\.2 \* i1/.test(await page.textContent('#explain-focus')),
     'Enter on a weight explains it', await page.textContent('#explain-what'));
  const stops = await page.$$eval('#net [tabindex="0"]', (es) => es.filter((e) => !e.classList.contains('widthbtn')).length);
  ok(stops === 1, 'the network is one Tab stop (a roving focus)', `${stops}`);

  // the width buttons work from the keyboard
  const minus = await tabTo(page, (x) => /remove a neuron from hidden layer 1/.test(x.label), 10);
  ok(!!minus, 'Tab goes on to the width buttons');
  if (minus) {
    await page.keyboard.press('Enter');
    ok((await page.textContent('#shape')) === '2-7-8-1', 'Enter on "remove a neuron" narrows hidden layer 1', await page.textContent('#shape'));
  }

  // the heat map's points
  await page.focus('#heatmap');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const said = await page.textContent('#status');
  ok(/^train sample 2 at \(.*\), label [01]\. Enter explains it\.$/.test(said), 'arrow keys on the heat map step through the points, and say which', said);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.keyboard.press('Enter');
  ok(/^train sample 2 at/.test(await page.textContent('#explain-what')), 'Enter explains that point', await page.textContent('#explain-what'));
  ok(await inView(page, '#explain'), 'with the explain pane in view');

  // text alternatives and the live region
  const a11y = await page.evaluate(() => ({
    status: [document.getElementById('status').getAttribute('role'), document.getElementById('status').getAttribute('aria-live')],
    heat: document.getElementById('heatmap').getAttribute('aria-label'),
    loss: document.getElementById('losschart').getAttribute('aria-label'),
    net: document.getElementById('net').getAttribute('aria-label'),
    netCanvas: document.getElementById('netcanvas').getAttribute('aria-hidden'),
    unnamed: [...document.querySelectorAll('button, select, input, [role=button]')]
      .filter((e) => e.checkVisibility() && !(e.getAttribute('aria-label') || e.labels?.length || e.textContent.trim()))
      .map((e) => e.id || e.outerHTML.slice(0, 60)),
  }));
  ok(a11y.status[0] === 'status' && a11y.status[1] === 'polite', 'the status line is a live region', a11y.status.join(' '));
  ok(/^Heat map of o1 over the plane/.test(a11y.heat) && /Loss curve/.test(a11y.loss) && /The network, 2-7-8-1/.test(a11y.net) &&
     a11y.netCanvas === 'true', 'every canvas has a text alternative', `${a11y.heat.slice(0, 60)} | ${a11y.loss} | ${a11y.net.slice(0, 40)}`);
  ok(a11y.unnamed.length === 0, 'every control has a name', a11y.unnamed.join(', '));
  const bad = await contrastFailures(page);
  ok(bad.length === 0, 'all text at least 4.5:1 against its background and 11 px or larger', bad.slice(0, 6).join('; '));
  const label = await page.$eval('#net text.label', (t) => parseFloat(getComputedStyle(t).fontSize));
  ok(label >= 11, 'the network\'s labels are 11 px or larger', `${label}px`);

  // no project jargon on the page: its own words, then the library's
  // explain texts it shows (2-7-8-1's summary, the 2-2-2 example's full
  // walk with both orders)
  const summary = await page.textContent('#explain-summary');
  await page.click('#mazur');
  await page.selectOption('#explain-order', '2');
  const own = await page.evaluate(() => {
    const clone = document.body.cloneNode(true);
    for (const id of ['explain-text', 'explain-focus', 'explain-summary']) clone.querySelector(`#${id}`).textContent = '';
    return clone.textContent + ' ' + [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.value)).join(' ');
  });
  const jargon = own.match(/.{0,40}\bseeds\b.{0,40}/i);
  ok(!jargon, 'no "seeds" in the page\'s own words', jargon && jargon[0]);
  const walk = await page.textContent('#explain-text');
  const lib = (walk + summary).match(/.{0,30}\bseeds\b.{0,30}/i);
  ok(/Backpropagation, layer by layer/.test(summary) && /layer-wise order/.test(walk) && !lib,
     'no "seeds" in the library\'s explain texts either', lib ? lib[0].trim() : `${summary.length} + ${walk.length} characters`);
  ok(errors.length === 0, 'no errors in the page', errors.join('; '));
  await page.close();
}
