#!/usr/bin/env node
// tests/browser/verify.mjs: the verify page and the API reference in a real browser (Debian's chromium,
// headless, driven by the pinned puppeteer-core), against a running stack's gateway.
//
//   DATABASE_URL=postgresql://cc_owner@… node tests/browser/verify.mjs <gateway-url> <artifacts-dir>
//
// 1. Makes one certificate of tenant northcert in each state with owner SQL (tests/browser/fixtures.sql)
//    and waits until the public index has them.
// 2. For each page (valid, suspended, withdrawn, expired, superseded, not found, confidential, a holder
//    named <script>alert(1)</script>, the form, the form with errors): loads it at desktop (1280×800) and
//    phone (390×844) size, checks the HTTP status and security headers, reads the DOM (the banner's
//    status and words, the holder as text, what a confidential record hides, no script element, no
//    dialog opened), that nothing is wider than the phone's screen, runs axe-core (zero violations, every
//    rule axe runs by default) and keeps a full-page screenshot of each size in <artifacts-dir>.
// 3. Fills in the form as a person would (labels, typing, Enter) and lands on the certificate's page;
//    follows a superseded certificate's link to the current one.
// 4. Loads /docs with every request intercepted: each must go to the gateway's own origin (or data:/blob:);
//    the page must show the API's title. /openapi.yaml answers application/yaml.
//
// Prints one line per check and ends with "N passed, N failed"; exits 1 when any failed.
// CC_CHROMIUM names another browser binary (default /usr/bin/chromium); as root it runs with --no-sandbox.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(new URL('../../tools/package.json', import.meta.url));
const puppeteer = require('puppeteer-core');
const yaml = require('yaml');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ROOT = new URL('../..', import.meta.url).pathname;

const [gateway, artifacts] = process.argv.slice(2);
if (!gateway || !artifacts || !process.env.DATABASE_URL) {
    console.error('usage: DATABASE_URL=… node tests/browser/verify.mjs <gateway-url> <artifacts-dir>');
    process.exit(2);
}
const ORIGIN = new URL(gateway).origin;
const VIEWPORTS = {
    desktop: { width: 1280, height: 800 },
    phone: { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

let passed = 0;
let failed = 0;
function check(ok, what, detail = '') {
    if (ok) {
        passed++;
        console.log(`ok   ${what}`);
    } else {
        failed++;
        console.log(`FAIL ${what}${detail ? `: ${detail}` : ''}`);
    }
    return ok;
}

/* ---- data ---- */

function makeCertificates() {
    const tag = randomBytes(4).toString('hex');
    const psql = process.env.CC_PGBIN ? join(process.env.CC_PGBIN, 'psql') : 'psql';
    const out = execFileSync(psql, ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-v', `tag=${tag}`,
        '-f', join(ROOT, 'tests/browser/fixtures.sql'), process.env.DATABASE_URL], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop());
}

/* The public index takes a notification to learn of new certificates: wait (bounded) for each. */
async function waitIndexed(numbers) {
    for (const number of numbers) {
        let status = 0;
        for (let i = 0; i < 100 && status !== 200; i++) {
            status = (await fetch(`${gateway}/verify/northcert/${encodeURIComponent(number)}`)).status;
            if (status !== 200) await new Promise((r) => setTimeout(r, 100));
        }
        if (!check(status === 200, `indexed ${number}`, `still ${status}`)) return false;
    }
    return true;
}

/* ---- one page ---- */

async function runAxe(page) {
    // Evaluated through the DevTools protocol: the page's CSP (no script) does not apply to it.
    await page.evaluate(AXE);
    return page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
}

/* The DOM facts every check reads, in one round trip. */
function readDom(page) {
    return page.evaluate(() => {
        const text = (sel) => document.querySelector(sel)?.textContent.trim() ?? null;
        const dd = (term) => [...document.querySelectorAll('dt')].find((d) => d.textContent === term)
            ?.nextElementSibling?.textContent ?? null;
        return {
            lang: document.documentElement.lang,
            title: document.title,
            h1: text('h1'),
            status: document.querySelector('.banner')?.dataset.status ?? null,
            banner: text('.banner'),
            bannerLinks: [...document.querySelectorAll('.banner a')].map((a) => a.getAttribute('href')),
            holder: dd('Organisation'),
            standard: dd('Standard'),
            scope: dd('Scope'),
            sites: [...document.querySelectorAll('ul.sites li')].map((li) => li.textContent),
            landmarks: ['header', 'main', 'footer'].filter((t) => document.querySelectorAll(t).length === 1),
            scripts: document.querySelectorAll('script').length,
            overflow: document.documentElement.scrollWidth - window.innerWidth,
            headings: [...document.querySelectorAll('h1, h2')].map((h) => h.tagName + ':' + h.textContent.trim()),
        };
    });
}

/*
 * Loads url at both sizes: status and headers, the page's own expectations (expect(dom, size)), no
 * horizontal overflow, axe, screenshots.
 */
async function checkPage(browser, name, url, wantStatus, expect) {
    const page = await browser.newPage();
    const dialogs = [];
    page.on('dialog', async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
    });
    try {
        for (const [size, viewport] of Object.entries(VIEWPORTS)) {
            await page.setViewport(viewport);
            const resp = await page.goto(url, { waitUntil: 'load' });
            const h = resp.headers();
            if (size === 'desktop') {
                check(resp.status() === wantStatus, `${name}: HTTP ${wantStatus}`, `got ${resp.status()}`);
                check(h['content-type'] === 'text/html; charset=utf-8', `${name}: text/html; charset=utf-8`, h['content-type']);
                check(/^default-src 'none'; style-src 'sha256-[^']+'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/
                    .test(h['content-security-policy'] ?? ''), `${name}: strict CSP (no script)`, h['content-security-policy']);
                check(h['x-content-type-options'] === 'nosniff', `${name}: nosniff`);
            }
            const dom = await readDom(page);
            if (size === 'desktop') {
                check(dom.lang === 'en' && dom.title.length > 0, `${name}: lang and title`, `${dom.lang} "${dom.title}"`);
                check(dom.landmarks.length === 3, `${name}: header, main, footer`, dom.landmarks.join());
                check(dom.scripts === 0 && dialogs.length === 0, `${name}: no script, nothing ran`,
                    `scripts=${dom.scripts} dialogs=${dialogs.join('|')}`);
                for (const [ok, what, detail] of expect(dom)) check(ok, `${name}: ${what}`, detail);
            }
            check(dom.overflow <= 0, `${name} (${size}): no horizontal scrolling`, `${dom.overflow}px too wide`);
            const violations = await runAxe(page);
            check(violations.length === 0, `${name} (${size}): axe-core, zero violations`, violations.join('; '));
            await page.screenshot({ path: join(artifacts, `${name}-${size}.png`), fullPage: true });
        }
    } finally {
        await page.close();
    }
}

