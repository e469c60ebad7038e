import { describe, expect, it } from '@jest/globals';
import { canonicalJson, eventHash } from './integrity-hash.js';

describe('canonicalJson', () => {
  it('sorts keys at every level, whatever order they were set in', () => {
    const a = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } };
    const b = { a: { c: 'x', d: [3, { y: null, z: true }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('writes what JSON.stringify writes for sorted plain data, escapes included', () => {
    const value = { a: 'tab\there "quoted" \\ back', b: -1.5e-7, c: [], d: {}, e: 'é ✓ \u2028', f: false };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });

  it('leaves out undefined properties, writes undefined array items as null, Dates as their ISO text', () => {
    expect(canonicalJson({ b: undefined, a: [undefined, 1] })).toBe('{"a":[null,1]}');
    expect(canonicalJson({ at: new Date('2026-01-02T03:04:05.000Z') })).toBe('{"at":"2026-01-02T03:04:05.000Z"}');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('orders keys by UTF-16 code units, as Array.prototype.sort', () => {
    expect(canonicalJson({ b: 1, B: 2, ä: 3, a: 4, '10': 5, '9': 6 })).toBe('{"10":5,"9":6,"B":2,"a":4,"b":1,"ä":3}');
  });
});

describe('canonicalJson, whole values in canonical form and the rest', () => {
  it('writes a sorted object with an unsorted child, a function or a boxed string as it always did', () => {
    expect(canonicalJson({ a: { z: 1, y: [{ b: 2, a: 1 }] }, b: 'x' })).toBe(
      '{"a":{"y":[{"a":1,"b":2}],"z":1},"b":"x"}',
    );
    expect(canonicalJson({ a: () => 1, b: [() => 1, Symbol('s')] })).toBe('{"a":null,"b":[null,null]}');
    expect(canonicalJson({ a: new String('ab') })).toBe('{"a":{"0":"a","1":"b"}}');
    expect(canonicalJson([1, { b: 1, a: undefined }, undefined, 'x'])).toBe('[1,{"b":1},null,"x"]');
  });

  it('leaves out an inherited property, as Object.keys does', () => {
    const child = Object.assign(Object.create({ inherited: 1 }) as Record<string, unknown>, { a: 1, b: 2 });
    expect(canonicalJson(child)).toBe('{"a":1,"b":2}');
  });
});

describe('eventHash', () => {
  it('does not depend on key order, and chains on the previous hash', () => {
    const one = eventHash(null, { type: 'T', data: { a: 1, b: 2 }, metadata: {} });
    expect(eventHash(null, { type: 'T', data: { b: 2, a: 1 }, metadata: {} })).toBe(one);
    expect(eventHash(one, { type: 'T', data: { a: 1, b: 2 }, metadata: {} })).not.toBe(one);
  });
});
