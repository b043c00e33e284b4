import { localBackends, versionsContract } from './contracts.js';

versionsContract(localBackends);
