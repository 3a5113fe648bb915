// The sandbox diagram's viewport: a large topology is drawn at a readable
// size inside a scrolling box, with zoom (buttons, Ctrl + wheel), pan (drag
// the background) and a search by name that highlights the matching boxes
// and brings them into view. Geometry stays in lib/layered-layout.js; this
// only sets the SVG's size, the box's scroll and data-found hooks.

/** Below this, 20px text would be smaller than 10px: the diagram scrolls instead of shrinking further on its own. */
const MIN_AUTO_ZOOM = 0.5;
/** How far a filled drawing grows on its own (a few boxes on a 1920 projector), and shrinks (a 150 % zoom shows it whole). */
const FILL_MAX = 1.6;
const FILL_MIN = 0.35;
const ZOOMS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 0.9, 1, 1.25, 1.5, 2];

export class DiagramView {
  /**
   * fill: the drawing is fitted whole into its box (width and height), growing
   * up to FILL_MAX on a big screen, and again when the box changes size (a
   * projector's presentation mode) until the user zooms by hand — /live's way.
   * Without it (the sandbox), it fits the width and never grows past 100 %.
   * room: with fill, the most height the box may take (a function, px); the
   * box is then as tall as the fitted drawing, up to that, and gives the rest
   * of the screen back to what is under it (/live's message card and why).
   */
  constructor(root, t, { fill = false, room = null } = {}) {
    Object.assign(this, { root, t, fill, room });
    this.zoomedByHand = false;
    this.box = root.querySelector('[data-diagram-box]');
    this.svg = root.querySelector('[data-diagram]');
    this.zoomLabel = root.querySelector('[data-zoom-level]');
    this.search = root.querySelector('[name="diagram-search"]');
    this.status = root.querySelector('[data-search-status]');
    this.lay = null;
    this.zoom = 1;
    this.found = [];
    this.foundAt = -1;
    root.querySelector('[data-diagram-tools]').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-zoom]');
      if (!button) return;
      this.zoomedByHand = button.dataset.zoom !== 'fit';
      this.zoomBy(button.dataset.zoom);
    });
    this.search.addEventListener('input', () => this.find(this.search.value, { reveal: false }));
    this.search.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      this.next();
    });
    this.box.addEventListener(
      'wheel',
      (event) => {
        if (!event.ctrlKey) return; // a plain wheel scrolls, as everywhere
        event.preventDefault();
        this.zoomedByHand = true;
        this.setZoom(this.zoom * (event.deltaY < 0 ? 1.15 : 1 / 1.15), { x: event.clientX, y: event.clientY });
      },
      { passive: false },
    );
    this.enablePan();
    if (fill)
      new ResizeObserver(() => {
        if (this.lay && !this.zoomedByHand) this.setZoom(this.autoZoom());
        else this.sizeBox();
      }).observe(room ? root : this.box);
  }

  /** The height the drawing may fill: the room given, else the box's own. */
  roomHeight() {
    return (this.room ? this.room() : this.box.clientHeight) - 16;
  }

  /** The zoom a new drawing starts at. */
  autoZoom() {
    if (this.fill) return Math.max(FILL_MIN, Math.min(this.fitZoom(), this.roomHeight() / this.lay.height, FILL_MAX));
    return Math.min(1, Math.max(MIN_AUTO_ZOOM, this.fitZoom()));
  }

  /** With room: the box as tall as the drawing (when fitted), or all the room (zoomed by hand, it scrolls). */
  sizeBox() {
    if (!this.room || !this.lay) return;
    const room = this.roomHeight() + 16;
    const drawn = this.zoomedByHand ? room : Math.ceil(this.lay.height * this.zoom) + 16;
    this.box.style.height = `${Math.max(0, Math.min(room, drawn))}px`;
  }

  /** A new drawing: fit its width when that keeps text readable, else start readable and scroll. */
  laidOut(lay) {
    this.lay = lay;
    this.setZoom(this.autoZoom());
    this.find(this.search.value, { reveal: false });
  }

  fitZoom() {
    const width = this.box.clientWidth - 16;
    return width > 0 ? width / this.lay.width : 1;
  }

  zoomBy(how) {
    if (how === 'fit') return this.setZoom(Math.min(this.fitZoom(), this.roomHeight() / this.lay.height, 1));
    if (how === 'reset') return this.setZoom(1);
    const i = ZOOMS.findIndex((z) => z >= this.zoom - 1e-6);
    const next =
      how === 'in'
        ? (ZOOMS.find((z) => z > this.zoom + 1e-6) ?? ZOOMS.at(-1))
        : ([...ZOOMS].reverse().find((z) => z < this.zoom - 1e-6) ?? ZOOMS[0]);
    this.setZoom(i === -1 && how === 'in' ? ZOOMS.at(-1) : next);
  }

  /** Zooms around `at` (a point on screen), or the box's middle. */
  setZoom(zoom, at = null) {
    if (!this.lay) return;
    const z = Math.min(ZOOMS.at(-1), Math.max(ZOOMS[0], zoom));
    const rect = this.box.getBoundingClientRect();
    const px = at ? at.x - rect.left : this.box.clientWidth / 2;
    const py = at ? at.y - rect.top : this.box.clientHeight / 2;
    const cx = (this.box.scrollLeft + px) / this.zoom;
    const cy = (this.box.scrollTop + py) / this.zoom;
    this.zoom = z;
    this.svg.setAttribute('width', String(Math.ceil(this.lay.width * z)));
    this.svg.setAttribute('height', String(Math.ceil(this.lay.height * z)));
    this.box.scrollLeft = cx * z - px;
    this.box.scrollTop = cy * z - py;
    this.sizeBox();
    this.svg.dataset.zoom = String(Math.round(z * 100) / 100);
    this.zoomLabel.textContent = `${Math.round(z * 100)} %`;
  }

  enablePan() {
    let drag = null;
    this.box.addEventListener('pointerdown', (event) => {
      // Boxes stay clickable (predict mode, tests); the background pans.
      if (event.button !== 0 || event.target.closest('[data-node], .edge-label')) return;
      drag = { x: event.clientX, y: event.clientY, left: this.box.scrollLeft, top: this.box.scrollTop };
      this.box.setPointerCapture(event.pointerId);
      this.box.dataset.panning = 'true';
    });
    this.box.addEventListener('pointermove', (event) => {
      if (!drag) return;
      this.box.scrollLeft = drag.left - (event.clientX - drag.x);
      this.box.scrollTop = drag.top - (event.clientY - drag.y);
    });
    const end = () => {
      drag = null;
      delete this.box.dataset.panning;
    };
    this.box.addEventListener('pointerup', end);
    this.box.addEventListener('pointercancel', end);
  }

  /** Highlights the exchanges and queues whose name contains `query` (any case). */
  find(query, { reveal = true } = {}) {
    const q = query.trim().toLowerCase();
    for (const g of this.svg.querySelectorAll('[data-found]')) g.removeAttribute('data-found');
    this.found = [];
    this.foundAt = -1;
    if (!q || !this.lay) {
      this.status.textContent = '';
      return;
    }
    this.found = this.lay.nodes.filter((n) => (n.kind === 'exchange' || n.kind === 'queue') && n.name.toLowerCase().includes(q));
    for (const n of this.found) this.svg.querySelector(`[data-node="${CSS.escape(n.id)}"]`)?.setAttribute('data-found', 'true');
    this.status.textContent = this.found.length
      ? this.t('search.found', { count: this.found.length })
      : this.t('search.none', { query: query.trim() });
    if (reveal && this.found.length) this.next();
  }

  /** Brings the next match into the middle of the box (Enter again: the one after). */
  next() {
    if (this.found.length === 0) return this.find(this.search.value, { reveal: true });
    this.foundAt = (this.foundAt + 1) % this.found.length;
    const n = this.found[this.foundAt];
    for (const g of this.svg.querySelectorAll('[data-current-match]')) g.removeAttribute('data-current-match');
    this.svg.querySelector(`[data-node="${CSS.escape(n.id)}"]`)?.setAttribute('data-current-match', 'true');
    this.box.scrollLeft = n.x * this.zoom - this.box.clientWidth / 2;
    this.box.scrollTop = n.y * this.zoom - this.box.clientHeight / 2;
    this.status.textContent = this.t('search.showing', {
      n: this.foundAt + 1,
      count: this.found.length,
      name: n.name === '' ? '""' : n.name,
    });
  }
}
