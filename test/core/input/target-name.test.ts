import { describe, expect, it } from 'vitest';
import { parseTargetName, validateDnsName } from '../../../src/core/input/target-name.js';
import { parsePodRef } from '../../../src/core/input/pod-ref.js';

describe('parseTargetName', () => {
  it('reads a name and an optional port', () => {
    expect(parseTargetName('s3.cloud-b.example')).toEqual({ name: 's3.cloud-b.example' });
    expect(parseTargetName('s3.cloud-b.example:443')).toEqual({ name: 's3.cloud-b.example', port: 443 });
    expect(parseTargetName('www.example.org.')).toEqual({ name: 'www.example.org.' });
  });

  it.each([
    ['', /empty/],
    ['a..b', /empty label/],
    ['-bad.example', /may not start or end/],
    ['x'.repeat(64) + '.example', /limit is 63/],
    [Array.from({ length: 60 }, () => 'abcd').join('.'), /limit is 253/],
    ['api.example:http', /port .* must be a number/],
    ['api.example:70000', /out of range/],
    ['bad name.example', /may only contain/],
  ])('rejects %j with a message naming the problem', (input, message) => {
    expect(() => parseTargetName(input)).toThrow(message);
  });

  it('rejects the root', () => {
    expect(() => validateDnsName('.')).toThrow(/root/);
  });
});

describe('parsePodRef', () => {
  it('reads every form', () => {
    expect(parsePodRef('mos/mos-model-6c9f7b5d8-x2k4p')).toEqual({ kind: 'pod', namespace: 'mos', name: 'mos-model-6c9f7b5d8-x2k4p' });
    expect(parsePodRef('web-7d9', 'default')).toEqual({ kind: 'pod', namespace: 'default', name: 'web-7d9' });
    expect(parsePodRef('deploy/mos-model', 'mos')).toEqual({ kind: 'workload', workload: 'Deployment', namespace: 'mos', name: 'mos-model' });
    expect(parsePodRef('mos/deploy/mos-model')).toEqual({ kind: 'workload', workload: 'Deployment', namespace: 'mos', name: 'mos-model' });
    expect(parsePodRef('sts/db')).toEqual({ kind: 'workload', workload: 'StatefulSet', namespace: undefined, name: 'db' });
  });

  it.each([
    ['Mos/Pod', undefined, /not a valid namespace/],
    ['mos/pod', 'other', /-n says other/],
    ['a/b/c/d', undefined, /cannot read the pod/],
    ['pod_with_underscore', undefined, /not a valid pod name/],
    ['deploy/', undefined, /Deployment name is empty/],
  ])('rejects %j', (arg, ns, message) => {
    expect(() => parsePodRef(arg, ns)).toThrow(message);
  });
});
