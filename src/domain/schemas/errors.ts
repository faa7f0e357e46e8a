import { z } from 'zod';
import { errorCodes } from '../errors.js';

export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;
