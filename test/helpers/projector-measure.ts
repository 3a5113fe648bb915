// What a class sees on a projector, measured in the page: the boxes of the
// diagram, the Next control, the message card, the why's verdict and the first binding's reason; the
// smallest diagram text in CSS px; the contrast of diagram text (4.5:1) and
// lines (3:1) against what they are drawn on. Shared by the scenario pages'
// and /live's layout tests.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/**
 * The screens a class looks at: 1024×768 and 1280×720 projectors, a
 * 1920×1080 screen, and 1280×720 at 150 % zoom (853×480 CSS px). The
 * smallest diagram text asked of each: 14 px where the issue asks it.
 */
export const PROJECTOR_SIZES = [
  { width: 1024, height: 768, minFont: 10 },
  { width: 1280, height: 720, minFont: 14 },
  { width: 1920, height: 1080, minFont: 14 },
  { width: 853, height: 480, minFont: 7 },
];

// A string, not a function: tsx would wrap named helpers in __name(), which the page does not have.
export const MEASURE = `(() => {
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
    diagram: box('[data-diagram-box]') || box('[data-diagram]'), next: box('[data-action="next"]'), card: box('[data-message-card]') || box('.message-card'),
    // Routing scenarios open the why with a verdict; consumer scenarios with what happened.
    verdict: box('.why-result') || box('.why li'), why: box('.why'),
    // The first binding's reason: its sentence (topic, headers) or its paragraph (direct, fanout).
    reason: box('[data-why-binding] .why-reason') || box('[data-why-binding] > p'),
    vw: innerWidth, vh: innerHeight,
    hscroll: document.documentElement.scrollWidth > innerWidth + 1,
  };
})()`;

export interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}
export interface Measure {
  minFont: number;
  minText: string;
  lowText: string[];
  lowLines: string[];
  diagram: Box | null;
  next: Box | null;
  card: Box | null;
  verdict: Box | null;
  why: Box | null;
  reason: Box | null;
  vw: number;
  vh: number;
  hscroll: boolean;
}

/** The diagram, the Next control, the message card, the why's verdict and its first binding's reason on screen together, no sideways scroll, readable text and lines. */
export async function expectOnOneScreen(page: Page, where: string, minFont: number): Promise<Measure> {
  const m = await page.evaluate<Measure>(MEASURE);
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
  inside(m.verdict, "the why's verdict");
  assert.ok(m.verdict.bottom <= m.why.bottom + 1, `${where}: the verdict is not scrolled out of the why: ${JSON.stringify(m.verdict)}`);
  if (m.reason) {
    inside(m.reason, "the first binding's reason");
    assert.ok(
      m.reason.bottom <= m.why.bottom + 1,
      `${where}: the first reason is not scrolled out of the why: ${JSON.stringify(m.reason)}`,
    );
  }
  assert.equal(m.hscroll, false, `${where}: no horizontal scroll`);
  assert.ok(m.minFont >= minFont, `${where}: smallest diagram text "${m.minText}" is ${m.minFont.toFixed(1)} px`);
  assert.deepEqual(m.lowText, [], `${where}: diagram text under 4.5:1`);
  assert.deepEqual(m.lowLines, [], `${where}: diagram lines under 3:1`);
  return m;
}

/** One element wholly inside the viewport. */
export async function expectInView(page: Page, selector: string, what: string): Promise<void> {
  const b = await page.locator(selector).first().boundingBox();
  const vw = page.viewportSize()!;
  assert.ok(b, `${what} is shown`);
  assert.ok(
    b.y >= -1 && b.y + b.height <= vw.height + 1 && b.x >= -1 && b.x + b.width <= vw.width + 1,
    `${what} on screen: ${JSON.stringify(b)}`,
  );
}
