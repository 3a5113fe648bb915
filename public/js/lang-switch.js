// The language link keeps the page as it is now: the server wrote it from the
// URL it served, but the page may have moved on since (a scenario's step, a
// class joined, a vhost picked), so it is rebuilt from the address bar when
// followed. Everything else in the URL (key, code, step, vhost) survives.
const link = document.querySelector('.lang-switch');
link?.addEventListener('click', (event) => {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    link.href = withLang(link.hreflang);
    return; // a new tab or window: the browser follows the refreshed href
  }
  event.preventDefault();
  location.assign(withLang(link.hreflang));
});

function withLang(lang) {
  const url = new URL(location.href);
  url.searchParams.set('lang', lang);
  return url.href;
}
