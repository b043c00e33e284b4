import { localBackends, sessionsContract } from './contracts.js';

sessionsContract(localBackends);
