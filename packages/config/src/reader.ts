import { ConfigError, type ConfigErrorCode, type ConfigLocation, type ConfigWarning } from './errors.js';
import { resolvePlaceholders, type PlaceholderLookup } from './placeholders.js';
import { SIZE_EXPECTATION, trySize } from './size.js';
import type { XmlDocument, XmlElement } from './xml/document.js';

/** What an element may carry: attributes that take effect, and ActiveMQ attributes accepted with a warning. */
export interface AttributeSpec {
  readonly implemented: readonly string[];
  /** ActiveMQ attributes this broker does not implement; the value is the warning, or '' for "not implemented". */
  readonly unimplemented?: Readonly<Record<string, string>> | readonly string[];
}

/** A child handler per implemented element name. */
export type ChildHandlers = Readonly<Record<string, (child: XmlElement) => void>>;

const NOT_IMPLEMENTED = 'not implemented, ignored';

// Spring and XML Schema bookkeeping that may appear on any element.
function isBookkeepingAttribute(name: string): boolean {
  return name === 'xmlns' || name === 'id' || name.startsWith('xmlns:') || name.startsWith('xsi:');
}

/**
 * Reads elements and attributes of one document: resolves placeholders, validates values, and
 * produces located warnings and errors. One per load; holds the warnings collected so far.
 */
export class ConfigReader {
  readonly warnings: ConfigWarning[] = [];

  constructor(
    readonly document: XmlDocument,
    readonly fileName: string,
    private readonly lookup: PlaceholderLookup,
  ) {}

  locate(element: XmlElement, attribute?: string): ConfigLocation {
    const offset = attribute === undefined ? element.offset : this.document.attributeOffset(element, attribute);
    return { elementPath: element.path, ...this.document.position(offset) };
  }

  /** `<tag attr="value">: detail` */
  private describe(element: XmlElement, attribute: string | undefined, detail: string): string {
    const raw = attribute === undefined ? undefined : element.attributes.get(attribute);
    const attributeText = attribute === undefined ? '' : raw === undefined ? ` ${attribute}` : ` ${attribute}="${raw}"`;
    return `<${element.qualifiedName}${attributeText}>: ${detail}`;
  }

  error(code: ConfigErrorCode, element: XmlElement, detail: string, attribute?: string): ConfigError {
    const location = this.locate(element, attribute);
    const message = `${this.fileName}:${location.line}:${location.column}: ${this.describe(element, attribute, detail)}`;
    return new ConfigError(code, message, {
      ...location,
      ...(attribute === undefined ? {} : { attribute }),
      file: this.fileName,
    });
  }

  warn(element: XmlElement, detail: string, attribute?: string): void {
    const location = this.locate(element, attribute);
    this.warnings.push({ ...location, message: this.describe(element, attribute, detail) });
  }

  /** Warns once for an ActiveMQ element this broker does not implement; its content is not looked at. */
  ignoreElement(element: XmlElement, detail = NOT_IMPLEMENTED): void {
    this.warn(element, detail);
  }

  /** Rejects attributes the element cannot have, and warns about ActiveMQ attributes with no effect here. */
  checkAttributes(element: XmlElement, spec: AttributeSpec): void {
    for (const name of element.attributes.keys()) {
      if (isBookkeepingAttribute(name) || spec.implemented.includes(name)) continue;
      const unimplemented = spec.unimplemented;
      if (Array.isArray(unimplemented) ? unimplemented.includes(name) : unimplemented && Object.hasOwn(unimplemented, name)) {
        const reason = Array.isArray(unimplemented) ? '' : (unimplemented as Record<string, string>)[name]!;
        this.warn(element, reason || NOT_IMPLEMENTED, name);
        continue;
      }
      const valid = spec.implemented.length ? `; valid here: ${spec.implemented.join(', ')}` : '; this element takes no attributes';
      throw this.error('CONFIG_UNKNOWN_ATTRIBUTE', element, `unknown attribute${valid}`, name);
    }
  }

  /**
   * Dispatches each child to its handler; ActiveMQ elements named in `unimplemented` get a warning,
   * anything else is an error (a typo must not silently fall back to a default).
   */
  readChildren(element: XmlElement, handlers: ChildHandlers, unimplemented: readonly string[] = []): void {
    for (const child of element.children) {
      const handler = handlers[child.name];
      if (handler) handler(child);
      else if (unimplemented.includes(child.name)) this.ignoreElement(child);
      else throw this.unknownChild(child, Object.keys(handlers));
    }
  }

  unknownChild(child: XmlElement, valid: readonly string[]): ConfigError {
    const expected = valid.length ? `; expected ${valid.map((v) => `<${v}>`).join(', ')}` : '; this element takes no children';
    return this.error('CONFIG_UNKNOWN_ELEMENT', child, `unknown element${expected}`);
  }

  /** The attribute's value with placeholders resolved, or undefined when absent. */
  string(element: XmlElement, attribute: string): string | undefined {
    const raw = element.attributes.get(attribute);
    if (raw === undefined) return undefined;
    const result = resolvePlaceholders(raw, this.lookup);
    if ('unresolved' in result) {
      throw this.error(
        'CONFIG_UNRESOLVED_PLACEHOLDER',
        element,
        `placeholder \${${result.unresolved}} has no value; pass -D${result.unresolved}=... or set it in the environment`,
        attribute,
      );
    }
    return result.value;
  }

  /** Like {@link string}, but an empty or missing value is an error. */
  requiredString(element: XmlElement, attribute: string): string {
    const value = this.string(element, attribute);
    if (value === undefined || value.trim() === '') {
      throw this.error('CONFIG_BAD_VALUE', element, `attribute "${attribute}" is required`, attribute);
    }
    return value.trim();
  }

  bool(element: XmlElement, attribute: string): boolean | undefined {
    const value = this.string(element, attribute);
    if (value === undefined) return undefined;
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw this.error('CONFIG_BAD_VALUE', element, 'bad boolean; expected true or false', attribute);
  }

  /** An integer within [min, max]. */
  integer(element: XmlElement, attribute: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const value = this.string(element, attribute);
    if (value === undefined) return undefined;
    const n = /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
      throw this.error('CONFIG_BAD_VALUE', element, `bad number; expected a whole number ${range}`, attribute);
    }
    return n;
  }

  /** A decimal number of at least `min`. */
  decimal(element: XmlElement, attribute: string, min: number): number | undefined {
    const value = this.string(element, attribute);
    if (value === undefined) return undefined;
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isFinite(n) || n < min) {
      throw this.error('CONFIG_BAD_VALUE', element, `bad number; expected a number ${min} or more`, attribute);
    }
    return n;
  }

  size(element: XmlElement, attribute: string): number | undefined {
    const value = this.string(element, attribute);
    if (value === undefined) return undefined;
    const bytes = trySize(value);
    if (bytes === undefined) throw this.error('CONFIG_BAD_VALUE', element, `bad size; ${SIZE_EXPECTATION}`, attribute);
    return bytes;
  }

  /** A comma-separated list, trimmed, without empty items (`groups="users, admins"`). */
  list(element: XmlElement, attribute: string): string[] | undefined {
    const value = this.string(element, attribute);
    if (value === undefined) return undefined;
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
}
