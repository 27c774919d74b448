import { MessageFormatException } from '../errors.js';
import { Message } from './message.js';

/**
 * A message whose body is a JSON-serialisable value (JMS `ObjectMessage`). Java serialisation does
 * not exist here: the body travels as JSON, so class identity, `bigint` and `undefined` are not
 * kept. `setObject` serialises at once (as Java does), so later changes to the object are not sent.
 */
export class ObjectMessage extends Message {
  override readonly kind = 'object' as const;
  private json: string | null = null;

  constructor(object?: unknown) {
    super();
    if (object !== undefined) this.setObject(object);
  }
  /** A fresh copy of the value, parsed from the JSON body; null when none was set. */
  getObject(): unknown {
    return this.json === null ? null : JSON.parse(this.json);
  }
  /** Serialises `object` as JSON now; throws MessageFormatException when it cannot be. */
  setObject(object: unknown): void {
    this.checkBodyWritable();
    if (object === null || object === undefined) {
      this.json = null;
      return;
    }
    let json: string | undefined;
    try {
      json = JSON.stringify(object);
    } catch (e) {
      throw new MessageFormatException('the object is not JSON-serialisable', { cause: e });
    }
    if (json === undefined) throw new MessageFormatException('the object is not JSON-serialisable');
    this.json = json;
  }
  override clearBody(): void {
    super.clearBody();
    this.json = null;
  }
  override getBody(): unknown {
    return this.getObject();
  }
  /** @internal The JSON text for the wire. */
  getJson(): string | null {
    return this.json;
  }
  /** @internal Sets the JSON text received from the wire, checking it parses. */
  setJson(json: string | null): void {
    if (json !== null) JSON.parse(json);
    this.json = json;
  }
}