/* The banner's status, its words, and the same word first in the title. */
const LABELS = { valid: 'Valid', suspended: 'Suspended', withdrawn: 'Withdrawn', expired: 'Expired',
    superseded: 'Superseded', not_found: 'Not found' };
const banner = (dom, status, words) => [
    [dom.status === status, `banner says ${status}`, `${dom.status}: ${dom.banner}`],
    [dom.banner?.includes(`Status: ${LABELS[status]}`) && dom.banner.includes(words),
        `banner reads "Status: ${LABELS[status]}" and "${words}"`, dom.banner],
    [dom.title.startsWith(`${LABELS[status]} \u2013 `), 'title names the status', dom.title],
];

/* ---- the flows ---- */

async function checkForm(browser, numbers) {
    const page = await browser.newPage();
    try {
        await page.goto(`${gateway}/verify`, { waitUntil: 'load' });
        // As a person would: find each field by its label, type, press Enter.
        for (const [label, value] of [['Certification body', 'NorthCert'], ['Certificate number', ` ${numbers.valid} `]]) {
            const id = await page.$$eval('label', (ls, l) => ls.find((x) => x.textContent === l)?.htmlFor, label);
            check(Boolean(id), `form: a field labelled "${label}"`);
            await page.type(`#${id}`, value);
        }
        const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
        check(new URL(page.url()).pathname === `/verify/northcert/${numbers.valid}`, 'form: lands on the certificate page',
            page.url());
        check(resp.status() === 200 && resp.request().redirectChain().length === 1, 'form: via one 303');
        const dom = await readDom(page);
        check(dom.status === 'valid', 'form: the landed page says valid', dom.banner);

        await page.goto(`${gateway}/verify/northcert/${numbers.superseded}`, { waitUntil: 'load' });
        const link = `/verify/northcert/${numbers.superseded_current}`;
        await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(`.banner a[href="${link}"]`)]);
        const current = await readDom(page);
        check(new URL(page.url()).pathname === link && current.status === 'valid',
            'superseded: its link leads to the current, valid certificate', `${page.url()} ${current.status}`);
    } finally {
        await page.close();
    }
}

