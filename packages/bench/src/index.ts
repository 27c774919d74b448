/**
 * The tsmq benchmark: a raw STOMP 1.2 load generator and the scenarios of `npm run bench`,
 * usable against our broker or any other STOMP broker.
 * @packageDocumentation
 */
export { runBench, runScenario, type BenchReport } from './bench.js';
export { parseOptions, USAGE, type BenchOptions } from './options.js';
export { allScenarios, type Scenario, type FlowScenario, type DeepQueueScenario } from './scenarios.js';
export { runFlowScenario, type RunOptions } from './run-flow.js';
export { runDeepQueueScenario, type DeepQueueOptions } from './run-deep.js';
export type { ScenarioResult } from './result.js';
export { resultsTable, ratioTable, combineRounds, combineAll, legend } from './report.js';
export { LatencyHistogram } from './histogram.js';
export { DeliveryTracker, type DeliveryCounts } from './delivery-tracker.js';
export { SendTemplate, PRODUCER_HEADER, SEQUENCE_HEADER, SENT_AT_HEADER, type SendTemplateOptions } from './send-template.js';
export { StompSession, type SessionOptions, type Credentials } from './stomp-session.js';
export { OurBroker, type OurBrokerOptions } from './our-broker.js';
export { brokerFsyncCount } from './broker-stats.js';
export { machineInfo, describeMachine, type MachineInfo } from './machine.js';
export { parseTargetSpec, type Target, type BrokerKind } from './target.js';
export { BenchError, BenchUsageError, BenchTimeoutError, BrokerConnectionError, BrokerProtocolError, BrokerStartError } from './errors.js';
export { renderReport } from './render.js';
export { summariseProfiles, topSelfTime, type ProfileEntry } from './profile-summary.js';
export { Producer, type ProducerOptions } from './producer.js';
export { Consumer, type ConsumerOptions, type AckMode } from './consumer.js';
export { IdleConnections, measureIdleConnectionCost } from './idle-connections.js';
export { startActiveMq, startRabbitMq, type Peer } from './peers.js';
