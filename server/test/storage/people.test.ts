import { localBackends, peopleContract } from './contracts.js';

peopleContract(localBackends);
