import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ConfigError } from '../errors.js';

/** An element of the configuration file, with what is needed to point at it in messages. */
export interface XmlElement {
  /** Local name: a namespace prefix (`amq:broker`) is dropped, since ActiveMQ users mix both styles. */
  readonly name: string;
  /** Name as written, prefix included. */
  readonly qualifiedName: string;
  /** Attribute values as written, entities decoded, placeholders not yet resolved. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** Local names from the root to this element, joined with ` > `. */
  readonly path: string;
  /** Offset of the element's `<` in the source text. */
  readonly offset: number;
}

/** The parsed file plus the text, kept for turning offsets into lines and columns. */
export class XmlDocument {
  private lineStarts: number[] | undefined;

  constructor(
    readonly source: string,
    readonly root: XmlElement,
  ) {}

  /** 1-based line and column of a source offset. */
  position(offset: number): { line: number; column: number } {
    const starts = (this.lineStarts ??= computeLineStarts(this.source));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  }

  /**
   * Offset of `attribute` inside the start tag of `element`, falling back to the element itself.
   * Only called when reporting, so scanning the start tag costs nothing in the normal case.
   */
  attributeOffset(element: XmlElement, attribute: string): number {
    const text = this.source;
    let i = element.offset + 1 + element.qualifiedName.length;
    while (i < text.length) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      const c = text[i];
      if (c === undefined || c === '>' || c === '/') break;
      const nameStart = i;
      while (i < text.length && !/[\s=/>]/.test(text[i]!)) i++;
      const name = text.slice(nameStart, i);
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text[i] !== '=') break;
      i++;
      while (i < text.length && /\s/.test(text[i]!)) i++;
      const quote = text[i];
      if (quote !== '"' && quote !== "'") break;
      // Values may hold '>' (queue=">"), so the end of the tag is only looked for outside quotes.
      const close = text.indexOf(quote, i + 1);
      if (close < 0) break;
      if (name === attribute) return nameStart;
      i = close + 1;
    }
    return element.offset;
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  captureMetaData: true,
  processEntities: true,
  htmlEntities: false,
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

/**
 * Parses XML text into {@link XmlElement}s.
 *
 * @throws {@link ConfigError} `CONFIG_MALFORMED` with the line and column of the first syntax error.
 */
export function parseXmlDocument(text: string, fileName: string): XmlDocument {
  const verdict = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (verdict !== true) {
    const { line, col, msg } = verdict.err;
    throw new ConfigError('CONFIG_MALFORMED', `${fileName}:${line}:${col}: malformed XML: ${msg}`, {
      line,
      column: col,
      file: fileName,
    });
  }
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(text) as OrderedNode[];
  } catch (cause) {
    throw new ConfigError('CONFIG_MALFORMED', `${fileName}: malformed XML: ${(cause as Error).message}`, {
      file: fileName,
      cause,
    });
  }
  const roots = nodes.map((n) => toElement(n, '')).filter((e): e is XmlElement => e !== undefined);
  if (roots.length !== 1) {
    throw new ConfigError('CONFIG_MALFORMED', `${fileName}: expected one root element, found ${roots.length}`, {
      file: fileName,
    });
  }
  return new XmlDocument(text, roots[0]!);
}

function toElement(node: OrderedNode, parentPath: string): XmlElement | undefined {
  const qualifiedName = Object.keys(node).find((k) => k !== ':@');
  if (qualifiedName === undefined || qualifiedName.startsWith('#') || qualifiedName.startsWith('?')) return undefined;
  const colon = qualifiedName.indexOf(':');
  const name = colon < 0 ? qualifiedName : qualifiedName.slice(colon + 1);
  const path = parentPath ? `${parentPath} > ${name}` : name;
  const rawChildren = node[qualifiedName];
  const children: XmlElement[] = [];
  if (Array.isArray(rawChildren)) {
    for (const child of rawChildren as OrderedNode[]) {
      const element = toElement(child, path);
      if (element) children.push(element);
    }
  }
  const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[META];
  return {
    name,
    qualifiedName,
    attributes: new Map(Object.entries(node[':@'] ?? {})),
    children,
    path,
    offset: meta?.startIndex ?? 0,
  };
}
