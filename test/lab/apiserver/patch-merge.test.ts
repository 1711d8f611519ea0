import { describe, expect, it } from 'vitest';
import { applyJsonPatch, mergePatch, strategicMerge } from '../../../src/lab/apiserver/patch-merge.js';
import { ApiError } from '../../../src/lab/apiserver/status.js';

describe('JSON merge patch (RFC 7386 appendix A)', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, result] of cases) {
    it(`${JSON.stringify(target)} + ${JSON.stringify(patch)} = ${JSON.stringify(result)}`, () => {
      expect(mergePatch(target as any, patch as any)).toEqual(result);
    });
  }
});

describe('strategic merge patch', () => {
  const pod = {
    spec: {
      containers: [
        { name: 'app', image: 'a:1', env: [{ name: 'X', value: '1' }], ports: [{ containerPort: 80, name: 'http' }] },
        { name: 'side', image: 's:1' },
      ],
      hostAliases: [{ ip: '10.0.0.1', hostnames: ['a'] }],
      dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '5' }] },
      volumes: [{ name: 'v', emptyDir: {} }],
      finalizers: ['a'],
    },
  };

  it('merges containers by name (others kept), env by name, ports by containerPort', () => {
    const out = strategicMerge(pod as any, { spec: { containers: [{ name: 'app', env: [{ name: 'Y', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] }] } } as any) as any;
    expect(out.spec.containers.map((c: any) => c.name)).toEqual(['app', 'side']);
    expect(out.spec.containers[0].env).toEqual([{ name: 'X', value: '1' }, { name: 'Y', value: '2' }]);
    expect(out.spec.containers[0].ports).toEqual([{ containerPort: 80, name: 'http', protocol: 'TCP' }]);
    expect(out.spec.containers[0].image).toBe('a:1');
  });

  it('merges hostAliases by ip and volumes by name; atomic lists (hostnames, nameservers, dnsConfig.options) are replaced', () => {
    const out = strategicMerge(pod as any, {
      spec: {
        hostAliases: [{ ip: '10.0.0.1', hostnames: ['b'] }, { ip: '10.0.0.2', hostnames: ['c'] }],
        dnsConfig: { nameservers: ['8.8.8.8'], options: [{ name: 'edns0' }] },
        volumes: [{ name: 'w', emptyDir: {} }],
      },
    } as any) as any;
    expect(out.spec.hostAliases).toEqual([{ ip: '10.0.0.1', hostnames: ['b'] }, { ip: '10.0.0.2', hostnames: ['c'] }]);
    expect(out.spec.dnsConfig).toEqual({ nameservers: ['8.8.8.8'], options: [{ name: 'edns0' }] });
    expect(out.spec.volumes.map((v: any) => v.name)).toEqual(['v', 'w']);
  });

  it('honours $patch: delete in keyed lists, $patch: replace on maps and lists, $deleteFromPrimitiveList, null', () => {
    const del = strategicMerge(pod as any, { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } as any) as any;
    expect(del.spec.containers.map((c: any) => c.name)).toEqual(['app']);
    const rep = strategicMerge(pod as any, { spec: { dnsConfig: { $patch: 'replace', searches: ['x'] } } } as any) as any;
    expect(rep.spec.dnsConfig).toEqual({ searches: ['x'] });
    const repList = strategicMerge(pod as any, { spec: { hostAliases: [{ $patch: 'replace' }, { ip: '9.9.9.9', hostnames: ['z'] }] } } as any) as any;
    expect(repList.spec.hostAliases).toEqual([{ ip: '9.9.9.9', hostnames: ['z'] }]);
    const prim = strategicMerge(pod as any, { spec: { '$deleteFromPrimitiveList/finalizers': ['a'] } } as any) as any;
    expect(prim.spec.finalizers).toEqual([]);
    const nul = strategicMerge(pod as any, { spec: { dnsConfig: null } } as any) as any;
    expect(nul.spec.dnsConfig).toBeUndefined();
  });

  it('an element without its merge key is a 400', () => {
    expect(() => strategicMerge(pod as any, { spec: { containers: [{ image: 'x' }] } } as any)).toThrow(ApiError);
  });
});

describe('JSON patch', () => {
  it('applies add/replace/remove/test without touching the input', () => {
    const doc = { data: { a: '1' } };
    const out = applyJsonPatch(doc, [{ op: 'add', path: '/data/b', value: '2' }, { op: 'remove', path: '/data/a' }, { op: 'test', path: '/data/b', value: '2' }]);
    expect(out).toEqual({ data: { b: '2' } });
    expect(doc).toEqual({ data: { a: '1' } });
  });
  it('rejects a non-array body and unknown operations with 400, a failed test with 422', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ApiError).status.code;
      }
      return 0;
    };
    expect(code(() => applyJsonPatch({}, { op: 'add' }))).toBe(400);
    expect(code(() => applyJsonPatch({}, [{ op: 'nope', path: '/a' }]))).toBe(400);
    expect(code(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]))).toBe(422);
    expect(code(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '/missing' }]))).toBe(400);
  });
});
