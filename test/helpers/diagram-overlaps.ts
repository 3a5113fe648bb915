// Measures a drawn diagram in the page (SVG user units, the same at every
// zoom): which labels overlap another label or a box, and which texts leave
// their box. Shared by the sandbox's large-topology test and the live view's.
import type { Page } from 'playwright-core';

export function diagramOverlaps(page: Page): Promise<{ out: string[]; labels: number; nodes: number }> {
  // A string, not a function: the test runner's compiler adds helpers to functions that the page does not have.
  return page.evaluate(`(${OVERLAPS})()`);
}

const OVERLAPS = `() => {
    const svg = document.querySelector('[data-diagram]');
    const box = (e, what) => {
      const b = e.getBBox();
      const m = e.closest('[data-node]')?.transform.baseVal.consolidate()?.matrix;
      return { x: b.x + (m?.e ?? 0), y: b.y + (m?.f ?? 0), w: b.width, h: b.height, what };
    };
    const labels = [...svg.querySelectorAll('.edge-label > rect')].map((r) => box(r, \`label \${r.nextElementSibling?.textContent}\`));
    const nodes = [...svg.querySelectorAll('[data-node] > rect, [data-node] > circle')].map((r) => box(r, \`node \${r.parentElement?.dataset.node}\`));
    const hit = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    const inside = (a, b) => a.x >= b.x - 0.5 && a.y >= b.y - 0.5 && a.x + a.w <= b.x + b.w + 0.5 && a.y + a.h <= b.y + b.h + 0.5;
    const out = [];
    const all = [...labels, ...nodes].sort((a, b) => a.x - b.x);
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length && all[j].x < all[i].x + all[i].w; j++) {
        if (hit(all[i], all[j])) out.push(\`\${all[i].what} × \${all[j].what}\`);
      }
    }
    // Each text inside its own box: a label's lines in its rect, a node's name in its rect.
    for (const g of svg.querySelectorAll('.edge-label')) {
      const rect = box(g.querySelector('rect'), '');
      for (const t of g.querySelectorAll('text')) if (!inside(box(t, ''), rect)) out.push(\`text "\${t.textContent}" leaves its label\`);
    }
    for (const g of svg.querySelectorAll('[data-queue], [data-exchange]')) {
      const rect = box(g.querySelector(':scope > rect'), '');
      const name = g.querySelector('.node-name');
      if (!inside(box(name, ''), rect)) out.push(\`name "\${name.textContent}" leaves its box\`);
    }
    return { out, labels: labels.length, nodes: nodes.length };
  }`;
