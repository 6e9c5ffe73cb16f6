// Standalone debug adapter: DAP over stdio (`node dist/debugAdapter.js`). The console terminal
// comes from the client's runInTerminal here (no extension host to open one).
import { UmlDebugSession } from './debug/session';

class StandaloneSession extends UmlDebugSession {
  constructor() { super(); }
}

UmlDebugSession.run(StandaloneSession);
