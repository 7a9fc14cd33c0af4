// flaky-upstream.mjs - an MCP server over stdio that misbehaves on demand,
// for the gateway's failure tests (no SDK: plain newline-delimited
// JSON-RPC, so that it can break the protocol on purpose).
//
// Tools: ok {x} answers "ok x"; crash exits at once; hang never answers;
// garbage writes a line that is not JSON; starts counts the processes
// started so far (it appends a line to $FLAKY_STARTS at start).
import { appendFileSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const starts = process.env.FLAKY_STARTS;
if (starts)
	appendFileSync(starts, `${process.pid}\n`);
const send = (m) => process.stdout.write(JSON.stringify(m) + '\n');
const tool = (name) => ({ name, inputSchema: { type: 'object' } });
const text = (t) => ({ content: [{ type: 'text', text: t }] });

createInterface({ input: process.stdin }).on('line', (line) => {
	const m = JSON.parse(line);
	if (m.id === undefined)
		return; // a notification
	if (m.method === 'initialize')
		return send({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: '2025-06-18',
			capabilities: { tools: {} }, serverInfo: { name: 'flaky', version: '1' } } });
	if (m.method === 'tools/list')
		return send({ jsonrpc: '2.0', id: m.id, result: { tools: ['ok', 'crash', 'hang',
			'garbage', 'starts'].map(tool) } });
	if (m.method !== 'tools/call')
		return send({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'no' } });
	const name = m.params.name;
	if (name === 'ok')
		return send({ jsonrpc: '2.0', id: m.id, result: text(`ok ${m.params.arguments.x}`) });
	if (name === 'crash')
		process.exit(3);
	if (name === 'hang')
		return;
	if (name === 'garbage')
		return process.stdout.write('this is not JSON-RPC\n');
	if (name === 'starts') {
		const n = starts ? readFileSync(starts, 'utf8').trim().split('\n').length : 0;
		return send({ jsonrpc: '2.0', id: m.id, result: text(`started ${n} times`) });
	}
});
