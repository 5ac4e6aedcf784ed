#!/usr/bin/env node
// check_responses.mjs: checks the HTTP responses recorded by the C end-to-end tests against the
// OpenAPI contract (api/openapi.yaml).
//
//   node tests/e2e/check_responses.mjs api/openapi.yaml responses.jsonl
//
// Each JSONL line is {"method","path","status","content_type","body","headers"} (headers: lowercase
// name -> value). For each line the checker finds the path template (a parameter matches one
// segment; the query string is ignored), the operation for the method and the response for the
// status (exact, then 4XX-style ranges, then `default`). A path no template matches, or a method the
// path does not define, falls back to the spec's root extension `x-certcycle-global-responses`
// (404 for unmatched paths, 405 for unmatched methods), and any status an operation does not document
// to its `any-operation` answers (e.g. the gateway's own 502). It then checks that the media type is one
// the response documents, validates a JSON body with Ajv (JSON Schema 2020-12, ajv-formats), checks
// the headers the response marks `required` (and their values against their schemas), and for
// problem+json bodies that `status` equals the HTTP status, `type` ends in `/<code>`, `instance` is
// the request path and `request_id` equals the X-Request-Id header.
//
// Prints one line per failure and finally "N passed, N failed". Exit 0 when every line passed,
// 1 when any failed or nothing was checked, 2 on a usage error or an unusable spec.
//
// Modules (ajv, ajv-formats, yaml) resolve from the repository's tools/node_modules, so the script
// works from any working directory once `npm ci --prefix tools` has run; NODE_PATH also works.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const SPEC_ID = 'https://certcycle.dev/openapi.yaml';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function loadModules() {
    const require = createRequire(new URL('../../tools/package.json', import.meta.url));
    try {
        const ajvMod = require('ajv/dist/2020.js');
        const formatsMod = require('ajv-formats');
        const yaml = require('yaml');
        return { Ajv2020: ajvMod.default || ajvMod, addFormats: formatsMod.default || formatsMod, yaml };
    } catch (e) {
        console.error(`check_responses: cannot load ajv, ajv-formats and yaml: ${e.message}`);
        console.error('check_responses: install them with `npm ci --prefix tools` (or set NODE_PATH)');
        process.exit(2);
    }
}

/* ---- spec helpers ---- */

function decodePointerToken(t) {
    return decodeURIComponent(t).replace(/~1/g, '/').replace(/~0/g, '~');
}

function getPointer(root, pointer) {
    if (pointer === '' || pointer === '#') return root;
    let node = root;
    for (const raw of pointer.replace(/^#/, '').split('/').slice(1)) {
        if (node === null || typeof node !== 'object') return undefined;
        node = node[decodePointerToken(raw)];
    }
    return node;
}

// Follows OpenAPI-level $refs (responses, headers, parameters) within the document.
function deref(spec, obj, seen = new Set()) {
    while (obj && typeof obj === 'object' && typeof obj.$ref === 'string') {
        if (!obj.$ref.startsWith('#') || seen.has(obj.$ref)) throw new Error(`cannot resolve $ref ${obj.$ref}`);
        seen.add(obj.$ref);
        const target = getPointer(spec, obj.$ref);
        if (target === undefined) throw new Error(`dangling $ref ${obj.$ref}`);
        obj = target;
    }
    return obj;
}

// Rewrites every local "#/..." $ref to an absolute one under SPEC_ID, so that any schema object in
// the document can be compiled on its own and still resolve its references through the whole spec
// (added to Ajv as one schema).
function absolutizeRefs(node) {
    if (Array.isArray(node)) return node.map(absolutizeRefs);
    if (node === null || typeof node !== 'object') return node;
    const out = {};
    for (const [k, v] of Object.entries(node)) {
        out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? SPEC_ID + v : absolutizeRefs(v);
    }
    return out;
}

function collectRefs(node, acc = new Set()) {
    if (Array.isArray(node)) node.forEach((v) => collectRefs(v, acc));
    else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
            if (k === '$ref' && typeof v === 'string') acc.add(v);
            else collectRefs(v, acc);
        }
    }
    return acc;
}

