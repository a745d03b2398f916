import { InvalidInput } from '../../src/domain/errors.ts';

/** The InvalidInput (of the given subclass) that `fn` throws; fails the test when it throws nothing or something else. */
export function refusalOf<E extends InvalidInput>(fn: () => unknown, type: abstract new (...args: never[]) => E = InvalidInput as never): E {
  try {
    fn();
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`expected ${type.name}, but nothing was thrown`);
}

/** The same for an async `fn`: the InvalidInput its promise rejects with. */
export async function rejectionOf<E extends InvalidInput>(fn: () => Promise<unknown>, type: abstract new (...args: never[]) => E = InvalidInput as never): Promise<E> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`expected ${type.name}, but nothing was rejected`);
}
