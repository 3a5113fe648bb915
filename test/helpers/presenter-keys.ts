// The keys every stepping page shares (public/js/lib/presenter.js), checked
// the way a teacher uses them: with a button focused (the one last clicked),
// since a clicker must keep working after a click.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

export interface SteppingPage {
  /** The step shown now. */
  step(): Promise<number>;
  /** The step Home goes to. */
  first: number;
  /** Buttons to focus, one round each (each must be enabled one step after the first). */
  buttons: string[];
  /** Whether p plays (then [data-action=play] carries data-playing). */
  play?: boolean;
}

export async function expectSteppingKeys(page: Page, where: string, o: SteppingPage): Promise<void> {
  const expectStep = async (want: number, after: string) => {
    // A person's pace: at most a key every 60 ms (the class server refuses over 20 requests a second).
    await page.waitForTimeout(60);
    // The page may ask its server for the step: wait a little for it.
    const deadline = Date.now() + 5000;
    let got = await o.step();
    while (got !== want && Date.now() < deadline) {
      await page.waitForTimeout(50);
      got = await o.step();
    }
    assert.equal(got, want, `${where}: after ${after}`);
  };
  for (const button of o.buttons) {
    const on = `${where}, ${button} focused`;
    await page.locator('body').focus();
    await page.keyboard.press('Home');
    await expectStep(o.first, `Home (${on})`);
    await page.keyboard.press('ArrowRight');
    await expectStep(o.first + 1, `→ (${on})`);
    await page.focus(button);
    assert.ok(await page.evaluate((sel) => document.activeElement === document.querySelector(sel), button), `${on}: it has the focus`);
    const presses: [string, number][] = [
      ['PageDown', 2],
      [' ', 3],
      ['ArrowLeft', 2],
      ['PageUp', 1],
      ['Home', 0],
    ];
    for (const [key, want] of presses) {
      await page.keyboard.press(key);
      await expectStep(o.first + want, `${key === ' ' ? 'space' : key} (${on})`);
    }
    if (o.play) {
      await page.keyboard.press('ArrowRight');
      await page.focus(button);
      await page.keyboard.press('p');
      assert.equal(await page.getAttribute('[data-action="play"]', 'data-playing'), 'true', `${on}: p plays`);
      await page.keyboard.press('p');
      assert.equal(await page.getAttribute('[data-action="play"]', 'data-playing'), 'false', `${on}: p pauses`);
    }
    await page.keyboard.press('?');
    assert.equal(await page.isVisible('[data-key-legend] dl'), true, `${on}: ? opens the key legend`);
    await page.keyboard.press('Escape');
    assert.equal(await page.isVisible('[data-key-legend] dl'), false, `${on}: Esc closes the key legend`);
    await page.keyboard.press('f');
    assert.equal(await page.getAttribute('html', 'data-presentation'), '', `${on}: f presents`);
    assert.equal(await page.isVisible('.topbar'), false, `${on}: presentation hides the site bar`);
    await page.keyboard.press('Escape');
    assert.equal(await page.getAttribute('html', 'data-presentation'), null, `${on}: Esc leaves presentation mode`);
  }
}
