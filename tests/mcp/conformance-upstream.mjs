#!/usr/bin/env node
// tests/mcp/conformance-upstream.mjs - an MCP server with what the server
// scenarios of @modelcontextprotocol/conformance ask for (the test_* tools,
// test:// resources, test_* prompts, logging, completion), so that the
// conformance suite can be run through the gateway with an upstream that
// could pass every scenario.  The reference server from npm
// (server-everything) has other tool names, so most tools-call-* scenarios
// would fail through any proxy in front of it.
//
//   node conformance-upstream.mjs              MCP over stdio (the gateway's upstream)
//   node conformance-upstream.mjs --http PORT [--bearer TOKEN]
//        Streamable HTTP on 127.0.0.1:PORT/mcp (the direct run: what the
//        upstream itself passes); with --bearer, a request without
//        `Authorization: Bearer TOKEN` gets 401, as at the gateway
//
// Written from the scenario texts in the conformance package
// (`conformance list --server`, dist/index.js), on the SDK's low-level
// Server so that tool schemas go out as written (json-schema-2020-12).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
	CallToolRequestSchema, CompleteRequestSchema, CreateMessageResultSchema, ElicitResultSchema,
	GetPromptRequestSchema, ListPromptsRequestSchema, ListResourcesRequestSchema,
	ListResourceTemplatesRequestSchema, ListToolsRequestSchema, ReadResourceRequestSchema,
	SetLevelRequestSchema, SubscribeRequestSchema, UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

// a 1x1 PNG and a 44-byte WAV header with no samples
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const WAV = Buffer.concat([
	Buffer.from('RIFF'), Buffer.from([36, 0, 0, 0]), Buffer.from('WAVEfmt '),
	Buffer.from([16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0]),
	Buffer.from('data'), Buffer.from([0, 0, 0, 0]),
]).toString('base64');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const noArgs = { type: 'object', properties: {} };
const text = (t) => ({ type: 'text', text: t });

const TOOLS = [
	['test_simple_text', 'Returns one text item', noArgs],
	['test_image_content', 'Returns a 1x1 PNG', noArgs],
	['test_audio_content', 'Returns a short WAV', noArgs],
	['test_embedded_resource', 'Returns an embedded text resource', noArgs],
	['test_multiple_content_types', 'Returns text, an image and a resource', noArgs],
	['test_tool_with_logging', 'Sends three info log messages while it runs', noArgs],
	['test_tool_with_progress', 'Sends progress 0, 50 and 100 of 100', noArgs],
	['test_error_handling', 'Always fails with isError', noArgs],
	['test_sampling', 'Asks the client for an LLM completion',
		{ type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] }],
	['test_elicitation', 'Asks the client for user input',
		{ type: 'object', properties: { message: { type: 'string' } }, required: ['message'] }],
	['test_elicitation_sep1034_defaults', 'Elicitation with a default for each primitive type', noArgs],
	['test_elicitation_sep1330_enums', 'Elicitation with the five enum schema forms', noArgs],
	['test_reconnection', 'Closes its SSE stream before answering (SEP-1699)', noArgs],
	['json_schema_2020_12_tool', 'Tool with JSON Schema 2020-12 features', {
		$schema: 'https://json-schema.org/draft/2020-12/schema',
		type: 'object',
		$defs: { address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
		properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
		additionalProperties: false,
	}],
].map(([name, description, inputSchema]) => ({ name, description, inputSchema }));

