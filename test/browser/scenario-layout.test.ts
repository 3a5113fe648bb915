// The scenario page as a class sees it on a projector: at the usual projector
// and laptop sizes (and 1280×720 at 150 % zoom) the diagram, the step
// controls, the message and the verdict are all on the screen without
// scrolling; the diagram's text is big enough to read from the back at
// 1280×720; text and lines in the diagram keep WCAG contrast (4.5:1 for text,
// 3:1 for lines). French, the longer language, on the embedded broker.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { loadScenarios } from '../../src/scenarios/load-scenarios.js';
import { pageErrors, requireBrowser, startApp, type RunningApp } from '../helpers/browser.js';

const SIZES = [
  { width: 1024, height: 768, minFont: 10 },
  { width: 1280, height: 720, minFont: 14 },
  { width: 1920, height: 1080, minFont: 14 },
  // 1280×720 at 150 % zoom: what a teacher gets with Ctrl + on a small projector.
  { width: 853, height: 480, minFont: 7 },
];

// A string, not a function: tsx would wrap named helpers in __name(), which the page does not have.
const MEASURE = `(() => {
  const svg = document.querySelector('[data-diagram]');
  const scale = svg.getScreenCTM().a;
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const boxBg = getComputedStyle(svg.closest('.diagram-box') || svg).backgroundColor;
  // The shape a text sits on: the first rect or circle in its group, else the diagram box.
  const behind = (el) => {
    for (let g = el.parentElement; g && g !== svg; g = g.parentElement) {
      const shape = g.querySelector(':scope > rect, :scope > circle');
      if (shape) { const f = getComputedStyle(shape).fill; if (f && f !== 'none' && !f.startsWith('url')) return f; }
    }
    return boxBg;
  };
  let minFont = 1e9, minText = '';
  const lowText = [];
  for (const t of svg.querySelectorAll('text')) {
    if (!t.textContent.trim() || t.getBBox().width === 0) continue;
    const style = getComputedStyle(t);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const px = parseFloat(style.fontSize) * scale;
    if (px < minFont) { minFont = px; minText = t.textContent; }
    const r = ratio(style.fill, behind(t));
    if (r < 4.5) lowText.push(t.textContent.trim() + ' ' + r.toFixed(2));
  }
  const lowLines = [];
  for (const l of svg.querySelectorAll('.edge-line')) {
    const r = ratio(getComputedStyle(l).stroke, boxBg);
    if (r < 3) lowLines.push(r.toFixed(2));
  }
  const box = (sel) => { const e = document.querySelector(sel); if (!e) return null; const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; };
  return {
    minFont, minText, lowText, lowLines,
    diagram: box('[data-diagram]'), next: box('[data-action="next"]'), card: box('[data-message-card]') || box('.message-card'),
    // Routing scenarios open the why with a verdict; consumer scenarios with what happened.
    verdict: box('.why-result') || box('.why li'), why: box('.why'),
    vw: innerWidth, vh: innerHeight,
    hscroll: document.documentElement.scrollWidth > innerWidth + 1,
  };
})()`;

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}
interface Measure {
  minFont: number;
  minText: string;
  lowText: string[];
  lowLines: string[];
  diagram: Box | null;
  next: Box | null;
  card: Box | null;
  verdict: Box | null;
  why: Box | null;
  vw: number;
  vh: number;
  hscroll: boolean;
}

describe('scenario pages on a projector (layout, text size, contrast)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let app: RunningApp;

  before(async function () {
    browser = await requireBrowser(this);
    app = await startApp({ broker: new EmbeddedBroker() });
  });
  after(async () => {
    await app?.close();
  });

  for (const size of SIZES) {
    it(`at ${size.width}×${size.height}: diagram, controls, message and verdict on screen; text ≥ ${size.minFont} px; contrast`, async () => {
      const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, reducedMotion: 'reduce' });
      const page = await context.newPage();
      const errors = pageErrors(page);
      try {
        for (const s of loadScenarios()) {
          await page.goto(`${app.url}/scenarios/${s.id}?lang=fr&step=2`);
          await page.waitForSelector('[data-scenario-page][data-ready="true"]');
          const m = await page.evaluate<Measure>(MEASURE);
          const where = `${s.id} at ${size.width}×${size.height}`;
          const inside = (b: Box | null, what: string) => {
            assert.ok(b, `${where}: ${what} is on the page`);
            assert.ok(
              b.top >= -1 && b.bottom <= m.vh + 1 && b.left >= -1 && b.right <= m.vw + 1,
              `${where}: ${what} on screen: ${JSON.stringify(b)}`,
            );
          };
          inside(m.diagram, 'the diagram');
          inside(m.next, 'the Next button');
          inside(m.card, 'the message card');
          assert.ok(m.verdict && m.why, `${where}: the why panel's verdict`);
          assert.ok(m.verdict.bottom <= Math.min(m.vh, m.why.bottom) + 1, `${where}: the verdict is visible: ${JSON.stringify(m.verdict)}`);
          assert.equal(m.hscroll, false, `${where}: no horizontal scroll`);
          assert.ok(m.minFont >= size.minFont, `${where}: smallest diagram text "${m.minText}" is ${m.minFont.toFixed(1)} px`);
          assert.deepEqual(m.lowText, [], `${where}: diagram text under 4.5:1`);
          assert.deepEqual(m.lowLines, [], `${where}: diagram lines under 3:1`);
        }
        assert.deepEqual(errors, [], 'errors in the page');
      } finally {
        await context.close();
      }
    });
  }
});
