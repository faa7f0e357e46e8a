import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { caseSearchAttributes } from '../../workflows/searchAttributes.js';

// A CommonJS module: its namespaces are reachable from the default export only.
const { IndexedValueType } = proto.temporal.api.enums.v1;
const indexedType = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
};

/**
 * Registers dualkey's search attributes on the namespace through the operator service, so any cluster the
 * worker connects to can be searched by them. Registering one that exists is skipped; a cluster that
 * refuses (Temporal Cloud manages them in its own console) gets a clear message instead of a crash.
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = caseSearchAttributes.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedType[key.type]])),
  });
  return missing.map((key) => key.name);
}