const SEP1034 = {
	type: 'object',
	properties: {
		name: { type: 'string', default: 'John Doe' },
		age: { type: 'integer', default: 30 },
		score: { type: 'number', default: 95.5 },
		status: { type: 'string', enum: ['active', 'inactive', 'pending'], default: 'active' },
		verified: { type: 'boolean', default: true },
	},
};
const SEP1330 = {
	type: 'object',
	properties: {
		untitledSingle: { type: 'string', enum: ['option1', 'option2', 'option3'] },
		titledSingle: { type: 'string', oneOf: [{ const: 'value1', title: 'First Option' },
			{ const: 'value2', title: 'Second Option' }, { const: 'value3', title: 'Third Option' }] },
		legacyEnum: { type: 'string', enum: ['opt1', 'opt2', 'opt3'],
			enumNames: ['Option One', 'Option Two', 'Option Three'] },
		untitledMulti: { type: 'array', items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
		titledMulti: { type: 'array', items: { anyOf: [{ const: 'value1', title: 'First Choice' },
			{ const: 'value2', title: 'Second Choice' }, { const: 'value3', title: 'Third Choice' }] } },
	},
};

async function callTool(req, extra) {
	const a = req.params.arguments || {};
	const log = (data) => extra.sendNotification({ method: 'notifications/message',
		params: { level: 'info', logger: 'conformance-upstream', data } });
	switch (req.params.name) {
	case 'test_simple_text':
		return { content: [text('This is a simple text response for testing.')] };
	case 'test_image_content':
		return { content: [{ type: 'image', data: PNG, mimeType: 'image/png' }] };
	case 'test_audio_content':
		return { content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }] };
	case 'test_embedded_resource':
		return { content: [{ type: 'resource', resource: { uri: 'test://embedded-resource',
			mimeType: 'text/plain', text: 'This is an embedded resource content.' } }] };
	case 'test_multiple_content_types':
		return { content: [text('Multiple content types test:'),
			{ type: 'image', data: PNG, mimeType: 'image/png' },
			{ type: 'resource', resource: { uri: 'test://mixed-content-resource',
				mimeType: 'application/json', text: '{"test":"data","value":123}' } }] };
	case 'test_tool_with_logging':
		await log('Tool execution started');
		await sleep(50);
		await log('Tool processing data');
		await sleep(50);
		await log('Tool execution completed');
		return { content: [text('Logging test completed')] };
	case 'test_tool_with_progress': {
		const tok = req.params._meta?.progressToken;
		for (const p of [0, 50, 100]) {
			if (tok !== undefined)
				await extra.sendNotification({ method: 'notifications/progress',
					params: { progressToken: tok, progress: p, total: 100 } });
			if (p < 100)
				await sleep(50);
		}
		return { content: [text('Progress test completed')] };
	}
	case 'test_error_handling':
		return { isError: true, content: [text('This tool intentionally returns an error for testing')] };
	case 'test_sampling': {
		const r = await extra.sendRequest({ method: 'sampling/createMessage', params: {
			messages: [{ role: 'user', content: text(String(a.prompt ?? '')) }], maxTokens: 100 } },
		CreateMessageResultSchema);
		return { content: [text(`LLM response: ${r.content?.text ?? ''}`)] };
	}
	case 'test_elicitation': {
		const r = await extra.sendRequest({ method: 'elicitation/create', params: {
			message: String(a.message ?? ''),
			requestedSchema: { type: 'object', properties: {
				username: { type: 'string', description: "User's response" },
				email: { type: 'string', description: "User's email address" } },
			required: ['username', 'email'] } } }, ElicitResultSchema);
		return { content: [text(`User response: action=${r.action}, content=${JSON.stringify(r.content ?? {})}`)] };
	}
	case 'test_elicitation_sep1034_defaults':
	case 'test_elicitation_sep1330_enums': {
		const schema = req.params.name.includes('1034') ? SEP1034 : SEP1330;
		const r = await extra.sendRequest({ method: 'elicitation/create', params: {
			message: 'Please review the fields', requestedSchema: schema } }, ElicitResultSchema);
		return { content: [text(`Elicitation completed: action=${r.action}, content=${JSON.stringify(r.content ?? {})}`)] };
	}
	case 'test_reconnection':
		if (extra.closeSSEStream) {
			await sleep(20);
			extra.closeSSEStream();
			await sleep(100);
		}
		return { content: [text('Reconnection test completed successfully')] };
	case 'json_schema_2020_12_tool':
		return { content: [text(`name=${a.name ?? ''}`)] };
	default:
		return { isError: true, content: [text(`Unknown tool: ${req.params.name}`)] };
	}
}

const PROMPTS = [
	{ name: 'test_simple_prompt', description: 'A prompt without arguments' },
	{ name: 'test_prompt_with_arguments', description: 'A prompt with two arguments',
		arguments: [{ name: 'arg1', description: 'First test argument', required: true },
			{ name: 'arg2', description: 'Second test argument', required: true }] },
	{ name: 'test_prompt_with_embedded_resource', description: 'A prompt embedding a resource',
		arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }] },
	{ name: 'test_prompt_with_image', description: 'A prompt with an image' },
];

