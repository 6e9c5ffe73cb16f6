// Standalone debug adapter: DAP over stdio (`node dist/debugAdapter.js`).
import { UmlDebugSession } from './debug/session';

UmlDebugSession.run(UmlDebugSession);
