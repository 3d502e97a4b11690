import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isCompletePyJson, parsePyJson, PyJsonDecodeError } from '../../fake-engine/py-json-parse.ts';
import { PyFloat, pyFloatRepr, pyJsonDumps } from '../../fake-engine/py-json.ts';

describe('pyJsonDumps (json.dumps, ensure_ascii=False)', () => {
  it('uses ", " and ": " separators and keeps non-ASCII', () => {
    assert.equal(pyJsonDumps({ city: 'Zürich', n: [1, 2], ok: true, none: null }), '{"city": "Zürich", "n": [1, 2], "ok": true, "none": null}');
  });

  it('escapes like Python: quotes, backslashes, C0 controls in lowercase hex', () => {
    assert.equal(pyJsonDumps('a"b\\c\nd\te\u0001\u2028'), '"a\\"b\\\\c\\nd\\te\\u0001\u2028"');
  });

  it('prints floats with repr()', () => {
    const cases: Array<[number, string]> = [
      [1, '1.0'], [0.5, '0.5'], [123, '123.0'], [1e16, '1e+16'], [1.5e-5, '1.5e-05'], [0.0001, '0.0001'],
      [-2.5e100, '-2.5e+100'], [1234567890123456.7, '1234567890123456.8'], [-0, '-0.0'],
    ];
    for (const [value, text] of cases) assert.equal(pyFloatRepr(value), text, String(value));
    assert.equal(pyJsonDumps(new PyFloat(Number.NaN)), 'NaN');
  });
});

describe('parsePyJson (json.loads)', () => {
  it('re-serialises a model-written object the way vLLM does', () => {
    assert.equal(pyJsonDumps(parsePyJson('{"code":"print(2+2)","n":1.0,"big":123456789012345678901}')), '{"code": "print(2+2)", "n": 1.0, "big": 123456789012345678901}');
  });

  it('keeps source key order, integer-like keys included, and lets a duplicate win in place', () => {
    assert.equal(pyJsonDumps(parsePyJson('{"b": 1, "1": 2, "a": 3, "b": 4}')), '{"b": 4, "1": 2, "a": 3}');
  });

  it('accepts NaN and Infinity and Python whitespace', () => {
    assert.equal(pyJsonDumps(parsePyJson(' [NaN, -Infinity, 1e400]\r\n')), '[NaN, -Infinity, Infinity]');
  });

  it("fails with Python's messages and positions", () => {
    const cases: Array<[string, string]> = [
      ['', 'Expecting value: line 1 column 1 (char 0)'],
      ['{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"],
      ['{"a": 1', "Expecting ',' delimiter: line 1 column 8 (char 7)"],
      ['{"a": 1,}', 'Expecting property name enclosed in double quotes: line 1 column 9 (char 8)'],
      ['{}\n x', 'Extra data: line 2 column 2 (char 4)'],
      ['"abc', 'Unterminated string starting at: line 1 column 1 (char 0)'],
      ['"a\nb"', 'Invalid control character at: line 1 column 3 (char 2)'],
      ['01', 'Extra data: line 1 column 2 (char 1)'],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parsePyJson(text), (error: unknown) => error instanceof PyJsonDecodeError && error.message === message, text);
    }
  });

  it('reports completeness like vllm.tool_parsers.utils.is_complete_json', () => {
    assert.equal(isCompletePyJson('{"a": [1, 2]}'), true);
    assert.equal(isCompletePyJson('{"a": [1, 2]'), false);
  });
});