function getPrompt(req) {
	const a = req.params.arguments || {};
	const user = (content) => ({ role: 'user', content });
	switch (req.params.name) {
	case 'test_simple_prompt':
		return { messages: [user(text('This is a simple prompt for testing.'))] };
	case 'test_prompt_with_arguments':
		return { messages: [user(text(`Prompt with arguments: arg1='${a.arg1}', arg2='${a.arg2}'`))] };
	case 'test_prompt_with_embedded_resource':
		return { messages: [user({ type: 'resource', resource: { uri: String(a.resourceUri),
			mimeType: 'text/plain', text: 'Embedded resource content for testing.' } }),
		user(text('Please process the embedded resource above.'))] };
	case 'test_prompt_with_image':
		return { messages: [user({ type: 'image', data: PNG, mimeType: 'image/png' }),
			user(text('Please analyze the image above.'))] };
	default:
		throw new Error(`Unknown prompt: ${req.params.name}`);
	}
}

const RESOURCES = [
	{ uri: 'test://static-text', name: 'static-text', description: 'A static text resource', mimeType: 'text/plain' },
	{ uri: 'test://static-binary', name: 'static-binary', description: 'A static PNG', mimeType: 'image/png' },
	{ uri: 'test://watched-resource', name: 'watched-resource', description: 'A resource to subscribe to', mimeType: 'text/plain' },
];

function readResource(req) {
	const uri = req.params.uri;
	let m;
	if (uri === 'test://static-text')
		return { contents: [{ uri, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }] };
	if (uri === 'test://static-binary')
		return { contents: [{ uri, mimeType: 'image/png', blob: PNG }] };
	if (uri === 'test://watched-resource')
		return { contents: [{ uri, mimeType: 'text/plain', text: 'Watched resource content.' }] };
	if ((m = /^test:\/\/template\/([^/]+)\/data$/.exec(uri)))
		return { contents: [{ uri, mimeType: 'application/json',
			text: JSON.stringify({ id: m[1], templateTest: true, data: `Data for ID: ${m[1]}` }) }] };
	throw new Error(`Unknown resource: ${uri}`);
}

function makeServer() {
	const s = new Server({ name: 'aivalue-conformance-upstream', version: '1.0.0' }, {
		capabilities: { tools: {}, prompts: {}, logging: {}, completions: {},
			resources: { subscribe: true } },
	});
	s.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TOOLS }));
	s.setRequestHandler(CallToolRequestSchema, callTool);
	s.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts: PROMPTS }));
	s.setRequestHandler(GetPromptRequestSchema, async (req) => getPrompt(req));
	s.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: RESOURCES }));
	s.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({ resourceTemplates: [
		{ uriTemplate: 'test://template/{id}/data', name: 'template', description: 'Data by id',
			mimeType: 'application/json' }] }));
	s.setRequestHandler(ReadResourceRequestSchema, async (req) => readResource(req));
	s.setRequestHandler(SubscribeRequestSchema, async () => ({}));
	s.setRequestHandler(UnsubscribeRequestSchema, async () => ({}));
	s.setRequestHandler(SetLevelRequestSchema, async () => ({}));
	s.setRequestHandler(CompleteRequestSchema, async (req) => {
		const v = String(req.params.argument?.value ?? '');
		const values = ['test', 'testing', 'tested'].filter((x) => x.startsWith(v));
		return { completion: { values, total: values.length, hasMore: false } };
	});
	return s;
}

const LOCAL = new Set(['localhost', '127.0.0.1', '[::1]']);

async function serveHttp(port, bearer) {
	const sessions = new Map();
	const srv = http.createServer(async (req, res) => {
		const host = (req.headers.host || '').replace(/:\d+$/, '').toLowerCase();
		if (!LOCAL.has(host) || !new URL(req.url, 'http://x').pathname.startsWith('/mcp')) {
			res.writeHead(!LOCAL.has(host) ? 403 : 404).end();
			return;
		}
		if (bearer && req.headers.authorization !== `Bearer ${bearer}`) {
			res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end();
			return;
		}
		const sid = req.headers['mcp-session-id'];
		let t = sid && sessions.get(sid);
		if (!t) {
			if (sid) {
				res.writeHead(404).end();
				return;
			}
			t = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(),
				onsessioninitialized: (id) => sessions.set(id, t) });
			t.onclose = () => t.sessionId && sessions.delete(t.sessionId);
			await makeServer().connect(t);
		}
		await t.handleRequest(req, res);
	});
	srv.listen(port, '127.0.0.1');
}

const i = process.argv.indexOf('--http'), b = process.argv.indexOf('--bearer');
if (i > 0)
	await serveHttp(Number(process.argv[i + 1]), b > 0 ? process.argv[b + 1] : null);
else
	await makeServer().connect(new StdioServerTransport());
