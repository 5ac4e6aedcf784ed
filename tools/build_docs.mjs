// tools/build_docs.mjs: the API reference the gateway serves at /docs, built from the contract.
//
//   node tools/build_docs.mjs api/openapi.yaml build/docs/index.html
//
// Runs the pinned redocly (`build-docs`, Google fonts off), then makes the page self-contained: redocly's
// page loads Redoc's bundle from a CDN, so that <script src> is replaced by the same version's bundle
// from tools/node_modules/redoc, inlined (its source-map comment dropped); and the bundle's sidebar
// credit ("API docs by Redocly") shows a logo from Redoc's CDN, which becomes an empty inline image (the
// credit's text and link stay). Fails when the page keeps any script, stylesheet or image from
// elsewhere, or when the bundle's version is not the one redocly names, so a redocly upgrade that
// changes the page cannot silently send visitors' browsers off the machine.
// The browser test (tests/browser/verify.mjs) proves it: loading /docs sends no request elsewhere.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const tools = dirname(fileURLToPath(import.meta.url));
const [spec, output] = process.argv.slice(2);
if (!spec || !output) {
    console.error('usage: node tools/build_docs.mjs <openapi.yaml> <output.html>');
    process.exit(2);
}

mkdirSync(dirname(output), { recursive: true });
const raw = `${output}.redocly.html`;
// redocly's own warnings (schema notes for the renderer) are shown only when it fails.
try {
    execFileSync(join(tools, 'node_modules/.bin/redocly'),
        ['build-docs', spec, '--disableGoogleFont', '--title', 'certcycle API reference', '-o', raw],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REDOCLY_TELEMETRY: 'off' } });
} catch (e) {
    process.stderr.write(`${e.stdout ?? ''}${e.stderr ?? ''}`);
    console.error('build_docs: redocly build-docs failed');
    process.exit(1);
}
let html = readFileSync(raw, 'utf8');
unlinkSync(raw);
const redoc = JSON.parse(readFileSync(join(tools, 'node_modules/redoc/package.json'), 'utf8')).version;
const cdn = /<script src="https:\/\/cdn\.redocly\.com\/redoc\/v([0-9.]+)\/bundles\/redoc\.standalone\.js"><\/script>/g;
const found = [...html.matchAll(cdn)];
if (found.length !== 1 || found[0][1] !== redoc) {
    console.error(`build_docs: expected one CDN script of redoc ${redoc}, found ${found.map((m) => m[1]).join(', ') || 'none'}`);
    process.exit(1);
}
let bundle = readFileSync(join(tools, 'node_modules/redoc/bundles/redoc.standalone.js'), 'utf8');
bundle = bundle.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
const logo = 'src:"https://cdn.redoc.ly/redoc/logo-mini.svg"';
if (bundle.split(logo).length !== 2) {
    console.error('build_docs: the bundle no longer has exactly one CDN logo to replace; look at what it loads');
    process.exit(1);
}
bundle = bundle.replace(logo, `src:"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E"`);
if (/src:"https?:/.test(bundle)) {
    console.error('build_docs: the bundle loads something else from elsewhere (src:"http…)');
    process.exit(1);
}
if (/<\/script/i.test(bundle)) {
    console.error('build_docs: the bundle contains </script and cannot be inlined');
    process.exit(1);
}
html = html.replace(cdn, () => `<script>${bundle}</script>`);

// Nothing left that a browser would fetch from another origin on load.
const remote = [...html.matchAll(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(https?:)?\/\/[^"]*"/gi)];
if (remote.length !== 0) {
    console.error(`build_docs: remote resources remain: ${remote.map((m) => m[0]).join(' ')}`);
    process.exit(1);
}
writeFileSync(`${output}.tmp`, html);
renameSync(`${output}.tmp`, output);
console.log(`build_docs: ${output} (${Math.round(html.length / 1024)} KiB, redoc ${redoc} inlined)`);
