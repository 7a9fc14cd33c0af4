// tests/mcp/conformance-preload.mjs - loaded with `node --import` before the
// conformance suite (tests/mcp/conformance-run.sh).  The suite's server mode
// has no option for credentials, and the gateway refuses a request without
// an agent token, so every request the suite sends to MCP_CONFORMANCE_URL's
// origin gets `Authorization: Bearer $MCP_CONFORMANCE_BEARER` (fetch, which
// the SDK client uses, here; undici's request in conformance-hooks.mjs).
// Nothing else about the requests changes.
import { register } from 'node:module';

const bearer = process.env.MCP_CONFORMANCE_BEARER || '';
const origin = process.env.MCP_CONFORMANCE_URL ? new URL(process.env.MCP_CONFORMANCE_URL).origin : null;

globalThis.__aivConformanceHeaders = (url, headers) => {
	let same = false;
	try {
		same = origin !== null && new URL(String(url instanceof Request ? url.url : url)).origin === origin;
	} catch { /* not a URL: leave it */ }
	if (!bearer || !same)
		return headers;
	const h = new Headers(headers || {});
	if (!h.has('authorization'))
		h.set('authorization', `Bearer ${bearer}`);
	return Object.fromEntries(h.entries());
};

const realFetch = globalThis.fetch;
globalThis.fetch = (input, init = {}) => {
	const base = input instanceof Request ? input.headers : undefined;
	const merged = new Headers(base);
	new Headers(init.headers || {}).forEach((v, k) => merged.set(k, v));
	return realFetch(input, { ...init, headers: globalThis.__aivConformanceHeaders(input, merged) });
};

register('./conformance-hooks.mjs', import.meta.url);
