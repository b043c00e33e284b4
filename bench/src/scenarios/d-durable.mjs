export const id='D'; export const title='d-durable'; export const metrics=[]; export async function run(){ return []; }
