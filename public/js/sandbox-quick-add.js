// The quick-add row: "exchange → binding key → queue" in one line, with the
// names that exist offered as you type (datalists). Whatever does not exist
// yet is declared — the exchange with the type chosen in the row, suggested
// from the key until the user picks one — and the two are bound. Afterwards
// the exchange and the queue stay filled in and the focus goes back to the
// key, so the next binding of the same pair is one key and Enter away.
import * as model from './sandbox-state.js';

export class QuickAdd {
  /** `sandbox`: { t, state(), change(next) } from the controller. */
  constructor(form, sandbox) {
    Object.assign(this, { form, sandbox, t: sandbox.t });
    this.typeTouched = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.add();
    });
    form.addEventListener('input', (event) => {
      if (event.target.name === 'type') this.typeTouched = true;
      this.refresh();
    });
  }

  field(name) {
    return this.form.elements[name];
  }

  /** The type choice shows only for an exchange the sandbox does not have yet. */
  refresh() {
    const name = this.field('exchange').value;
    const known = this.sandbox.state().topology.exchanges.some((x) => x.name === name) || model.PREDECLARED_EXCHANGES.includes(name);
    this.form.querySelector('[data-quick-type]').hidden = known;
    if (!this.typeTouched) this.field('type').value = model.suggestedType(this.field('routing_key').value);
  }

  add() {
    const exchange = this.field('exchange').value;
    const routingKey = this.field('routing_key').value;
    const queue = this.field('queue').value;
    // "" as a source is the default exchange, which cannot be bound (§4); "" as a queue is the shortcut of the full form only.
    if (exchange === '') return this.refuse('quick.needExchange', 'exchange');
    if (queue === '') return this.refuse('quick.needQueue', 'queue');
    const { state, added } = model.quickAdd(this.sandbox.state(), { exchange, type: this.field('type').value, routingKey, queue });
    this.error(null);
    const key = routingKey === '' ? '""' : routingKey;
    const parts = [
      added.exchange ? this.t('quick.addedExchange', { name: exchange, type: this.field('type').value }) : null,
      added.queue ? this.t('quick.addedQueue', { name: queue }) : null,
      added.binding ? this.t('quick.addedBinding', { source: exchange, destination: queue, key }) : null,
    ].filter(Boolean);
    this.form.querySelector('[data-quick-status]').textContent = parts.length
      ? this.t('quick.added', { what: parts.join(', ') })
      : this.t('quick.exists', { source: exchange, destination: queue, key });
    this.sandbox.change(state);
    this.typeTouched = false;
    this.field('routing_key').value = '';
    this.refresh();
    this.field('routing_key').focus();
  }

  refuse(key, fieldName) {
    this.error(this.t(key));
    this.field(fieldName).focus();
  }

  error(text) {
    const box = this.form.querySelector('[data-quick-error]');
    box.hidden = !text;
    box.textContent = text ?? '';
  }
}
