// agent.mjs - an agent for the gateway tests: the official MCP TypeScript
// SDK (Client over Streamable HTTP) connecting with a bearer token.
//
//   node agent.mjs URL TOKENFILE 'OPS'
//
// OPS is a JSON array of operations, run in order on one session:
//   ["list"]                       -> {"tools": [names]}
//   ["call", TOOL, ARGS, META?]    -> {"result": ...} or {"error": {code, message, data}}
// One JSON line is printed per operation.  Exit 0 unless the connection
// itself fails (then {"connect_error": ...} and exit 1).
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [url, tokenFile, opsText] = process.argv.slice(2);
const token = readFileSync(tokenFile, 'utf8').trim();
const ops = JSON.parse(opsText);
const transport = new StreamableHTTPClientTransport(new URL(url), {
	requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: 'aivalue-test-agent', version: '1.0.0' });
try {
	await client.connect(transport);
} catch (e) {
	console.log(JSON.stringify({ connect_error: String(e.message || e) }));
	process.exit(1);
}
for (const op of ops) {
	try {
		if (op[0] === 'list') {
			const r = await client.listTools();
			console.log(JSON.stringify({ tools: r.tools.map((t) => t.name) }));
		} else if (op[0] === 'call') {
			const params = { name: op[1], arguments: op[2] || {} };
			if (op[3])
				params._meta = op[3];
			const r = await client.callTool(params);
			console.log(JSON.stringify({ result: r }));
		} else {
			console.log(JSON.stringify({ bad_op: op }));
		}
	} catch (e) {
		console.log(JSON.stringify({ error: { code: e.code, message: e.message, data: e.data } }));
	}
}
await client.close();
process.exit(0);
