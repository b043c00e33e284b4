// Minimal typings for the parts of leveldown 6 the store uses (the package ships none).
declare module 'leveldown' {
  export type Callback<T = void> = (err: Error | null | undefined, value?: T) => void;
  export interface BatchOp {
    type: 'put' | 'del';
    key: Buffer;
    value?: Buffer;
  }
  export interface IteratorOptions {
    gte?: Buffer;
    gt?: Buffer;
    lt?: Buffer;
    lte?: Buffer;
    keys?: boolean;
    values?: boolean;
    keyAsBuffer?: boolean;
    valueAsBuffer?: boolean;
    highWaterMark?: number;
    limit?: number;
    reverse?: boolean;
  }
  export interface LevelIterator {
    next(cb: (err: Error | null | undefined, key?: Buffer, value?: Buffer) => void): void;
    end(cb: Callback): void;
  }
  export interface LevelDown {
    open(options: { createIfMissing?: boolean; errorIfExists?: boolean }, cb: Callback): void;
    close(cb: Callback): void;
    batch(ops: BatchOp[], options: { sync?: boolean }, cb: Callback): void;
    get(key: Buffer, options: { asBuffer?: boolean }, cb: Callback<Buffer>): void;
    iterator(options: IteratorOptions): LevelIterator;
    compactRange(start: Buffer, end: Buffer, cb: Callback): void;
    status: string;
  }
  function leveldown(location: string): LevelDown;
  export default leveldown;
}
