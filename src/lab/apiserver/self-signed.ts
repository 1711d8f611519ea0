/**
 * A self-signed P-256 certificate for the lab's API server on loopback, made with node:crypto at
 * start (a few milliseconds). The DER is written here because the certificate has one fixed shape
 * (CA:true, the loopback IP in subjectAltName); the X.509 libraries on npm cost 100-400 ms to load
 * and one of them needs a global Reflect polyfill, which would slow every lab start. kubectl and
 * client-node verify it through `certificate-authority-data` in the lab's kubeconfig.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIPv4 } from 'node:net';

const tlv = (tag: number, body: Buffer): Buffer => {
  const n = body.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
};
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const oid = (dotted: string): Buffer => {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [40 * a + b];
  for (const v of rest) {
    const chunk = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) chunk.unshift((x & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
};
const utcTime = (d: Date) => tlv(0x17, Buffer.from(`${d.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`, 'ascii'));
const name = (cn: string) => seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))));

export interface SelfSignedCert {
  certPem: string;
  keyPem: string;
}

/** A certificate valid for `ips` (and localhost) from a minute ago for `days` days. */
export function selfSignedCert(opts: { commonName: string; ips: string[]; days?: number }): SelfSignedCert {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const serial = randomBytes(16);
  // DER INTEGERs are minimal and signed: a clear top bit keeps it positive, a set 0x40 bit keeps the
  // first byte non-zero (a leading 0x00 before a byte < 0x80 is "illegal padding" to strict parsers).
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const now = Date.now();
  const sans = Buffer.concat([
    ...opts.ips.filter(isIPv4).map((ip) => tlv(0x87, Buffer.from(ip.split('.').map(Number)))),
    tlv(0x82, Buffer.from('localhost', 'ascii')),
  ]);
  const extensions = tlv(
    0xa3,
    seq(
      seq(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq(tlv(0x01, Buffer.from([0xff]))))), // basicConstraints: critical, CA:true
      seq(oid('2.5.29.15'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, tlv(0x03, Buffer.from([0x02, 0x84])))), // keyUsage: digitalSignature, keyCertSign
      seq(oid('2.5.29.17'), tlv(0x04, seq(sans))), // subjectAltName
    ),
  );
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    ecdsaWithSha256,
    name(opts.commonName),
    seq(utcTime(new Date(now - 60_000)), utcTime(new Date(now + (opts.days ?? 30) * 86_400_000))),
    name(opts.commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const pem = (label: string, body: Buffer) => `-----BEGIN ${label}-----\n${body.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
  return { certPem: pem('CERTIFICATE', der), keyPem: createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' })).export({ type: 'pkcs8', format: 'pem' }).toString() };
}
