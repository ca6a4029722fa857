import { HttpStatus } from '@nestjs/common';

/** The one error body shape of the API (api.md, Errors). */
export interface HttpErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  correlationId?: string;
  [extra: string]: unknown;
}

export function errorName(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  if (!name) return 'Error';
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}
