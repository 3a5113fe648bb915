// Classroom mode's pages (the live part is the WebSocket of class-live.ts):
//   GET  /class/new                 the teacher picks scenarios and challenges
//   GET  /class/new?scenario=<id>   starts a class on that scenario at once
//   POST /class/new                 starts a class on what was picked
//   GET  /class/:code/teach         the teacher's (projector) page; the teacher key
//                                   comes from ?key= or the cookie set at the start
//   GET  /class/:code/qr.svg        the join link as a QR code (drawn here, no CDN)
//   GET  /class/:code/results.csv   the results (teacher key required)
//   GET  /api/class/:code/items     what the student page draws, in its language
//   GET  /join[?code=]              the student's page: type the code and a name
import { studentOrigins } from '../student-origin.js';
import type { Request, RequestHandler, Response } from 'express';
import QRCode from 'qrcode';
import { normalizeCode } from '../../classroom/class-codes.js';
import type { ClassHub } from '../../classroom/class-hub.js';
import { CLASS_LIMITS } from '../../classroom/limits.js';
import { wordsWithPrefix, type Lang, type Translate } from '../i18n/index.js';

const cookieName = (code: string) => `class-key-${code}`;

export function classHandlers(hub: ClassHub, { publicUrl }: { publicUrl?: string } = {}) {
  const lessons = hub.lessons;

  const startClass = async (
    req: Request,
    res: Response,
    ids: { scenarios: string[]; challenges: string[] },
    /** "ask only when I press Ask" (the form's box; ?ask=on-demand): else every step is a question. */
    onDemand: unknown,
    /** "grade challenges as students send" (the form's box; ?feedback=instant): else at the reveal. */
    instant: unknown,
  ) => {
    const items = lessons.items(ids);
    if (items.length === 0) return renderNew(req, res, 400, 'class.error.no-items');
    const { code, teacherKey } = await hub.create(items, {
      askEveryStep: !(onDemand === 'on' || onDemand === 'on-demand'),
      instantFeedback: instant === 'on' || instant === 'instant',
    });
    // Only the teacher's page reads it (the path), and no script can (HttpOnly).
    res.cookie(cookieName(code), teacherKey, {
      httpOnly: true,
      sameSite: 'strict',
      path: `/class/${code}`,
      maxAge: CLASS_LIMITS.idleMs * 3,
    });
    res.redirect(303, `/class/${code}/teach?lang=${res.locals.lang as string}`);
  };

  const renderNew = (_req: Request, res: Response, status = 200, error?: string) => {
    const lang = res.locals.lang as Lang;
    res.status(status).render('class-new', {
      title: (res.locals.t as Translate)('class.new.title'),
      scenarios: lessons.scenarios.map((s) => ({ id: s.id, title: s.title[lang], steps: s.steps.length })),
      challenges: lessons.challenges.map((c) => ({ id: c.id, type: c.type, title: c.title[lang] })),
      notOffered: lessons.consumerScenarios.map((s) => s.title[lang]),
      error,
      styles: ['/static/css/scenario.css', '/static/css/class.css'],
    });
  };

  const newForm: RequestHandler = async (req, res) => {
    const scenario = req.query.scenario;
    if (typeof scenario === 'string') {
      if (!lessons.scenario(scenario)) return renderNew(req, res, 404, 'class.error.no-scenario');
      return startClass(req, res, { scenarios: [scenario], challenges: listOf(req.query.challenge) }, req.query.ask, req.query.feedback);
    }
    renderNew(req, res);
  };

  const start: RequestHandler = async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    await startClass(
      req,
      res,
      { scenarios: listOf(body.scenario), challenges: listOf(body.challenge) },
      body['ask-on-demand'],
      body['instant-feedback'],
    );
  };

  const teach: RequestHandler<{ code: string }> = async (req, res) => {
    const code = normalizeCode(req.params.code);
    const state = code ? await hub.state(code) : null;
    if (!code || !state) return renderMessage(res, 404, 'class.error.no-class');
    const fromUrl = typeof req.query.key === 'string' ? req.query.key : undefined;
    const key = fromUrl ?? readCookie(req, cookieName(code));
    if (!(await hub.isTeacher(code, key))) return renderMessage(res, 403, 'class.error.teacher-key');
    if (fromUrl)
      res.cookie(cookieName(code), fromUrl, {
        httpOnly: true,
        sameSite: 'strict',
        path: `/class/${code}`,
        maxAge: CLASS_LIMITS.idleMs * 3,
      });
    const lang = res.locals.lang as Lang;
    const origin = `${req.protocol}://${req.get('host')}`;
    const [studentOrigin, ...otherOrigins] = studentOrigins(req, publicUrl);
    res.set('Cache-Control', 'no-store');
    res.render('class-teacher', {
      title: (res.locals.t as Translate)('class.teacher.title', { code }),
      code,
      joinUrl: `${studentOrigin}/join?code=${code}`,
      otherJoinUrls: otherOrigins.map((o) => `${o}/join?code=${code}`),
      teacherUrl: `${origin}/class/${code}/teach?key=${encodeURIComponent(key!)}`,
      pageData: { code, key, items: lessons.pageItems(state.items, lang) },
      words: { ...wordsWithPrefix(lang, 'scenario.js.'), ...wordsWithPrefix(lang, 'class.') },
      styles: ['/static/css/scenario.css', '/static/css/class.css'],
      scripts: ['/static/js/class-teacher.js'],
    });
  };

  const qr: RequestHandler<{ code: string }> = async (req, res) => {
    const code = normalizeCode(req.params.code);
    if (!code) return res.status(404).type('text/plain').send('no such class');
    const svg = await QRCode.toString(`${studentOrigins(req, publicUrl)[0]}/join?code=${code}`, {
      type: 'svg',
      margin: 1,
      errorCorrectionLevel: 'M',
    });
    res.type('image/svg+xml').set('Cache-Control', 'public, max-age=3600').send(svg);
  };

  const results: RequestHandler<{ code: string }> = async (req, res) => {
    const code = normalizeCode(req.params.code);
    const csv = code ? await hub.results(code, readCookie(req, cookieName(code)) ?? req.query.key) : null;
    if (!code || csv === null) return renderMessage(res, 403, 'class.error.teacher-key');
    res
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="class-${code}.csv"`)
      .set('Cache-Control', 'no-store');
    res.send(`\uFEFF${csv}`);
  };

  const items: RequestHandler<{ code: string }> = async (req, res) => {
    const state = await hub.state(req.params.code);
    if (!state) {
      res.status(404).json({ error: { message: (res.locals.t as Translate)('class.error.no-class'), key: 'class.error.no-class' } });
      return;
    }
    res.json({ items: lessons.pageItems(state.items, res.locals.lang as Lang) });
  };

  const join: RequestHandler = async (req, res) => {
    const lang = res.locals.lang as Lang;
    const raw = typeof req.query.code === 'string' ? req.query.code : '';
    const code = raw ? normalizeCode(raw) : null;
    // A forged or expired code is said at once, in the page's language.
    let error: string | undefined;
    if (raw && !code) error = 'class.error.bad-code';
    else if (code && !(await hub.state(code))) error = 'class.error.no-class';
    res.set('Cache-Control', 'no-store');
    res.status(error ? 404 : 200).render('class-join', {
      title: (res.locals.t as Translate)('class.join.title'),
      code: code ?? raw.slice(0, 12),
      error,
      words: { ...wordsWithPrefix(lang, 'scenario.js.'), ...wordsWithPrefix(lang, 'class.') },
      styles: ['/static/css/scenario.css', '/static/css/class.css'],
      scripts: ['/static/js/class-student.js'],
    });
  };

  return { newForm, start, teach, qr, results, items, join };
}

function renderMessage(res: Response, status: number, key: string): void {
  res.status(status).render('class-message', {
    title: (res.locals.t as Translate)('class.join.title'),
    messageKey: key,
    styles: ['/static/css/class.css'],
  });
}

function listOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').slice(0, 50);
  return [];
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
