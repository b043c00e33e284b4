import { localBackends, filesContract } from './contracts.js';

filesContract(localBackends);
