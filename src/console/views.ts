import { useEffect, useRef } from 'react';
import type { RefObject } from 'react';
import { api } from './api';

type ViewKind = 'proposal' | 'evidence';

const told = new Set<string>();

/**
 * Tells the API, once per page load, that the signed-in person opened a proposal or its evidence; the API
 * keeps only the first view anyway. A failed call is forgotten so the next render tries again.
 */
export function recordView(caseId: string, proposalId: string, what: ViewKind): void {
  const key = JSON.stringify([caseId, proposalId, what]);
  if (told.has(key)) return;
  told.add(key);
  api
    .POST('/v1/cases/{caseId}/proposals/{proposalId}/views', {
      params: { path: { caseId, proposalId } },
      body: { what },
    })
    .then((answer) => {
      if (!answer.response.ok) told.delete(key);
    })
    .catch(() => told.delete(key));
}

/**
 * Records a view of a proposal the caller may decide as soon as it is shown, and of its evidence once the
 * evidence list has been on screen: the four-eyes report measures decisions from these moments.
 */
export function useRecordedViews(
  caseId: string,
  proposalId: string,
  decides: boolean,
): RefObject<HTMLUListElement | null> {
  const evidence = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (decides) recordView(caseId, proposalId, 'proposal');
  }, [caseId, proposalId, decides]);
  useEffect(() => {
    const list = evidence.current;
    if (!decides || !list) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        recordView(caseId, proposalId, 'evidence');
        observer.disconnect();
      }
    });
    observer.observe(list);
    return () => observer.disconnect();
  }, [caseId, proposalId, decides]);
  return evidence;
}
