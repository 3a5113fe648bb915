// The keys of every page that steps (a scenario, the class teacher's page, a
// class student looking back, /live), as slide tools and presenter clickers
// send them: → PageDown space next, ← PageUp previous, Home first, p play or
// pause, f presentation mode, ? the key legend, Esc closes what is open.
// They work wherever the focus is — a clicked button keeps the focus, and a
// teacher at the projector must not lose the clicker to it — except in a
// text field, where the keys are the user's own typing. On a focused button,
// space steps like everywhere else and does not also press the button.

/** Fields whose keys belong to them. A checkbox or radio keeps space (that is how it is ticked). */
function ownsKey(target, key) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable || target.closest('textarea, select')) return true;
  if (target.tagName !== 'INPUT') return false;
  if (target.type === 'checkbox' || target.type === 'radio') return key === ' ';
  return !['button', 'submit', 'reset'].includes(target.type);
}

const SPACE = new Set([' ', 'Spacebar']);

/**
 * Wires the keys, the presentation button ([data-action=present]) and the
 * legend ([data-key-legend]) of one page. actions: { next, prev, first, play? }
 * — each called with no argument; a page without play leaves it out.
 */
export function presenterKeys(actions) {
  const root = document.documentElement;
  const presentButton = document.querySelector('[data-action="present"]');
  const legend = document.querySelector('[data-key-legend]');

  const presenting = () => root.hasAttribute('data-presentation');
  function setPresentation(on) {
    root.toggleAttribute('data-presentation', on);
    presentButton?.setAttribute('aria-pressed', String(on));
    // Full screen where the browser allows it (it needs a key press or a click: it has one).
    if (on && !document.fullscreenElement) root.requestFullscreen?.().catch(() => {});
    if (!on && document.fullscreenElement) document.exitFullscreen?.().catch(() => {});
  }
  presentButton?.addEventListener('click', () => setPresentation(!presenting()));
  // Leaving full screen by the browser's own way (Esc, F11) leaves presentation mode too.
  document.addEventListener('fullscreenchange', () => {
    if (!document.fullscreenElement && presenting()) setPresentation(false);
  });

  const bindings = [
    [(k) => k === 'ArrowRight' || k === 'PageDown' || SPACE.has(k), actions.next],
    [(k) => k === 'ArrowLeft' || k === 'PageUp', actions.prev],
    [(k) => k === 'Home', actions.first],
    [(k) => k === 'p' || k === 'P', actions.play],
    [(k) => k === 'f' || k === 'F', () => setPresentation(!presenting())],
    [(k) => k === '?', () => legend && (legend.open = !legend.open)],
  ];

  document.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    // A modal dialog (the class's "how to join") holds the keys until it closes (Esc closes it).
    if (document.querySelector('dialog:modal')) return;
    const key = event.key;
    if (ownsKey(event.target, key)) return;
    if (key === 'Escape') {
      if (legend?.open) legend.open = false;
      else if (presenting()) setPresentation(false);
      return;
    }
    const action = bindings.find(([matches]) => matches(key))?.[1];
    if (!action) return;
    // Stops the page scrolling, and a focused button being pressed by space as well.
    event.preventDefault();
    action();
  });

  return { setPresentation, presenting };
}
