import { describe, expect, it } from 'vitest';
import { formatCorefile } from '../../../src/core/corefile/fmt.js';
import { parseCorefile } from '../../../src/core/corefile/parse.js';

// A literal copy of kubeadm's Corefile on purpose: the offsets below are counted in this exact text.
const kubeadm = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

describe('syntax tree offsets', () => {
  it('exposes blocks, directive lines, nested lines and braces with exact offsets', () => {
    const { syntax } = parseCorefile(kubeadm);
    expect(syntax.eol).toBe('\n');
    expect(syntax.indentUnit).toBe('    ');
    const b = syntax.blocks[0];
    expect(kubeadm[b.openBrace!]).toBe('{');
    expect(kubeadm[b.closeBrace!]).toBe('}');
    expect(b.closeBrace).toBe(kubeadm.lastIndexOf('}'));
    expect(b.body.map((l) => l.name)).toEqual(['errors', 'health', 'ready', 'kubernetes', 'prometheus', 'forward', 'cache', 'loop', 'reload', 'loadbalance']);
    const fwd = b.body[5];
    expect(kubeadm.slice(fwd.lineStart, fwd.lineEnd)).toBe('    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n');
    expect(kubeadm.slice(fwd.start, fwd.end)).toBe('forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }');
    expect(fwd.indent).toBe('    ');
    expect(fwd.depth).toBe(1);
    expect(kubeadm[fwd.openBrace!]).toBe('{');
    expect(kubeadm[fwd.closeBrace!]).toBe('}');
    const nested = fwd.children[0];
    expect([nested.name, nested.indent, nested.depth, nested.line]).toEqual(['max_concurrent', '       ', 2, 14]);
    expect(kubeadm.slice(nested.lineStart, nested.lineEnd)).toBe('       max_concurrent 1000\n');
  });

  it('reports CRLF, imports and snippets as items', () => {
    const text = '(s) {\r\n  log\r\n}\r\n.:53 {\r\n  import s\r\n  hosts {\r\n    import custom/*.hosts\r\n  }\r\n}\r\nimport custom/*.server\r\n';
    const { syntax } = parseCorefile(text);
    expect(syntax.eol).toBe('\r\n');
    expect(syntax.items.map((i) => i.kind)).toEqual(['snippet', 'server', 'import']);
    const server = syntax.blocks[0];
    expect(server.body.map((l) => `${l.kind}:${l.name}`)).toEqual(['import:import', 'directive:hosts']);
    expect(server.body[1].children.map((l) => `${l.kind}:${l.depth}`)).toEqual(['import:2']);
    expect(text.slice(syntax.items[2].lineStart, syntax.items[2].lineEnd)).toBe('import custom/*.server\r\n');
  });

  it('keeps a complete token list when the file does not parse', () => {
    const { syntax } = parseCorefile('. {\n whoami }\n}');
    expect(syntax.complete).toBe(false);
    expect(syntax.tokens.map((t) => t.text)).toEqual(['.', '{', 'whoami', '}', '}']);
  });
});

describe('fmt', () => {
  it('normalises indentation only', () => {
    const messy = '.:53 {\n  errors\n\thealth {\n lameduck 5s\n        }\n   \n  # note\n    forward . 1.1.1.1 # up\n}\n';
    expect(formatCorefile(parseCorefile(messy).syntax)).toBe(
      '.:53 {\n  errors\n  health {\n    lameduck 5s\n  }\n\n  # note\n  forward . 1.1.1.1 # up\n}\n',
    );
  });
  it('is idempotent on the kubeadm Corefile apart from nested indentation', () => {
    const once = formatCorefile(parseCorefile(kubeadm).syntax);
    expect(once).toBe(kubeadm.replace(/\n {7}/g, '\n        '));
    expect(formatCorefile(parseCorefile(once).syntax)).toBe(once);
  });
  it('leaves multi-line quoted tokens and CRLF alone', () => {
    const t = '. {\r\n template ANY ANY {\r\n answer "a\r\n   b"\r\n }\r\n}\r\n';
    expect(formatCorefile(parseCorefile(t).syntax, { indent: '  ' })).toBe('. {\r\n  template ANY ANY {\r\n    answer "a\r\n   b"\r\n  }\r\n}\r\n');
  });
  it('formats files with directives unknown to this CoreDNS version (structure does not depend on plugins)', () => {
    const t = '. {\nproxy . 1.1.1.1\n  whoami\n}\n';
    const r = parseCorefile(t);
    expect(r.ok).toBe(false);
    expect(r.syntax.complete).toBe(true);
    expect(formatCorefile(r.syntax)).toBe('. {\n  proxy . 1.1.1.1\n  whoami\n}\n');
  });
  it('changes nothing in a file that does not parse', () => {
    const t = '. {\n      whoami }\n';
    expect(formatCorefile(parseCorefile(t).syntax)).toBe(t);
  });
});
