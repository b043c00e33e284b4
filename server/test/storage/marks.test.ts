import { localBackends, marksContract } from './contracts.js';

marksContract(localBackends);
