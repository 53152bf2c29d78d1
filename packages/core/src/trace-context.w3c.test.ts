import { describe, expect, it } from 'vitest';
import { parseTraceparent } from './trace-context.js';
import { parseTracestate } from './trace-state.js';

// The cases of the W3C Trace Context test suite, https://github.com/w3c/trace-context/blob/main/test/test.py
// (TraceContextTest, STRICT_LEVEL 2), written as a table of header -> what a receiver keeps. The suite
// sends headers to a service and checks what it propagates; here each case is the parsing decision
// behind it: a traceparent that is kept (its trace id) or ignored (undefined, so a new trace starts),
// and a tracestate that is kept (its members) or discarded whole (undefined).

const TRACE_ID = '12345678901234567890123456789012';
const valid = (header: string) => [header, TRACE_ID] as const;
const invalid = (header: string) => [header, undefined] as const;

const TRACEPARENT_CASES: ReadonlyArray<readonly [string, string, string | readonly string[], string | undefined]> = [
  ['test_traceparent_included_tracestate_missing', 'kept', ...valid('00-12345678901234567890123456789012-1234567890123456-01')],
  ['test_traceparent_version_0x00', 'trailing dot', ...invalid('00-12345678901234567890123456789012-1234567890123456-01.')],
  ['test_traceparent_version_0x00', 'future fields on version 00', ...invalid('00-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like')],
  ['test_traceparent_version_0xcc', 'future version', ...valid('cc-12345678901234567890123456789012-1234567890123456-01')],
  ['test_traceparent_version_0xcc', 'future version with fields', ...valid('cc-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like')],
  ['test_traceparent_version_0xcc', 'future version, dot after flags', ...invalid('cc-12345678901234567890123456789012-1234567890123456-01.what-the-future-will-be-like')],
  ['test_traceparent_version_0xff', 'version ff', ...invalid('ff-12345678901234567890123456789012-1234567890123456-01')],
  ['test_traceparent_version_illegal_characters', 'dot first', ...invalid('.0-12345678901234567890123456789012-1234567890123456-01')],
  ['test_traceparent_version_illegal_characters', 'dot second', ...invalid('0.-12345678901234567890123456789012-1234567890123456-01')],
  ['test_traceparent_version_too_long', '3 digits', ...invalid('000-12345678901234567890123456789012-1234567890123456-01')],
  ['test_traceparent_version_too_long', '4 digits', ...invalid('0000-12345678901234567890123456789012-1234567890123456-01')],
  ['test_traceparent_version_too_short', '1 digit', ...invalid('0-12345678901234567890123456789012-1234567890123456-01')],
  ['test_traceparent_trace_id_all_zero', 'all zero', ...invalid('00-00000000000000000000000000000000-1234567890123456-01')],
  ['test_traceparent_trace_id_illegal_characters', 'dot first', ...invalid('00-.2345678901234567890123456789012-1234567890123456-01')],
  ['test_traceparent_trace_id_illegal_characters', 'dot last', ...invalid('00-1234567890123456789012345678901.-1234567890123456-01')],
  ['test_traceparent_trace_id_too_long', '33 digits', ...invalid('00-123456789012345678901234567890123-1234567890123456-01')],
  ['test_traceparent_trace_id_too_short', '31 digits', ...invalid('00-1234567890123456789012345678901-1234567890123456-01')],
  ['test_traceparent_parent_id_all_zero', 'all zero', ...invalid('00-12345678901234567890123456789012-0000000000000000-01')],
  ['test_traceparent_parent_id_illegal_characters', 'dot first', ...invalid('00-12345678901234567890123456789012-.234567890123456-01')],
  ['test_traceparent_parent_id_illegal_characters', 'dot last', ...invalid('00-12345678901234567890123456789012-123456789012345.-01')],
  ['test_traceparent_parent_id_too_long', '17 digits', ...invalid('00-12345678901234567890123456789012-12345678901234567-01')],
  ['test_traceparent_parent_id_too_short', '15 digits', ...invalid('00-12345678901234567890123456789012-123456789012345-01')],
  ['test_traceparent_trace_flags_illegal_characters', 'dot first', ...invalid('00-12345678901234567890123456789012-1234567890123456-.0')],
  ['test_traceparent_trace_flags_illegal_characters', 'dot last', ...invalid('00-12345678901234567890123456789012-1234567890123456-0.')],
  ['test_traceparent_trace_flags_too_long', '3 digits', ...invalid('00-12345678901234567890123456789012-1234567890123456-001')],
  ['test_traceparent_trace_flags_too_short', '1 digit', ...invalid('00-12345678901234567890123456789012-1234567890123456-1')],
  ['test_traceparent_ows_handling', 'leading space', ...valid(' 00-12345678901234567890123456789012-1234567890123456-01')],
  ['test_traceparent_ows_handling', 'leading tab', ...valid('\t00-12345678901234567890123456789012-1234567890123456-01')],
  ['test_traceparent_ows_handling', 'trailing space', ...valid('00-12345678901234567890123456789012-1234567890123456-01 ')],
  ['test_traceparent_ows_handling', 'trailing tab', ...valid('00-12345678901234567890123456789012-1234567890123456-01\t')],
  ['test_traceparent_ows_handling', 'both', ...valid('\t 00-12345678901234567890123456789012-1234567890123456-01 \t')],
  ['test_traceparent_duplicated', 'two header lines', ['00-12345678901234567890123456789011-1234567890123456-01', '00-12345678901234567890123456789012-1234567890123456-01'], undefined],
  // not OWS: a line feed or a no-break space around the value is not allowed
  ['(ours) not OWS', 'trailing line feed', ...invalid('00-12345678901234567890123456789012-1234567890123456-01\n')],
  ['(ours) not OWS', 'leading no-break space', ...invalid('\u00a000-12345678901234567890123456789012-1234567890123456-01')],
  ['(ours) uppercase', 'uppercase hex', ...invalid('00-ABCDEF78901234567890123456789012-1234567890123456-01')],
];

