/** Looks a placeholder name up; undefined when it has no value. */
export type PlaceholderLookup = (name: string) => string | undefined;

/** Values ActiveMQ's start script always defines, so stock files load without any `-D`. */
export const BUILTIN_PROPERTIES: Readonly<Record<string, string>> = {
  'activemq.base': '.',
  'activemq.home': '.',
  'activemq.conf': '.',
  'activemq.data': 'data',
};

/** Property values first (`-D`), then the environment, then {@link BUILTIN_PROPERTIES} or the given builtins. */
export function placeholderLookup(
  properties: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
  builtins: Readonly<Record<string, string>> = BUILTIN_PROPERTIES,
): PlaceholderLookup {
  return (name) =>
    Object.hasOwn(properties, name)
      ? properties[name]
      : env[name] ?? (Object.hasOwn(builtins, name) ? builtins[name] : undefined);
}

/** The result of {@link resolvePlaceholders}: the text, or the first placeholder that has no value. */
export type PlaceholderResult = { value: string } | { unresolved: string };

/**
 * Replaces each `${name}` in `text`. `${name:fallback}` (Spring's separator) uses `fallback` when
 * `name` has no value. Values are not scanned again, as in Spring's default configurer.
 */
export function resolvePlaceholders(text: string, lookup: PlaceholderLookup): PlaceholderResult {
  if (!text.includes('${')) return { value: text };
  let out = '';
  let from = 0;
  for (;;) {
    const open = text.indexOf('${', from);
    if (open < 0) break;
    const close = text.indexOf('}', open + 2);
    if (close < 0) break;
    const expression = text.slice(open + 2, close);
    const separator = expression.indexOf(':');
    const name = separator < 0 ? expression : expression.slice(0, separator);
    const value = lookup(name) ?? (separator < 0 ? undefined : expression.slice(separator + 1));
    if (value === undefined) return { unresolved: name };
    out += text.slice(from, open) + value;
    from = close + 1;
  }
  return { value: out + text.slice(from) };
}
