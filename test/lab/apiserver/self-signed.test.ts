import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selfSignedCert } from '../../../src/lab/apiserver/self-signed.js';

describe('selfSignedCert', () => {
  it('300 certificates in a row all parse with OpenSSL, with a 16-byte positive serial and the lab addresses', () => {
    // A random serial starting 0x00 0x0X was rejected ("illegal padding") about once in 256 starts.
    for (let i = 0; i < 300; i++) {
      const { certPem } = selfSignedCert({ commonName: 'dnswhy-lab', ips: ['127.0.0.1', '127.9.0.1'] });
      const cert = new X509Certificate(certPem);
      expect(cert.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
      expect(cert.subjectAltName).toBe('IP Address:127.0.0.1, IP Address:127.9.0.1, DNS:localhost');
      expect(cert.ca).toBe(true);
    }
  });
});
