import { getHeapStatistics } from 'node:v8';
import type { ConfigReader } from '../reader.js';
import type { SystemUsageConfig } from '../types.js';
import type { XmlElement } from '../xml/document.js';

const USAGE_UNIMPLEMENTED = {
  percentLimit: '',
  total: '',
  store: '',
  executor: '',
  pollingTime: '',
  name: '',
  parent: '',
  limiter: '',
  usagePortion: '',
};

/** `<systemUsage><systemUsage ...>`: broker-wide memory, store and temp limits. */
export function readSystemUsage(reader: ConfigReader, outer: XmlElement): Partial<SystemUsageConfig> {
  const usage: Partial<SystemUsageConfig> = {};
  reader.checkAttributes(outer, { implemented: [] });
  reader.readChildren(outer, {
    systemUsage: (inner) => {
      reader.checkAttributes(inner, {
        implemented: ['sendFailIfNoSpace', 'sendFailIfNoSpaceAfterTimeout'],
        unimplemented: ['name', 'checkLimitsLogLevel', 'executor', 'parent'],
      });
      const sendFailIfNoSpace = reader.bool(inner, 'sendFailIfNoSpace');
      if (sendFailIfNoSpace !== undefined) usage.sendFailIfNoSpace = sendFailIfNoSpace;
      const timeout = reader.integer(inner, 'sendFailIfNoSpaceAfterTimeout', 0);
      if (timeout !== undefined) usage.sendFailIfNoSpaceAfterTimeout = timeout;
      reader.readChildren(
        inner,
        {
          memoryUsage: (property) =>
            readUsage(reader, property, 'memoryUsage', (limit) => (usage.memoryLimit = limit), true),
          storeUsage: (property) => readUsage(reader, property, 'storeUsage', (limit) => (usage.storeLimit = limit)),
          tempUsage: (property) => readUsage(reader, property, 'tempUsage', (limit) => (usage.tempLimit = limit)),
        },
        ['jobSchedulerUsage', 'executor', 'adapter'],
      );
    },
  });
  return usage;
}

// ActiveMQ wraps each usage twice: the property element, then the bean of the same name.
function readUsage(
  reader: ConfigReader,
  property: XmlElement,
  name: string,
  setLimit: (bytes: number) => void,
  allowHeapPercent = false,
): void {
  reader.checkAttributes(property, { implemented: [] });
  reader.readChildren(property, {
    [name]: (bean) => {
      reader.checkAttributes(bean, {
        implemented: allowHeapPercent ? ['limit', 'percentOfJvmHeap'] : ['limit'],
        unimplemented: USAGE_UNIMPLEMENTED,
      });
      reader.readChildren(bean, {}, ['store', 'executor', 'limiter']);
      const limit = reader.size(bean, 'limit');
      const percent = allowHeapPercent ? reader.integer(bean, 'percentOfJvmHeap', 1, 100) : undefined;
      if (limit !== undefined && percent !== undefined) {
        throw reader.error('CONFIG_BAD_VALUE', bean, 'give either limit or percentOfJvmHeap, not both', 'percentOfJvmHeap');
      }
      if (percent !== undefined) {
        // "JVM heap" becomes the V8 heap limit: the memory this Node process can actually use for messages.
        setLimit(Math.floor((getHeapStatistics().heap_size_limit * percent) / 100));
      } else if (limit !== undefined) {
        setLimit(limit);
      }
    },
  });
}
