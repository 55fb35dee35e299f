import { raw } from '@mikro-orm/core';
import { escapeLike } from '../db/sql.js';
import { badInput } from './errors.js';

export type LabelTerm =
  | { op: 'eq' | 'ne' | 'contains'; key: string; value: string }
  | { op: 'exists' | 'missing'; key: string };

const KEY = /^[\w./-]+$/;

/**
 * Parses Pulp's label selector: `env=prod,tier!=db,team,!legacy,owner~ops` — equal, has the key
 * with another value, has the key, lacks the key, value contains.
 */
export function parseLabelSelect(select: string): LabelTerm[] {
  return select.split(',').map((raw) => raw.trim()).filter(Boolean).map((term): LabelTerm => {
    const match = /^(!)?([^=!~]+)(?:(=|!=|~)(.*))?$/.exec(term);
    const key = match?.[2]?.trim();
    if (!match || !key || !KEY.test(key) || (match[1] && match[3])) {
      throw badInput(`labelSelect term "${term}" is not key=value, key!=value, key~value, key or !key`, 'labelSelect');
    }
    if (match[1]) return { op: 'missing', key };
    if (!match[3]) return { op: 'exists', key };
    const value = match[4]!.trim();
    return { op: match[3] === '=' ? 'eq' : match[3] === '!=' ? 'ne' : 'contains', key, value };
  });
}

/** The terms as MikroORM conditions on the `labels` jsonb column. */
export function labelSelectWhere(terms: LabelTerm[]): object[] {
  return terms.map((t) => {
    const value = raw((alias: string) => `${alias}.labels ->> ?`, [t.key]);
    const exists = raw((alias: string) => `jsonb_exists(${alias}.labels, ?)`, [t.key]);
    switch (t.op) {
      case 'eq': return { [value]: t.value };
      case 'ne': return { [exists]: true, [value]: { $ne: t.value } };
      case 'contains': return { [value]: { $like: `%${escapeLike(t.value)}%` } };
      case 'exists': return { [exists]: true };
      case 'missing': return { [exists]: false };
    }
  });
}
