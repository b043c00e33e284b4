import { localBackends, updatesContract } from './contracts.js';

updatesContract(localBackends);
