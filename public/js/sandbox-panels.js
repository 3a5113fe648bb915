// The toolbar's panels: import a definitions file, export (definitions and
// amqplib code), share as a link, save as a scenario. Each talks to the
// server (sandbox-api.js) and shows the answer, or its refusal, as text.
import { el } from './lib/dom.js';
import { download, exportState, importFile, makeLink, saveScenario } from './sandbox-api.js';
import { errorText } from './sandbox-refusals.js';

export class Panels {
  /** `sandbox`: { state(), selected(), replace(state), t } from the controller. */
  constructor(root, sandbox) {
    Object.assign(this, { root, sandbox, t: sandbox.t });
    this.$ = (selector) => root.querySelector(selector);
    this.exported = null;
  }

  toggle(name, open) {
    for (const panel of this.root.querySelectorAll('[data-panel]')) {
      const show = panel.dataset.panel === name && (open ?? panel.hidden);
      panel.hidden = !show;
    }
  }

  message(selector, text) {
    const box = this.$(selector);
    box.hidden = !text;
    box.textContent = text ?? '';
  }

  // --- import ---------------------------------------------------------------

  async readChosenFile(input) {
    const file = input.files?.[0];
    if (file) this.$('[name="definitions"]').value = await file.text();
    this.$('[data-vhost-choice]').hidden = true;
  }

  async import() {
    const text = this.$('[name="definitions"]').value;
    const choice = this.$('[data-vhost-choice]');
    this.message('[data-import-error]', null);
    this.$('[data-import-notices]').replaceChildren();
    if (text.trim() === '') return this.message('[data-import-error]', this.t('import.empty'));
    try {
      const result = await importFile(text, choice.hidden ? undefined : this.$('[name="vhost"]').value);
      if (result.topology === null) {
        this.$('[name="vhost"]').replaceChildren(
          ...result.vhosts.map((v) => el('option', { value: v.name }, this.t('import.vhostOption', v))),
        );
        choice.hidden = false;
        this.showNotices([this.t('import.chooseVhost'), ...result.notices.map((n) => this.noticeText(n))]);
        return;
      }
      choice.hidden = true;
      const { exchanges, queues, bindings } = result.topology;
      this.sandbox.replace({ topology: result.topology, messages: [] });
      this.showNotices([
        this.t('import.done', { exchanges: exchanges.length, queues: queues.length, bindings: bindings.length }),
        ...result.notices.map((n) => this.noticeText(n)),
      ]);
    } catch (err) {
      this.message('[data-import-error]', this.t('import.refused', { message: errorText(err, this.t) }));
    }
  }

  noticeText(notice) {
    const items = notice.items.map((i) => (i === '' ? '""' : i)).join(', ');
    const text = this.t(`notice.${notice.kind}`, { items, limits: items });
    return text.startsWith('notice.') ? notice.message : text;
  }

  showNotices(lines) {
    this.$('[data-import-notices]').replaceChildren(...lines.map((line) => el('li', { 'data-notice': '' }, line)));
  }

  // --- export ---------------------------------------------------------------

  async export() {
    this.toggle('export', true);
    this.message('[data-export-error]', null);
    const vhost = this.$('[name="export-no-vhost"]').checked ? null : this.$('[name="export-vhost"]').value || '/';
    try {
      this.exported = await exportState(this.sandbox.state(), vhost);
      this.$('[data-export-definitions]').textContent = JSON.stringify(this.exported.definitions, null, 2);
      this.$('[data-export-code]').textContent = this.exported.code;
    } catch (err) {
      this.exported = null;
      this.message('[data-export-error]', this.t('export.failed', { message: errorText(err, this.t) }));
    }
  }

  download(what) {
    if (!this.exported) return;
    if (what === 'definitions') download(this.exported.definitions_filename, `${JSON.stringify(this.exported.definitions, null, 2)}\n`);
    else download(this.exported.code_filename, this.exported.code, 'text/javascript');
  }

  // --- share ----------------------------------------------------------------

  async share() {
    this.toggle('share', true);
    const status = this.$('[data-share-status]');
    try {
      const selected = this.sandbox.selected();
      const { link } = await makeLink({ ...this.sandbox.state(), ...(selected !== null && { selected }) });
      const url = new URL(location.href);
      url.hash = `s=${link}`;
      this.$('[data-share-url]').value = url.toString();
      // The address bar shows the link too: reloading or bookmarking keeps this sandbox.
      history.replaceState(null, '', url.toString());
      status.textContent = this.t('share.hint');
      status.dataset.state = 'ready';
    } catch (err) {
      this.$('[data-share-url]').value = '';
      status.textContent = this.t('share.failed', { message: errorText(err, this.t) });
      status.dataset.state = 'error';
    }
  }

  async copyLink() {
    const input = this.$('[data-share-url]');
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      this.$('[data-share-status]').textContent = this.t('share.copied');
    } catch {
      // No clipboard permission: the link is selected, Ctrl+C copies it.
    }
  }

  // --- save as scenario --------------------------------------------------------

  async saveScenario() {
    this.message('[data-scenario-error]', null);
    const title = this.$('[name="scenario-title"]').value.trim();
    if (!title) return this.message('[data-scenario-error]', this.t('scenario.needTitle'));
    const id = this.$('[name="scenario-id"]').value.trim();
    const description = this.$('[name="scenario-description"]').value.trim();
    try {
      const saved = await saveScenario(this.sandbox.state(), { title, ...(id && { id }), ...(description && { description }) });
      const text = `${JSON.stringify(saved.scenario, null, 2)}\n`;
      download(saved.filename, text);
      const out = this.$('[data-scenario-output]');
      out.hidden = false;
      out.textContent = text;
      this.$('[data-scenario-status]').textContent = [
        this.t('scenario.saved', { filename: saved.filename }),
        saved.replaces_existing ? this.t('scenario.replaces', { filename: saved.filename }) : '',
      ].join(' ');
    } catch (err) {
      this.message('[data-scenario-error]', this.t('scenario.failed', { message: errorText(err, this.t) }));
    }
  }
}
