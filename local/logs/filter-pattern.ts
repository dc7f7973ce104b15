// CloudWatch Logs filter patterns (FilterLogEvents, Live Tail, metric and subscription filters), as the
// "Filter pattern syntax" page defines them: terms and phrases, `-term`, `?term`, `%regex%`, JSON
// selectors in braces and space-delimited fields in brackets. Case-sensitive, as CloudWatch is.
import { ServiceError } from '../support/errors';
import { delimitedMatcher } from './filter-delimited';
import { jsonMatcher } from './filter-json';
import { invalidPattern, type Matcher, regexOf } from './filter-values';

export type { Matcher } from './filter-values';

export const MAX_PATTERN_LENGTH = 1024;

interface Term {
  text: string;
  kind: 'all' | 'any' | 'none';
  regex?: RegExp;
}

/** The terms of an unstructured pattern: words, "quoted phrases" (with `\"` inside), `-` and `?` prefixes, %regex%. */
const termsOf = (pattern: string): Term[] => {
  const terms: Term[] = [];
  let i = 0;
  while (i < pattern.length) {
    if (/\s/.test(pattern[i]!)) {
      i++;
      continue;
    }
    let kind: Term['kind'] = 'all';
    if (pattern[i] === '-' || pattern[i] === '?') {
      kind = pattern[i] === '-' ? 'none' : 'any';
      i++;
    }
    if (pattern[i] === '"') {
      let text = '';
      i++;
      while (i < pattern.length && pattern[i] !== '"') {
        if (pattern[i] === '\\' && i + 1 < pattern.length) i++;
        text += pattern[i++];
      }
      if (i >= pattern.length) throw invalidPattern('a quoted phrase is not closed');
      i++;
      terms.push({ text, kind });
    } else if (pattern[i] === '%') {
      const end = pattern.indexOf('%', i + 1);
      if (end < 0) throw invalidPattern('a regular expression is not closed with %');
      terms.push({ text: pattern.slice(i, end + 1), kind, regex: regexOf(pattern.slice(i + 1, end)) });
      i = end + 1;
    } else {
      const start = i;
      while (i < pattern.length && !/\s/.test(pattern[i]!)) i++;
      const text = pattern.slice(start, i);
      if (text === '') throw invalidPattern(`a ${kind === 'none' ? '-' : '?'} must be followed by a term`);
      if (/["{}[\]]/.test(text)) throw invalidPattern(`the term ${text} must be quoted`);
      terms.push({ text, kind });
    }
  }
  return terms;
};

const termMatcher = (terms: Term[]): Matcher => {
  const has = (message: string, term: Term) => (term.regex ? term.regex.test(message) : message.includes(term.text));
  const all = terms.filter((t) => t.kind === 'all');
  const any = terms.filter((t) => t.kind === 'any');
  const none = terms.filter((t) => t.kind === 'none');
  return (message) =>
    all.every((t) => has(message, t)) &&
    (any.length === 0 || any.some((t) => has(message, t))) &&
    !none.some((t) => has(message, t));
};

/**
 * The matcher of a filter pattern; an empty pattern matches every event. Throws AWS's
 * `InvalidParameterException` for a pattern CloudWatch would refuse.
 */
export const compileFilterPattern = (pattern: string | undefined): Matcher => {
  const text = (pattern ?? '').trim();
  if (text.length > MAX_PATTERN_LENGTH)
    throw new ServiceError(
      'InvalidParameterException',
      `1 validation error detected: Value at 'filterPattern' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PATTERN_LENGTH}`,
    );
  if (text === '') return () => true;
  if (text.startsWith('{')) return jsonMatcher(text);
  if (text.startsWith('[')) return delimitedMatcher(text);
  return termMatcher(termsOf(text));
};
