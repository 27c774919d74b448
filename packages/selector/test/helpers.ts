import { parseSelector, propertySourceOf, type SelectorValue } from '../src/index.js';

/** Three-valued result of a selector on typed properties. */
export function evaluate(selector: string, properties: Record<string, SelectorValue> = {}): boolean | null {
  return parseSelector(selector).evaluate(propertySourceOf(properties));
}

export function matches(selector: string, properties: Record<string, SelectorValue> = {}): boolean {
  return parseSelector(selector).matches(propertySourceOf(properties));
}
