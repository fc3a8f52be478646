// Paging, sorting and search-text fields shared by the contract's list methods.
import { z } from 'zod';

export const Page = {
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).max(100_000_000).optional(),
};
export const SortDir = z.enum(['asc', 'desc']).default('asc');
/** Search text as typed; it is matched word by word, each word as a prefix. */
export const SearchText = z.string().max(200, { message: 'must be at most 200 characters' }).optional();