// The stand-in for redocly's no-unused-components (turned off in redocly.yaml because the global
// responses are referenced only from an extension): warn, never fail.
function warnUnusedComponents(spec) {
    const refs = collectRefs(spec);
    for (const [section, map] of Object.entries(spec.components || {})) {
        if (section === 'securitySchemes' || !map || typeof map !== 'object' || section.startsWith('x-')) continue;
        for (const name of Object.keys(map)) {
            const ref = `#/components/${section}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
            if (!refs.has(ref)) console.error(`check_responses: warning: component ${ref} is never referenced`);
        }
    }
}

function compileTemplates(spec) {
    const out = [];
    for (const template of Object.keys(spec.paths || {})) {
        let params = 0;
        const re = template
            .split('/')
            .map((seg) =>
                seg.replace(/\{[^}]+\}|[^{]+/g, (part) => {
                    if (part.startsWith('{')) {
                        params++;
                        return '[^/]+';
                    }
                    return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
                }),
            )
            .join('/');
        out.push({ template, re: new RegExp(`^${re}$`), params });
    }
    // Literal paths win over templated ones (/v1/users/me before /v1/users/{id}).
    out.sort((a, b) => a.params - b.params || b.template.length - a.template.length);
    return out;
}

function pickResponse(responses, status) {
    if (!responses) return null;
    const s = String(status);
    if (responses[s]) return { key: s, response: responses[s] };
    const range = `${s[0]}XX`;
    for (const k of Object.keys(responses)) if (k.toUpperCase() === range) return { key: k, response: responses[k] };
    if (responses.default) return { key: 'default', response: responses.default };
    return null;
}

function mediaTypeOf(contentType) {
    if (contentType === null || contentType === undefined) return '';
    return String(contentType).split(';')[0].trim().toLowerCase();
}

function isJsonMedia(mt) {
    return mt === 'application/json' || /^[a-z0-9.+-]+\/[a-z0-9.+-]*\+json$/.test(mt);
}

function mediaMatches(documented, actual) {
    const d = documented.toLowerCase();
    if (d === actual || d === '*/*') return true;
    if (d.endsWith('/*')) return actual.startsWith(d.slice(0, -1));
    return false;
}

function formatAjvErrors(errors) {
    return (errors || [])
        .map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`)
        .join('; ');
}

/* ---- main ---- */

function main(argv) {
    if (argv.length !== 2) {
        console.error('usage: node tests/e2e/check_responses.mjs api/openapi.yaml <responses.jsonl>');
        return 2;
    }
    const [specPath, jsonlPath] = argv;
    const { Ajv2020, addFormats, yaml } = loadModules();

    let spec;
    let lines;
    try {
        spec = yaml.parse(readFileSync(specPath, 'utf8'));
    } catch (e) {
        console.error(`check_responses: cannot read spec ${specPath}: ${e.message}`);
        return 2;
    }
    try {
        lines = readFileSync(jsonlPath, 'utf8').split('\n');
    } catch (e) {
        console.error(`check_responses: cannot read ${jsonlPath}: ${e.message}`);
        return 2;
    }
    warnUnusedComponents(spec);

    // strict: false because OpenAPI schemas may carry keywords JSON Schema does not know
    // (example, discriminator, xml, externalDocs) and x- extensions.
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    const absSpec = absolutizeRefs(spec);
    ajv.addSchema({ ...absSpec, $id: SPEC_ID }, undefined, undefined, false);

    const validators = new Map(); // JSON pointer of a schema -> compiled validator
    function validatorAt(pointer) {
        if (!validators.has(pointer)) {
            const schema = getPointer(absSpec, pointer);
            validators.set(pointer, ajv.compile(schema));
        }
        return validators.get(pointer);
    }
    // Pointer of a response object in the spec, following $refs, so schemas compile once each.
    function responsePointer(basePointer, response) {
        let pointer = basePointer;
        let obj = response;
        const seen = new Set();
        while (obj && typeof obj.$ref === 'string') {
            if (seen.has(obj.$ref)) throw new Error(`$ref loop at ${obj.$ref}`);
            seen.add(obj.$ref);
            pointer = obj.$ref;
            obj = getPointer(spec, obj.$ref);
            if (obj === undefined) throw new Error(`dangling $ref ${pointer}`);
        }
        return { pointer, response: obj };
    }
    const esc = (t) => String(t).replace(/~/g, '~0').replace(/\//g, '~1');

    // Compile every schema up front so a broken spec fails before any line is judged.
    try {
        for (const [tpl, item] of Object.entries(spec.paths || {})) {
            for (const m of METHODS) {
                if (!item[m]) continue;
                for (const [st, r] of Object.entries(item[m].responses || {})) {
                    const { pointer, response } = responsePointer(`#/paths/${esc(tpl)}/${m}/responses/${esc(st)}`, r);
                    for (const mt of Object.keys(response.content || {})) {
                        if (response.content[mt].schema) validatorAt(`${pointer}/content/${esc(mt)}/schema`);
                    }
                }
            }
        }
    } catch (e) {
        console.error(`check_responses: cannot compile the spec's schemas: ${e.message}`);
        return 2;
    }

    const templates = compileTemplates(spec);
    const globals = spec['x-certcycle-global-responses'] || {};
    // The answers any operation may give (a control character in the query, the gateway's own errors),
    // used when the operation documents none for the status: exact status only.
    const anyOperation = (status, picked, base) => {
        const any = globals['any-operation'] || {};
        const key = String(status);
        if (!any[key]) return { picked, base };
        return { picked: { key, response: any[key] }, base: '#/x-certcycle-global-responses/any-operation' };
    };
    let passed = 0;
    let failed = 0;
    let checked = 0;

    lines.forEach((text, idx) => {
        if (text.trim() === '') return;
        checked++;
        const problems = [];
        let rec;
        try {
            rec = JSON.parse(text);
        } catch (e) {
            failed++;
            console.log(`FAIL line ${idx + 1}: not JSON: ${e.message}`);
            return;
        }
        const method = String(rec.method || '').toUpperCase();
        const fullPath = String(rec.path || '');
        const path = fullPath.split('?')[0].split('#')[0];
        const status = rec.status;
        const label = `${method} ${fullPath} ${status}`;
        const fail = (msg) => problems.push(msg);

        try {
            if (!method || !fullPath.startsWith('/') || !Number.isInteger(status)) {
                throw new Error('line needs "method", "path" (starting with /) and an integer "status"');
            }
            const match = templates.find((t) => t.re.test(path));
            let where;
            let picked = null;
            let base;
            if (!match) {
                where = 'unmatched path';
                picked = pickResponse(globals['unmatched-path'], status);
                base = `#/x-certcycle-global-responses/unmatched-path`;
                if (!picked) ({ picked, base } = anyOperation(status, picked, base));
                if (!picked) throw new Error(`no path template matches ${path} and status ${status} is not a global answer`);
            } else {
                const op = spec.paths[match.template][method.toLowerCase()];
                if (!op) {
                    where = `${match.template} (method not defined)`;
                    picked = pickResponse(globals['unmatched-method'], status);
                    base = `#/x-certcycle-global-responses/unmatched-method`;
                    if (!picked) ({ picked, base } = anyOperation(status, picked, base));
                    if (!picked) {
                        throw new Error(`${match.template} defines no ${method} and status ${status} is not a global answer`);
                    }
                } else {
                    where = `${method} ${match.template}`;
                    picked = pickResponse(op.responses, status);
                    base = `#/paths/${esc(match.template)}/${method.toLowerCase()}/responses`;
                    if (!picked) ({ picked, base } = anyOperation(status, picked, base));
                    if (!picked) throw new Error(`${where} documents no response ${status} (nor a range or default)`);
                }
            }
            const { pointer, response } = responsePointer(`${base}/${esc(picked.key)}`, picked.response);

            // Media type.
            const mt = mediaTypeOf(rec.content_type);
            const content = response.content || {};
            const documented = Object.keys(content);
            let schemaPointer = null;
            if (documented.length === 0) {
                if (mt) fail(`content type ${mt} but ${where} ${picked.key} documents no body`);
                if (rec.body !== null && rec.body !== undefined) fail(`a body but ${where} ${picked.key} documents none`);
            } else {
                const key = documented.find((d) => mediaMatches(d, mt));
                if (!key) {
                    fail(`content type ${mt || '(none)'} is not documented for ${where} ${picked.key} (${documented.join(', ')})`);
                } else if (content[key].schema) {
                    schemaPointer = `${pointer}/content/${esc(key)}/schema`;
                }
            }

            // Body.
            if (schemaPointer && (isJsonMedia(mt) || (rec.body !== null && rec.body !== undefined))) {
                const validate = validatorAt(schemaPointer);
                if (!validate(rec.body === undefined ? null : rec.body)) {
                    fail(`body does not match ${schemaPointer}: ${formatAjvErrors(validate.errors)}`);
                }
            }

            // Headers.
            const headers = rec.headers && typeof rec.headers === 'object' ? rec.headers : null;
            const headerValue = (name) => {
                if (!headers) return undefined;
                const v = headers[name.toLowerCase()];
                return Array.isArray(v) ? v.join(', ') : v;
            };
            if (headers) {
                for (const [name, h] of Object.entries(response.headers || {})) {
                    const hdr = deref(spec, h);
                    const value = headerValue(name);
                    if (value === undefined || value === null) {
                        if (hdr.required) fail(`required header ${name} is missing`);
                        continue;
                    }
                    if (!hdr.schema) continue;
                    const hp = typeof h.$ref === 'string' ? h.$ref : `${pointer}/headers/${esc(name)}`;
                    const validate = validatorAt(`${hp}/schema`);
                    // Header values arrive as text; a numeric schema (Retry-After) gets the number.
                    const text = String(value);
                    const ok = validate(text) || (/^-?\d+(\.\d+)?$/.test(text) && validate(Number(text)));
                    if (!ok) {
                        validate(text);
                        fail(`header ${name}: ${JSON.stringify(text)} ${formatAjvErrors(validate.errors)}`);
                    }
                }
            }

            // Problem documents must agree with the exchange they describe.
            if (mt === 'application/problem+json' && rec.body && typeof rec.body === 'object') {
                const b = rec.body;
                if (b.status !== undefined && b.status !== status) fail(`problem status ${b.status} is not the HTTP status ${status}`);
                if (typeof b.type === 'string' && typeof b.code === 'string' && !b.type.endsWith(`/${b.code}`)) {
                    fail(`problem type ${b.type} does not end with /${b.code}`);
                }
                if (typeof b.instance === 'string' && b.instance !== path && b.instance !== fullPath) {
                    fail(`problem instance ${b.instance} is not the request path ${path}`);
                }
                const rid = headerValue('X-Request-Id');
                if (typeof b.request_id === 'string' && rid !== undefined && b.request_id !== rid) {
                    fail(`problem request_id ${b.request_id} is not the X-Request-Id header ${rid}`);
                }
            }
        } catch (e) {
            fail(e.message);
        }

        if (problems.length === 0) {
            passed++;
        } else {
            failed++;
            for (const p of problems) console.log(`FAIL ${label} (line ${idx + 1}): ${p}`);
        }
    });

    if (checked === 0) {
        console.log(`FAIL ${jsonlPath}: no responses to check`);
    }
    console.log(`${passed} passed, ${failed} failed`);
    return failed > 0 || checked === 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
