import { ValidateBy, type ValidationOptions } from 'class-validator';

const LABEL_KEY = /^[\w./-]{1,63}$/;

/** Labels are a flat map of short keys to strings, as in Pulp. */
export function IsLabels(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'isLabels',
    validator: {
      validate: (value: unknown) =>
        value !== null && typeof value === 'object' && !Array.isArray(value) &&
        Object.entries(value).every(([k, v]) => LABEL_KEY.test(k) && typeof v === 'string' && v.length <= 255),
      defaultMessage: () => 'labels must map keys of letters, digits and _ . / - (at most 63) to strings',
    },
  }, options);
}

/** A flat map of header names to values. */
export function IsHeaders(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'isHeaders',
    validator: {
      validate: (value: unknown) =>
        value !== null && typeof value === 'object' && !Array.isArray(value) &&
        Object.entries(value).every(([k, v]) => /^[!#$%&'*+.^_`|~\w-]+$/.test(k) && typeof v === 'string' && !/[\r\n]/.test(v)),
      defaultMessage: () => 'headers must map header names to single-line strings',
    },
  }, options);
}

const SEGMENT = /^[\w.~-]+$/;

/** A relative URL path of safe segments: no leading or trailing slash, no `.` or `..`. */
export function IsBasePath(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'isBasePath',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && value.length <= 255 &&
        value.split('/').every((s) => SEGMENT.test(s) && s !== '.' && s !== '..'),
      defaultMessage: () => 'basePath must be a relative path like "fedora/40" (letters, digits, _ . ~ -; no "..")',
    },
  }, options);
}
