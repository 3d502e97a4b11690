// @ts-check
import { h } from './dom.js';

/**
 * A rollout's conversation as a chat transcript: system and user turns, the assistant's reasoning
 * and text, each tool call with its arguments, each tool result; every entry says which call
 * brought it.
 *
 * @typedef {import('../../api/view-wire.ts').TranscriptEntry} TranscriptEntry
 * @typedef {import('../../api/view-wire.ts').ToolCallView} ToolCallView
 */

/** @param {string} text */
function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** @param {ToolCallView[]} calls */
function toolCalls(calls) {
  return calls.map((call) => h('div', { class: 'tool-call' },
    h('div', { class: 'tool-head' }, 'tool call ', h('strong', null, call.name), call.id === null ? null : h('span', { class: 'muted' }, ` ${call.id}`)),
    h('pre', { class: 'args' }, prettyJson(call.arguments)),
  ));
}

/** @param {string | null} reasoning */
const reasoningBlock = (reasoning) => (reasoning === null ? null : h('details', { class: 'reasoning', open: true }, h('summary', null, 'reasoning'), h('pre', null, reasoning)));

/** @param {string | null} content */
const contentBlock = (content) => (content === null || content === '' ? null : h('pre', { class: 'content' }, content));

/** @param {TranscriptEntry} entry */
function entryView(entry) {
  const seq = h('span', { class: 'call-seq', title: 'the call that sent or answered this' }, `call ${entry.callSeq}`);
  switch (entry.kind) {
    case 'message': {
      const role = entry.role === 'tool' ? `tool result${entry.name === null ? '' : ` · ${entry.name}`}` : entry.role;
      return h('div', { class: `msg ${entry.role}` }, h('div', { class: 'msg-head' }, h('span', { class: 'role' }, role), entry.toolCallId === null ? null : h('span', { class: 'muted' }, ` for ${entry.toolCallId}`), seq),
        reasoningBlock(entry.reasoning), contentBlock(entry.content), ...toolCalls(entry.toolCalls));
    }
    case 'reply':
      return h('div', { class: 'msg assistant reply' }, h('div', { class: 'msg-head' }, h('span', { class: 'role' }, `assistant${entry.choice > 0 ? ` (choice ${entry.choice})` : ''}`), h('span', { class: 'muted' }, ` finish: ${entry.finishReason ?? '–'}`), seq),
        reasoningBlock(entry.reasoning), contentBlock(entry.content), ...toolCalls(entry.toolCalls));
    case 'error':
      return h('div', { class: 'msg error' }, h('div', { class: 'msg-head' }, h('span', { class: 'role' }, `call ${entry.status}`), seq), h('pre', null, entry.message));
    case 'context':
      return h('div', { class: 'msg context' }, entry.note);
    case 'raw':
      return h('div', { class: 'msg raw' }, h('div', { class: 'msg-head' }, h('span', { class: 'role' }, 'request (not chat messages)'), seq), h('pre', null, JSON.stringify(entry.request, null, 2)), h('pre', null, JSON.stringify(entry.response, null, 2)));
    default:
      return null;
  }
}

/** @param {TranscriptEntry[]} entries */
export function transcript(entries) {
  return h('div', { class: 'transcript' }, ...entries.map(entryView));
}