describe('W3C trace-context test suite: traceparent', () => {
  it.each(TRACEPARENT_CASES)('%s (%s)', (_test, _case, header, traceId) => {
    expect(parseTraceparent(header)?.traceId).toBe(traceId);
  });
});

const members = (text: string) => text.split(',').map((member) => ({ key: member.split('=')[0]!, value: member.slice(member.indexOf('=') + 1) }));
const ALL_KEY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789_-*/';
const ALL_VALUE_CHARS = Array.from({ length: 0x7e - 0x20 + 1 }, (_, i) => String.fromCharCode(0x20 + i)).filter((c) => c !== ',' && c !== '=').join('');
const bars = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `bar${String(from + i).padStart(2, '0')}=${String(from + i).padStart(2, '0')}`).join(',');

const TRACESTATE_CASES: ReadonlyArray<readonly [string, string, string | readonly string[], ReturnType<typeof members> | undefined]> = [
  ['test_tracestate_included_traceparent_included', 'two members', 'foo=1,bar=2', members('foo=1,bar=2')],
  ['test_tracestate_empty_header', 'empty', '', []],
  ['test_tracestate_empty_header', 'a member, then an empty line', ['foo=1', ''], members('foo=1')],
  ['test_tracestate_empty_header', 'an empty line, then a member', ['', 'foo=1'], members('foo=1')],
  ['test_tracestate_multiple_headers_different_keys', 'combined in order', ['foo=1,bar=2', 'rojo=1,congo=2', 'baz=3'], members('foo=1,bar=2,rojo=1,congo=2,baz=3')],
  ['test_tracestate_duplicated_keys', 'same value', 'foo=1,foo=1', undefined],
  ['test_tracestate_duplicated_keys', 'other value', 'foo=1,foo=2', undefined],
  ['test_tracestate_duplicated_keys', 'same value, two lines', ['foo=1', 'foo=1'], undefined],
  ['test_tracestate_duplicated_keys', 'other value, two lines', ['foo=1', 'foo=2'], undefined],
  ['test_tracestate_all_allowed_characters', 'simple key', `${ALL_KEY_CHARS}=${ALL_VALUE_CHARS}`, [{ key: ALL_KEY_CHARS, value: ALL_VALUE_CHARS }]],
  ['test_tracestate_all_allowed_characters', 'tenant key', `${ALL_KEY_CHARS}@a-z0-9_-*/=${ALL_VALUE_CHARS}`, [{ key: `${ALL_KEY_CHARS}@a-z0-9_-*/`, value: ALL_VALUE_CHARS }]],
  ['test_tracestate_ows_handling', 'spaces and tabs around commas', 'foo=1 \t , \t bar=2, \t baz=3', members('foo=1,bar=2,baz=3')],
  ['test_tracestate_ows_handling', 'tabs and spaces around commas', 'foo=1\t \t,\t \tbar=2,\t \tbaz=3', members('foo=1,bar=2,baz=3')],
  ['test_tracestate_ows_handling', 'leading space', ' foo=1', members('foo=1')],
  ['test_tracestate_ows_handling', 'leading tab', '\tfoo=1', members('foo=1')],
  ['test_tracestate_ows_handling', 'trailing space', 'foo=1 ', members('foo=1')],
  ['test_tracestate_ows_handling', 'trailing tab', 'foo=1\t', members('foo=1')],
  ['test_tracestate_ows_handling', 'both', '\t foo=1 \t', members('foo=1')],
  ['test_tracestate_key_illegal_characters', 'space before =', 'foo =1', undefined],
  ['test_tracestate_key_illegal_characters', 'uppercase key', 'FOO=1', undefined],
  ['test_tracestate_key_illegal_characters', 'dot in key', 'foo.bar=1', undefined],
  ['test_tracestate_key_illegal_vendor_format', 'empty vendor', 'foo@=1,bar=2', undefined],
  ['test_tracestate_key_illegal_vendor_format', 'empty tenant', '@foo=1,bar=2', undefined],
  ['test_tracestate_key_illegal_vendor_format', 'two @ in a row', 'foo@@bar=1,bar=2', undefined],
  ['test_tracestate_key_illegal_vendor_format', 'two @', 'foo@bar@baz=1,bar=2', undefined],
  ['test_tracestate_member_count_limit', '32 members', [bars(1, 10), bars(11, 20), bars(21, 30), bars(31, 32)], members(bars(1, 32))],
  ['test_tracestate_member_count_limit', '33 members', [bars(1, 10), bars(11, 20), bars(21, 30), bars(31, 33)], undefined],
  ['test_tracestate_key_length_limit', 'key of 256', ['foo=1', `${'z'.repeat(256)}=1`], [{ key: 'foo', value: '1' }, { key: 'z'.repeat(256), value: '1' }]],
  ['test_tracestate_key_length_limit', 'key of 257', ['foo=1', `${'z'.repeat(257)}=1`], undefined],
  ['test_tracestate_key_length_limit', 'tenant 241, vendor 14', ['foo=1', `${'t'.repeat(241)}@${'v'.repeat(14)}=1`], [{ key: 'foo', value: '1' }, { key: `${'t'.repeat(241)}@${'v'.repeat(14)}`, value: '1' }]],
  ['test_tracestate_key_length_limit', 'tenant 242', ['foo=1', `${'t'.repeat(242)}@v=1`], undefined],
  ['test_tracestate_key_length_limit', 'vendor 15', ['foo=1', `t@${'v'.repeat(15)}=1`], undefined],
  ['test_tracestate_value_illegal_characters', '= in value', 'foo=bar=baz', undefined],
  ['test_tracestate_value_illegal_characters', 'empty value', 'foo=,bar=3', undefined],
  // from the spec's grammar (https://www.w3.org/TR/trace-context/#tracestate-header): values of 256, not 257; no trailing space
  ['(ours) value length', 'value of 256', `foo=${'v'.repeat(256)}`, [{ key: 'foo', value: 'v'.repeat(256) }]],
  ['(ours) value length', 'value of 257', `foo=${'v'.repeat(257)}`, undefined],
  ['(ours) no key', 'no =', 'foo', undefined],
];

describe('W3C trace-context test suite: tracestate', () => {
  it.each(TRACESTATE_CASES)('%s (%s)', (_test, _case, header, expected) => {
    expect(parseTracestate(header)).toEqual(expected);
  });
});
