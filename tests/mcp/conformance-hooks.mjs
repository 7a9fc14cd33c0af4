// tests/mcp/conformance-hooks.mjs - module hooks for the conformance suite
// (registered by conformance-preload.mjs), for imports made by the suite only:
//  - 'fs': Node 20 has no fs.globSync, which the suite imports for its
//    tier-check command (not used here); the import would fail at load time,
//    so it gets node:fs plus a globSync that says so.
//  - 'undici': its request() (the dns-rebinding scenario) gets the
//    Authorization header, as fetch() does in conformance-preload.mjs.
const SUITE = '/@modelcontextprotocol/conformance/dist/';
let undiciUrl = null;

export async function resolve(specifier, context, next) {
	if (context.parentURL && context.parentURL.includes(SUITE)) {
		if (specifier === 'fs' || specifier === 'node:fs')
			return { url: 'aivalue-shim:fs', shortCircuit: true };
		if (specifier === 'undici') {
			undiciUrl = (await next(specifier, context)).url;
			return { url: 'aivalue-shim:undici', shortCircuit: true };
		}
	}
	return next(specifier, context);
}

export async function load(url, context, next) {
	if (url === 'aivalue-shim:fs')
		return { format: 'module', shortCircuit: true, source:
			"import fs from 'node:fs'; export * from 'node:fs'; export default fs;\n" +
			"export function globSync() { throw new Error('fs.globSync needs Node 22; this is ' + process.version); }\n" };
	if (url === 'aivalue-shim:undici')
		return { format: 'module', shortCircuit: true, source:
			`import * as u from ${JSON.stringify(undiciUrl)}; export * from ${JSON.stringify(undiciUrl)};\n` +
			"export function request(url, opts = {}) {\n" +
			"  return u.request(url, { ...opts, headers: globalThis.__aivConformanceHeaders(url, opts.headers) });\n}\n" };
	return next(url, context);
}
