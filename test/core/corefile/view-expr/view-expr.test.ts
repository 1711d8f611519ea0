/** The view expression language: expr-lang subset, CoreDNS env functions, Corefile quoting quirks. */
import { describe, expect, it } from 'vitest';
import { compileViewExpr, evaluateViewExpr, joinExprTokens, type ViewEnv } from '../../../../src/core/corefile/view-expr/index.js';
import { parseCorefile } from '../../../../src/core/corefile/parse.js';

const env: ViewEnv = {
  client_ip: '10.245.5.17', name: 'api.example.com.', type: 'AAAA', class: 'IN', proto: 'udp', size: 40, port: '40000',
  id: 4242, opcode: 0, do: false, bufsize: 1232, server_ip: '10.96.0.10', server_port: '53', metadata: { 'kubernetes/client-namespace': 'shop' },
};

function run(src: string) {
  return evaluateViewExpr(compileViewExpr(src), env);
}

describe('view expressions', () => {
  it.each([
    ["incidr(client_ip(), '10.245.5.0/24')", true],
    ["incidr(client_ip(), '10.245.4.0/24')", false],
    ["incidr(client_ip(), '10.245.4.0/24') or incidr(client_ip(), '10.245.5.0/24')", true],
    ["incidr(client_ip(), '10.0.0.0/8') and type() == 'AAAA'", true],
    ["not (type() == 'A')", true],
    ["! incidr(client_ip(), '10.0.0.0/8')", false],
    ["name() matches '^api\\\\..*'", true],
    ["name() endsWith 'example.com.' && proto() == 'udp'", true],
    ["name() startsWith 'www'", false],
    ["name() contains 'example'", true],
    ["type() in ['A', 'AAAA']", true],
    ["size() < 512 and bufsize() >= 1232", true],
    ["port() == '40000' and server_port() == '53' and server_ip() == '10.96.0.10'", true],
    ["id() == 4242 and opcode() == 0 and do() == false and class() == 'IN'", true],
    ["metadata('kubernetes/client-namespace') == 'shop'", true],
  ])('%s → %s', (src, want) => {
    const r = run(src);
    expect(r.error).toBeUndefined();
    expect(r.matched).toBe(want);
  });

  it('treats IPv6 client_ip without brackets', () => {
    const r = evaluateViewExpr(compileViewExpr("incidr(client_ip(), 'fd00::/8')"), { ...env, client_ip: 'fd00::1' });
    expect(r.matched).toBe(true);
  });

  it('non-boolean results and runtime errors do not match, with a reason', () => {
    expect(run('name()')).toMatchObject({ matched: false, error: expect.stringContaining('not boolean') });
    expect(run("incidr(client_ip(), 'not-a-cidr')")).toMatchObject({ matched: false, error: expect.stringContaining('invalid CIDR') });
    expect(run("incidr('nope', '10.0.0.0/8')")).toMatchObject({ matched: false, error: expect.stringContaining('invalid IP') });
  });

  it('unknown functions and names are compile errors', () => {
    expect(compileViewExpr("client() == '1'")).toMatchObject({ ok: false, error: expect.stringContaining('unknown function client') });
    expect(compileViewExpr('name() == zone')).toMatchObject({ ok: false, error: expect.stringContaining('unknown name zone') });
  });

  it('double quotes are eaten by the Corefile lexer: "a." reaches expr bare and fails to compile', () => {
    const r = parseCorefile('. {\n    view v {\n        expr name() == "a."\n    }\n    whoami\n}\n');
    const line = r.model.blocks[0]!.directives[0]!.block![0]!;
    const src = joinExprTokens(line.args.map((t) => t.text));
    expect(src).toBe('name() == a.');
    const c = compileViewExpr(src);
    expect(c.ok).toBe(false);
  });

  it('single-quoted strings survive the lexer; tokens are re-joined with single spaces', () => {
    const r = parseCorefile(". {\n    view v {\n        expr   name()    ==   'a.'\n    }\n    whoami\n}\n");
    const line = r.model.blocks[0]!.directives[0]!.block![0]!;
    const src = joinExprTokens(line.args.map((t) => t.text));
    expect(src).toBe("name() == 'a.'");
    expect(evaluateViewExpr(compileViewExpr(src), { ...env, name: 'a.' }).matched).toBe(true);
  });

  it('a # glued to a word ends the token in the Corefile lexer, breaking the expression', () => {
    const r = parseCorefile(". {\n    view v {\n        expr name() matches '^a#b'\n    }\n    whoami\n}\n");
    const line = r.model.blocks[0]!.directives[0]!.block![0]!;
    const c = compileViewExpr(joinExprTokens(line.args.map((t) => t.text)));
    expect(c.ok).toBe(false);
  });
});
