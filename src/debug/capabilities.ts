// What the adapter tells the client it can do (DAP initialize).
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EXCEPTION_FILTERS } from './exceptions';

export const CAPABILITIES: DebugProtocol.Capabilities = {
  supportsConfigurationDoneRequest: true,
  supportsFunctionBreakpoints: true,
  supportsConditionalBreakpoints: true,
  supportsHitConditionalBreakpoints: true,
  supportsLogPoints: true,
  supportsEvaluateForHovers: true,
  supportsSetVariable: true,
  supportsTerminateRequest: true,
  supportsDelayedStackTraceLoading: true,
  supportTerminateDebuggee: true,
  supportsDisassembleRequest: true,
  supportsInstructionBreakpoints: true,
  supportsSteppingGranularity: true,
  supportsReadMemoryRequest: true,
  supportsWriteMemoryRequest: true,
  exceptionBreakpointFilters: EXCEPTION_FILTERS,
  supportsDataBreakpoints: true,
  supportsValueFormattingOptions: true,
  supportsSetExpression: true,
  supportsCompletionsRequest: true,
  supportsRestartRequest: true,
  supportsModulesRequest: true,
  completionTriggerCharacters: ['.', '>'],
  supportsExceptionInfoRequest: true,
};