async function checkDocs(browser) {
    const spec = yaml.parse(readFileSync(join(ROOT, 'api/openapi.yaml'), 'utf8'));
    const resp = await fetch(`${gateway}/openapi.yaml`);
    const body = await resp.text();
    check(resp.status === 200 && resp.headers.get('content-type') === 'application/yaml', '/openapi.yaml: 200 application/yaml',
        `${resp.status} ${resp.headers.get('content-type')}`);
    check(body === readFileSync(join(ROOT, 'api/openapi.yaml'), 'utf8'), '/openapi.yaml: the contract itself');

    const page = await browser.newPage();
    const elsewhere = [];
    let requests = 0;
    await page.setRequestInterception(true);
    page.on('request', (req) => {
        requests++;
        const url = req.url();
        const local = url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === ORIGIN;
        if (local) {
            req.continue();
        } else {
            elsewhere.push(url);
            req.abort();
        }
    });
    try {
        await page.setViewport(VIEWPORTS.desktop);
        const r = await page.goto(`${gateway}/docs`, { waitUntil: 'networkidle0', timeout: 60000 });
        check(r.status() === 200, '/docs: 200', String(r.status()));
        await page.waitForFunction((t) => document.body.innerText.includes(t), { timeout: 30000 }, spec.info.title)
            .catch(() => {});
        const shown = await page.evaluate(() => ({ h1: document.querySelector('h1')?.textContent ?? '', text: document.body.innerText }));
        check(shown.text.includes(spec.info.title), `/docs: shows the API title "${spec.info.title}"`, shown.h1);
        check(shown.text.includes(spec.paths['/verify/{cb_slug}/{number}'].get.summary), '/docs: documents the verify page');
        check(elsewhere.length === 0 && requests > 0, `/docs: all ${requests} requests stay on ${ORIGIN} (or data:/blob:)`,
            elsewhere.join(' '));
        await page.screenshot({ path: join(artifacts, 'docs-desktop.png') });
    } finally {
        await page.close();
    }
}

/* ---- main ---- */

mkdirSync(artifacts, { recursive: true });
const numbers = makeCertificates();
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const browser = await puppeteer.launch({
    executablePath: process.env.CC_CHROMIUM || '/usr/bin/chromium',
    headless: true, // --headless=new
    args: [...(root ? ['--no-sandbox'] : []), '--disable-dev-shm-usage', '--no-first-run', '--lang=en-GB'],
});
try {
    if (await waitIndexed(Object.entries(numbers).filter(([k]) => k !== 'not_found').map(([, v]) => v))) {
        const page = (kind) => `${gateway}/verify/northcert/${encodeURIComponent(numbers[kind])}`;
        await checkPage(browser, 'valid', page('valid'), 200, (d) => [
            ...banner(d, 'valid', 'active and valid today until'),
            [d.h1 === `Certificate ${numbers.valid}`, 'h1 names the number', d.h1],
            [d.holder === 'Aurora Logistics Ltd', 'holder shown', d.holder],
            [d.standard === 'ISO/IEC 27001:2022', 'standard shown', d.standard],
            [d.scope?.startsWith('Design, development'), 'scope shown', d.scope],
            [d.sites.length === 2 && d.sites[1] === 'Hull, GB: Hosting operations', 'sites shown', d.sites.join('|')],
            [d.headings.includes('H2:Certification body'), 'CB section', d.headings.join('|')],
        ]);
        await checkPage(browser, 'suspended', page('suspended'), 200, (d) => [
            ...banner(d, 'suspended', 'It is not valid while suspended.')]);
        await checkPage(browser, 'withdrawn', page('withdrawn'), 200, (d) => [
            ...banner(d, 'withdrawn', 'It is no longer valid.')]);
        await checkPage(browser, 'expired', page('expired'), 200, (d) => [
            ...banner(d, 'expired', 'This certificate has expired')]);
        await checkPage(browser, 'superseded', page('superseded'), 200, (d) => [
            ...banner(d, 'superseded', 'Check the current certificate'),
            [d.bannerLinks.includes(`/verify/northcert/${numbers.superseded_current}`), 'links the current number',
                d.bannerLinks.join()],
        ]);
        await checkPage(browser, 'not-found', page('not_found'), 404, (d) => [
            ...banner(d, 'not_found', 'Do not rely on a certificate that cannot be found here.'),
            [d.h1 === 'Certificate not found', 'h1 says not found', d.h1],
        ]);
        await checkPage(browser, 'confidential', page('confidential'), 200, (d) => [
            ...banner(d, 'valid', 'active and valid today'),
            [d.holder === null && d.scope === null && d.sites.length === 0, 'holder, scope and sites hidden',
                `${d.holder} ${d.scope} ${d.sites}`],
            [d.standard === 'ISO/IEC 27001:2022', 'standard shown', d.standard],
        ]);
        await checkPage(browser, 'script-holder', page('script'), 200, (d) => [
            ...banner(d, 'valid', 'active and valid today'),
            [d.holder === '<script>alert(1)</script>', 'the holder\'s name shows as text', d.holder],
        ]);
        await checkPage(browser, 'form', `${gateway}/verify`, 200, (d) => [
            [d.h1 === 'Check a certificate', 'h1', d.h1]]);
        await checkPage(browser, 'form-errors', `${gateway}/verify?cb=&number=%3Cb%3E`, 400, (d) => [
            [d.headings.includes('H2:There is a problem'), 'error summary', d.headings.join('|')]]);
        await checkForm(browser, numbers);
    }
    await checkDocs(browser);
} finally {
    await browser.close();
}
console.log(`screenshots: ${artifacts}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
