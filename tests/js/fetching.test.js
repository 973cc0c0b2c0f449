// The sync's HTTP layer against a real local HTTP server: size cap (also
// without Content-Length), timeout, non-JSON bodies, bodies cut short,
// statuses not read.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
import { getJson, postJson, SyncError } from "../../extension/background/fetching.js";

const CUT_BODY = Buffer.from(JSON.stringify({ format: 1, entries: ["a".repeat(300)] }));
const SMALL_GZIP = gzipSync("{}");

let server;
let base;
const received = [];

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      switch (req.url) {
        case "/json":
          res.writeHead(200, { "Content-Type": "application/json", ETag: '"v1"' });
          res.end('{"ok": true}');
          break;
        case "/big-declared":
          res.writeHead(200, { "Content-Length": "5000" });
          res.end("x".repeat(5000));
          break;
        case "/big-streamed": // chunked: no Content-Length to trust
          res.writeHead(200, { "Content-Type": "application/json" });
          for (let i = 0; i < 50; i++) res.write("x".repeat(100));
          res.end();
          break;
        case "/cut-short": // the connection closes after a third of the declared body
          res.writeHead(200, { "Content-Type": "application/json", "Content-Length": String(CUT_BODY.length) });
          res.write(CUT_BODY.slice(0, CUT_BODY.length / 3));
          res.socket.end();
          break;
        case "/gzip-small": // decoded body shorter than the declared (compressed) length
          res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip", "Content-Length": String(SMALL_GZIP.length) });
          res.end(SMALL_GZIP);
          break;
        case "/garbage":
          res.writeHead(200);
          res.end("<html>not json</html>");
          break;
        case "/slow":
          setTimeout(() => {
            res.writeHead(200);
            res.end("{}");
          }, 2000).unref();
          break;
        case "/gone":
          res.writeHead(410, { "Content-Type": "application/json" });
          res.end('{"error": {"code": "changes_gone"}}');
          break;
        case "/report":
          res.writeHead(202);
          res.end("{}");
          break;
        default:
          res.writeHead(404);
          res.end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

async function failsWith(promise, code) {
  await assert.rejects(promise, (err) => err instanceof SyncError && err.code === code);
}

test("reads JSON and its headers", async () => {
  const res = await getJson(`${base}/json`, { headers: { "If-None-Match": '"v0"' } });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { ok: true });
  assert.equal(res.headers.get("ETag"), '"v1"');
  assert.equal(received.at(-1).headers["if-none-match"], '"v0"');
});

test("refuses a body declared larger than the cap", async () => {
  await failsWith(getJson(`${base}/big-declared`, { maxBytes: 1000 }), "too_large");
});

test("stops reading a streamed body once it passes the cap", async () => {
  await failsWith(getJson(`${base}/big-streamed`, { maxBytes: 1000 }), "too_large");
  const res = await getJson(`${base}/json`, { maxBytes: 1000 });
  assert.equal(res.status, 200);
});

test("a body that is not JSON is an error of its own", async () => {
  await failsWith(getJson(`${base}/garbage`), "not_json");
});

test("a body cut short of its Content-Length is a network error", async () => {
  await failsWith(getJson(`${base}/cut-short`), "network");
});

// Firefox's fetch hands over the bytes that arrived as a complete body; Node's
// fails the read itself. Replay the same bytes the way Firefox delivers them.
test("a short body handed over as complete is still a network error", async () => {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async () =>
    new Response(CUT_BODY.subarray(0, 40), { status: 200, headers: { "Content-Length": String(CUT_BODY.length) } });
  try {
    await assert.rejects(
      getJson(`${base}/cut-short`),
      (err) => err instanceof SyncError && err.code === "network" && err.detail === `body cut short: 40 of ${CUT_BODY.length} bytes`,
    );
  } finally {
    globalThis.fetch = realFetch;
  }
});

test("a gzipped body shorter once decoded than its Content-Length is whole", async () => {
  assert.ok(SMALL_GZIP.length > 2);
  const res = await getJson(`${base}/gzip-small`);
  assert.deepEqual(res.json, {});
});

test("a server that does not answer in time is a timeout", async () => {
  await failsWith(getJson(`${base}/slow`, { timeoutMs: 200 }), "timeout");
});

test("statuses whose body is not needed are returned unread", async () => {
  const res = await getJson(`${base}/gone`);
  assert.equal(res.status, 410);
  assert.equal(res.json, undefined);
});

test("a refused connection is a network error", async () => {
  const closed = createServer();
  await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = closed.address().port;
  await new Promise((resolve) => closed.close(resolve));
  await failsWith(getJson(`http://127.0.0.1:${port}/json`), "network");
});

test("postJson sends JSON and returns the status", async () => {
  assert.equal(await postJson(`${base}/report`, { kind: "mistake", domain: "allofmp3.example", comment: "x" }), 202);
  const last = received.at(-1);
  assert.equal(last.method, "POST");
  assert.equal(last.headers["content-type"], "application/json");
  assert.deepEqual(JSON.parse(last.body), { kind: "mistake", domain: "allofmp3.example", comment: "x" });
});
