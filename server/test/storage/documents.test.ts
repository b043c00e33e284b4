import { localBackends, documentsContract } from './contracts.js';

documentsContract(localBackends);
