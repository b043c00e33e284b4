export const id='C'; export const title='c-coldload'; export const metrics=[]; export async function run(){ return []; }
