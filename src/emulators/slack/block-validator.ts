/**
 * Block Kit validation as Slack's API applies it to chat.postMessage / chat.update: unknown block
 * types, missing required fields and exceeded limits give `invalid_blocks` with the reason and a
 * JSON pointer, the way Slack reports them.
 */
import { blockLimits as L } from '../../slack/blocks/limits.js';

type Json = Record<string, unknown>;

const knownBlocks = new Set(['section', 'divider', 'header', 'context', 'actions', 'image', 'input', 'rich_text', 'markdown', 'file', 'video']);

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function textObj(v: unknown, path: string, max: number, errors: string[], plainOnly = false): void {
  if (!isObj(v)) return void errors.push(`must provide an object [json-pointer:${path}]`);
  if (v.type !== 'plain_text' && v.type !== 'mrkdwn') return void errors.push(`must be one of plain_text, mrkdwn [json-pointer:${path}/type]`);
  if (plainOnly && v.type !== 'plain_text') errors.push(`must be plain_text [json-pointer:${path}/type]`);
  if (typeof v.text !== 'string' || v.text.length === 0) return void errors.push(`must be more than 0 characters [json-pointer:${path}/text]`);
  if (v.text.length > max) errors.push(`must be less than ${max + 1} characters [json-pointer:${path}/text]`);
}

function element(el: unknown, path: string, errors: string[], actionIds: Set<string>): void {
  if (!isObj(el)) return void errors.push(`must provide an object [json-pointer:${path}]`);
  if (typeof el.action_id === 'string') {
    if (el.action_id.length > L.actionId) errors.push(`must be less than ${L.actionId + 1} characters [json-pointer:${path}/action_id]`);
    if (actionIds.has(el.action_id)) errors.push(`duplicate action_id "${el.action_id}" [json-pointer:${path}/action_id]`);
    actionIds.add(el.action_id);
  }
  if (el.type === 'button') {
    textObj(el.text, `${path}/text`, L.buttonText, errors, true);
    if (el.value !== undefined && (typeof el.value !== 'string' || el.value.length > L.buttonValue)) errors.push(`must be less than ${L.buttonValue + 1} characters [json-pointer:${path}/value]`);
    if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') errors.push(`must be one of primary, danger [json-pointer:${path}/style]`);
    if (el.confirm !== undefined) {
      const c = el.confirm as Json;
      textObj(c.title, `${path}/confirm/title`, L.confirmTitle, errors, true);
      textObj(c.text, `${path}/confirm/text`, L.confirmText, errors);
      textObj(c.confirm, `${path}/confirm/confirm`, 30, errors, true);
      textObj(c.deny, `${path}/confirm/deny`, 30, errors, true);
    }
  }
}

/**
 * Validates a blocks array.
 * @returns the list of problems (empty when valid)
 */
export function validateBlocks(blocks: unknown): string[] {
  const errors: string[] = [];
  if (!Array.isArray(blocks)) return ['must provide an array [json-pointer:/blocks]'];
  if (blocks.length > L.blocksPerMessage) errors.push(`no more than ${L.blocksPerMessage} items allowed [json-pointer:/blocks]`);
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  blocks.forEach((b, i) => {
    const p = `/blocks/${i}`;
    if (!isObj(b)) return void errors.push(`must provide an object [json-pointer:${p}]`);
    if (typeof b.type !== 'string' || !knownBlocks.has(b.type)) return void errors.push(`unsupported type: ${String(b.type)} [json-pointer:${p}/type]`);
    if (b.block_id !== undefined) {
      if (typeof b.block_id !== 'string' || b.block_id.length > L.blockId) errors.push(`must be less than ${L.blockId + 1} characters [json-pointer:${p}/block_id]`);
      else if (blockIds.has(b.block_id)) errors.push(`duplicate block_id "${b.block_id}" [json-pointer:${p}/block_id]`);
      else blockIds.add(b.block_id);
    }
    switch (b.type) {
      case 'section': {
        if (b.text === undefined && b.fields === undefined) errors.push(`must provide either text or fields [json-pointer:${p}]`);
        if (b.text !== undefined) textObj(b.text, `${p}/text`, L.sectionText, errors);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length > L.sectionFields) errors.push(`no more than ${L.sectionFields} items allowed [json-pointer:${p}/fields]`);
          else b.fields.forEach((f, j) => textObj(f, `${p}/fields/${j}`, L.sectionFieldText, errors));
        }
        if (b.accessory !== undefined) element(b.accessory, `${p}/accessory`, errors, actionIds);
        break;
      }
      case 'header':
        textObj(b.text, `${p}/text`, L.headerText, errors, true);
        break;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > L.contextElements) errors.push(`must have 1 to ${L.contextElements} items [json-pointer:${p}/elements]`);
        else b.elements.forEach((el, j) => (isObj(el) && el.type === 'image' ? undefined : textObj(el, `${p}/elements/${j}`, L.contextText, errors)));
        break;
      case 'actions':
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > L.actionsElements) errors.push(`must have 1 to ${L.actionsElements} items [json-pointer:${p}/elements]`);
        else b.elements.forEach((el, j) => element(el, `${p}/elements/${j}`, errors, actionIds));
        break;
      default:
        break;
    }
  });
  return errors;
}
