// server.mjs - the real advisord for the property test: starts build/advisord on an ephemeral
// port with a temporary database, creates principals with its admin CLI (when the binary has
// it), sends requests over keep-alive connections, and reads links out of the mail spool.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

export class Server {
  // extra: more arguments before `serve`; a later --port wins over the ephemeral one.
  constructor(bin, extra = []) {
    this.bin = bin;
    this.extra = extra;
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'advisord-contract-'));
    this.db = path.join(this.dir, 'advisor.db');
    // On PostgreSQL (scripts/test.sh's second pass): a fresh database of the throwaway cluster
    // whose "postgres" database ADVISORD_TEST_PG names, as tests/testdb.c makes one.
    const pg = process.env.ADVISORD_TEST_PG;
    if (pg) {
      const name = `c${process.pid}_${Server.made = (Server.made || 0) + 1}`;
      const r = spawnSync('psql', [pg, '-q', '-c', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`cannot create database ${name}: ${r.stderr}`);
      this.db = pg.replace('/postgres?', `/${name}?`);
    }
    this.spool = path.join(this.dir, 'mail');
    this.log = [];
    this.exited = null;
  }

  // Starts the server; resolves when it logs {"event":"listening","port":N}.
  start(timeoutMs = 15000) {
    // --guess-limit 0: the fuzzer sends thousands of bad tokens and links from one address,
    // and 429s would soon hide every operation behind them (the limit has its own test,
    // tests/integration/test_guessing.c).
    const args = ['--db', this.db, '--port', '0', '--bind', '127.0.0.1', '--mail-spool', this.spool,
      '--secret-file', path.join(this.dir, 'secret.key'), '--guess-limit', '0', ...this.extra, 'serve'];
    this.proc = spawn(this.bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`advisord did not listen within ${timeoutMs} ms:\n${this.tail()}`)), timeoutMs);
      let buf = '';
      this.proc.stderr.setEncoding('utf8');
      this.proc.stderr.on('data', (chunk) => {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          this.log.push(line);
          if (this.log.length > 400) this.log.shift();
          if (!this.port) {
            try {
              const j = JSON.parse(line);
              if (j.event === 'listening' && j.port) {
                this.port = j.port;
                clearTimeout(timer);
                resolve(this.port);
              }
            } catch {
              // not a JSON line: kept in the log tail
            }
          }
        }
      });
      this.proc.on('exit', (code, signal) => {
        this.exited = { code, signal };
        clearTimeout(timer);
        if (!this.port) reject(new Error(`advisord exited (${code ?? signal}) before listening:\n${this.tail()}`));
      });
    });
  }

  tail(n = 40) {
    return this.log.slice(-n).join('\n');
  }

  // Stops the server (SIGTERM) and waits; resolves with its exit code.
  async stop() {
    if (this.agent) this.agent.destroy();
    if (this.proc && !this.exited) {
      const done = new Promise((r) => this.proc.on('exit', () => r()));
      this.proc.kill('SIGTERM');
      const killer = setTimeout(() => this.proc.kill('SIGKILL'), 20000);
      await done;
      clearTimeout(killer);
    }
    rmSync(this.dir, { recursive: true, force: true });
    return this.exited?.code;
  }

  // Runs `advisord --db <db> <args...>`; returns {status, stdout, stderr}.
  cli(args) {
    const r = spawnSync(this.bin, ['--db', this.db, '--mail-spool', this.spool, '--secret-file', path.join(this.dir, 'secret.key'), ...args],
      { encoding: 'utf8', timeout: 30000 });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  // One HTTP exchange over a keep-alive connection. Resolves {status, headers, body} or
  // {error} when no response came.
  request({ method, path: p, headers, body }, timeoutMs = 30000) {
    if (!this.agent) this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const h = { ...headers };
    if (body !== undefined) h['content-length'] = String(body.length);
    // A large body is announced first: the server can refuse it (413, 401 ...) before it
    // is sent, instead of the connection being reset under the client.
    const announce = body !== undefined && body.length > 65536;
    if (announce) h.expect = '100-continue';
    return new Promise((resolve) => {
      let settled = false;
      const finish = (v) => {
        if (!settled) {
          settled = true;
          resolve(v);
        }
      };
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path: p, headers: h, agent: this.agent, timeout: timeoutMs }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => finish({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => finish({ error: `response: ${e.message}` }));
      });
      req.on('timeout', () => {
        req.destroy(new Error(`no answer within ${timeoutMs} ms`));
      });
      req.on('error', (e) => finish({ error: e.message }));
      if (announce) {
        req.on('continue', () => req.end(body));
      } else {
        req.end(body);
      }
    });
  }

  // Every path in the links of the e-mails written to the spool so far.
  mailLinks() {
    if (!existsSync(this.spool)) return [];
    const out = [];
    for (const f of readdirSync(this.spool)) {
      if (!f.endsWith('.eml')) continue;
      let text;
      try {
        text = readFileSync(path.join(this.spool, f), 'latin1');
      } catch {
        continue;
      }
      text = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
      for (const m of text.matchAll(/https?:\/\/[^\s"'<>]+/g)) {
        try {
          const u = new URL(m[0]);
          // An invitation link opens the web app's page /invitation#token=T, which reads
          // /v1/invitations/T: that is the API path the link stands for.
          const t = u.pathname === '/invitation' && new URLSearchParams(u.hash.slice(1)).get('token');
          out.push(t ? `/v1/invitations/${t}` : u.pathname);
        } catch {
          // not a URL after all
        }
      }
    }
    return out;
  }
}

// Creates one principal of every kind with the admin CLI. Returns {tokens: {kind: token},
// facts: [[poolKey, value]], revoked: [token], missing: [why]}. Kinds the CLI cannot make are
// left out.
export function createPrincipals(server) {
  const tokens = {};
  const facts = [];
  const missing = [];
  const revoked = [];
  const value = (out, key) => {
    const lines = out.split('\n').map((l) => l.trim()).filter((l) => l.startsWith(`${key}:`));
    return lines.length ? lines[lines.length - 1].slice(key.length + 1).trim() : undefined;
  };
  const run = (kind, args) => {
    const r = server.cli(['admin', ...args]);
    const token = value(r.stdout, 'token');
    if (r.status !== 0 || !token) {
      missing.push(`${kind}: \`advisord admin ${args.join(' ')}\` failed (${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-1)[0] ?? ''}`);
      return null;
    }
    if (kind) tokens[kind] = token;
    return { id: value(r.stdout, 'id'), token };
  };
  const probe = server.cli(['admin', '--help']);
  if (probe.status !== 0 && /unknown command/.test(probe.stderr + probe.stdout)) {
    return { tokens, facts, revoked, missing: ['the binary has no `admin` command yet'], noAdmin: true };
  }
  const office = run('office_user_full', ['create-office', '--name', 'Contract Office AB', '--corporate-id', '556677-8899', '--email', 'full@office.example']);
  if (office?.id) {
    facts.push(['offices', office.id], ['prop:office_id', office.id], ['prop:office_corporate_id', '556677-8899'], ['prop:corporate_id', '556677-8899']);
    run('office_user_limited', ['create-user', '--office', office.id, '--email', 'limited@office.example', '--role', 'limited']);
  }
  const company = server.cli(['admin', 'create-company', '--corporate-id', '559999-0008', '--name', 'Kund AB', '--relation', 'subscriber',
    '--variant', 'smart', '--invoice-recipient', 'customer', '--period', '12', '--renews-on', '2030-01-01']);
  if (company.status === 0) {
    facts.push(['prop:corporate_id', '559999-0008']);
    const cid = value(company.stdout, 'id');
    if (cid) facts.push(['companies', cid], ['prop:company_id', cid]);
  } else {
    missing.push(`company: \`advisord admin create-company\` failed (${company.status})`);
  }
  run('customer_admin', ['create-customer-admin', '--corporate-id', '559999-0008', '--name', 'Kim Kund', '--email', 'kim@kund.example']);
  const support = run('support', ['create-support', '--email', 'support@vendor.example']);
  // A token that was valid and is revoked: must be refused like any bad one.
  if (support?.id) {
    const extra = server.cli(['admin', 'create-token', '--principal', support.id]);
    const t = value(extra.stdout, 'token');
    if (extra.status === 0 && t && server.cli(['admin', 'revoke-token', '--token', t]).status === 0) revoked.push(t);
    else missing.push('revoked token: `advisord admin create-token`/`revoke-token` failed');
  }
  const admin = server.cli(['admin', 'create-admin', '--email', 'admin@vendor.example']);
  const adminToken = value(admin.stdout, 'token');
  if (admin.status === 0 && adminToken) tokens.admin = adminToken;
  else missing.push('admin: `advisord admin create-admin` is not available');
  return { tokens, facts, revoked, missing };
}
