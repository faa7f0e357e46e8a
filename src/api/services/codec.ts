import type { Payload } from '@temporalio/common';
import { ACCESS_STREAM, recordAudit } from '../../db/audit.js';
import type { Database } from '../../db/client.js';
import { caseIdOfWorkflow } from '../../domain/case.js';
import type { Actor } from '../../domain/permissions.js';
import { hasPermission, inScope } from '../../domain/permissions.js';
import { BusinessLine } from '../../domain/schemas/vocabulary.js';
import type { EncryptionCodec, PayloadOwner } from '../../temporal/codec/codec.js';
import { ownerOf } from '../../temporal/codec/codec.js';

/** The audit action of a decode, on the stream of the case whose payloads were read. */
export const PAYLOAD_DECODED = 'payload.decoded';

/**
 * The Web UI's decoding, under the API's own rules: a payload opens only for a caller who may read cases
 * of its business line (one with no line, encoded outside a case's run, only for a caller scoped to every
 * line). Anything else goes back as it came, still encrypted. Every run whose payloads were opened gets an
 * audit row before the clear text leaves, so no one reads a case without it being on the case's record.
 */
export class PayloadDecoding {
  constructor(
    private readonly deps: { db: Database; codec: EncryptionCodec | undefined; namespace: string },
  ) {}

  private mayOpen(actor: Actor, owner: PayloadOwner): boolean {
    if (!hasPermission(actor, 'case.read')) return false;
    if (owner.businessLine === undefined) return actor.businessLines.includes('*');
    const line = BusinessLine.safeParse(owner.businessLine);
    return line.success ? inScope(actor, line.data) : actor.businessLines.includes('*');
  }

  async decode(actor: Actor, payloads: Payload[], namespace: string | undefined): Promise<Payload[]> {
    const codec = this.deps.codec;
    if (!codec || (namespace !== undefined && namespace !== this.deps.namespace)) return payloads;
    const opened = new Map<string, number>();
    const result = payloads.map((payload) => {
      const owner = ownerOf(payload);
      if (!owner || !this.mayOpen(actor, owner)) return payload;
      const clear = codec.open(payload, owner);
      if (!clear) return payload;
      const run = owner.workflowId ?? '';
      opened.set(run, (opened.get(run) ?? 0) + 1);
      return clear;
    });
    if (opened.size > 0) {
      const at = new Date().toISOString();
      await recordAudit(
        this.deps.db,
        [...opened].map(([workflowId, count]) => {
          const caseId = workflowId ? (caseIdOfWorkflow(workflowId) ?? null) : null;
          return {
            stream: caseId ?? ACCESS_STREAM,
            at,
            actor: actor.id,
            action: PAYLOAD_DECODED,
            outcome: 'accepted' as const,
            details: { workflowId: workflowId || null, payloads: count, namespace: this.deps.namespace },
            caseId,
          };
        }),
      );
    }
    return result;
  }

  /** Payloads the Web UI sends (a signal typed into it) are encrypted as any other; they belong to no run. */
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return this.deps.codec ? this.deps.codec.encode(payloads) : payloads;
  }
}
