import { localBackends, sharesContract } from './contracts.js';

sharesContract(localBackends);
