// A teacher's page and one student's, in one browser context, for the class
// browser tests: the teacher starts a class of one scenario, the student
// joins it by its code with a name.
import type { BrowserContext, Page } from 'playwright-core';
import type { ClassApp } from '../classroom/class-fixture.js';
import { pageErrors } from '../helpers/browser.js';

export interface ClassPages {
  teacher: Page;
  student: Page;
  code: string;
  /** Each page's errors (uncaught, console, CSP), for the tests to assert empty. */
  errors: string[][];
}

export async function openClassPages(context: BrowserContext, app: ClassApp, scenario: string, lang: 'en' | 'fr'): Promise<ClassPages> {
  const teacher = await context.newPage();
  const errors = [pageErrors(teacher)];
  await teacher.goto(`${app.url}/class/new?scenario=${scenario}&lang=${lang}`);
  const code = (await teacher.textContent('[data-class-code]'))!.trim();
  const student = await context.newPage();
  errors.push(pageErrors(student));
  await student.goto(`${app.url}/join?code=${code}&lang=${lang}`);
  await student.fill('[name=name]', 'Zoé');
  await student.click('[data-action=join]');
  await student.waitForSelector('[data-student]:not([hidden])');
  return { teacher, student, code, errors };
}
