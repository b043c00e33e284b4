export const id='B'; export const title='b-idle'; export const metrics=[]; export async function run(){ return []; }
