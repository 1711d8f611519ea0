/**
 * The program each lab namespace runs (`ip netns exec NS node -e <this>`): it opens sockets inside
 * its network namespace and hands them to the lab process over the IPC channel (Node passes the
 * file descriptor), so the lab's servers and clients keep running in one process while their
 * sockets live on the real scenario addresses in the right namespaces. A string, so the same code
 * runs from the TypeScript sources and from the compiled build; it exits when the lab goes away.
 */
export const agentSource = String.raw`
const dgram = require('node:dgram');
const net = require('node:net');
const pending = new Map();
const reply = (id, body, handle) => process.send({ id, ...body }, handle, {}, () => { if (handle && handle.close) try { handle.close(); } catch {} });
process.on('message', (m) => {
  if (m.op === 'udp') {
    const s = dgram.createSocket('udp4');
    s.once('error', (e) => reply(m.id, { error: e.code || e.message }));
    s.bind({ address: m.ip, port: m.port, exclusive: true }, () => reply(m.id, { ok: true }, s));
  } else if (m.op === 'listen') {
    const srv = net.createServer({ pauseOnConnect: true });
    srv.once('error', (e) => reply(m.id, { error: e.code || e.message }));
    srv.listen({ host: m.ip, port: m.port, backlog: 4096, exclusive: true }, () => reply(m.id, { ok: true }, srv));
  } else if (m.op === 'connect') {
    const c = net.connect({ host: m.host, port: m.port, localAddress: m.from });
    pending.set(m.id, c);
    c.once('connect', () => { pending.delete(m.id); process.send({ id: m.id, ok: true, localPort: c.localPort }, c); });
    c.once('error', (e) => { pending.delete(m.id); reply(m.id, { error: e.code || e.message }); });
  } else if (m.op === 'abort') {
    pending.get(m.ref)?.destroy();
    pending.delete(m.ref);
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
`;
