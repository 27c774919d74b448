import { Message } from './message.js';

/** A message whose body is a string (JMS `TextMessage`). */
export class TextMessage extends Message {
  override readonly kind = 'text' as const;
  private text: string | null;

  constructor(text: string | null = null) {
    super();
    this.text = text;
  }
  /** The body; null when none was set. */
  getText(): string | null {
    return this.text;
  }
  /** Throws MessageNotWriteableException on a received message until `clearBody()`. */
  setText(text: string | null): void {
    this.checkBodyWritable();
    this.text = text;
  }
  override clearBody(): void {
    super.clearBody();
    this.text = null;
  }
  override getBody(): string | null {
    return this.text;
  }
}
