// Browser tests of the playground: `backprop playground` serves the page,
// Playwright (playwright-core) drives Debian's chromium headless.
//
//   node tests/playground/test_playground.mjs BUILD/backprop PAGE_DIR
//
// Ends with "playground: N passed, N failed, N skipped" like the other suites; exits
// non-zero on any failure. Saves PAGE_DIR/screenshot.png (copied to
// docs/playground.png by `make playground-screenshot`). The cases live in
// cases_*.mjs, one file per part of the page.
import { existsSync } from 'node:fs';
import { ok, skip, verdict, section, startServer, cli, launch } from './harness.mjs';
import { learning } from './cases_learning.mjs';
import { example } from './cases_example.mjs';
import { features } from './cases_features.mjs';
import { divergence } from './cases_divergence.mjs';
import { keyboard } from './cases_keyboard.mjs';
import { urlState } from './cases_url.mjs';
import { phone } from './cases_phone.mjs';
import { settings } from './cases_settings.mjs';
import { summary } from './cases_summary.mjs';

const [bp, pageDir] = process.argv.slice(2);
if (!bp || !pageDir) {
  console.error('usage: test_playground.mjs BACKPROP PAGE_DIR');
  process.exit(2);
}
section('the settings in the URL, without a browser');
settings();
if (!existsSync(process.env.CHROMIUM || '/usr/bin/chromium')) {
  skip('the browser tests: no chromium (apt-get install chromium, or set CHROMIUM)');
  const { passed, failed, skipped } = verdict();
  console.log(`playground: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed ? 1 : 0);
}

section('the server');
{
  const r = cli(bp, ['playground', '--port', 'x']);
  ok(r.code === 2, 'playground --port x is a usage error', r.out.trim());
  const s = cli(bp, ['playground', '--dir', '/nonexistent', '--port', '0']);
  ok(s.code === 1 && /backprop\.wasm: not found/.test(s.out), 'a missing page is named', s.out.trim());
  const h = cli(bp, ['playground', '--host', 'localhost-ish', '--dir', pageDir]);
  ok(h.code === 2, 'a bad --host is a usage error', h.out.trim());
}

const { srv, url } = await startServer(bp, ['--port', '0', '--dir', pageDir]);
ok(true, 'server started', url);
async function get(path, init) {
  const r = await fetch(url + path.replace(/^\//, ''), init);
  return { status: r.status, type: r.headers.get('content-type') || '', body: await r.text() };
}
{
  const i = await get('/');
  ok(i.status === 200 && i.type.startsWith('text/html') && /backprop/.test(i.body), 'GET / serves the page', i.type);
  const w = await fetch(url + 'backprop.wasm');
  ok(w.status === 200 && w.headers.get('content-type') === 'application/wasm', 'the module is application/wasm');
  const m = await get('/settings.js');
  ok(m.status === 200 && /javascript/.test(m.type), 'the page\'s modules are served as JavaScript', m.type);
  const up = await fetch(url.replace(/\/$/, '') + '/%2e%2e/Makefile');
  ok(up.status === 404, 'nothing above the page directory', `status ${up.status}`);
  const dots = await get('/../../etc/passwd');
  ok(dots.status === 404 && !/root:/.test(dots.body), '/../ is refused', `status ${dots.status}`);
  const post = await get('/', { method: 'POST', body: 'x' });
  ok(post.status === 405, 'POST is refused', `status ${post.status}`);
}

const browser = await launch();
const ctx = { browser, url, bp, pageDir };
try {
  for (const [title, run] of [['learning XOR and explaining it', learning],
                              ['Matt Mazur\'s worked example', example],
                              ['features, regression, display switches, editing a weight', features],
                              ['divergence', divergence],
                              ['the summary of a larger network', summary],
                              ['keyboard and accessibility', keyboard],
                              ['the state in the URL', urlState],
                              ['a phone (390 x 844)', phone]]) {
    section(title);
    try {
      await run(ctx);
    } catch (e) {
      ok(false, `${title}: the session ran to its end`, e.stack || String(e));
    }
  }
} finally {
  await browser.close();
  srv.kill();
}

const { passed, failed, skipped } = verdict();
console.log(`playground: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
