import { type PropertySource, type SelectorValue, StompPropertySource, type UntypedString } from '@tsmq/selector';
import type { StoredMessage } from '../store/message-store.js';

/**
 * Selector view of a stored message. The delivery headers (message-id, destination,
 * redelivered, JMSXDeliveryCount) are not among the stored headers, so they are read from the
 * message itself; everything else is the producer's headers.
 *
 * One instance is reused for every evaluation (dispatch is synchronous), so matching allocates nothing.
 */
class MessagePropertySource implements PropertySource {
  private readonly headers = new StompPropertySource();
  private message: StoredMessage | undefined;

  reset(message: StoredMessage): this {
    this.message = message;
    this.headers.reset(message.headers);
    return this;
  }

  get(name: string): SelectorValue | UntypedString | undefined {
    const m = this.message!;
    switch (name) {
      case 'JMSMessageID':
        return m.messageId;
      case 'JMSDestination':
        return m.destination;
      case 'JMSRedelivered':
        return m.redeliveryCount > 0;
      case 'JMSXDeliveryCount':
        return m.redeliveryCount + 1;
      default:
        return this.headers.get(name);
    }
  }
}

const shared = new MessagePropertySource();

/** The property source for `message`, valid until the next call. */
export function propertiesOf(message: StoredMessage): PropertySource {
  return shared.reset(message);
}
