import { z } from 'zod';
import { errorCodes } from '../errors.js';

export const ErrorCode = z
  .enum(errorCodes)
  .meta({ id: 'ErrorCode', description: 'stable machine word, e.g. separation_of_duties; a closed set' });
export type ErrorCode = z.infer<typeof ErrorCode>;
