import { localBackends } from './contracts.js';
import { authorshipContract } from './authorship.contract.js';

authorshipContract(localBackends);
