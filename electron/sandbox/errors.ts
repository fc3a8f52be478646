// The sandbox's one error type: whatever a handler throws becomes Intercom's error.list answer,
// so validation code reads like the API's own rules.
export interface ApiErrorItem {
  code: string;
  message: string;
  field?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  item(): ApiErrorItem {
    return this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, field: this.field };
  }
}

export const badParam = (message: string, field?: string) => new ApiError(400, 'parameter_invalid', message, field);
export const missingParam = (message: string, field?: string) => new ApiError(400, 'parameter_not_found', message, field);
export const userNotFound = () => new ApiError(404, 'not_found', 'User Not Found');
export const companyNotFound = () => new ApiError(404, 'company_not_found', 'Company Not Found');
