// Driving the /chat page in a browser tab, by its data-* hooks only.
import type { BrowserContext, Page } from 'playwright-core';
import { eventually } from './fixture.js';

export interface ChatTab {
  page: Page;
  errors: string[];
  dialogs: string[];
}

/** Opens /chat in a new tab of `context`, recording page errors and any dialog (alert would mean executed markup). */
export async function openChat(context: BrowserContext, baseUrl: string, lang = 'en'): Promise<ChatTab> {
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // A WebSocket refused while the server restarts is expected noise, not a page bug.
    if (msg.type() === 'error' && !/WebSocket|Failed to load resource/.test(msg.text())) errors.push(`console: ${msg.text()}`);
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${baseUrl}/chat?lang=${lang}`);
  return { page, errors, dialogs };
}

export async function joinAs(tab: ChatTab, name: string, options: { room?: string; inbox?: string } = {}): Promise<void> {
  const { page } = tab;
  await page.bringToFront();
  await page.fill('[name=name]', name);
  if (options.room) await page.fill('[name=room]', options.room);
  if (options.inbox) {
    await page.click('.chat-inbox summary');
    await page.fill('[name=inbox]', options.inbox);
  }
  await page.click('[data-action=join]');
  await page.waitForSelector('[data-chat-status][data-state=online]', { timeout: 15_000 });
}

export async function sendMessage(tab: ChatTab, text: string, to?: { kind: 'person' | 'queue'; name: string }): Promise<void> {
  const { page } = tab;
  await page.bringToFront();
  await page.selectOption('[name=to-kind]', to?.kind ?? 'room');
  if (to) await page.fill('[name=to]', to.name);
  await page.fill('[name=message]', text);
  await page.click('[data-action=send]');
}

/** The text of every line of the log ("YOU -- hello", "Mehdi is online", …), paths excluded. */
export function logLines(tab: ChatTab): Promise<string[]> {
  return tab.page.$$eval('[data-chat-log] > li .chat-line', (els) => els.map((el) => el.textContent ?? ''));
}

export async function waitForLine(tab: ChatTab, line: string, timeoutMs = 15_000): Promise<void> {
  await eventually(`"${line}" in the log`, async () => (await logLines(tab)).includes(line), timeoutMs);
}

export function countLine(lines: string[], line: string): number {
  return lines.filter((l) => l === line).length;
}
