// A real OpenID Connect provider for the tests (panva's certified `oidc-provider`, pinned in
// package.json), started on 127.0.0.1 by tests/oidc/provider.py. Not for any other use: its
// login page signs in whoever is named, without a password.
//
// Usage: node provider.mjs '<json>' where json = {clients: [...], accounts: {username: claims}}
// Prints "READY <issuer>" once listening on a free port.
import http from 'node:http';
import { URLSearchParams } from 'node:url';

import Provider from 'oidc-provider';

const settings = JSON.parse(process.argv[2] || '{}');
const accounts = settings.accounts || {};

const server = http.createServer();
await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: settings.clients || [],
  cookies: { keys: ['test-only-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    groups: ['groups'],
  },
  features: { devInteractions: { enabled: false } },
  async findAccount(ctx, sub) {
    const claims = accounts[sub];
    if (!claims) return undefined;
    return { accountId: sub, async claims() { return { sub, ...claims }; } };
  },
  // First-party client: the council's own service needs no consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope || 'openid');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});

function readBody(req) {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(new URLSearchParams(data)));
  });
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

server.on('request', async (req, res) => {
  const match = req.url.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!match) { provider.callback()(req, res); return; }
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'POST' && match[2]) {
      const login = (await readBody(req)).get('login') || '';
      if (!accounts[login]) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`no such test account: ${login}`);
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: login } },
        { mergeWithLastSubmission: false });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!DOCTYPE html><html lang="en"><head><title>Test sign-in service</title></head><body>
<main><h1>Test sign-in service</h1>
<form method="post" action="/interaction/${escape(details.uid)}/login">
<label for="login">Username</label> <input id="login" name="login" autocomplete="off">
<button type="submit">Sign in</button></form></main></body></html>`);
  } catch (err) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(`interaction failed: ${err.message}`);
  }
});

process.stdout.write(`READY ${issuer}\n`);
process.on('SIGTERM', () => { server.close(); process.exit(0); });
