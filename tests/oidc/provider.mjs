#!/usr/bin/env node
/*
 * provider.mjs - a real OpenID provider on loopback for the single sign-on
 * tests (t2170): npm's oidc-provider (a certified implementation), from
 * tests/browser/node_modules.
 *
 *   node provider.mjs --dir DIR --redirect URL [--port P] [--rotate]
 *
 * Prints "issuer http://127.0.0.1:PORT" once it listens.  Its signing keys
 * (RS256) live in DIR/keys.json, made on the first start; --rotate adds a
 * new key in front (a new kid, which signs from then on; the old one stays
 * published), as a provider rotating its keys does.  Restart it on the same
 * --port to rotate.
 *
 * Clients:
 *  - aivalue (secret "aivalue-secret"): the dashboard's sign-in, the code
 *    flow with PKCE S256 required, redirect URI --redirect; its sign-out
 *    (RP-initiated logout) may come back to that URL's origin + /login;
 *  - invoice-bot (secret "bot-secret"): client credentials; its JWT
 *    access tokens (audience api://aivalue) carry roles ["aivalue.agent"].
 * Accounts (the dev login form takes any password): alice (groups
 * aivalue-analysts), adam (aivalue-admins), nina (sales: no mapped group).
 *
 * For the refusal cases, POST /test/sign {"claims": {...}, "alg": "RS256"
 * | "none" | "HS256"} signs claims with the provider's current key: none
 * leaves the signature empty, HS256 uses the public key's PEM as the HMAC
 * secret (the key-confusion attack).  Answers the compact JWT as text.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const { default: Provider } = await import(
	path.join(here, "../browser/node_modules/oidc-provider/lib/index.js"));

function arg(name, dflt) {
	const i = process.argv.indexOf("--" + name);
	return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}
const dir = arg("dir");
const redirect = arg("redirect");
const port = Number(arg("port", "0"));

function newKey() {
	const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
	const jwk = privateKey.export({ format: "jwk" });
	jwk.kid = crypto.randomBytes(8).toString("hex");
	jwk.alg = "RS256";
	jwk.use = "sig";
	return jwk;
}
const keyFile = path.join(dir, "keys.json");
let keys = fs.existsSync(keyFile) ? JSON.parse(fs.readFileSync(keyFile, "utf8")) : [newKey()];
if (process.argv.includes("--rotate"))
	keys = [newKey(), ...keys];
fs.writeFileSync(keyFile, JSON.stringify(keys));

const accounts = {
	alice: { name: "Alice Analyst", email: "alice@example.com", groups: ["aivalue-analysts", "staff"] },
	adam: { name: "Adam Admin", email: "adam@example.com", groups: ["aivalue-admins"] },
	nina: { name: "Nina Sales", email: "nina@example.com", groups: ["sales"] },
};

const server = http.createServer((req, res) => handler(req, res));
await new Promise((ok) => server.listen(port, "127.0.0.1", ok));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
	clients: [
		{ client_id: "aivalue", client_secret: "aivalue-secret", redirect_uris: [redirect],
		  post_logout_redirect_uris: [redirect.replace(/\/login\/sso\/callback$/, "/login")],
		  grant_types: ["authorization_code"], response_types: ["code"],
		  token_endpoint_auth_method: "client_secret_basic" },
		{ client_id: "invoice-bot", client_secret: "bot-secret", redirect_uris: [],
		  grant_types: ["client_credentials"], response_types: [],
		  token_endpoint_auth_method: "client_secret_basic" },
	],
	jwks: { keys },
	async findAccount(ctx, id) {
		const a = accounts[id];
		if (!a)
			return undefined;
		return { accountId: id, async claims() {
			return { sub: id, name: a.name, email: a.email, email_verified: true, groups: a.groups };
		} };
	},
	claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
	conformIdTokenClaims: false, // the groups go into the ID token, as Entra's groups claim does
	pkce: { required: () => true, methods: ["S256"] },
	features: {
		devInteractions: { enabled: true },
		clientCredentials: { enabled: true },
		resourceIndicators: {
			enabled: true,
			defaultResource: () => "api://aivalue",
			useGrantedResource: () => true,
			getResourceServerInfo: () => ({ scope: "decide", audience: "api://aivalue",
				accessTokenFormat: "jwt", jwt: { sign: { alg: "RS256" } } }),
		},
	},
	async extraTokenClaims(ctx, token) {
		if (token.kind === "ClientCredentials" && token.clientId === "invoice-bot")
			return { roles: ["aivalue.agent"] };
		return undefined;
	},
	ttl: { AccessToken: 600, ClientCredentials: 600, IdToken: 600 },
});
const callback = provider.callback();

function b64u(buf) {
	return Buffer.from(buf).toString("base64url");
}

function sign(body) {
	const key = crypto.createPrivateKey({ key: keys[0], format: "jwk" });
	const alg = body.alg || "RS256";
	const header = { alg, typ: "JWT" };
	if (alg !== "none")
		header.kid = keys[0].kid;
	const input = b64u(JSON.stringify(header)) + "." + b64u(JSON.stringify(body.claims));
	let sig = "";
	if (alg === "RS256")
		sig = b64u(crypto.sign("sha256", Buffer.from(input), key));
	else if (alg === "HS256") {
		const pem = crypto.createPublicKey(key).export({ format: "pem", type: "spki" });
		sig = b64u(crypto.createHmac("sha256", pem).update(input).digest());
	}
	return input + "." + sig;
}

function handler(req, res) {
	if (req.method === "POST" && req.url === "/test/sign") {
		let data = "";
		req.on("data", (c) => { data += c; });
		req.on("end", () => {
			res.setHeader("Content-Type", "text/plain");
			res.end(sign(JSON.parse(data)));
		});
		return;
	}
	callback(req, res);
}

console.log(`issuer ${issuer}`);
