import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { close, listen } from '../../../local/http/listening';
import { createWebServer } from '../../../local/web/server';
import { buildWeb, buildWebFiles } from '../../../web/build';
import { mergeConfig } from '../../../web/shared/config';
import { rawJsonRequest } from '../../support/raw-http';

// The web server over a small built site: content types, revalidation, traversal refused, the
// config, JSON errors, and requests that must not stop it.

const config = {
  api: 'http://localhost:3000/',
  issuer: 'http://localhost:8080/realms/shop',
  edge: 'http://localhost:4566',
  region: 'us-east-1',
  clientId: 'shop-web',
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:saga',
  dashboardName: 'ServerlessShop',
};
const files = new Map<string, Uint8Array>([
  ['index.html', Buffer.from('<!doctype html><title>shop</title>')],
  ['main.js', Buffer.from('console.log(1)')],
  ['main.css', Buffer.from('body{}')],
  ['main.js.map', Buffer.from('{}')],
  ['console/index.html', Buffer.from('<!doctype html><title>console</title>')],
]);

let server: Server;
let base: string;
const errors: Error[] = [];
beforeAll(async () => {
  server = createWebServer({ files, config }, (error) => errors.push(error));
  base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
});
afterAll(() => close(server));
afterEach(() => expect(errors).toEqual([]));

/** Sends bytes as written (no URL normalisation, as `curl --path-as-is`): the status and the JSON body. */
const raw = (request: string) => rawJsonRequest((server.address() as AddressInfo).port, request);

describe('the web server', () => {
  test.each([
    ['/', 'text/html; charset=utf-8', '<title>shop</title>'],
    ['/main.js', 'text/javascript; charset=utf-8', 'console.log'],
    ['/main.css', 'text/css; charset=utf-8', 'body{}'],
    ['/main.js.map', 'application/json; charset=utf-8', '{}'],
    ['/console/', 'text/html; charset=utf-8', '<title>console</title>'],
    ['/?api=http://x/', 'text/html; charset=utf-8', '<title>shop</title>'],
  ])('serves %s as %s', async (path, type, text) => {
    const response = await fetch(base + path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain(text);
  });

  test('/config.json is the config it was given', async () => {
    const response = await fetch(`${base}/config.json`);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual(config);
  });

  test('a folder without its slash is redirected to it', async () => {
    const response = await fetch(`${base}/console`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/console/');
  });

  test('a browser holding the current version gets 304, with no body', async () => {
    const first = await fetch(`${base}/main.js`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${base}/main.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  test('HEAD answers the headers without the body', async () => {
    const response = await fetch(`${base}/main.css`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('6');
    expect(await response.text()).toBe('');
  });

  test('an unknown path is a JSON 404', async () => {
    const response = await fetch(`${base}/nothing/here.js`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ error: 'NOT_FOUND', message: 'No file at /nothing/here.js' });
  });

  test.each([
    '/../etc/passwd',
    '/console/../../package.json',
    '/%2e%2e/%2e%2e/package.json',
    '/main.js%00.html',
    '/..%5c..%5cpackage.json',
    '//etc/passwd',
    '/%E0%A4%A',
  ])('refuses %s with a 400', async (path) => {
    const response = await raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'BAD_REQUEST' });
  });

  test('other methods are refused with 405 and the allowed ones', async () => {
    const response = await fetch(`${base}/`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(await response.json()).toMatchObject({ error: 'METHOD_NOT_ALLOWED' });
  });

  test('broken requests get 4xx in JSON, and the server keeps answering', async () => {
    expect((await raw('NOT A REQUEST\r\n\r\n')).status).toBe(400);
    expect((await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).status).toBe(431);
    expect(
      (await raw(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\nConnection: close\r\n\r\n`)).status,
    ).toBe(413);
    expect((await fetch(`${base}/`)).status).toBe(200);
  });
});

describe('the web build', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'web-build-'));
    mkdirSync(join(root, 'web', 'shop'), { recursive: true });
    writeFileSync(
      join(root, 'web', 'shop', 'index.html'),
      '<!doctype html><script type="module" src="main.js"></script>',
    );
    writeFileSync(join(root, 'web', 'shop', 'style.css'), 'main { color: red }');
    writeFileSync(
      join(root, 'web', 'shop', 'main.tsx'),
      "import { render } from 'preact';\nimport './style.css';\nrender(<main>hello</main>, document.body);\n",
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  // How long the build takes is a benchmark's figure (the start-up's webBuildMs), not this test's.
  test('bundles each app present with Preact JSX, minified, with its CSS and source map', async () => {
    const built = await buildWebFiles(join(root, 'web'));
    expect([...built.keys()].sort()).toEqual(['index.html', 'main.css', 'main.css.map', 'main.js', 'main.js.map']);
    const js = Buffer.from(built.get('main.js')!).toString();
    expect(js).toContain('hello');
    expect(js).not.toMatch(/\n\s+\S/);
    expect(js).toContain('//# sourceMappingURL=main.js.map');
  });

  test('buildWeb writes the same files to a folder for any static host', async () => {
    const out = join(root, 'dist');
    const paths = await buildWeb(out, join(root, 'web'));
    expect(paths).toContain('index.html');
    expect(readFileSync(join(out, 'main.css'), 'utf8')).toContain('color');
  });
});

describe('the pages config', () => {
  test('query parameters override the served config; unknown keys and non-strings are dropped; URLs take one form', () => {
    const merged = mergeConfig(
      { ...config, api: 'http://a/v1', extra: 'x', region: 7 },
      new URLSearchParams('issuer=http://kc/realms/shop/&edge=https://e/&region=eu-west-1&other=1'),
    );
    expect(merged).toEqual({
      ...config,
      api: 'http://a/v1/',
      issuer: 'http://kc/realms/shop',
      edge: 'https://e',
      region: 'eu-west-1',
    });
  });
});
