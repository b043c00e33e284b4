export const id='E'; export const title='e-large'; export const metrics=[]; export async function run(){ return []; }
