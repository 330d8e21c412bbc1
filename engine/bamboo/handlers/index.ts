import { conditionalParallelGateway } from "./conditional-parallel-gateway";
import { convergeGateway } from "./converge-gateway";
import { emptyEndEvent } from "./empty-end-event";
import { emptyStartEvent } from "./empty-start-event";
import { exclusiveGateway } from "./exclusive-gateway";
import { executableEndEvent } from "./executable-end-event";
import type { HandlerTable } from "./handler";
import { parallelGateway } from "./parallel-gateway";
import { serviceActivity } from "./service-activity";
import { subProcess } from "./sub-process";

/** One handler per node type. */
export const HANDLERS: HandlerTable = {
  EmptyStartEvent: emptyStartEvent,
  EmptyEndEvent: emptyEndEvent,
  ExecutableEndEvent: executableEndEvent,
  ServiceActivity: serviceActivity,
  SubProcess: subProcess,
  ExclusiveGateway: exclusiveGateway,
  ParallelGateway: parallelGateway,
  ConditionalParallelGateway: conditionalParallelGateway,
  ConvergeGateway: convergeGateway,
};
