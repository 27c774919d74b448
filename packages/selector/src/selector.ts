/**
 * The public entry point: parse once, evaluate per message.
 */
import { compileCondition, type ConditionFn } from './compile.js';
import { parse } from './parser.js';
import type { PropertySource } from './values.js';

/** A parsed JMS message selector, ready to evaluate against many messages. */
export interface Selector {
  /** The selector text as given to {@link parseSelector}. */
  readonly text: string;
  /**
   * Evaluates against a message; true only when the expression is TRUE (UNKNOWN and FALSE do
   * not match, JMS 2.0 §3.8.1). Does not allocate beyond what the property lookups do.
   */
  matches(source: PropertySource): boolean;
  /**
   * Three-valued result: `true`, `false`, or `null` for UNKNOWN. Useful for diagnostics; the
   * broker only needs {@link Selector.matches}.
   */
  evaluate(source: PropertySource): boolean | null;
  /** Identifiers the selector references (lets the broker skip work). */
  readonly identifiers: ReadonlySet<string>;
}

const NO_IDENTIFIERS: ReadonlySet<string> = new Set();

class CompiledSelector implements Selector {
  constructor(
    readonly text: string,
    readonly identifiers: ReadonlySet<string>,
    private readonly condition: ConditionFn,
  ) {}

  matches(source: PropertySource): boolean {
    return this.condition(source) === true;
  }

  evaluate(source: PropertySource): boolean | null {
    return this.condition(source);
  }
}

class MatchAllSelector implements Selector {
  readonly identifiers = NO_IDENTIFIERS;

  constructor(readonly text: string) {}

  matches(): boolean {
    return true;
  }

  evaluate(): boolean {
    return true;
  }
}

/**
 * Parses a JMS message selector (JMS 2.0 §3.8.1.1) once.
 *
 * Empty or whitespace-only text means "match everything" and yields a selector that always
 * matches.
 *
 * @throws {@link InvalidSelectorError} whose message names the position and what was expected,
 * e.g. `selector error at position 12: expected a value after '=' but found end of input`.
 */
export function parseSelector(text: string): Selector {
  const parsed = parse(text);
  if (!parsed) return new MatchAllSelector(text);
  return new CompiledSelector(text, parsed.identifiers, compileCondition(parsed.condition));
}
